"""Finding a person among a need's excluded uses the participant list's name rule."""

from __future__ import annotations

import pytest

from participants.models import ParticipantStatus
from placements.selectors import candidates_for_view
from placements.tests.test_rules_paths import _world

pytestmark = pytest.mark.django_db


def test_finding_a_person_among_a_needs_excluded_ignores_case_and_accents() -> None:
    """The list's name rule (participants.search.named), not a second one: "jonkoping" found José
    Jönköping in the participant list but not among a need's excluded."""
    world = _world()
    world.participant.first_name, world.participant.last_name = "José", "Jönköping"
    world.participant.status = ParticipantStatus.ON_HOLD
    world.participant.save()
    for words in (["jonkoping"], ["JOSE"], ["Jönköping"]):
        ranking = candidates_for_view(user=world.coordinator, need=world.need, search=words)
        assert [e.participant.pk for e in ranking.excluded] == [world.participant.pk], words
    assert candidates_for_view(user=world.coordinator, need=world.need, search=["berg"]).excluded == []
