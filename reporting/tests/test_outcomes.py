"""The measures defined as Kolada's KPIs (reporting/outcomes.py), each against a hand-worked answer.

2025 Q2 (1 April – 30 June). Kolada U40455 counts people who left the unit, once each; work is regular
or subsidised employment of at least a month (not a municipal labour-market job), studies those that
qualify for student aid; an exit recorded after the period's end is not known at its end.
"""

from __future__ import annotations

import datetime as dt

import pytest

from participants.models import ExitReason, TargetGroup, WorkLength
from participants.tests.factories import ExitFactory, ParticipantFactory, ProgrammeStatusFactory
from reporting.indicators import INDICATORS, STANDARD, Period
from reporting.outcomes import (
    exits_by_reason,
    exits_people,
    exits_studies,
    exits_work,
    exits_work_or_studies,
    newcomers_work_or_studies_90_days,
    programme_status_missing,
)

pytestmark = pytest.mark.django_db

Q2 = Period.quarter(2025, 2)
MONTH = WorkLength.MONTH_OR_MORE


def _left(day: dt.date, reason: str, *, length: str = "", aid: bool | None = None, recorded: dt.date | None = None):
    return ExitFactory(
        left_on=day,
        reason=reason,
        work_length=length,
        student_aid=aid,
        recorded_on=recorded or day,
        participant__referral_date=dt.date(2024, 9, 1),
    )


@pytest.fixture
def exits() -> None:
    _left(dt.date(2025, 4, 10), ExitReason.WORK_REGULAR, length=MONTH)  # A: work
    _left(dt.date(2025, 5, 2), ExitReason.WORK_SUBSIDISED, length=MONTH)  # B: work (anställningsstöd)
    _left(dt.date(2025, 5, 5), ExitReason.WORK_SUBSIDISED, length=WorkLength.UNDER_A_MONTH)  # C: two weeks: no
    _left(dt.date(2025, 5, 6), ExitReason.WORK_MUNICIPAL, length=MONTH)  # D: extratjänst: not work here
    _left(dt.date(2025, 5, 20), ExitReason.STUDIES, aid=True)  # E: studies with student aid
    _left(dt.date(2025, 6, 2), ExitReason.STUDIES, aid=False)  # F: studies without student aid: no
    _left(dt.date(2025, 6, 3), ExitReason.MOVED)  # G: moved
    _left(dt.date(2025, 3, 31), ExitReason.WORK_REGULAR, length=MONTH)  # H: the quarter before
    # I: left in the period, but recorded only after its end
    _left(dt.date(2025, 6, 20), ExitReason.WORK_REGULAR, length=MONTH, recorded=dt.date(2025, 7, 5))
    # J: left twice in the period, the second time for work: one person, in work
    j = _left(dt.date(2025, 4, 5), ExitReason.NO_CONTACT)
    ExitFactory(
        participant=j.participant, left_on=dt.date(2025, 6, 1), reason=ExitReason.WORK_REGULAR, work_length=MONTH
    )


def test_the_share_who_left_for_work_or_studies_counts_people_as_kolada_does(exits) -> None:
    # Left in the period and known at its end: A B C D E F G J = 8; in work or studies: A B E J = 4.
    figure = exits_work_or_studies(Q2)
    assert (figure.numerator, figure.denominator, figure.value) == (4, 8, 50.0)


def test_work_and_studies_apart_and_the_people_who_left(exits) -> None:
    assert (exits_work(Q2).numerator, exits_work(Q2).denominator) == (3, 8)  # A B J
    assert exits_work(Q2).value == 37.5
    assert (exits_studies(Q2).numerator, exits_studies(Q2).value) == (1, 12.5)  # E
    assert exits_people(Q2).value == 8


def test_a_subsidised_job_of_two_weeks_and_studies_without_student_aid_do_not_count() -> None:
    _left(dt.date(2025, 5, 5), ExitReason.WORK_SUBSIDISED, length=WorkLength.UNDER_A_MONTH)
    _left(dt.date(2025, 6, 2), ExitReason.STUDIES, aid=False)
    _left(dt.date(2025, 6, 3), ExitReason.WORK_MUNICIPAL, length=MONTH)
    figure = exits_work_or_studies(Q2)
    assert (figure.numerator, figure.denominator, figure.value) == (0, 3, 0.0)


def test_an_exit_recorded_after_the_period_counts_in_a_later_regeneration_only() -> None:
    _left(dt.date(2025, 6, 20), ExitReason.WORK_REGULAR, length=MONTH, recorded=dt.date(2025, 7, 5))
    assert exits_people(Q2).value == 0
    assert exits_people(Period.year_to_date(2025, 3)).value == 1


def test_the_exits_by_reason_count_people(exits) -> None:
    rows: dict[object, int] = {row["key"]: int(str(row["people"])) for row in exits_by_reason(Q2)}
    assert rows[ExitReason.WORK_REGULAR] == 2  # A and J
    assert rows[ExitReason.STUDIES] == 2 and rows[ExitReason.NO_CONTACT] == 1
    assert sum(rows.values()) == 9  # J is under two reasons


def _status(end: dt.date, reason: str, *, length: str = "", aid: bool | None = None, recorded: dt.date | None = None):
    return ProgrammeStatusFactory(
        participant__residence_permit_date=end - dt.timedelta(days=730),
        participant__establishment_programme_end=end,
        participant__referral_date=end - dt.timedelta(days=600),
        reason=reason,
        work_length=length,
        student_aid=aid,
        recorded_on=recorded or end + dt.timedelta(days=95),
    )


def test_newcomers_in_work_or_studies_90_days_after_the_programme() -> None:
    # Their 90 days ran out in Q2: programmes that ended 1 January – 1 April 2025.
    _status(dt.date(2025, 1, 15), ExitReason.WORK_MUNICIPAL, length=MONTH)  # extratjänst: work for AF
    _status(dt.date(2025, 2, 1), ExitReason.STUDIES, aid=True)
    _status(dt.date(2025, 2, 10), ExitReason.WORK_SUBSIDISED, length=WorkLength.UNDER_A_MONTH)  # work that day
    _status(dt.date(2025, 3, 1), ExitReason.STUDIES, aid=False)  # not regular education
    _status(dt.date(2025, 3, 15), ExitReason.NO_CONTACT)
    _status(dt.date(2024, 12, 31), ExitReason.WORK_REGULAR, length=MONTH)  # 90 days ran out in Q1
    _status(dt.date(2025, 3, 20), ExitReason.WORK_REGULAR, length=MONTH, recorded=dt.date(2025, 7, 10))  # too late
    young = _status(dt.date(2025, 2, 1), ExitReason.WORK_REGULAR, length=MONTH)
    young.participant.target_group = TargetGroup.YOUTH
    young.participant.save()
    ParticipantFactory(  # no status recorded
        newcomer=True,
        residence_permit_date=dt.date(2023, 2, 20),
        establishment_programme_end=dt.date(2025, 2, 20),
        referral_date=dt.date(2023, 6, 1),
    )
    figure = newcomers_work_or_studies_90_days(Q2)
    assert (figure.numerator, figure.denominator, figure.value) == (3, 5, 60.0)
    # Left out of the share: the one never recorded and the one recorded after the quarter.
    assert programme_status_missing(Q2).value == 2


def test_the_kolada_measures_are_listed_after_the_others_with_a_definition() -> None:
    codes = list(INDICATORS)
    kolada = [code for code in codes if code.startswith("kolada-")]
    assert kolada == codes[-len(kolada) :] and len(kolada) == 5
    assert list(STANDARD)[-len(kolada) :] == kolada
    assert INDICATORS["kolada-exits-work-or-studies-share"] is exits_work_or_studies
