"""The best overall allocation: waiting participants to open places, all at once.

Maximises the total score over every (participant, need) pair that passes the hard constraints,
subject to: a participant gets at most one need; a need gets at most its free places; the needs
of one workplace together get at most the free capacity of its active supervisors. `solve`
turns that into one rectangular assignment problem (see there) and solves it exactly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from scipy.optimize import linear_sum_assignment

from accounts.models import User
from participants.models import Participant
from workplaces.models import Need

from .. import occupancy, rules
from ..occupancy import with_places_taken_coming
from ..selectors import supervisor_room_for_needs
from . import Contribution, WeightsInForce, contributions_of, need_arrays, visible, weights_in_force
from .features import Features, load_features, subset
from .scoring import NeedArrays, score


@dataclass(frozen=True)
class Proposal:
    participant: Participant
    need: Need
    score: float
    contributions: list[Contribution]


@dataclass(frozen=True)
class Problem:
    """Scores of feasible pairs and the capacities, in plain arrays (what `solve` works on)."""

    # (participants, needs), nan where a hard constraint excludes the pair (build_problem leaves a need
    # without room, and a participant not ready, nan: no pair of theirs could be allocated)
    scores: np.ndarray
    need_places: np.ndarray  # free places per need
    need_group: np.ndarray  # workplace group of each need
    group_capacity: np.ndarray  # free supervisor capacity per workplace group


def solve(problem: Problem) -> list[tuple[int, int]]:
    """The (participant row, need column) pairs of a maximum-score allocation, exactly.

    A rectangular assignment (scipy's linear_sum_assignment) over places: each need becomes as
    many slots as it can fill. A workplace whose supervisors can take fewer participants than its
    needs have places gets that many "blocker" columns, which only fit its own slots and are worth
    more than any real allocation, so the optimum always places them all and real participants
    take at most the supervisors' capacity there. Pairs that break a hard constraint or score
    nothing weigh 0, the same as leaving the place empty.

    Only what can change the total is solved (see `_reduced`): the participants with a positive
    score for some need with room, and per need no more slots than such participants. The cost
    matrix is built once, as slots x (participants + blockers) and already negated: no full-size
    temporaries, nothing for scipy to negate, and nothing to transpose while slots are fewer than people.
    """
    reduced = _reduced(problem)
    if reduced is None:
        return []
    people, needs, places = reduced
    n_people = len(people)
    slot_need = np.repeat(np.arange(len(needs)), places)
    groups, slot_group = np.unique(problem.need_group[needs][slot_need], return_inverse=True)
    capacity = problem.group_capacity[groups].astype(np.int64)
    blocker_group = np.repeat(
        np.arange(len(groups)), np.maximum(np.bincount(slot_group, minlength=len(groups)) - capacity, 0)
    )
    # Needs down (contiguous, so that gathering the slots' rows is a plain copy); fmax turns nan (a
    # hard constraint) into 0, and so does a negative score.
    by_need = np.ascontiguousarray(problem.scores[np.ix_(people, needs)].T)
    np.fmax(by_need, 0.0, out=by_need)
    bonus = 1.0 + float(by_need.sum())
    cost = np.empty((len(slot_need), n_people + len(blocker_group)), dtype=np.float64)
    np.negative(by_need[slot_need], out=cost[:, :n_people])
    cost[:, n_people:] = np.where(slot_group[:, None] == blocker_group[None, :], -bonus, 0.0)
    slots, columns = linear_sum_assignment(cost)
    real = (columns < n_people) & (cost[slots, columns] < 0)
    return sorted((int(people[c]), int(needs[slot_need[r]])) for r, c in zip(slots[real], columns[real], strict=True))


def _reduced(problem: Problem) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The rows and columns that can carry score, and each such need's slots; None if nothing can.

    A need's slots: its free places, capped by its workplace's supervisor capacity and by the number
    of participants with a positive score for it (a slot nobody can fill changes nothing, nor does
    dropping it: at most the capacity is real participants either way). A participant with no
    positive score for any need left weighs 0 everywhere, the same as staying unplaced."""
    positive = problem.scores > 0  # nan compares False
    capacity = np.maximum(problem.group_capacity, 0).astype(np.int64)
    places = np.minimum(np.maximum(problem.need_places, 0).astype(np.int64), capacity[problem.need_group])
    places = np.minimum(places, positive.sum(axis=0))
    needs = np.flatnonzero(places > 0)
    if not len(needs):
        return None
    people = np.flatnonzero(positive[:, needs].any(axis=1))
    if not len(people):
        return None
    return people, needs, places[needs]


NEEDS_PER_BLOCK = 100  # scored together; bounds the memory of the n x m grids


def build_problem(
    pool: Features,
    needs: list[Need],
    today: dt.date,
    arrays: NeedArrays | None = None,
    weights: WeightsInForce | None = None,
) -> Problem:
    """Scores of every (participant in `pool`, need) pair and the capacities: each need's places free
    in its period (placements.occupancy, less its pending proposals, `proposed` annotated), and each
    workplace's supervisors' room.

    Only pairs that could be allocated are scored: a need with no place or no supervisor room left,
    or one its own rules exclude (scoring's need_bits), and a participant not ready, stay nan (no
    pair of theirs passes the hard constraints or has room). Each participant's scores use their
    municipality's weights (`weights`, read here when not given)."""
    weights = weights if weights is not None else weights_in_force()
    periods = {n.pk: rules.default_period(n, today) for n in needs}
    arrays = arrays if arrays is not None else need_arrays(needs, today)
    workplaces = sorted({n.workplace_id for n in needs})
    group_of = {workplace: group for group, workplace in enumerate(workplaces)}
    # Supervisors are judged in each need's coming period (supervisor_room_for_needs). A need gets at
    # most the room there, and a workplace at most the least room among its needs that have any. Safe:
    # on a day inside the period of a need that was given someone, the supervisors hold at most that
    # need's existing load plus all the workplace was given, which fits in that need's room.
    rooms = supervisor_room_for_needs(need_ids=[n.pk for n in needs], today=today)
    room: dict[int, int] = {}
    for need in needs:
        free = rooms[need.pk].room
        if free > 0:
            room[need.workplace_id] = min(room.get(need.workplace_id, free), free)
    # Places free in each need's default period (placements.occupancy), less its pending proposals.
    taken = occupancy.places_taken_in({pk: period for pk, period in periods.items() if period[1] > period[0]})
    need_places = np.array(
        [min(n.places - taken.get(n.pk, n.places) - n.proposed, rooms[n.pk].room) for n in needs],  # type: ignore[attr-defined]  # annotated by open_needs_with_room
        dtype=np.float64,
    )
    need_group = np.array([group_of[n.workplace_id] for n in needs], dtype=np.int64)
    group_capacity = np.array([room.get(w, 0) for w in workplaces], dtype=np.float64)
    # float32, as scoring totals are: the same values in half the memory.
    scores = np.full((len(pool.participants.ids), len(needs)), np.nan, dtype=np.float32)
    columns = np.flatnonzero((need_places > 0) & (group_capacity[need_group] > 0) & (arrays.need_bits == 0))
    rows = np.flatnonzero(pool.participants.ready)
    if len(columns) and len(rows):
        everyone = len(rows) == len(pool.participants.ids)
        people = pool if everyone else subset(pool, rows)
        weighed = weights.for_rows(people.participants.municipality)
        for first in range(0, len(columns), NEEDS_PER_BLOCK):
            block = columns[first : first + NEEDS_PER_BLOCK]
            result = score(people, _columns(arrays, block), weighed, today.toordinal())
            scored = np.where(result.excluded == 0, result.total, np.nan)
            if everyone:
                scores[:, block] = scored
            else:
                scores[np.ix_(rows, block)] = scored
    return Problem(scores=scores, need_places=need_places, need_group=need_group, group_capacity=group_capacity)


def _columns(arrays: NeedArrays, block: slice | np.ndarray) -> NeedArrays:
    """The needs at `block`: a slice, or an array of their indices."""
    per_need = ("prerequisites", "municipalities")  # tuples of one array per need
    fields = [name for name in NeedArrays.__dataclass_fields__ if name not in per_need]
    if isinstance(block, slice):
        tuples = {name: getattr(arrays, name)[block] for name in per_need}
    else:
        tuples = {name: tuple(getattr(arrays, name)[i] for i in block) for name in per_need}
    return NeedArrays(**{name: getattr(arrays, name)[block] for name in fields}, **tuples)


def open_needs_with_room(*, user: User, today: dt.date) -> QuerySet[Need]:
    """Open needs the user may see, still running, with places free in their coming period
    (placements.occupancy) beyond the pending proposals (`proposed` annotated)."""
    # Every municipality's proposals, as the places taken are (placements.occupancy).
    pending = occupancy.proposed().filter(need=OuterRef("pk")).values("need").annotate(n=Count("pk")).values("n")
    return (
        with_places_taken_coming(Need.objects.visible_to(user).open().filter(end_date__gt=today), today=today)
        .annotate(proposed=Coalesce(Subquery(pending, output_field=IntegerField()), 0))
        .filter(places__gt=F("taken") + F("proposed"))
        .select_related("workplace__district", "workplace__organisation", "occupation", "placement_type")
        .prefetch_related("prerequisites", "workplace__prerequisites", "published_to")
        .order_by("pk")
    )


def best_allocation(*, user: User, today: dt.date | None = None) -> list[Proposal]:
    """Proposals for all waiting participants the user may see and all open places with room."""
    today = today or timezone.localdate()
    features = load_features()
    # Waiting participants the user may see, from the features (no query that grows with them). A
    # pending proposal already answers for a participant and a place: leave both out.
    proposed = np.zeros(len(features.participants.ids), dtype=bool)
    proposed[features.placements.proposed_index] = True
    pool = subset(features, np.flatnonzero(visible(features, user) & features.participants.waiting & ~proposed))
    needs = list(open_needs_with_room(user=user, today=today))
    if not needs or not len(pool.participants.ids):
        return []
    arrays = need_arrays(needs, today)
    weights = weights_in_force(np.unique(pool.participants.municipality).tolist())
    problem = build_problem(pool, needs, today, arrays, weights)
    pairs = solve(problem)
    ids = pool.participants.ids
    people = Participant.objects.visible_to(user).order_by().in_bulk([int(ids[r]) for r, _ in pairs])
    proposals = []
    for r, c in pairs:
        if int(ids[r]) not in people:  # no longer visible since the features were read
            continue
        # The reasons of the chosen pairs only: one participant against one need.
        one = subset(pool, np.array([r]))
        weighed = weights.for_rows(one.participants.municipality)
        one_scores = score(one, _columns(arrays, slice(c, c + 1)), weighed, today.toordinal())
        proposals.append(
            Proposal(
                participant=people[int(ids[r])],
                need=needs[c],
                score=round(float(problem.scores[r, c]), 3),
                contributions=contributions_of(one_scores, 0, 0),
            )
        )
    proposals.sort(key=lambda p: (-p.score, p.participant.pk))
    return proposals


__all__ = ["Problem", "Proposal", "best_allocation", "build_problem", "open_needs_with_room", "solve"]
