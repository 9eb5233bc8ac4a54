"""The follow-up schedule, on working days, and logging a follow-up with its rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accounts.municipal_settings import follow_up_schedule_parse
from placements.follow_ups import due_dates
from placements.models import FollowUp
from placements.services import follow_up_log, placement_activate, placement_agree
from placements.tests.factories import FollowUpFactory, PlacementFactory, with_signatures

TODAY = dt.date.today()
DEFAULT = follow_up_schedule_parse("14d, mid, end")


def test_the_default_schedule_is_two_weeks_midpoint_and_end() -> None:
    start, end = dt.date(2026, 9, 7), dt.date(2026, 11, 27)  # a Monday, twelve weeks
    assert due_dates(start, end, DEFAULT) == [
        dt.date(2026, 9, 21),
        dt.date(2026, 10, 19),
        dt.date(2026, 11, 27),
    ]


def test_due_dates_move_off_holidays_and_weekends() -> None:
    start = dt.date(2026, 6, 5)  # 14 days later is midsummer eve
    dates = due_dates(start, dt.date(2026, 8, 30), follow_up_schedule_parse("14d, end"))  # 30 August is a Sunday
    assert dates == [dt.date(2026, 6, 22), dt.date(2026, 8, 28)]


def test_a_short_placement_gets_no_date_after_its_end_and_no_duplicates() -> None:
    start, end = dt.date(2026, 9, 7), dt.date(2026, 9, 11)
    assert due_dates(start, end, DEFAULT) == [dt.date(2026, 9, 9), dt.date(2026, 9, 11)]


def test_an_unreadable_schedule_is_refused() -> None:
    with pytest.raises(ValidationError):
        follow_up_schedule_parse(["fortnightly"])


@pytest.mark.django_db
def test_starting_a_placement_schedules_its_follow_ups() -> None:
    placement = PlacementFactory(
        need__start_date=TODAY, need__end_date=TODAY + dt.timedelta(weeks=12), planned_start=TODAY
    )
    placement_agree(placement=with_signatures(placement), by=None)
    placement_activate(placement=placement, by=None, on=TODAY)
    dates = list(placement.follow_ups.values_list("due_date", flat=True))
    assert dates == due_dates(TODAY, placement.planned_end, DEFAULT)
    assert len(dates) == 3


@pytest.mark.django_db
def test_a_follow_up_is_logged_against_the_one_due() -> None:
    follow_up = FollowUpFactory()
    logged = follow_up_log(
        placement=follow_up.placement,
        follow_up=follow_up,
        by=None,
        done_on=TODAY,
        days_present=9,
        days_absent=1,
        progress_work=4,
        progress_swedish=3,
        progress_cooperation=5,
        concern=True,
        concern_text="Kommer ofta sent",
        next_steps="Trepartssamtal",
    )
    assert logged.pk == follow_up.pk and logged.done_on == TODAY and logged.concern
    with pytest.raises(ValidationError) as excinfo:
        follow_up_log(placement=follow_up.placement, follow_up=follow_up, by=None, done_on=TODAY)
    assert excinfo.value.code == "already_logged"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("done_on", "fields", "field"),
    [
        (TODAY + dt.timedelta(days=1), {}, "done_on"),
        (TODAY - dt.timedelta(days=60), {}, "done_on"),
        (TODAY, {"progress_work": 6}, "progress_work"),
        (TODAY, {"progress_swedish": 0}, "progress_swedish"),
        (TODAY, {"concern": True, "concern_text": ""}, "concern_text"),
    ],
)
def test_bad_follow_ups_are_refused_and_nothing_is_saved(done_on: dt.date, fields: dict, field: str) -> None:
    placement = PlacementFactory(active=True)
    with pytest.raises(ValidationError) as excinfo:
        follow_up_log(placement=placement, by=None, done_on=done_on, **fields)
    assert field in excinfo.value.message_dict
    assert not FollowUp.objects.exists()


@pytest.mark.django_db
def test_a_placement_that_has_not_started_takes_no_follow_up() -> None:
    with pytest.raises(ValidationError) as excinfo:
        follow_up_log(placement=PlacementFactory(), by=None, done_on=TODAY)
    assert excinfo.value.code == "not_started"
