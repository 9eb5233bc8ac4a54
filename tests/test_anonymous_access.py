"""Anonymous users reach only an explicit allow-list; every other URL pattern, read from the URL
resolver (so a new page is covered automatically), sends them to the login page. The API
(/api/...) is for programs, which cannot follow a login redirect: it answers them 401 (or 403)
in JSON, never data."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

# Pages anyone may open: logging in and recovering a password, the health check for load
# balancers, the language switch, a supervisor's signed follow-up link, and the accessibility
# statement (the law requires it to be public).
ALLOWED = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "password_choose",
    "healthz",
    "set_language",
    "follow_up_link",
    "signing_link",  # a personal link to sign an agreement: the signed token is the key
    "signing_link_document",
    "accessibility",
    "calendar_feed",  # a coordinator's calendar feed: the secret URL is the key, for calendar apps
}


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # Django's admin has its own login, tested by Django
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace or namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), prefix + str(entry.pattern)


def _concrete(route: str) -> str:
    """A URL for a route pattern, with 1 for numbers and 'x' for other parameters (also for the
    regular-expression groups of the API router's patterns)."""
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: "1" if m[1] == "pk" else "x", route)
    route = route.replace("\\Z", "").replace("^", "").replace("$", "")
    route = re.sub(r"<int:\w+>", "1", route)
    route = re.sub(r"<(?:\w+:)?\w+>", "x", route)
    return "/" + route


def test_every_page_outside_the_allow_list_asks_anonymous_users_to_log_in(client: Client) -> None:
    checked = 0
    for name, route in _walk(get_resolver().url_patterns):
        url = _concrete(route)
        if name in ALLOWED or name.startswith("api:"):
            continue
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, (name, url, method.__name__, response.status_code)
            assert response["Location"].startswith(reverse("login")), (name, url)
        checked += 1
    assert checked >= 40  # the walk found the pages (50 when this was written)


def test_every_api_url_answers_anonymous_clients_401_without_data(client: Client) -> None:
    checked = 0
    for name, route in _walk(get_resolver().url_patterns):
        if not name.startswith("api:"):
            continue
        url = _concrete(route)
        for method in (client.get, client.post, client.put, client.patch):
            response = method(url)
            if method is not client.get and response.status_code == 405:
                continue  # a read-only endpoint: no such method for anyone
            assert response.status_code == 401, (name, url, method.__name__, response.status_code)
            if "json" in response["Content-Type"]:
                assert set(response.json()) == {"detail"}, (name, url)
            else:  # the docs page (HTML) refuses with a bare error page
                assert name == "api:docs" and b"swagger" not in response.content.lower(), (name, url)
            assert response["WWW-Authenticate"] == "Token"
        checked += 1
    assert checked >= 15  # the walk found the API (20 when this was written)


def test_the_allowed_pages_open_without_login(client: Client) -> None:
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("password_reset")).status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/f/not-a-token/").status_code == 410
    assert client.get(reverse("accessibility")).status_code == 200
