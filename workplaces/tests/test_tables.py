"""The need list's rows are written out in its own template (for speed); every cell must say exactly what
NeedTable's columns render, in their order."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory
from placements.tests.factories import PlacementFactory
from tests.table_cells import assert_rows_as_the_columns_render_them
from workplaces.models import NeedStatus
from workplaces.tests.factories import NeedFactory

pytestmark = pytest.mark.django_db


def test_each_cell_says_what_the_tables_columns_render() -> None:
    coordinator = CoordinatorFactory()
    # Every kind of cell: places taken and none, every status, markup in a title.
    taken = NeedFactory(places=3)
    PlacementFactory(need=taken, active=True)
    NeedFactory(status=NeedStatus.FILLED)
    NeedFactory(title="<script>alert(1)</script> & Co", status=NeedStatus.CLOSED)
    client = Client()
    client.force_login(coordinator)

    for query in ("", "?sort=-title", "?sort=occupation", "?status=open"):
        response = client.get(reverse("workplaces:need_list") + query)
        table = response.context["table"]
        assert len(table.paginated_rows) == (1 if query == "?status=open" else 3)
        links = assert_rows_as_the_columns_render_them(response.content.decode(), table)
        assert links == [reverse("workplaces:need_detail", args=[row.record.pk]) for row in table.paginated_rows]
    assert "<script>alert(1)</script>" not in client.get(reverse("workplaces:need_list")).content.decode()
