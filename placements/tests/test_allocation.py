"""The best overall allocation: exact against brute force on small random cases, the same optimum as
the plain dense formulation on larger ones, and end to end."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from accounts.tests.factories import CoordinatorFactory
from participants.tests.factories import ParticipantFactory, WorkExperienceFactory
from placements.matching.allocation import Problem, best_allocation, build_problem, open_needs_with_room, solve
from placements.matching.features import load_features
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
    if np.any(per_need > np.maximum(problem.need_places, 0)):  # fewer than none free is none free
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


def _dense_reference(problem: Problem) -> list[tuple[int, int]]:
    """The solver as it was before it was reduced: one dense (participants + blockers) x slots matrix
    over every row and every slot, for linear_sum_assignment to maximise."""
    scores = np.where(np.isnan(problem.scores), 0.0, np.maximum(problem.scores, 0.0))
    n_people = scores.shape[0]
    capacity = problem.group_capacity.astype(np.int64)
    places = np.minimum(problem.need_places.astype(np.int64), capacity[problem.need_group])
    slot_need = np.repeat(np.arange(len(places)), np.maximum(places, 0))
    if len(slot_need) == 0 or n_people == 0 or not scores.any():
        return []
    slot_group = problem.need_group[slot_need]
    slots_per_group = np.bincount(slot_group, minlength=len(capacity))
    blocker_group = np.repeat(np.arange(len(capacity)), np.maximum(slots_per_group - capacity, 0))
    bonus = 1.0 + scores.sum()
    weights = np.vstack([scores[:, slot_need], np.where(blocker_group[:, None] == slot_group[None, :], bonus, 0.0)])
    rows, columns = linear_sum_assignment(weights, maximize=True)
    return sorted(
        (int(r), int(slot_need[c])) for r, c in zip(rows, columns, strict=True) if r < n_people and weights[r, c] > 0
    )


@st.composite
def larger_problems(draw: st.DrawFn) -> Problem:
    """Up to 14 participants and 7 needs: ties (scores from a few values), negative and nan cells,
    rows and columns all nan, needs with no place, workplaces with too little or no capacity, and
    no participants or no needs at all."""
    n_people = draw(st.integers(0, 14))
    n_needs = draw(st.integers(0, 7))
    n_groups = draw(st.integers(1, max(n_needs, 1)))
    value = st.one_of(st.none(), st.sampled_from([-1.0, 0.0, 0.5, 1.0, 2.0]), st.floats(-1.0, 10.0, allow_nan=False))
    cells = draw(st.lists(value, min_size=n_people * n_needs, max_size=n_people * n_needs))
    scores = np.array([np.nan if v is None else v for v in cells], dtype=float).reshape(n_people, n_needs)
    if n_people and draw(st.booleans()):
        scores[draw(st.integers(0, n_people - 1)), :] = np.nan
    if n_needs and draw(st.booleans()):
        scores[:, draw(st.integers(0, n_needs - 1))] = np.nan
    return Problem(
        scores=scores,
        need_places=np.array(draw(st.lists(st.integers(-1, 3), min_size=n_needs, max_size=n_needs)), dtype=float),
        need_group=np.array([draw(st.integers(0, n_groups - 1)) for _ in range(n_needs)], dtype=np.int64),
        group_capacity=np.array(draw(st.lists(st.integers(0, 4), min_size=n_groups, max_size=n_groups)), dtype=float),
    )


@settings(max_examples=300, deadline=None)
@given(larger_problems())
def test_the_reduced_solver_reaches_the_dense_solvers_optimum(problem: Problem) -> None:
    pairs = solve(problem)
    assert _feasible(problem, pairs)
    assert _total(problem, pairs) == pytest.approx(_total(problem, _dense_reference(problem)), abs=1e-9)
    assert all(problem.scores[r, c] > 0 for r, c in pairs)  # nothing placed for nothing


@pytest.mark.parametrize("seed", range(12))
def test_where_the_optimum_is_unique_both_solvers_choose_the_same_pairs(seed: int) -> None:
    # Continuous random scores: no two allocations tie. Blockers, full needs and a dead column included.
    rng = np.random.default_rng(seed)
    n_people, n_needs, n_groups = 60, 15, 6
    scores = np.where(rng.random((n_people, n_needs)) < 0.3, np.nan, rng.random((n_people, n_needs)) * 10)
    scores[:, 3] = np.nan
    problem = Problem(
        scores=scores,
        need_places=rng.integers(0, 5, n_needs).astype(float),
        need_group=rng.integers(0, n_groups, n_needs),
        group_capacity=rng.integers(0, 6, n_groups).astype(float),
    )
    assert solve(problem) == _dense_reference(problem)
    assert solve(problem)


def test_no_participants_or_no_needs_allocate_nothing() -> None:
    nothing = np.zeros(0, dtype=float)
    for scores in (np.zeros((0, 2)), np.zeros((3, 0)), np.full((3, 2), np.nan), np.full((3, 2), -1.0)):
        places = np.ones(scores.shape[1])
        problem = Problem(
            scores=scores,
            need_places=places,
            need_group=np.zeros(scores.shape[1], dtype=np.int64),
            group_capacity=np.ones(1) if scores.shape[1] else nothing,
        )
        assert solve(problem) == []


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


@pytest.mark.django_db
def test_a_need_without_supervisor_room_is_not_scored() -> None:
    coordinator = CoordinatorFactory()
    today = dt.date.today()
    period = {"start_date": today + dt.timedelta(days=7), "end_date": today + dt.timedelta(days=60), "places": 1}
    care = NeedFactory(occupation=OccupationFactory(code="5321"), **period)
    unsupervised = NeedFactory(occupation=care.occupation, **period)
    SupervisorFactory(workplace=care.workplace)
    nurse = ParticipantFactory(team=coordinator.team, coordinator=coordinator)
    WorkExperienceFactory(participant=nurse, occupation=care.occupation, years=Decimal("8"))
    needs = list(open_needs_with_room(user=coordinator, today=today).filter(pk__in=[care.pk, unsupervised.pk]))
    features = load_features()
    problem = build_problem(features, needs, today)
    row = int(np.flatnonzero(features.participants.ids == nurse.pk)[0])
    by_need = dict(zip([n.pk for n in needs], problem.scores[row], strict=True))
    # The same participant and occupation: only the need a supervisor can take is worth scoring.
    assert by_need[care.pk] > 0
    assert np.isnan(by_need[unsupervised.pk])
    assert solve(problem) == [(row, [n.pk for n in needs].index(care.pk))]
