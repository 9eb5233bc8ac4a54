"""Each indicator on a small hand-made data set whose right answer is worked out here."""

from __future__ import annotations

import datetime as dt

import pytest

from participants.models import Gender, TargetGroup
from participants.tests.factories import ParticipantFactory
from placements.models import Outcome, PlacementStatus
from placements.tests.factories import FollowUpFactory, LaterOutcomeFactory, PlacementFactory
from reporting.indicators import Period, breakdown, compute, follow_ups_on_time
from supervisors.tests.factories import EnrolmentFactory
from taxonomy.tests.factories import PlacementTypeFactory

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


def test_later_outcomes_and_the_share_recorded_as_at_the_period_end() -> None:
    """Ended 15, 20 and 25 April: their 90-day points are 14, 19 and 24 July, in Q3. By 30 September the
    first two have their 90-day outcome recorded (one in work), the third only on 5 October. So: in work
    or studies 1 of 2 recorded (50 %), recorded 2 of 3; the same when the quarter is read again later.
    A placement that ended in July has its 90-day point in October: not in Q3's figures."""
    good = _placement(dt.date(2026, 1, 10), dt.date(2026, 4, 15), PlacementStatus.COMPLETED, Outcome.STUDIES)
    bad = _placement(dt.date(2026, 1, 10), dt.date(2026, 4, 20), PlacementStatus.COMPLETED, Outcome.UNEMPLOYED)
    late = _placement(dt.date(2026, 1, 10), dt.date(2026, 4, 25), PlacementStatus.COMPLETED, Outcome.UNKNOWN)
    july = _placement(dt.date(2026, 3, 1), dt.date(2026, 7, 15), PlacementStatus.COMPLETED, Outcome.STUDIES)
    for placement, outcome, recorded_on in [
        (good, Outcome.EMPLOYMENT, dt.date(2026, 7, 20)),
        (bad, Outcome.UNEMPLOYED, dt.date(2026, 9, 1)),
        (late, Outcome.EMPLOYMENT, dt.date(2026, 10, 5)),
        (july, Outcome.EMPLOYMENT, dt.date(2026, 9, 30)),
    ]:
        LaterOutcomeFactory(placement=placement, days_after=90, outcome=outcome, recorded_on=recorded_on)
    for read_on in (dt.date(2026, 10, 1), dt.date(2026, 12, 1)):
        figures = compute(Q3.on(read_on))
        share = figures["later-outcome-90-share"]
        assert (share.numerator, share.denominator, share.value) == (1, 2, 50.0)
        recorded = figures["later-outcome-recorded-share"]
        assert (recorded.numerator, recorded.denominator) == (2, 3)
    # Read on 1 August, only the first point (14 July) had passed with its outcome recorded; the
    # others' points (19 and 24 July) had passed too, not yet recorded.
    early = compute(Q3.on(dt.date(2026, 8, 1)))["later-outcome-recorded-share"]
    assert (early.numerator, early.denominator) == (1, 3)


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
    figure = follow_ups_on_time(period.on(today))
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


def _newcomer(end: dt.date):
    person = ParticipantFactory(newcomer=True)
    person.residence_permit_date, person.establishment_programme_end = end - dt.timedelta(days=730), end
    person.save()
    return person


def test_newcomers_in_work_or_studies_after_the_programme() -> None:
    working = _newcomer(dt.date(2026, 8, 1))
    _placement(
        dt.date(2026, 3, 1), dt.date(2026, 6, 1), PlacementStatus.COMPLETED, Outcome.EMPLOYMENT, participant=working
    )
    _newcomer(dt.date(2026, 9, 1))  # no work or studies
    _newcomer(dt.date(2026, 11, 1))  # programme ends after the quarter
    figure = compute(Q3)["newcomers-work-or-studies-after-programme"]
    assert (figure.numerator, figure.denominator) == (1, 2)
    assert TargetGroup.NEWCOMER == "newcomer"


def test_a_newcomer_in_an_introduction_job_on_the_programmes_last_day_counts_after_the_job_ended() -> None:
    """The issue's case: the programme ended on 2 June 2026, the introduction job ran until 18 June. On
    2 June the person was in paid work, so Q2 counts 1 of 1, read on 1 July (job ended) as on 3 June
    (job running). A job that started after the last day, or ended before it, does not count."""
    job = PlacementTypeFactory(is_employment=True)
    person = _newcomer(dt.date(2026, 6, 2))
    _placement(
        dt.date(2026, 3, 1),
        dt.date(2026, 6, 18),
        PlacementStatus.COMPLETED,
        Outcome.EMPLOYMENT,
        participant=person,
        placement_type=job,
    )
    too_late = _newcomer(dt.date(2026, 5, 10))
    _placement(dt.date(2026, 5, 11), None, PlacementStatus.ACTIVE, participant=too_late, placement_type=job)
    ended_before = _newcomer(dt.date(2026, 5, 20))  # ended early, not in work or studies
    _placement(
        dt.date(2026, 3, 1),
        dt.date(2026, 5, 1),
        PlacementStatus.ENDED_EARLY,
        Outcome.UNEMPLOYED,
        participant=ended_before,
        placement_type=job,
    )
    q2 = Period.quarter(2026, 2)
    for read_on in (dt.date(2026, 6, 3), dt.date(2026, 7, 1), dt.date(2026, 12, 1)):
        figure = compute(q2.on(read_on))["newcomers-work-or-studies-after-programme"]
        assert (figure.numerator, figure.denominator) == (1, 3)


def test_people_in_municipal_measures_count_only_municipal_employers() -> None:
    from workplaces.models import OrganisationKind

    person = ParticipantFactory()
    _placement(dt.date(2026, 7, 1), None, PlacementStatus.ACTIVE, participant=person)  # a municipal department
    _placement(dt.date(2026, 8, 1), dt.date(2026, 9, 1), PlacementStatus.COMPLETED, participant=person)  # same person
    _placement(
        dt.date(2026, 7, 1), None, PlacementStatus.ACTIVE, need__workplace__organisation__kind=OrganisationKind.COMPANY
    )
    figures = compute(Q3)
    assert figures["people-in-measures"].value == 1  # the company's participant is not in municipal services
    assert figures["placements-active"].value == 3


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


def test_the_forecast_of_a_share_follows_the_trend_of_its_quarters() -> None:
    """The docstring's worked example, and its edges, by hand."""
    from reporting.indicators import Figure, forecast

    year = dt.date(2026, 1, 1)
    june_30 = dt.date(2026, 6, 30)  # two quarters gone
    q1, q2 = Figure(value=40.0, numerator=8, denominator=20), Figure(value=60.0, numerator=12, denominator=20)
    so_far = Figure(value=50.0, numerator=20, denominator=40)
    # The line through 40 % (Q1) and 60 % (Q2) reads 90 % in the middle of Q3-Q4; 40 cases to come,
    # 36 of them in work: (20 + 36) / (40 + 40) = 70 %.
    assert forecast(50.0, percent=True, start=year, today=june_30, so_far=so_far, quarters={1: q1, 2: q2}) == 70.0
    # A steeper line is held at 100 %: Q1 50 % (10 of 20), Q2 100 % (20 of 20); (30 + 40) / 80 = 87.5 %.
    steep = [Figure(value=50.0, numerator=10, denominator=20), Figure(value=100.0, numerator=20, denominator=20)]
    so_far_steep = Figure(value=75.0, numerator=30, denominator=40)
    assert (
        forecast(75.0, percent=True, start=year, today=june_30, so_far=so_far_steep, quarters=dict(enumerate(steep, 1)))
        == 87.5
    )
    # One quarter that may be shown (Q1 rests on 4 cases, published withheld): no trend, the share so far.
    few = [Figure(value=None, numerator=3, denominator=4), q2]
    so_far_few = Figure(value=62.5, numerator=15, denominator=24)
    assert (
        forecast(62.5, percent=True, start=year, today=june_30, so_far=so_far_few, quarters=dict(enumerate(few, 1)))
        == 62.5
    )
    # The year over: the year's share; withheld: nothing.
    december_31 = dt.date(2026, 12, 31)
    assert forecast(50.0, percent=True, start=year, today=december_31, so_far=so_far, quarters={1: q1, 2: q2}) == 50.0
    assert forecast(None, percent=True, start=year, today=june_30, so_far=so_far, quarters={1: q1, 2: q2}) is None
