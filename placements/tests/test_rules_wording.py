"""The rules' messages write numbers as the active language does (issue 17)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from placements import rules
from placements.tests.test_rules_paths import _world
from taxonomy.tests.factories import PlacementTypeFactory

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


def test_a_placement_types_limits_are_written_in_the_language_with_the_right_plural() -> None:
    kind = PlacementTypeFactory(name="Kortpraktik", max_hours_per_day=Decimal("2.5"), max_weeks=1)
    problems = kind.rule_violations(
        hours_per_day=Decimal("3"), start=dt.date(2026, 3, 2), end=dt.date(2026, 3, 20), decision_reference=None
    )
    assert str(problems["hours_per_day"]) == "Kortpraktik tillåter högst 2,5 timmar per dag."
    assert str(problems["period"]) == "Kortpraktik pågår högst 1 vecka."
    kind.max_weeks = 2
    problems = kind.rule_violations(start=dt.date(2026, 3, 2), end=dt.date(2026, 3, 30))
    assert str(problems["period"]) == "Kortpraktik pågår högst 2 veckor."
    with translation.override("en"):
        problems = kind.rule_violations(hours_per_day=Decimal("3"))
        assert str(problems["hours_per_day"]) == "A Kortpraktik allows at most 2.5 hours a day."
