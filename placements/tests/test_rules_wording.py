"""The rules' messages write numbers as the active language does (issue 17)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from placements import rules
from placements.tests.test_rules_paths import _world

pytestmark = pytest.mark.django_db


def test_the_hours_a_person_can_work_are_written_with_a_decimal_comma() -> None:
    world = _world()
    world.participant.hours_per_day = Decimal("2.5")
    world.participant.save()
    problems = rules.check(rules.Placing(**world.placing_data()), stage=rules.Stage.PROPOSE)
    (problem,) = [p for p in problems if p.code == "hours_available"]
    assert str(problem.message) == f"{world.participant.full_name} kan arbeta högst 2,5 timmar per dag."
    with translation.override("en"):
        problems = rules.check(rules.Placing(**world.placing_data()), stage=rules.Stage.PROPOSE)
        (problem,) = [p for p in problems if p.code == "hours_available"]
        assert str(problem.message) == f"{world.participant.full_name} can work at most 2.5 hours a day."
