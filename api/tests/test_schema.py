"""The OpenAPI schema is generated without a warning and describes every endpoint; the docs page
loads Swagger UI from our own static files and runs under the CSP (no inline script or style)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from .conftest import session_client

pytestmark = pytest.mark.django_db


def test_the_schema_is_valid_and_warning_free(tmp_path: Path) -> None:
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    schema = (tmp_path / "schema.yml").read_text()
    for path in (
        "/api/v1/participants/{id}/reveal/",
        "/api/v1/needs/{id}/candidates/",
        "/api/v1/participants/{id}/needs/",
        "/api/v1/placements/{id}/end-early/",
        "/api/v1/report-figures/",
        "/api/v1/portal/placements/",
    ):
        assert f"  {path}:" in schema, path
    assert "tokenAuth" in schema and "cookieAuth" in schema


def test_the_schema_is_served_to_a_signed_in_user(coordinator) -> None:
    response = session_client(coordinator).get("/api/schema/")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def test_the_docs_page_runs_under_the_csp(coordinator) -> None:
    client = session_client(coordinator)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    page = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, flags=re.S)
    assert scripts and all('src="/' in attrs and not body.strip() for attrs, body in scripts)
    assert "<style" not in page and " style=" not in page
    for url in re.findall(r'(?:src|href)="(/[^"]+)"', page):
        assert client.get(url).status_code == 200, url
    script = client.get("/api/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()
    assert settings.STATIC_URL.strip("/") in page and "cdn" not in page.lower()
