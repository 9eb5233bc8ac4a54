"""Reads of needs: places taken, and lists that stay cheap on a register of thousands of needs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory
from placements import occupancy
from placements.models import PlacementStatus
from placements.tests.factories import PlacementFactory
from workplaces.selectors import need_list
from workplaces.tests.factories import NeedFactory

pytestmark = pytest.mark.django_db


def test_taken_counts_agreed_and_active_placements_only() -> None:
    need = NeedFactory(places=5)
    PlacementFactory(need=need, active=True)
    PlacementFactory(need=need, status=PlacementStatus.AGREED)
    PlacementFactory(need=need, status=PlacementStatus.PROPOSED)
    PlacementFactory(need=need, status=PlacementStatus.CANCELLED)
    empty = NeedFactory()
    needs = occupancy.with_places_taken_coming(need_list(user=CoordinatorFactory()), today=dt.date.today())
    taken = dict(needs.values_list("pk", "taken"))  # type: ignore[misc]  # taken is annotated by occupancy
    assert taken == {need.pk: 2, empty.pk: 0}


def test_a_page_of_the_need_list_neither_compares_whole_rows_nor_groups_the_register(client: Client) -> None:
    # Staff see the whole register: no DISTINCT over every column, and places taken are counted per
    # row of the page by a subquery, not by grouping all needs (the load test's slowest list).
    NeedFactory.create_batch(3)
    client.force_login(CoordinatorFactory())
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("workplaces:need_list"), {"status": "open"})
    assert response.status_code == 200
    outer = [query["sql"] for query in queries if 'FROM "workplaces_need"' in query["sql"]]
    assert len(outer) == 2  # the page and the paginator's count
    for sql in outer:
        assert not sql.startswith("SELECT DISTINCT")
        assert 'GROUP BY "workplaces_need"."id"' not in sql
