"""Every path that places a person asks placements.rules, and they refuse alike.

For each rule, a world where that rule alone is broken, and every path that can meet it: the
ranking (the excluded, with the rule's label), the allocation (the pair is not offered), the
propose form and the propose service (the rule's reason code), one click from a ranking (the dialog
with the code), agreeing and starting a placement made before the rule broke (the code), and the
API (the rule's message). A rule that does not apply on a path is left out there by its stage:
prerequisites are a warning when proposing and block agreeing; the decision reference and the
supervisor are not a ranking's business.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.tests.factories import CoordinatorFactory
from participants.models import ParticipantStatus, RecordsExtractScope
from participants.tests.factories import ParticipantFactory, RecordsExtractCheckFactory, StudyTimeFactory
from placements import rules
from placements.forms import ProposeForm
from placements.matching import REASON_LABELS, rank_candidates
from placements.matching.allocation import best_allocation
from placements.matching.features import forget_features
from placements.matching.scoring import CODES
from placements.models import Placement, PlacementStatus
from placements.rules import error_codes
from placements.services import placement_activate, placement_agree, placement_propose
from placements.tests.factories import PlacementFactory, with_signatures
from supervisors.tests.factories import EnrolmentFactory, SupervisorFactory
from taxonomy.models import SwedishLevel
from taxonomy.tests.factories import PlacementTypeFactory, PrerequisiteFactory
from workplaces.models import RecordsExtractRequirement
from workplaces.tests.factories import NeedFactory, WorkingHoursFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


@dataclass
class World:
    coordinator: Any
    need: Any
    supervisor: Any
    participant: Any

    def placing_data(self) -> dict[str, Any]:
        start, end = rules.default_period(self.need, TODAY)
        return {
            "participant": self.participant,
            "need": self.need,
            "supervisor": self.supervisor,
            "start": start,
            "end": end,
            "hours_per_day": self.need.hours_per_day,
            "decision_reference": "",
        }


def _world() -> World:
    coordinator = CoordinatorFactory()
    need = NeedFactory(
        places=1,
        start_date=TODAY + dt.timedelta(days=7),
        end_date=TODAY + dt.timedelta(days=70),
        placement_type=PlacementTypeFactory(max_weeks=26),
    )
    supervisor = SupervisorFactory(workplace=need.workplace, max_participants=1)
    EnrolmentFactory(supervisor=supervisor, completed=True)
    participant = ParticipantFactory(team=coordinator.team, coordinator=coordinator)
    return World(coordinator=coordinator, need=need, supervisor=supervisor, participant=participant)


def _occupy(world: World) -> None:
    PlacementFactory(need=world.need, status=PlacementStatus.AGREED)


def _busy(world: World) -> None:
    PlacementFactory(
        participant=world.participant,
        status=PlacementStatus.AGREED,
        planned_start=world.need.start_date,
        planned_end=world.need.start_date + dt.timedelta(days=20),
    )


def _swedish(world: World) -> None:
    world.need.min_swedish_level = SwedishLevel.SVA
    world.need.save()


def _licence(world: World) -> None:
    world.need.requires_driving_licence = True
    world.need.save()


def _records(world: World) -> None:
    world.need.records_extract = RecordsExtractRequirement.CHILDREN
    world.need.save()
    # A check that runs out before the period ends does not do.
    RecordsExtractCheckFactory(
        participant=world.participant,
        scope=RecordsExtractScope.CHILDREN,
        extract_date=TODAY - dt.timedelta(days=330),
        checked_on=TODAY - dt.timedelta(days=330),
    )


def _hours(world: World) -> None:
    world.participant.hours_per_day = Decimal("2.0")
    world.participant.save()


def _timetable(world: World) -> None:
    # SFI on Tuesday mornings; the need works Tuesday 10:00–14:00.
    StudyTimeFactory(participant=world.participant, weekday=1, starts_at=dt.time(8, 30), ends_at=dt.time(12))
    WorkingHoursFactory(need=world.need, weekday=1, starts_at=dt.time(10), ends_at=dt.time(14))


def _not_ready(world: World) -> None:
    world.participant.status = ParticipantStatus.REFERRED
    world.participant.save()


def _type_hours(world: World) -> None:
    type_ = world.need.placement_type
    type_.max_hours_per_day = Decimal("3.0")
    type_.save()


def _decision(world: World) -> None:
    type_ = world.need.placement_type
    type_.requires_decision_reference = True
    type_.save()


def _supervisor_full(world: World) -> None:
    other = NeedFactory(workplace=world.need.workplace, start_date=world.need.start_date, end_date=world.need.end_date)
    PlacementFactory(need=other, supervisor=world.supervisor, status=PlacementStatus.AGREED)


def _untrained(world: World) -> None:
    world.supervisor.enrolments.all().delete()


def _prerequisite(world: World) -> None:
    world.need.prerequisites.add(PrerequisiteFactory())


@dataclass(frozen=True)
class Case:
    code: str
    breaks: Callable[[World], None]
    in_ranking: bool = True  # a rule of the participant and the need
    at_activate: bool = True


CASES = [
    Case("participant_not_ready", _not_ready),
    Case("participant_busy", _busy),
    Case("swedish_level", _swedish),
    Case("driving_licence", _licence),
    Case("records_extract", _records),
    Case("hours_available", _hours),
    Case("timetable_clash", _timetable),
    Case("need_full", _occupy),
    Case("type_hours", _type_hours),
    Case("decision_reference", _decision, in_ranking=False),
    Case("supervisor_full", _supervisor_full, in_ranking=False),
    Case("supervisor_untrained", _untrained, in_ranking=False),
]


@pytest.mark.parametrize("case", CASES, ids=[c.code for c in CASES])
def test_every_path_refuses_with_the_same_reason(case: Case, client: Client) -> None:
    world = _world()
    # A placement made while every rule held: agreeing and starting it meet the broken rule later.
    proposed = placement_propose(**world.placing_data(), by=world.coordinator)
    case.breaks(world)
    proposed.refresh_from_db()
    forget_features()
    data = world.placing_data()

    # Agreeing the earlier proposal, and starting it once agreed past the rules.
    if case.code != "decision_reference":  # the proposal was made without one, which is what the type now refuses
        with pytest.raises(ValidationError) as refused:
            placement_agree(placement=with_signatures(proposed), by=world.coordinator)
        assert case.code in error_codes(refused.value)
    # Starting while busy: on PostgreSQL the exclusion constraint refuses even writing the agreed overlap
    # this would need; test_concurrency starts two placements of one participant instead.
    if case.at_activate and case.code not in ("participant_not_ready", "participant_busy"):
        Placement.objects.filter(pk=proposed.pk).update(status=PlacementStatus.AGREED, planned_start=TODAY)
        proposed.refresh_from_db()
        with pytest.raises(ValidationError) as refused:
            placement_activate(placement=proposed, by=world.coordinator, on=TODAY)
        assert case.code in error_codes(refused.value)

    # Out of the way of the checks below, which propose the person for the same need again (a second
    # pending proposal of theirs would be refused as a repeat, test_a_second_proposal_...).
    Placement.objects.filter(pk=proposed.pk).update(status=PlacementStatus.CANCELLED)
    forget_features()

    # The rules module itself.
    problems = rules.check(rules.Placing(**data), stage=rules.Stage.PROPOSE)
    assert case.code in rules.codes(rules.blocking(problems))

    # The ranking and the allocation.
    ranking = rank_candidates(need=world.need, user=world.coordinator)
    offered = {(p.participant.pk, p.need.pk) for p in best_allocation(user=world.coordinator)}
    if case.in_ranking:
        assert world.participant.pk not in {c.participant.pk for c in ranking.candidates}
        label = str(REASON_LABELS[CODES[case.code]])
        reasons = {e.participant.pk: e.reasons for e in ranking.excluded}
        # The row says the rule's label, or the rule's own message where it names more (which day
        # the timetable clashes); the counts are by the label.
        said = {label} | {str(p.message) for p in problems if p.code == case.code}
        assert said & set(reasons.get(world.participant.pk, ranking.need_reasons))
        assert label in dict(ranking.excluded_counts) or label in ranking.need_reasons
        assert (world.participant.pk, world.need.pk) not in offered

    # The form and the service.
    form = ProposeForm({k: getattr(v, "pk", v) for k, v in data.items()}, user=world.coordinator, need=world.need)
    assert not form.is_valid()
    assert case.code in {e.code for errors in form.errors.as_data().values() for e in errors}
    with pytest.raises(ValidationError) as refused:
        placement_propose(**data, by=world.coordinator)
    assert case.code in error_codes(refused.value)

    # One click from the ranking: the dialog, with the same reason.
    client.force_login(world.coordinator)
    response = client.post(
        reverse("placements:quick_propose"), {"need": world.need.pk, "participant": world.participant.pk}
    )
    if case.code not in ("supervisor_full",):  # one click picks a supervisor with room, if any
        assert response.status_code == 200
        dialog = response.context["form"]
        assert case.code in {e.code for errors in dialog.errors.as_data().values() for e in errors} or (
            case.code == "supervisor_untrained" and "confirm_untrained" in dialog.errors
        )

    # The API: the same message.
    messages = {p.message for p in problems if p.code == case.code}
    api = APIClient()
    api.force_login(world.coordinator)
    payload = {k: (v.pk if hasattr(v, "pk") else str(v)) for k, v in data.items()}
    answer = api.post("/api/v1/placements/", payload, format="json")
    assert answer.status_code == 400
    said = {message for errors in answer.json().values() for message in errors}
    assert messages & said, (messages, said)
    assert Placement.objects.filter(participant=world.participant).count() <= 2


def test_missing_prerequisites_warn_on_proposing_and_block_agreeing() -> None:
    world = _world()
    _prerequisite(world)
    data = world.placing_data()
    form = ProposeForm({k: getattr(v, "pk", v) for k, v in data.items()}, user=world.coordinator, need=world.need)
    assert form.is_valid(), form.errors
    assert [w.code for w in form.warnings] == ["prerequisite_missing"]
    ranking = rank_candidates(need=world.need, user=world.coordinator)
    warned = [c.warnings for c in ranking.candidates if c.participant.pk == world.participant.pk]
    assert len(warned) == 1 and warned[0]
    proposed = placement_propose(**data, by=world.coordinator)
    with pytest.raises(ValidationError) as refused:
        placement_agree(placement=with_signatures(proposed), by=world.coordinator)
    assert error_codes(refused.value) == {"prerequisite_missing"}


def test_a_second_proposal_of_the_same_person_to_the_same_need_is_refused_on_every_path(client: Client) -> None:
    """A pending proposal of the person for the need: the ranking leaves them out with the reason, the
    allocation does not offer the pair, the form, the service, one click and the API refuse a second
    one; the first is agreed as before (it is not a second proposal of itself), and another need
    still takes them."""
    world = _world()
    first = placement_propose(**world.placing_data(), by=world.coordinator)
    forget_features()
    data = world.placing_data()
    label = str(REASON_LABELS[CODES["already_proposed"]])

    ranking = rank_candidates(need=world.need, user=world.coordinator)
    assert world.participant.pk not in {c.participant.pk for c in ranking.candidates}
    assert {e.participant.pk: e.reasons for e in ranking.excluded}[world.participant.pk] == [label]
    assert (world.participant.pk, world.need.pk) not in {
        (p.participant.pk, p.need.pk) for p in best_allocation(user=world.coordinator)
    }
    form = ProposeForm({k: getattr(v, "pk", v) for k, v in data.items()}, user=world.coordinator, need=world.need)
    assert not form.is_valid()
    assert {e.code for errors in form.errors.as_data().values() for e in errors} == {"already_proposed"}
    with pytest.raises(ValidationError) as refused:
        placement_propose(**data, by=world.coordinator)
    assert error_codes(refused.value) == {"already_proposed"}
    client.force_login(world.coordinator)
    response = client.post(
        reverse("placements:quick_propose"), {"need": world.need.pk, "participant": world.participant.pk}
    )
    assert response.status_code == 200
    assert "already_proposed" in {
        e.code for errors in response.context["form"].errors.as_data().values() for e in errors
    }
    api = APIClient()
    api.force_login(world.coordinator)
    payload = {k: (v.pk if hasattr(v, "pk") else str(v)) for k, v in data.items()}
    answer = api.post("/api/v1/placements/", payload, format="json")
    assert answer.status_code == 400
    problems = rules.check(rules.Placing(**data), stage=rules.Stage.PROPOSE)
    messages = {p.message for p in problems if p.code == "already_proposed"}
    assert len(messages) == 1 and world.participant.full_name in next(iter(messages))
    assert messages <= {m for errors in answer.json().values() for m in errors}
    assert Placement.objects.filter(participant=world.participant).count() == 1
    # Another need of the same period is theirs to be proposed for: a proposal holds no period.
    other = NeedFactory(
        start_date=world.need.start_date, end_date=world.need.end_date, placement_type=world.need.placement_type
    )
    SupervisorFactory(workplace=other.workplace)
    elsewhere = rules.check(
        rules.default_placing(participant=world.participant, need=other, today=TODAY), stage=rules.Stage.RANK
    )
    assert rules.blocking(elsewhere) == []

    placement_agree(placement=with_signatures(first), by=world.coordinator)
    first.refresh_from_db()
    assert first.status == PlacementStatus.AGREED
    # Once agreed, the period is theirs: the same need is refused for being busy, not as a repeat.
    problems = rules.check(rules.Placing(**data), stage=rules.Stage.PROPOSE)
    assert "already_proposed" not in rules.codes(problems) and "participant_busy" in rules.codes(problems)


def test_a_need_that_runs_longer_than_its_type_is_proposed_for_the_types_longest_period() -> None:
    """A 41-week need of a 26-week type: the proposal is pre-filled with 26 weeks, and proposes."""
    world = _world()
    world.need.end_date = world.need.start_date + dt.timedelta(weeks=41)
    world.need.save()
    form = ProposeForm(user=world.coordinator, need=world.need, participant=world.participant)
    start, end = form.fields["start"].initial, form.fields["end"].initial
    assert end - start == dt.timedelta(weeks=26)
    placement = placement_propose(**{**world.placing_data(), "start": start, "end": end}, by=world.coordinator)
    assert placement.planned_end == end
    with pytest.raises(ValidationError) as refused:
        placement_propose(**{**world.placing_data(), "end": start + dt.timedelta(weeks=27)}, by=world.coordinator)
    assert "type_weeks" in error_codes(refused.value)


def test_the_propose_form_shows_every_problem_at_once(client: Client) -> None:
    """Untrained supervisor, a missing decision reference and too many hours: one round, all three."""
    world = _world()
    _untrained(world)
    _decision(world)
    data = {k: getattr(v, "pk", v) for k, v in world.placing_data().items()}
    data["hours_per_day"] = "9"
    client.force_login(world.coordinator)
    url = reverse("placements:propose") + f"?need={world.need.pk}&participant={world.participant.pk}"
    response = client.post(url, data)
    assert response.status_code == 200
    codes = {e.code for errors in response.context["form"].errors.as_data().values() for e in errors}
    assert {"supervisor_untrained", "decision_reference", "hours_available"} <= codes
    page = response.content.decode()
    assert page.count("<li>") >= 3 and "data-problems" in page
    assert "---------" not in page  # the supervisors are radio buttons, without an empty choice


def test_the_need_form_refuses_what_the_type_refuses_with_the_rules_message() -> None:
    """More hours a day than the type allows: the need form and the rules say the same thing."""
    from workplaces.forms import NeedForm

    world = _world()
    _type_hours(world)
    need = world.need
    data = {
        "title": need.title,
        "occupation": need.occupation_id,
        "placement_type": need.placement_type_id,
        "places": 1,
        "hours_per_day": "4.0",
        "start_date": need.start_date.isoformat(),
        "end_date": need.end_date.isoformat(),
        "min_swedish_level": need.min_swedish_level,
        "records_extract": "",
    }
    form = NeedForm(data, instance=need)
    assert not form.is_valid()
    rule = [p.message for p in rules.check(rules.Placing(**world.placing_data()), stage=rules.Stage.PROPOSE)]
    assert form.errors["hours_per_day"][0] in rule
