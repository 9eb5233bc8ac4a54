from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from placements.models import Outcome, Placement, PlacementStatus
from placements.tests.factories import FollowUpFactory, LaterOutcomeFactory, PlacementFactory
from supervisors.tests.factories import SupervisorFactory
from taxonomy.tests.factories import PlacementTypeFactory
from workplaces.tests.factories import NeedFactory

pytestmark = pytest.mark.django_db


def test_a_placement_must_end_after_it_starts_and_nothing_is_saved() -> None:
    placement = PlacementFactory()
    placement.planned_end = placement.planned_start - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as excinfo:
        placement.full_clean()
    assert "planned_end" in excinfo.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        placement.save()
    placement.refresh_from_db()
    assert placement.planned_end > placement.planned_start


def test_the_supervisor_must_work_at_the_needs_workplace() -> None:
    placement = PlacementFactory()
    placement.supervisor = SupervisorFactory()
    with pytest.raises(ValidationError) as excinfo:
        placement.full_clean()
    assert "supervisor" in excinfo.value.message_dict


def test_an_outcome_is_only_recorded_at_the_end() -> None:
    placement = PlacementFactory(active=True)
    placement.outcome = Outcome.EMPLOYMENT
    with pytest.raises(ValidationError) as excinfo:
        placement.full_clean()
    assert "outcome" in excinfo.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        placement.save()


def test_a_started_placement_has_a_start_date() -> None:
    placement = PlacementFactory()
    placement.status = PlacementStatus.ACTIVE
    with pytest.raises(IntegrityError), transaction.atomic():
        placement.save()


def test_placement_type_rules_apply() -> None:
    need = NeedFactory(placement_type=PlacementTypeFactory(max_weeks=4, requires_decision_reference=True))
    placement = PlacementFactory.build(need=need)
    placement.participant = PlacementFactory().participant
    placement.supervisor = SupervisorFactory(workplace=need.workplace)
    with pytest.raises(ValidationError) as excinfo:
        placement.full_clean()
    assert {"planned_end", "decision_reference"} <= set(excinfo.value.message_dict)


def test_querysets_find_holding_and_overlapping_placements() -> None:
    holding = PlacementFactory(active=True)
    PlacementFactory(completed=True)
    assert list(Placement.objects.holding()) == [holding]
    start = holding.planned_start
    assert list(Placement.objects.holding().overlapping(start, start)) == [holding]
    assert (
        not Placement.objects.holding()
        .overlapping(holding.planned_end + dt.timedelta(days=1), holding.planned_end + dt.timedelta(days=9))
        .exists()
    )


@pytest.mark.parametrize("field", ["progress_work", "progress_swedish", "progress_cooperation"])
def test_progress_is_one_to_five(field: str) -> None:
    follow_up = FollowUpFactory()
    setattr(follow_up, field, 6)
    with pytest.raises(ValidationError) as excinfo:
        follow_up.full_clean()
    assert field in excinfo.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        follow_up.save()


def test_a_concern_needs_a_description() -> None:
    follow_up = FollowUpFactory()
    follow_up.concern = True
    with pytest.raises(ValidationError) as excinfo:
        follow_up.full_clean()
    assert "concern_text" in excinfo.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        follow_up.save()


def test_a_follow_up_cannot_be_dated_before_the_start_or_in_the_future() -> None:
    follow_up = FollowUpFactory()
    follow_up.done_on = follow_up.placement.actual_start - dt.timedelta(days=1)
    with pytest.raises(ValidationError):
        follow_up.full_clean()
    follow_up.done_on = dt.date.today() + dt.timedelta(days=1)
    with pytest.raises(ValidationError):
        follow_up.full_clean()


def test_one_later_outcome_per_checkpoint() -> None:
    outcome = LaterOutcomeFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        LaterOutcomeFactory(placement=outcome.placement)
