"""The one definition of what is taken in a period: the peak of placements held at the same time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from placements import occupancy
from placements.models import HOLD_VIEW_STATUSES, HOLDING_STATUSES, Placement, PlacementHold, PlacementStatus
from placements.tests.factories import PlacementFactory
from supervisors.models import Supervisor
from supervisors.tests.factories import SupervisorFactory
from workplaces.models import Need
from workplaces.tests.factories import NeedFactory

pytestmark = pytest.mark.django_db

D = dt.date


def _need(places: int = 1) -> Need:
    return NeedFactory(places=places, start_date=D(2026, 1, 1), end_date=D(2026, 12, 31))


def _hold(need: Need, start: dt.date, end: dt.date, status: str = PlacementStatus.AGREED, **kwargs: object) -> None:
    PlacementFactory(need=need, planned_start=start, planned_end=end, status=status, **kwargs)


def test_consecutive_placements_take_one_place_in_each_period() -> None:
    need = _need()
    supervisor = SupervisorFactory(workplace=need.workplace, max_participants=1)
    _hold(need, D(2026, 1, 1), D(2026, 3, 31), supervisor=supervisor)
    _hold(need, D(2026, 4, 1), D(2026, 6, 30), supervisor=supervisor)
    assert occupancy.places_taken(need=need, start=D(2026, 1, 1), end=D(2026, 12, 31)) == 1
    assert occupancy.places_taken(need=need, start=D(2026, 7, 1), end=D(2026, 12, 31)) == 0
    assert occupancy.supervisor_load(supervisor=supervisor, start=D(2026, 1, 1), end=D(2026, 12, 31)) == 1
    annotated = occupancy.with_places_taken(Need.objects.filter(pk=need.pk), start=D(2026, 1, 1), end=D(2026, 12, 31))
    assert (annotated.get().taken, annotated.get().free) == (1, 0)  # type: ignore[attr-defined]  # annotated
    loads = occupancy.with_load(Supervisor.objects.filter(pk=supervisor.pk), start=D(2026, 2, 1), end=D(2026, 5, 1))
    assert (loads.get().load, loads.get().room) == (1, 0)  # type: ignore[attr-defined]  # annotated


def test_overlapping_placements_add_up_and_the_peak_counts() -> None:
    need = _need(places=3)
    _hold(need, D(2026, 1, 1), D(2026, 3, 31))
    _hold(need, D(2026, 3, 1), D(2026, 5, 31), status=PlacementStatus.ACTIVE, actual_start=D(2026, 3, 1))
    _hold(need, D(2026, 5, 1), D(2026, 6, 30))
    _hold(need, D(2026, 2, 1), D(2026, 8, 1), status=PlacementStatus.PROPOSED)  # a proposal holds nothing
    _hold(need, D(2026, 2, 1), D(2026, 8, 1), status=PlacementStatus.CANCELLED)
    assert occupancy.places_taken(need=need, start=D(2026, 1, 1), end=D(2026, 12, 31)) == 2
    assert occupancy.places_taken(need=need, start=D(2026, 6, 1), end=D(2026, 12, 31)) == 1
    # The window's first day counts even when every placement started before it.
    assert occupancy.places_taken(need=need, start=D(2026, 3, 15), end=D(2026, 3, 16)) == 2


def test_an_active_placement_is_held_from_its_actual_start() -> None:
    need = _need()
    _hold(need, D(2026, 6, 1), D(2026, 8, 31), status=PlacementStatus.ACTIVE, actual_start=D(2026, 5, 1))
    assert occupancy.places_taken(need=need, start=D(2026, 5, 1), end=D(2026, 5, 10)) == 1
    assert occupancy.places_taken(need=need, start=D(2026, 4, 1), end=D(2026, 4, 30)) == 0


def test_the_placement_being_checked_is_left_out() -> None:
    need = _need()
    placement = PlacementFactory(
        need=need, planned_start=D(2026, 1, 1), planned_end=D(2026, 2, 1), status=PlacementStatus.AGREED
    )
    start, end = D(2026, 1, 1), D(2026, 2, 1)
    assert occupancy.places_taken(need=need, start=start, end=end) == 1
    assert occupancy.places_taken(need=need, start=start, end=end, exclude_pk=placement.pk) == 0
    assert occupancy.participant_busy(participant=placement.participant, start=start, end=end)
    assert not occupancy.participant_busy(
        participant=placement.participant, start=start, end=end, exclude_pk=placement.pk
    )


def test_a_needs_coming_period_starts_today() -> None:
    need = _need()
    _hold(need, D(2026, 1, 1), D(2026, 3, 31))
    _hold(need, D(2026, 2, 1), D(2026, 3, 31))
    rows = Need.objects.filter(pk=need.pk)
    assert occupancy.with_places_taken_coming(rows, today=D(2026, 1, 15)).get().taken == 2  # type: ignore[attr-defined]  # annotated
    assert occupancy.with_places_taken_coming(rows, today=D(2026, 4, 1)).get().taken == 0  # type: ignore[attr-defined]  # annotated


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    periods=st.lists(
        st.tuples(st.integers(0, 60), st.integers(1, 40), st.sampled_from(["agreed", "active", "proposed"])),
        max_size=6,
    ),
    window=st.tuples(st.integers(0, 70), st.integers(1, 50)),
)
def test_the_batched_peak_equals_the_sql_peak(periods, window) -> None:
    """`places_taken_in` (read once, counted in Python, for the ranking) equals the SQL `peak`."""
    with transaction.atomic():
        need = _need(places=9)
        base = D(2026, 1, 1)
        for offset, length, status in periods:
            start = base + dt.timedelta(days=offset)
            extra = {"actual_start": start} if status == "active" else {}
            _hold(need, start, start + dt.timedelta(days=length), status=status, **extra)
        start = base + dt.timedelta(days=window[0])
        end = start + dt.timedelta(days=window[1])
        expected = occupancy.places_taken(need=need, start=start, end=end)
        assert occupancy.places_taken_in({need.pk: (start, end)}) == {need.pk: expected}
        transaction.set_rollback(True)


def test_the_holds_view_shows_exactly_the_placements_of_the_hold_view_statuses() -> None:
    """Placements 0026 and 0027 froze the statuses in their SQL: they must stay HOLD_VIEW_STATUSES."""
    for status in PlacementStatus:
        started = status in ("active", "completed", "ended_early")
        PlacementFactory(status=status, actual_start=D(2026, 2, 2) if started else None)
    assert set(PlacementHold.objects.values_list("status", flat=True)) == set(HOLD_VIEW_STATUSES)
    assert set(HOLDING_STATUSES) < set(HOLD_VIEW_STATUSES)
    held = PlacementHold.objects.get(status=PlacementStatus.ACTIVE)
    placement = Placement.objects.get(pk=held.pk)
    assert (held.need_id, held.supervisor_id, held.planned_start, held.planned_end, held.actual_start) == (
        placement.need_id,
        placement.supervisor_id,
        placement.planned_start,
        placement.planned_end,
        placement.actual_start,
    )
