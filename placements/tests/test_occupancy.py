"""The one definition of what is taken in a period: the peak of placements held at the same time."""

from __future__ import annotations

import datetime as dt

import pytest

from placements import occupancy
from placements.models import PlacementStatus
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
    assert (annotated.get().taken, annotated.get().free) == (1, 0)
    loads = occupancy.with_load(Supervisor.objects.filter(pk=supervisor.pk), start=D(2026, 2, 1), end=D(2026, 5, 1))
    assert (loads.get().load, loads.get().room) == (1, 0)


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
    period = {"start": D(2026, 1, 1), "end": D(2026, 2, 1)}
    assert occupancy.places_taken(need=need, **period) == 1
    assert occupancy.places_taken(need=need, exclude_pk=placement.pk, **period) == 0
    assert occupancy.participant_busy(participant=placement.participant, **period)
    assert not occupancy.participant_busy(participant=placement.participant, exclude_pk=placement.pk, **period)


def test_a_needs_coming_period_starts_today() -> None:
    need = _need()
    _hold(need, D(2026, 1, 1), D(2026, 3, 31))
    _hold(need, D(2026, 2, 1), D(2026, 3, 31))
    rows = Need.objects.filter(pk=need.pk)
    assert occupancy.with_places_taken_coming(rows, today=D(2026, 1, 15)).get().taken == 2
    assert occupancy.with_places_taken_coming(rows, today=D(2026, 4, 1)).get().taken == 0
