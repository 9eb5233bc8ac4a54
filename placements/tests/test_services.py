"""The placement life cycle: every allowed and refused transition, and the capacity rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from participants.models import ParticipantStatus
from participants.tests.factories import ParticipantFactory
from placements.models import Outcome, Placement, PlacementStatus
from placements.rules import error_codes
from placements.services import (
    placement_activate,
    placement_agree,
    placement_cancel,
    placement_complete,
    placement_end_early,
    placement_propose,
    placement_record_later_outcome,
)
from placements.tests.factories import PlacementFactory, with_signatures
from supervisors.tests.factories import SupervisorFactory
from workplaces.models import NeedStatus
from workplaces.tests.factories import NeedFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def _propose(need=None, participant=None, supervisor=None, **overrides):
    need = need or NeedFactory(start_date=TODAY - dt.timedelta(days=10), end_date=TODAY + dt.timedelta(days=80))
    participant = participant or ParticipantFactory()
    supervisor = supervisor or SupervisorFactory(workplace=need.workplace)
    arguments = {
        "participant": participant,
        "need": need,
        "supervisor": supervisor,
        "start": need.start_date,
        "end": need.end_date,
        "hours_per_day": Decimal("4.0"),
        "by": participant.coordinator,
        "confirm_untrained": True,
    }
    arguments.update(overrides)
    return placement_propose(**arguments)


def test_the_whole_life_cycle_moves_the_participant_along() -> None:
    placement = _propose()
    assert placement.status == PlacementStatus.PROPOSED
    placement = placement_agree(placement=with_signatures(placement), by=None)
    placement.participant.refresh_from_db()
    assert placement.participant.status == ParticipantStatus.PLACED
    placement = placement_activate(placement=placement, by=None, on=TODAY)
    assert placement.actual_start == TODAY
    placement = placement_complete(placement=placement, outcome=Outcome.EMPLOYMENT, by=None, on=TODAY)
    placement.participant.refresh_from_db()
    assert placement.participant.status == ParticipantStatus.EXITED
    steps = list(placement.events.values_list("from_status", "to_status"))
    assert steps == [
        ("", PlacementStatus.PROPOSED),
        (PlacementStatus.PROPOSED, PlacementStatus.AGREED),
        (PlacementStatus.AGREED, PlacementStatus.ACTIVE),
        (PlacementStatus.ACTIVE, PlacementStatus.COMPLETED),
    ]


def test_ending_early_needs_a_reason_and_returns_the_participant_to_waiting() -> None:
    placement = placement_activate(
        placement=placement_agree(placement=with_signatures(_propose()), by=None), by=None, on=TODAY
    )
    with pytest.raises(ValidationError) as excinfo:
        placement_end_early(placement=placement, reason=" ", outcome=Outcome.UNKNOWN, by=None)
    assert "end_reason" in excinfo.value.message_dict
    placement = placement_end_early(placement=placement, reason="Flyttade", outcome=Outcome.UNEMPLOYED, by=None)
    assert placement.status == PlacementStatus.ENDED_EARLY
    placement.participant.refresh_from_db()
    assert placement.participant.status == ParticipantStatus.MAPPED


def test_cancelling_an_agreed_placement_frees_the_participant() -> None:
    placement = placement_agree(placement=with_signatures(_propose()), by=None)
    placement_cancel(placement=placement, reason="Deltagaren tackade nej", by=None)
    placement.participant.refresh_from_db()
    assert placement.participant.status == ParticipantStatus.MAPPED


def test_a_need_never_has_more_holding_placements_than_places() -> None:
    need = NeedFactory(places=1, start_date=TODAY, end_date=TODAY + dt.timedelta(days=60))
    supervisor = SupervisorFactory(workplace=need.workplace, max_participants=5)
    first = _propose(need=need, supervisor=supervisor)
    second = _propose(need=need, supervisor=supervisor)
    placement_agree(placement=with_signatures(first), by=None)
    with pytest.raises(ValidationError) as excinfo:
        placement_agree(placement=with_signatures(second), by=None)
    assert "need_full" in error_codes(excinfo.value)
    second.refresh_from_db()
    assert second.status == PlacementStatus.PROPOSED


def test_a_supervisor_never_has_more_than_their_maximum() -> None:
    need = NeedFactory(places=5, start_date=TODAY, end_date=TODAY + dt.timedelta(days=60))
    supervisor = SupervisorFactory(workplace=need.workplace, max_participants=1)
    placement_agree(placement=with_signatures(_propose(need=need, supervisor=supervisor)), by=None)
    with pytest.raises(ValidationError) as excinfo:
        placement_agree(placement=with_signatures(_propose(need=need, supervisor=supervisor)), by=None)
    assert "supervisor_full" in error_codes(excinfo.value)


def test_a_participant_never_has_two_overlapping_placements() -> None:
    participant = ParticipantFactory()
    placement_agree(placement=with_signatures(_propose(participant=participant)), by=None)
    participant.refresh_from_db()
    with pytest.raises(ValidationError) as excinfo:
        placement_agree(placement=with_signatures(_propose(participant=participant)), by=None)
    assert "participant_busy" in error_codes(excinfo.value)


def test_a_place_is_free_again_once_the_period_does_not_overlap() -> None:
    need = NeedFactory(places=1, start_date=TODAY, end_date=TODAY + dt.timedelta(days=90))
    supervisor = SupervisorFactory(workplace=need.workplace)
    placement_agree(
        placement=with_signatures(_propose(need=need, supervisor=supervisor, end=TODAY + dt.timedelta(days=30))),
        by=None,
    )
    later = _propose(need=need, supervisor=supervisor, start=TODAY + dt.timedelta(days=31))
    assert placement_agree(placement=with_signatures(later), by=None).status == PlacementStatus.AGREED


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"start": TODAY - dt.timedelta(days=30)}, "start"),
        ({"hours_per_day": Decimal("6.0")}, "hours_per_day"),
    ],
)
def test_a_proposal_must_fit_the_need_and_the_person(overrides: dict, field: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        _propose(**overrides)
    assert field in excinfo.value.message_dict
    assert not Placement.objects.exists()


def test_a_proposal_needs_an_open_need_and_a_ready_participant() -> None:
    need = NeedFactory(status=NeedStatus.CLOSED, start_date=TODAY, end_date=TODAY + dt.timedelta(days=30))
    participant = ParticipantFactory(status=ParticipantStatus.REFERRED)
    with pytest.raises(ValidationError) as excinfo:
        _propose(need=need, participant=participant)
    assert {"need", "participant"} <= set(excinfo.value.message_dict)


def test_the_end_date_must_come_after_the_start() -> None:
    with pytest.raises(ValidationError) as excinfo:
        _propose(start=TODAY + dt.timedelta(days=5), end=TODAY + dt.timedelta(days=5))
    assert "end" in excinfo.value.message_dict


def test_later_outcomes_wait_for_their_day() -> None:
    placement = PlacementFactory(completed=True)  # ended about 116 days ago
    later = placement_record_later_outcome(placement=placement, days_after=90, outcome=Outcome.STUDIES, by=None)
    assert later.outcome == Outcome.STUDIES
    with pytest.raises(ValidationError):
        placement_record_later_outcome(placement=placement, days_after=180, outcome=Outcome.STUDIES, by=None)


ALLOWED = {
    (PlacementStatus.PROPOSED, "agree"),
    (PlacementStatus.PROPOSED, "cancel"),
    (PlacementStatus.AGREED, "activate"),
    (PlacementStatus.AGREED, "cancel"),
    (PlacementStatus.ACTIVE, "complete"),
    (PlacementStatus.ACTIVE, "end_early"),
}
ACTIONS = ("agree", "activate", "complete", "end_early", "cancel")


def _placement_in(status: str) -> Placement:
    """A placement in `status`, reached by the services so the participant's status matches."""
    placement = _propose(
        need=NeedFactory(places=1, start_date=TODAY - dt.timedelta(days=10), end_date=TODAY + dt.timedelta(days=60))
    )
    steps = {  # type: ignore[call-overload]  # status is a PlacementStatus value
        PlacementStatus.AGREED: ["agree"],
        PlacementStatus.ACTIVE: ["agree", "activate"],
        PlacementStatus.COMPLETED: ["agree", "activate", "complete"],
        PlacementStatus.ENDED_EARLY: ["agree", "activate", "end_early"],
        PlacementStatus.CANCELLED: ["cancel"],
    }.get(status, [])
    for step in steps:
        placement = _act(placement, step)
    assert placement.status == status
    return placement


def _act(placement: Placement, action: str) -> Placement:
    calls = {
        "agree": lambda: placement_agree(placement=with_signatures(placement), by=None),
        "activate": lambda: placement_activate(placement=placement, by=None, on=TODAY),
        "complete": lambda: placement_complete(placement=placement, outcome=Outcome.STUDIES, by=None, on=TODAY),
        "end_early": lambda: placement_end_early(
            placement=placement, reason="Sjukdom", outcome=Outcome.UNKNOWN, by=None, on=TODAY
        ),
        "cancel": lambda: placement_cancel(placement=placement, reason="Tackade nej", by=None),
    }
    return calls[action]()


@pytest.mark.parametrize("status", PlacementStatus.values)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_transition_is_allowed_or_refused_by_the_life_cycle(status: str, action: str) -> None:
    placement = _placement_in(status)
    events_before = placement.events.count()
    if (status, action) in ALLOWED:
        moved = _act(placement, action)
        assert moved.status != status
        assert moved.events.count() == events_before + 1
    else:
        with pytest.raises(ValidationError) as excinfo:
            _act(placement, action)
        assert "invalid_transition" in error_codes(excinfo.value)
        placement.refresh_from_db()
        assert placement.status == status
        assert placement.events.count() == events_before
