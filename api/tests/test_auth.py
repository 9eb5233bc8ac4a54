"""Authentication: tokens an administrator creates and revokes in the admin, the session with
CSRF for the browser, and what an anonymous, inactive or revoked client gets."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.tests.factories import CoordinatorFactory

from .conftest import session_client

pytestmark = pytest.mark.django_db


def test_an_administrator_creates_a_token_in_the_admin_and_it_works(superuser, coordinator, participant) -> None:
    admin = Client()  # the admin's own pages take form posts
    admin.force_login(superuser)
    assert admin.get(reverse("admin:authtoken_tokenproxy_changelist")).status_code == 200
    response = admin.post(reverse("admin:authtoken_tokenproxy_add"), {"user": coordinator.pk})
    assert response.status_code == 302, response.content.decode()[:500]
    key = Token.objects.get(user=coordinator).key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(f"/api/v1/participants/{participant.pk}/").status_code == 200
    assert key[:8] in admin.get(reverse("admin:authtoken_tokenproxy_changelist")).content.decode()


def test_a_revoked_token_is_refused_with_401(coordinator) -> None:
    token = Token.objects.create(user=coordinator)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/v1/needs/").status_code == 200
    token.delete()  # what "delete" on the token in the admin does
    response = client.get("/api/v1/needs/")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"


def test_a_deactivated_users_token_is_refused(coordinator) -> None:
    token = Token.objects.create(user=coordinator)
    coordinator.is_active = False
    coordinator.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/v1/needs/").status_code == 401


def test_a_made_up_token_is_refused(coordinator) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert client.get("/api/v1/needs/").status_code == 401


def test_the_session_needs_the_csrf_token_for_writes(coordinator) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(coordinator)
    assert client.get("/api/v1/organisations/").status_code == 200
    response = client.post("/api/v1/organisations/", {"name": "Arenabyn", "kind": "company"}, format="json")
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    client.get(reverse("login"))  # a page sets the CSRF cookie, as in the browser
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/api/v1/organisations/", {"name": "Arenabyn", "kind": "company"}, format="json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 201


def test_a_token_needs_no_csrf_token(coordinator) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=coordinator).key}")
    response = client.post("/api/v1/organisations/", {"name": "Arenabyn", "kind": "company"}, format="json")
    assert response.status_code == 201


def test_anonymous_clients_get_401_not_a_login_redirect() -> None:
    client = APIClient()
    for url in ("/api/v1/participants/", "/api/v1/report-figures/", "/api/schema/", "/api/docs/"):
        response = client.get(url)
        assert response.status_code == 401, url


def test_a_user_without_a_role_gets_403() -> None:
    user = CoordinatorFactory(role=None)
    user.groups.clear()
    assert session_client(user).get("/api/v1/needs/").status_code == 403
