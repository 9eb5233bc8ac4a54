"""Every API URL, read from the URL resolver (so a new endpoint is covered automatically),
refuses the roles it is not for: managers reach the report figures only (aggregates), supervisors
their own placements and follow-ups only, administrators (without superuser) no case files."""

from __future__ import annotations

import pytest
from django.urls import get_resolver

from tests.test_anonymous_access import _concrete, _walk

from .conftest import session_client

pytestmark = pytest.mark.django_db

OPEN_TO_ANY_SIGNED_IN = {"api:schema", "api:docs"}
FOR_ROLE = {
    "manager": {"api:report-figures"},
    "supervisor_user": {
        "api:portal-placement-list",
        "api:portal-placement-detail",
        "api:follow-up-list",
        "api:follow-up-detail",
    },
    "administrator": set(),
}
# The case journal answers every role that keeps none 404, as its pages do (api.journal).
NOT_FOUND_FOR_OTHERS = ("api:case-note-", "api:task-")


def _api_urls() -> list[tuple[str, str]]:
    return [(name, _concrete(route)) for name, route in _walk(get_resolver().url_patterns) if name.startswith("api:")]


@pytest.mark.parametrize("role", sorted(FOR_ROLE))
def test_each_role_is_refused_everything_not_meant_for_it(request, role) -> None:
    client = session_client(request.getfixturevalue(role))
    refused = 0
    for name, url in _api_urls():
        if name in OPEN_TO_ANY_SIGNED_IN or name in FOR_ROLE[role]:
            continue
        for method in (client.get, client.post):
            status = method(url).status_code
            expected = (404,) if name.startswith(NOT_FOUND_FOR_OTHERS) else (403, 405)
            assert status in expected, (role, name, url, method.__name__, status)
        refused += 1
    assert refused >= 15


@pytest.mark.parametrize("role", ["manager", "supervisor_user"])
def test_each_role_reaches_what_is_meant_for_it(request, role) -> None:
    client = session_client(request.getfixturevalue(role))
    lists = [(n, u) for n, u in _api_urls() if n in FOR_ROLE[role] and not n.endswith("-detail")]
    assert lists
    for name, url in lists:
        assert client.get(url).status_code == 200, (role, name)
