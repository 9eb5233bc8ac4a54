"""The best overall allocation: exact against brute force on small random cases, and end to end."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.tests.factories import CoordinatorFactory
from participants.tests.factories import ParticipantFactory, WorkExperienceFactory
from placements.matching.allocation import Problem, best_allocation, solve
from supervisors.tests.factories import SupervisorFactory
from taxonomy.tests.factories import OccupationFactory
from workplaces.tests.factories import NeedFactory, WorkplaceFactory


def _total(problem: Problem, pairs: list[tuple[int, int]]) -> float:
    return float(sum(problem.scores[r, c] for r, c in pairs))


def _feasible(problem: Problem, pairs: list[tuple[int, int]]) -> bool:
    people = [r for r, _ in pairs]
    if len(people) != len(set(people)):
        return False
    for r, c in pairs:
        if np.isnan(problem.scores[r, c]):
            return False
    per_need = np.bincount([c for _, c in pairs], minlength=problem.scores.shape[1])
    if np.any(per_need > problem.need_places):
        return False
    per_group = np.bincount([problem.need_group[c] for _, c in pairs], minlength=len(problem.group_capacity))
    return not np.any(per_group > problem.group_capacity)


def _brute_force(problem: Problem) -> float:
    n_people, n_needs = problem.scores.shape
    best = 0.0
    # Each participant gets one need or none (-1).
    for choice in itertools.product(range(-1, n_needs), repeat=n_people):
        pairs = [(r, c) for r, c in enumerate(choice) if c >= 0]
        if _feasible(problem, pairs):
            best = max(best, _total(problem, pairs))
    return best


@st.composite
def problems(draw):
    n_people = draw(st.integers(1, 5))
    n_needs = draw(st.integers(1, 3))
    n_groups = draw(st.integers(1, n_needs))
    cells = draw(
        st.lists(
            st.one_of(st.none(), st.floats(0.0, 10.0, allow_nan=False)),
            min_size=n_people * n_needs,
            max_size=n_people * n_needs,
        )
    )
    scores = np.array([np.nan if v is None else round(v, 2) for v in cells], dtype=float).reshape(n_people, n_needs)
    return Problem(
        scores=scores,
        need_places=np.array(draw(st.lists(st.integers(0, 2), min_size=n_needs, max_size=n_needs)), dtype=float),
        need_group=np.array([draw(st.integers(0, n_groups - 1)) for _ in range(n_needs)]),
        group_capacity=np.array(draw(st.lists(st.integers(0, 3), min_size=n_groups, max_size=n_groups)), dtype=float),
    )


@settings(max_examples=150, deadline=None)
@given(problems())
def test_the_allocation_is_as_good_as_brute_force_and_respects_every_capacity(problem: Problem) -> None:
    pairs = solve(problem)
    assert _feasible(problem, pairs)
    assert _total(problem, pairs) == pytest.approx(_brute_force(problem), abs=1e-6)


def test_a_shared_supervisor_limits_two_needs_at_one_workplace() -> None:
    problem = Problem(
        scores=np.array([[5.0, 1.0], [4.0, 3.0], [np.nan, 2.0]]),
        need_places=np.array([2.0, 2.0]),
        need_group=np.array([0, 0]),
        group_capacity=np.array([2.0]),
    )
    pairs = solve(problem)
    assert sorted(pairs) == [(0, 0), (1, 0)]


@pytest.mark.django_db
def test_the_allocation_proposes_the_obvious_pairs() -> None:
    coordinator = CoordinatorFactory()
    today = dt.date.today()
    period = {"start_date": today + dt.timedelta(days=7), "end_date": today + dt.timedelta(days=60), "places": 1}
    care = NeedFactory(occupation=OccupationFactory(code="5321"), **period)
    kitchen = NeedFactory(occupation=OccupationFactory(code="5120"), **period)
    for need in (care, kitchen):
        SupervisorFactory(workplace=need.workplace)
    nurse = ParticipantFactory(team=coordinator.team, coordinator=coordinator)
    WorkExperienceFactory(participant=nurse, occupation=care.occupation, years=Decimal("8"))
    cook = ParticipantFactory(team=coordinator.team, coordinator=coordinator)
    WorkExperienceFactory(participant=cook, occupation=kitchen.occupation, years=Decimal("8"))
    proposals = best_allocation(user=coordinator)
    assert {(p.participant.pk, p.need.pk) for p in proposals} == {(nurse.pk, care.pk), (cook.pk, kitchen.pk)}


@pytest.mark.django_db
def test_no_supervisor_capacity_means_no_proposal() -> None:
    coordinator = CoordinatorFactory()
    today = dt.date.today()
    NeedFactory(
        workplace=WorkplaceFactory(), start_date=today + dt.timedelta(days=7), end_date=today + dt.timedelta(days=30)
    )
    ParticipantFactory(team=coordinator.team, coordinator=coordinator)
    assert best_allocation(user=coordinator) == []
