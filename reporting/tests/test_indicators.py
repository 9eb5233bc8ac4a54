"""Each indicator on a small hand-made data set whose right answer is worked out here."""

from __future__ import annotations

import datetime as dt

import pytest

from participants.models import Gender, TargetGroup
from participants.tests.factories import ParticipantFactory
from placements.models import LaterOutcome, Outcome, PlacementStatus
from placements.tests.factories import FollowUpFactory, PlacementFactory
from reporting.indicators import Period, breakdown, compute, follow_ups_on_time
from supervisors.tests.factories import EnrolmentFactory

pytestmark = pytest.mark.django_db

Q3 = Period.quarter(2026, 3)  # 1 July – 30 September


def _placement(start: dt.date, end: dt.date | None, status: str, outcome: str = "", **extra):
    return PlacementFactory(
        status=status,
        planned_start=start,
        planned_end=(end or start + dt.timedelta(days=90)),
        actual_start=start,
        actual_end=end,
        outcome=outcome,
        **extra,
    )


def test_periods() -> None:
    assert (Q3.start, Q3.end) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert Period.quarter(2026, 4).end == dt.date(2026, 12, 31)
    assert Period.year_to_date(2026, 3).start == dt.date(2026, 1, 1)


def test_counts_of_placements_and_people() -> None:
    person = ParticipantFactory()
    _placement(
        dt.date(2026, 7, 10), dt.date(2026, 8, 20), PlacementStatus.COMPLETED, Outcome.EMPLOYMENT, participant=person
    )
    _placement(dt.date(2026, 8, 25), None, PlacementStatus.ACTIVE, participant=person)  # same person again
    _placement(dt.date(2026, 5, 2), dt.date(2026, 7, 5), PlacementStatus.ENDED_EARLY, Outcome.UNEMPLOYED)
    _placement(dt.date(2026, 10, 2), None, PlacementStatus.ACTIVE)  # after the quarter
    PlacementFactory(planned_start=dt.date(2026, 7, 3), planned_end=dt.date(2026, 9, 3))  # only proposed
    figures = compute(Q3)
    assert figures["placements-started"].value == 2
    assert figures["matched-per-year"].value == 1  # one person started twice
    assert figures["placements-active"].value == 3  # two started, one ran into July
    assert figures["people-in-measures"].value == 2
    assert figures["placements-completed"].value == 1
    share = figures["completed-work-or-studies-share"]
    assert (share.numerator, share.denominator, share.value) == (1, 2, 50.0)


def test_later_outcomes_and_the_share_recorded() -> None:
    good = _placement(dt.date(2026, 3, 1), dt.date(2026, 7, 15), PlacementStatus.COMPLETED, Outcome.STUDIES)
    bad = _placement(dt.date(2026, 3, 1), dt.date(2026, 7, 20), PlacementStatus.COMPLETED, Outcome.UNEMPLOYED)
    _placement(dt.date(2026, 3, 1), dt.date(2026, 7, 25), PlacementStatus.COMPLETED, Outcome.UNKNOWN)
    LaterOutcome.objects.create(
        placement=good, days_after=90, outcome=Outcome.EMPLOYMENT, recorded_on=dt.date(2026, 10, 20)
    )
    LaterOutcome.objects.create(
        placement=bad, days_after=90, outcome=Outcome.UNEMPLOYED, recorded_on=dt.date(2026, 10, 20)
    )
    figures = compute(Q3)
    assert figures["later-outcome-90-share"].value == 50.0
    recorded = figures["later-outcome-recorded-share"]
    assert (recorded.numerator, recorded.denominator) == (2, 3)


def test_trained_supervisor_share_counts_training_valid_at_the_start() -> None:
    trained = _placement(dt.date(2026, 7, 10), None, PlacementStatus.ACTIVE)
    EnrolmentFactory(
        completed=True,
        supervisor=trained.supervisor,
        completed_on=dt.date(2026, 1, 10),
        valid_until=dt.date(2029, 1, 10),
    )
    late = _placement(dt.date(2026, 7, 10), None, PlacementStatus.ACTIVE)
    EnrolmentFactory(  # trained only after the placement started
        completed=True, supervisor=late.supervisor, completed_on=dt.date(2026, 8, 10), valid_until=dt.date(2029, 8, 10)
    )
    figures = compute(Q3)
    assert (figures["trained-supervisor-share"].numerator, figures["trained-supervisor-share"].denominator) == (1, 2)
    assert figures["supervisors-trained"].value == 1  # one completed in the quarter


def test_follow_ups_on_time() -> None:
    placement = _placement(dt.date(2026, 7, 1), None, PlacementStatus.ACTIVE)
    FollowUpFactory(placement=placement, due_date=dt.date(2026, 7, 15), done_on=dt.date(2026, 7, 15))
    FollowUpFactory(placement=placement, due_date=dt.date(2026, 8, 3), done_on=dt.date(2026, 8, 10))  # a week late: ok
    FollowUpFactory(placement=placement, due_date=dt.date(2026, 8, 17), done_on=dt.date(2026, 9, 1))
    FollowUpFactory(placement=placement, due_date=dt.date(2026, 9, 14))  # never done
    figure = compute(Q3)["follow-ups-on-time-share"]
    assert (figure.numerator, figure.denominator, figure.value) == (2, 4, 50.0)


def _on_time(period: Period, today: dt.date) -> tuple[int, int]:
    figure = follow_ups_on_time(period, today=today)
    return figure.numerator, figure.denominator


def test_follow_ups_are_on_time_within_five_swedish_working_days_over_easter_and_christmas() -> None:
    """Worked by hand. Easter 2026: Good Friday 3 April, Easter Monday 6 April. Due Thursday 2 April,
    the five working days are 7, 8, 9, 10 and 13 April: done on the 13th is on time (seven calendar
    days would have said late), the 14th is late. Christmas 2026: due Wednesday 23 December, the days
    are 28, 29, 30 December (24, 25, 31 December and 1 January are holidays), 4 and 5 January 2027
    (6 January is Epiphany)."""
    placement = _placement(dt.date(2026, 3, 1), None, PlacementStatus.ACTIVE)
    FollowUpFactory(placement=placement, due_date=dt.date(2026, 4, 2), done_on=dt.date(2026, 4, 13))
    FollowUpFactory(placement=placement, due_date=dt.date(2026, 4, 2), done_on=dt.date(2026, 4, 14))
    assert _on_time(Period.quarter(2026, 2), today=dt.date(2026, 7, 1)) == (1, 2)
    christmas = Period(dt.date(2026, 12, 1), dt.date(2026, 12, 31), "December")
    FollowUpFactory(placement=placement, due_date=dt.date(2026, 12, 23), done_on=dt.date(2027, 1, 5))
    # On 31 December its days have not run out: pending, not late; as of the period's end, so the same later.
    assert _on_time(christmas, today=dt.date(2027, 2, 1)) == (0, 0)
    january = Period(dt.date(2026, 12, 1), dt.date(2027, 1, 31), "December-January")
    assert _on_time(january, today=dt.date(2027, 2, 1)) == (1, 1)


def test_a_follow_up_inside_its_window_on_the_report_day_is_pending_and_extra_ones_are_not_due() -> None:
    placement = _placement(dt.date(2026, 7, 1), None, PlacementStatus.ACTIVE)
    FollowUpFactory(placement=placement, due_date=dt.date(2026, 9, 28))  # Monday; its fifth working day is 5 October
    FollowUpFactory(placement=placement, due_date=dt.date(2026, 9, 1), done_on=dt.date(2026, 9, 1), scheduled=False)
    FollowUpFactory(placement=placement, due_date=dt.date(2026, 9, 7), done_on=dt.date(2026, 9, 8))
    assert _on_time(Q3, today=dt.date(2026, 9, 30)) == (1, 1)  # the pending one and the extra one are out
    # Regenerated later, the quarter is still counted as it stood on 30 September.
    assert _on_time(Q3, today=dt.date(2026, 12, 1)) == (1, 1)


def test_newcomers_in_work_or_studies_after_the_programme() -> None:
    def newcomer(end: dt.date):
        person = ParticipantFactory(newcomer=True)
        person.residence_permit_date, person.establishment_programme_end = end - dt.timedelta(days=730), end
        person.save()
        return person

    working = newcomer(dt.date(2026, 8, 1))
    _placement(
        dt.date(2026, 3, 1), dt.date(2026, 6, 1), PlacementStatus.COMPLETED, Outcome.EMPLOYMENT, participant=working
    )
    newcomer(dt.date(2026, 9, 1))  # no work or studies
    newcomer(dt.date(2026, 11, 1))  # programme ends after the quarter
    figure = compute(Q3)["newcomers-work-or-studies-after-programme"]
    assert (figure.numerator, figure.denominator) == (1, 2)
    assert TargetGroup.NEWCOMER == "newcomer"


def test_breakdowns_group_and_count_raw() -> None:
    for _ in range(5):
        _placement(dt.date(2026, 7, 10), None, PlacementStatus.ACTIVE, participant__gender=Gender.FEMALE)
    _placement(dt.date(2026, 7, 10), None, PlacementStatus.ACTIVE, participant__gender=Gender.MALE)
    rows = {row["key"]: row for row in breakdown(Q3, "gender")}
    assert rows["female"]["started"] == 5
    assert rows["male"]["started"] == 1  # raw: reporting.disclosure withholds it on the way out


def test_the_quarterly_series_and_the_forecast() -> None:
    from reporting.indicators import forecast, quarterly_series

    for day in range(5):
        _placement(dt.date(2026, 2, 1 + day), dt.date(2026, 8, 1 + day), PlacementStatus.COMPLETED, Outcome.STUDIES)
    for day in range(6):
        _placement(dt.date(2026, 8, 1 + day), None, PlacementStatus.ACTIVE)
    series = quarterly_series(2026)
    assert series["started"] == [5, 0, 6, 0]
    assert series["ended"] == [0, 0, 5, 0]
    assert series["work_or_studies"] == [0, 0, 5, 0]
    assert series["matched_cumulative"] == [5, 5, 11, 11]
    # Half the year gone (1 Jan - 2 Jul is 183 of 365 days): a count doubles, a share stays.
    assert forecast(50, percent=False, start=dt.date(2026, 1, 1), today=dt.date(2026, 7, 2)) == 100
    assert forecast(42.0, percent=True, start=dt.date(2026, 1, 1), today=dt.date(2026, 7, 2)) == 42.0
    assert forecast(None, percent=False, start=dt.date(2026, 1, 1), today=dt.date(2026, 7, 2)) is None


def test_people_who_left_social_assistance_by_referral_source() -> None:
    from participants.models import ReferralSource
    from reporting.indicators import left_social_assistance_by_source

    for _ in range(5):
        ParticipantFactory(
            referral_source=ReferralSource.SOCIAL_SERVICES, social_assistance_ended_on=dt.date(2026, 8, 1)
        )
    ParticipantFactory(
        referral_source=ReferralSource.EMPLOYMENT_SERVICE, social_assistance_ended_on=dt.date(2026, 8, 1)
    )
    ParticipantFactory(referral_source=ReferralSource.SOCIAL_SERVICES, social_assistance_ended_on=dt.date(2026, 5, 1))
    assert compute(Q3)["left-social-assistance"].value == 6
    rows = {row["key"]: row["left"] for row in left_social_assistance_by_source(Q3)}
    assert rows == {"social_services": 5, "employment_service": 1}  # raw, see reporting.disclosure
