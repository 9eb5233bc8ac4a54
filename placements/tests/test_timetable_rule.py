"""The timetable rule (placements.rules, `timetable_clash`): a need's working hours must not overlap the
participant's study times, said as "krockar med SFI tisdag 08:30–12:00", and matching excludes the pair
with the same reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from accounts.tests.factories import CoordinatorFactory
from participants.models import StudyKind
from participants.tests.factories import ParticipantFactory, StudyTimeFactory
from placements import rules
from placements.matching import REASON_LABELS, rank_candidates, rank_needs
from placements.matching.allocation import best_allocation
from placements.matching.features import forget_features
from placements.matching.scoring import TIMETABLE
from supervisors.tests.factories import EnrolmentFactory, SupervisorFactory
from taxonomy.models import Weekday
from workplaces.tests.factories import NeedFactory, WorkingHoursFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


@pytest.fixture(autouse=True)
def _fresh_features():
    forget_features()
    yield
    forget_features()


def _pair():
    coordinator = CoordinatorFactory()
    participant = ParticipantFactory(team=coordinator.team, coordinator=coordinator)
    need = NeedFactory(places=1, start_date=TODAY + dt.timedelta(days=7), end_date=TODAY + dt.timedelta(days=70))
    supervisor = SupervisorFactory(workplace=need.workplace, max_participants=2)
    EnrolmentFactory(supervisor=supervisor, completed=True)
    return coordinator, participant, need


def _clash_problems(participant, need) -> list[rules.Problem]:
    placing = rules.default_placing(participant=participant, need=need, today=TODAY)
    return [p for p in rules.check(placing, stage=rules.Stage.PROPOSE) if p.code == "timetable_clash"]


def _study(participant, day: int, start: str, end: str, **kwargs) -> None:
    StudyTimeFactory(
        participant=participant,
        weekday=day,
        starts_at=dt.time.fromisoformat(start),
        ends_at=dt.time.fromisoformat(end),
        **kwargs,
    )


def _work(need, day: int, start: str, end: str) -> None:
    WorkingHoursFactory(
        need=need, weekday=day, starts_at=dt.time.fromisoformat(start), ends_at=dt.time.fromisoformat(end)
    )


def test_a_clash_is_said_with_the_kind_the_day_and_the_study_time_in_swedish() -> None:
    _coordinator, participant, need = _pair()
    _study(participant, Weekday.TUESDAY, "08:30", "12:00")
    _work(need, Weekday.TUESDAY, "08:00", "12:00")
    with translation.override("sv"):
        (problem,) = _clash_problems(participant, need)
    assert problem.message == "Behovets arbetstider krockar med SFI tisdag 08:30–12:00."
    assert "krockar med SFI tisdag 08:30–12:00" in problem.message
    assert problem.blocking and problem.field == "participant"


def test_every_clash_is_listed_in_the_order_of_the_week_and_other_studies_are_studies() -> None:
    _coordinator, participant, need = _pair()
    _study(participant, Weekday.WEDNESDAY, "13:00", "15:00", kind=StudyKind.OTHER, school="Komvux")
    _study(participant, Weekday.MONDAY, "08:30", "12:00")
    _study(participant, Weekday.FRIDAY, "08:30", "12:00")  # no working hours on Fridays
    for day in (Weekday.MONDAY, Weekday.WEDNESDAY):
        _work(need, day, "11:00", "14:00")
    with translation.override("sv"):
        (problem,) = _clash_problems(participant, need)
    assert problem.message == "Behovets arbetstider krockar med SFI måndag 08:30–12:00, studier onsdag 13:00–15:00."


@pytest.mark.parametrize(
    ("study", "work"),
    [
        (("08:30", "12:00"), ("12:00", "16:00")),  # work starts when the studies end
        (("13:00", "16:00"), ("09:00", "13:00")),  # the studies start when work ends
    ],
)
def test_touching_spans_do_not_clash(study, work) -> None:
    _coordinator, participant, need = _pair()
    _study(participant, Weekday.TUESDAY, *study)
    _work(need, Weekday.TUESDAY, *work)
    assert _clash_problems(participant, need) == []


def test_one_minute_of_overlap_clashes() -> None:
    _coordinator, participant, need = _pair()
    _study(participant, Weekday.TUESDAY, "08:30", "12:01")
    _work(need, Weekday.TUESDAY, "12:00", "16:00")
    assert len(_clash_problems(participant, need)) == 1


def test_the_same_hours_on_another_day_do_not_clash() -> None:
    _coordinator, participant, need = _pair()
    _study(participant, Weekday.TUESDAY, "08:30", "12:00")
    _work(need, Weekday.WEDNESDAY, "08:00", "12:00")
    assert _clash_problems(participant, need) == []


def test_a_need_without_working_hours_clashes_with_nothing() -> None:
    coordinator, participant, need = _pair()
    _study(participant, Weekday.TUESDAY, "08:00", "17:00")
    assert _clash_problems(participant, need) == []
    ranking = rank_candidates(need=need, user=coordinator)
    assert participant.pk in {c.participant.pk for c in ranking.candidates}


def test_a_clash_excludes_the_pair_in_the_ranking_with_its_reason_and_nowhere_else() -> None:
    coordinator, participant, need = _pair()
    free = ParticipantFactory(team=coordinator.team, coordinator=coordinator)
    _study(participant, Weekday.TUESDAY, "08:30", "12:00")
    _study(free, Weekday.TUESDAY, "08:30", "12:00")
    _work(need, Weekday.TUESDAY, "10:00", "14:00")
    other = NeedFactory(places=1, start_date=need.start_date, end_date=need.end_date)
    _work(other, Weekday.TUESDAY, "12:00", "16:00")
    EnrolmentFactory(supervisor=SupervisorFactory(workplace=other.workplace), completed=True)
    # `free` studies on Tuesdays too; a study time removed is seen by matching (the case file moves).
    free.study_times.all().delete()
    free.save()

    ranking = rank_candidates(need=need, user=coordinator)
    label = str(REASON_LABELS[TIMETABLE])
    # The excluded person's reason says which day, as the rule does; the count is by rule.
    said = "Behovets arbetstider krockar med SFI tisdag 08:30–12:00."
    assert participant.pk not in {c.participant.pk for c in ranking.candidates}
    assert {e.participant.pk: e.reasons for e in ranking.excluded}[participant.pk] == [said]
    assert (label, 1) in ranking.excluded_counts
    assert free.pk in {c.participant.pk for c in ranking.candidates}

    needs = rank_needs(participant=participant, user=coordinator)
    assert other.pk in {m.need.pk for m in needs.matches}
    assert {e.need.pk: e.reasons for e in needs.excluded}[need.pk] == [said]
    offered = {(p.participant.pk, p.need.pk) for p in best_allocation(user=coordinator)}
    assert (participant.pk, need.pk) not in offered
