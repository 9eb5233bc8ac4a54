"""The best overall allocation: waiting participants to open places, all at once.

Maximises the total score over every (participant, need) pair that passes the hard constraints,
subject to: a participant gets at most one need; a need gets at most its free places; the needs
of one workplace together get at most the free capacity of its active supervisors. That is a
transportation problem with one extra layer of capacity, solved exactly as a linear programme
(HiGHS, through scipy): its constraint matrix is totally unimodular, so the optimum is integral.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, Q
from django.utils import timezone
from scipy import sparse
from scipy.optimize import linprog

from accounts.models import User
from participants.models import Participant
from workplaces.models import Need

from ..models import HOLDING_STATUSES, MatchingWeights, PlacementStatus
from ..selectors import supervisors_with_room
from . import CRITERION_LABELS, Contribution, need_data
from .features import load_features, subset
from .scoring import score_participants_for_need


@dataclass(frozen=True)
class Proposal:
    participant: Participant
    need: Need
    score: float
    contributions: list[Contribution]


@dataclass(frozen=True)
class Problem:
    """Scores of feasible pairs and the capacities, in plain arrays (what `solve` works on)."""

    scores: np.ndarray  # (participants, needs), nan where a hard constraint excludes the pair
    need_places: np.ndarray  # free places per need
    need_group: np.ndarray  # workplace group of each need
    group_capacity: np.ndarray  # free supervisor capacity per workplace group


def solve(problem: Problem) -> list[tuple[int, int]]:
    """The (participant row, need column) pairs of a maximum-score allocation."""
    rows, cols = np.nonzero(~np.isnan(problem.scores) & (problem.scores > 0))
    if len(rows) == 0:
        return []
    weights = problem.scores[rows, cols]
    n_people, n_needs = problem.scores.shape
    n_groups = len(problem.group_capacity)
    edges = np.arange(len(rows))
    constraint_rows = np.concatenate([rows, n_people + cols, n_people + n_needs + problem.need_group[cols]])
    matrix = sparse.csr_matrix(
        (np.ones(3 * len(rows)), (constraint_rows, np.tile(edges, 3))), shape=(n_people + n_needs + n_groups, len(rows))
    )
    limits = np.concatenate([np.ones(n_people), problem.need_places, problem.group_capacity])
    result = linprog(-weights, A_ub=matrix, b_ub=limits, bounds=(0, 1), method="highs")
    if result.status != 0:
        raise RuntimeError(f"the allocation could not be solved: {result.message}")
    chosen = result.x > 0.5
    return list(zip(rows[chosen].tolist(), cols[chosen].tolist(), strict=True))


def best_allocation(*, user: User, today: dt.date | None = None) -> list[Proposal]:
    """Proposals for all waiting participants the user may see and all open places with room."""
    today = today or timezone.localdate()
    features = load_features()
    # A pending proposal already answers for a participant and a place: leave both out.
    waiting = Participant.objects.visible_to(user).waiting().exclude(placements__status=PlacementStatus.PROPOSED)
    waiting_ids = np.fromiter(waiting.values_list("pk", flat=True), dtype=np.int64)
    rows = np.flatnonzero(np.isin(features.participants.ids, waiting_ids))
    pool = subset(features, rows)
    needs = list(
        Need.objects.visible_to(user)
        .open()
        .filter(end_date__gte=today)
        .annotate(
            taken=Count("placements", filter=Q(placements__status__in=(*HOLDING_STATUSES, PlacementStatus.PROPOSED)))
        )
        .select_related("workplace__district", "workplace__organisation", "occupation")
        .order_by("pk")
    )
    needs = [n for n in needs if n.places > n.taken]
    if not needs or not len(rows):
        return []
    weights = MatchingWeights.current().as_dict()
    group_of: dict[int, int] = {}
    capacity: list[int] = []
    scores = np.full((len(rows), len(needs)), np.nan, dtype=np.float64)
    terms: list[dict[str, np.ndarray]] = []
    for column, need in enumerate(needs):
        if need.workplace_id not in group_of:
            group_of[need.workplace_id] = len(capacity)
            room = supervisors_with_room(workplace_id=need.workplace_id, today=today)
            capacity.append(sum(s.max_participants - s.held for s in room))
        result = score_participants_for_need(pool, need_data(need, today), weights, today.toordinal())
        eligible = result.excluded == 0
        scores[eligible, column] = result.total[eligible]
        terms.append(result.terms)
    problem = Problem(
        scores=scores,
        need_places=np.array([n.places - n.taken for n in needs], dtype=np.float64),
        need_group=np.array([group_of[n.workplace_id] for n in needs], dtype=np.int64),
        group_capacity=np.array(capacity, dtype=np.float64),
    )
    pairs = solve(problem)
    people = Participant.objects.in_bulk([int(pool.participants.ids[r]) for r, _ in pairs])
    proposals = [
        Proposal(
            participant=people[int(pool.participants.ids[r])],
            need=needs[c],
            score=round(float(scores[r, c]), 3),
            contributions=[
                Contribution(name, str(CRITERION_LABELS[name]), round(float(value[r]), 3))
                for name, value in terms[c].items()
            ],
        )
        for r, c in pairs
    ]
    proposals.sort(key=lambda p: (-p.score, p.participant.pk))
    return proposals


__all__ = ["Problem", "Proposal", "best_allocation", "solve"]
