"""The participant list's rows are written out in its own template (for speed); every cell must say
exactly what ParticipantTable's columns render, in their order."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory
from participants.models import ParticipantStatus
from participants.tests.factories import ParticipantFactory
from taxonomy.tests.factories import JobTrackFactory
from tests.table_cells import assert_rows_as_the_columns_render_them

pytestmark = pytest.mark.django_db


def test_each_cell_says_what_the_tables_columns_render() -> None:
    coordinator = CoordinatorFactory()
    team = coordinator.team
    # Every kind of cell: with and without a job track, a programme end and a coordinator; markup in a name.
    ParticipantFactory(team=team, coordinator=coordinator, job_track=JobTrackFactory(), newcomer=True)
    ParticipantFactory(team=team, coordinator=None, status=ParticipantStatus.ON_HOLD)
    ParticipantFactory(team=team, coordinator=coordinator, first_name="<b>Ida</b>", last_name="O'Hara & Co")
    client = Client()
    client.force_login(coordinator)

    for sort in ("", "?sort=-name", "?sort=coordinator"):
        response = client.get(reverse("participants:list") + sort)
        table = response.context["table"]
        assert len(table.paginated_rows) == 3
        links = assert_rows_as_the_columns_render_them(response.content.decode(), table)
        assert links == [reverse("participants:detail", args=[row.record.pk]) for row in table.paginated_rows]
    assert "<b>Ida</b>" not in response.content.decode()  # escaped, as the columns escape it
