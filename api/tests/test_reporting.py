"""/api/v1/report-figures/: the quarterly report's figures, for managers only, small numbers withheld."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import AccessLogEntry
from placements.models import PlacementStatus
from placements.tests.factories import PlacementFactory
from reporting.indicators import quarter_of

from .conftest import session_client, token_client

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def _started(n: int) -> None:
    start = TODAY.replace(day=1)
    for _ in range(n):
        PlacementFactory(
            status=PlacementStatus.ACTIVE,
            planned_start=start,
            planned_end=start + dt.timedelta(days=60),
            actual_start=start,
            participant__last_name="Anonymsson",
        )


def _indicator(body, code: str):
    return next(row for row in body["indicators"] if row["code"] == code)


def test_a_manager_gets_the_figures_and_no_names(manager) -> None:
    _started(6)
    response = token_client(manager).get("/api/v1/report-figures/")  # a BI tool on the manager's token
    assert response.status_code == 200
    body = response.json()
    assert (body["year"], body["quarter"]) == (TODAY.year, quarter_of(TODAY))
    started = _indicator(body, "placements-started")
    assert started["year_to_date"]["shown"] == 6 and started["year_to_date"]["numerator"] == 6
    assert "Anonymsson" not in response.content.decode()
    assert not AccessLogEntry.objects.exists()


def test_counts_under_five_are_withheld(manager) -> None:
    _started(3)
    body = session_client(manager).get("/api/v1/report-figures/").json()
    started = _indicator(body, "placements-started")
    assert started["year_to_date"] == {**started["year_to_date"], "shown": None, "numerator": None}


def test_another_year_and_quarter_and_bad_ones(manager) -> None:
    client = session_client(manager)
    body = client.get("/api/v1/report-figures/", {"year": 2025, "quarter": 2}).json()
    assert body["periods"]["quarter"] == {**body["periods"]["quarter"], "start": "2025-04-01", "end": "2025-06-30"}
    response = client.get("/api/v1/report-figures/", {"year": "x", "quarter": 7})  # type: ignore[arg-type]  # an int, as a client may send
    assert response.status_code == 400 and set(response.json()) == {"year", "quarter"}


@pytest.mark.parametrize("role", ["coordinator", "supervisor_user", "administrator"])
def test_only_managers_get_the_figures(request, role) -> None:
    assert session_client(request.getfixturevalue(role)).get("/api/v1/report-figures/").status_code == 403


def test_the_quarters_own_target_is_given_beside_the_years(manager) -> None:
    from decimal import Decimal

    from reporting.tests.factories import IndicatorFactory, TargetFactory

    indicator = IndicatorFactory(code="placements-started")
    TargetFactory(indicator=indicator, year=2025, target_value=Decimal("100"))
    TargetFactory(indicator=indicator, year=2025, quarter=2, target_value=Decimal("40"))
    body = session_client(manager).get("/api/v1/report-figures/", {"year": 2025, "quarter": 2}).json()
    started = _indicator(body, "placements-started")
    assert (started["target"], started["quarter_target"]) == (100.0, 40.0)
