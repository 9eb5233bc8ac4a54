"""One client calling the API too fast is told to wait (429 with Retry-After); others are not affected."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import session_client, token_client

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["default", "throttle"])
def throttle_cache(request, settings) -> str:
    """Each test with the cache Redis stands for (`default`) and with the database cache that counts
    without Redis (`throttle`)."""
    settings.API_THROTTLE_CACHE = request.param
    return request.param


def test_without_redis_a_call_costs_a_few_small_queries_for_the_ceiling(settings, coordinator) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = session_client(coordinator)
    client.get("/api/v1/needs/")
    counts = {}
    for alias in ("default", "throttle"):
        settings.API_THROTTLE_CACHE = alias
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/needs/").status_code == 200
        counts[alias] = len(captured)
    # A read and a write of the count; in a test, inside savepoints that a request outside one does not make.
    assert counts["throttle"] - counts["default"] <= 6, counts


@pytest.mark.usefixtures("throttle_cache")
def test_the_request_over_the_rate_is_refused_with_429_and_a_translated_reason(
    settings, coordinator, other_coordinator
) -> None:
    settings.API_THROTTLE_RATE = "3/min"
    client = token_client(coordinator)
    assert [client.get("/api/v1/needs/").status_code for _ in range(3)] == [200, 200, 200]

    response = client.get("/api/v1/needs/")

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert response.json()["detail"] == f"För många anrop. Försök igen om {response['Retry-After']} sekunder."
    # Counted per user: another coordinator still gets through.
    assert token_client(other_coordinator).get("/api/v1/needs/").status_code == 200


@pytest.mark.usefixtures("throttle_cache")
def test_a_browser_session_counts_for_its_user_too(settings, coordinator) -> None:
    settings.API_THROTTLE_RATE = "2/min"
    client = session_client(coordinator)
    assert [client.get("/api/v1/needs/").status_code for _ in range(3)] == [200, 200, 429]


@pytest.mark.usefixtures("throttle_cache")
def test_an_empty_rate_means_no_ceiling(settings, coordinator) -> None:
    settings.API_THROTTLE_RATE = ""
    client = token_client(coordinator)
    assert {client.get("/api/v1/needs/").status_code for _ in range(30)} == {200}


# A web worker's view of the ceiling: how many of `n` calls of user 7 it lets through, as 1s and 0s.
WORKER = """
import sys, types
import django
django.setup()
from api.throttling import ClientRateThrottle
request = types.SimpleNamespace(user=types.SimpleNamespace(is_authenticated=True, pk=7))
print(" ".join("1" if ClientRateThrottle().allow_request(request, None) else "0" for _ in range(int(sys.argv[1]))))
"""


def test_the_ceiling_counts_across_worker_processes_without_redis(tmp_path) -> None:
    """Two processes, as two gunicorn workers on a machine without Redis, share one count: the
    table `migrate` made in their shared database. (A per-process memory cache let each worker
    allow the whole rate.)"""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "",
        "API_THROTTLE_RATE": "3/min",
    }
    root = Path(__file__).resolve().parents[2]

    def run(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, *args], env=env, cwd=root, capture_output=True, text=True, timeout=120, check=True
        )
        return done.stdout.strip()

    run("manage.py", "migrate", "--noinput", "-v", "0")
    assert run("-c", WORKER, "2") == "1 1"
    assert run("-c", WORKER, "2") == "1 0"  # the other worker sees the first one's two calls
