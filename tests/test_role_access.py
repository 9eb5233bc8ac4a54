"""Managers reach aggregates only: every page of the case-file apps answers them 404 (405 for a
POST-only page). Coordinators and supervisors get 404 from the managers' pages. The URL patterns
come from the resolver, so a new page is covered automatically."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.tests.factories import CoordinatorFactory, ManagerFactory, SupervisorUserFactory

pytestmark = pytest.mark.django_db

CASE_FILE_APPS = ("participants", "placements", "workplaces", "supervisors", "privacy")


def _urls(namespaces: tuple[str, ...]) -> list[tuple[str, str]]:
    found = []
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace in namespaces:
            for pattern in entry.url_patterns:
                if isinstance(pattern, URLPattern):
                    route = str(entry.pattern) + str(pattern.pattern)
                    route = re.sub(r"<int:\w+>", "1", route.replace("\\Z", "").lstrip("^").rstrip("$"))
                    route = re.sub(r"<(?:\w+:)?\w+>", "x", route)
                    found.append((f"{entry.namespace}:{pattern.name}", "/" + route))
    return found


def _assert_refused(client: Client, urls: list[tuple[str, str]]) -> None:
    assert urls
    for name, url in urls:
        for method in (client.get, client.post):
            status = method(url).status_code
            assert status in (404, 405), (name, url, method.__name__, status)


def test_managers_get_nothing_from_the_case_file_apps(client: Client) -> None:
    client.force_login(ManagerFactory())
    _assert_refused(client, _urls(CASE_FILE_APPS))


@pytest.mark.parametrize("make_user", [CoordinatorFactory, SupervisorUserFactory], ids=["coordinator", "supervisor"])
def test_only_managers_reach_the_reporting_pages(client: Client, make_user) -> None:
    client.force_login(make_user())
    _assert_refused(client, _urls(("reporting",)))
