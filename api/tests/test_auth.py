"""Authentication: tokens of integration users (accounts.tokens), stored hashed and shown once; the
session with CSRF for the browser; and what an anonymous, inactive or revoked client gets."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.services import api_token_revoke, user_log_out_everywhere
from accounts.tests.factories import CoordinatorFactory, IntegrationUserFactory, api_key_for
from accounts.tokens import key_hash

from .conftest import session_client

pytestmark = pytest.mark.django_db


def _token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_superuser_creates_a_token_in_the_admin_it_is_shown_once_and_works(
    superuser, coordinator, participant
) -> None:
    coordinator.is_integration = True  # a referral import acting with the coordinator's role
    coordinator.save()
    admin = Client()
    admin.force_login(superuser)
    response = admin.post(reverse("admin:accounts_apitoken_add"), {"user": coordinator.pk, "name": "Anvisningar"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    key = re.search(r'<code id="api-token-key">([^<]+)</code>', response.content.decode()).group(1)
    token = ApiToken.objects.get(user=coordinator)
    assert token.key_hash == key_hash(key) and key not in str(ApiToken.objects.values_list())
    assert _token(key).get(f"/api/v1/participants/{participant.pk}/").status_code == 200
    listing = admin.get(reverse("admin:accounts_apitoken_changelist")).content.decode()
    assert token.prefix in listing and key not in listing
    assert key not in admin.get(reverse("admin:accounts_apitoken_change", args=[token.pk])).content.decode()


def test_a_revoked_token_is_refused_with_401(superuser) -> None:
    user = IntegrationUserFactory()
    client = _token(api_key_for(user))
    assert client.get("/api/v1/needs/").status_code == 403  # known, but the user has no role
    api_token_revoke(token=user.api_tokens.get(), by=superuser)
    response = client.get("/api/v1/needs/")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"


def test_log_out_everywhere_revokes_the_tokens_too(coordinator) -> None:
    client = _token(api_key_for(coordinator))
    assert client.get("/api/v1/needs/").status_code == 200
    user_log_out_everywhere(user=coordinator)
    assert client.get("/api/v1/needs/").status_code == 401
    assert coordinator.api_tokens.filter(revoked_at__isnull=True).count() == 0


def test_a_deactivated_users_token_is_refused(coordinator) -> None:
    key = api_key_for(coordinator)
    coordinator.is_active = False
    coordinator.save()
    assert _token(key).get("/api/v1/needs/").status_code == 401


def test_a_made_up_token_is_refused(coordinator) -> None:
    assert _token("0" * 40).get("/api/v1/needs/").status_code == 401


def test_the_last_use_is_recorded(coordinator) -> None:
    key = api_key_for(coordinator)
    _token(key).get("/api/v1/needs/")
    assert coordinator.api_tokens.get().last_used_at is not None


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
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(coordinator)}")
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
