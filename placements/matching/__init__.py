"""Matching: explainable ranking of candidates for a need, and of needs for a participant.

`rank_candidates` scores every participant the user may see against one need: hard constraints
exclude with stated reasons, soft criteria score with weights an administrator sets
(MatchingWeights). Every candidate carries its total and each criterion's contribution, so a
coordinator can justify a proposal. The arrays come from `features` (cached, see there); the
arithmetic is in `scoring` (pure numpy).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import access
from accounts.models import User
from participants.models import Participant
from workplaces.models import Need

from ..models import MatchingWeights, Placement
from ..selectors import supervisors_with_room
from .features import Features, code_digits, day_number, load_features
from .scoring import (
    BUSY,
    HOURS,
    LICENCE,
    NOT_READY,
    REASONS,
    RECORDS,
    SWEDISH,
    NeedData,
    records_scope_code,
    score_participants_for_need,
)

REASON_LABELS = {
    NOT_READY: _("Not ready for a placement (status)"),
    BUSY: _("Already in an agreed or active placement in the period"),
    SWEDISH: _("Swedish below the need's minimum"),
    LICENCE: _("No driving licence"),
    RECORDS: _("No valid criminal-records extract check"),
    HOURS: _("Fewer hours a day available than the need asks"),
}
CRITERION_LABELS = {
    "experience": _("Work experience in the occupation"),
    "interest": _("Interest in the occupation"),
    "job_track": _("Job track"),
    "swedish_margin": _("Swedish above the minimum"),
    "education": _("Education asked for"),
    "distance": _("Near home"),
    "programme_urgency": _("Time left in the establishment programme"),
    "waiting_time": _("Time waiting"),
    "history": _("Earlier placements at the workplace"),
    "supervisor": _("Trained supervisor with free capacity"),
}


@dataclass(frozen=True)
class Contribution:
    criterion: str
    label: str
    points: float


@dataclass(frozen=True)
class Candidate:
    participant: Participant
    score: float
    contributions: list[Contribution]


@dataclass(frozen=True)
class Excluded:
    participant: Participant
    reasons: list[str]


@dataclass(frozen=True)
class CandidateRanking:
    need: Need
    candidates: list[Candidate]
    eligible_count: int
    excluded: list[Excluded]
    excluded_counts: list[tuple[str, int]]


def supervisor_term(need: Need, today: dt.date) -> float:
    """1 if a trained supervisor at the workplace has room, 0.5 if only an untrained one, else 0."""
    with_room = supervisors_with_room(workplace_id=need.workplace_id, today=today)
    if any(s.trained_until for s in with_room):
        return 1.0
    return 0.5 if with_room else 0.0


def need_data(need: Need, today: dt.date) -> NeedData:
    district = need.workplace.district
    return NeedData(
        digits=code_digits([need.occupation_id])[0],
        workplace_id=need.workplace_id,
        job_track=need.job_track_id or -1,
        min_swedish=need.min_swedish_level,
        min_education=-1 if need.min_education_level is None else need.min_education_level,
        requires_licence=need.requires_driving_licence,
        records_scope=records_scope_code(need.records_extract),
        hours=float(need.hours_per_day),
        start=day_number(need.start_date),
        end=day_number(need.end_date),
        lat=float(district.latitude) if district and district.latitude is not None else float("nan"),
        lon=float(district.longitude) if district and district.longitude is not None else float("nan"),
        supervisor=supervisor_term(need, today),
    )


def _visible(features: Features, user: User) -> np.ndarray:
    """Which participants the user may see, by the access rules in accounts.access."""
    scope = access.participant_scope(user)
    if scope == access.EVERYTHING:
        return np.ones(len(features.participants.ids), dtype=bool)
    ids = np.fromiter(Participant.objects.filter(scope).values_list("pk", flat=True), dtype=np.int64)
    return np.isin(features.participants.ids, ids)


def reasons_of(bits: int) -> list[str]:
    return [str(REASON_LABELS[reason]) for reason in REASONS if bits & reason]


def rank_candidates(
    *, need: Need, user: User, limit: int = 25, excluded_limit: int = 25, today: dt.date | None = None
) -> CandidateRanking:
    """The participants the user may see who fit the need best, with the reasons, and the excluded."""
    today = today or timezone.localdate()
    features = load_features()
    weights = MatchingWeights.current().as_dict()
    scores = score_participants_for_need(features, need_data(need, today), weights, today.toordinal())
    visible = _visible(features, user)
    eligible = visible & (scores.excluded == 0)
    eligible_rows = np.flatnonzero(eligible)
    if len(eligible_rows) > limit:
        top = eligible_rows[np.argpartition(-scores.total[eligible_rows], limit)[:limit]]
    else:
        top = eligible_rows
    ids = features.participants.ids
    # Highest score first; the participant id breaks ties, so the order is stable.
    top = top[np.lexsort((ids[top], -scores.total[top]))]
    people = Participant.objects.in_bulk([int(i) for i in ids[top]])
    candidates = [
        Candidate(
            participant=people[int(ids[row])],
            score=round(float(scores.total[row]), 3),
            contributions=[
                Contribution(name, str(CRITERION_LABELS[name]), round(float(value[row]), 3))
                for name, value in scores.terms.items()
            ],
        )
        for row in top
        if int(ids[row]) in people
    ]
    excluded_rows = np.flatnonzero(visible & (scores.excluded != 0))
    counts = [
        (str(REASON_LABELS[reason]), int(np.count_nonzero(scores.excluded[excluded_rows] & reason)))
        for reason in REASONS
    ]
    shown = excluded_rows[:excluded_limit]
    excluded_people = Participant.objects.in_bulk([int(i) for i in ids[shown]])
    excluded = [
        Excluded(participant=excluded_people[int(ids[row])], reasons=reasons_of(int(scores.excluded[row])))
        for row in shown
        if int(ids[row]) in excluded_people
    ]
    return CandidateRanking(
        need=need,
        candidates=candidates,
        eligible_count=len(eligible_rows),
        excluded=excluded,
        excluded_counts=[(label, count) for label, count in counts if count],
    )


@dataclass(frozen=True)
class NeedMatch:
    need: Need
    score: float
    contributions: list[Contribution]


def rank_needs(
    *, participant: Participant, user: User, limit: int = 25, today: dt.date | None = None
) -> list[NeedMatch]:
    """The open needs that suit one participant best, each with its score and reasons.

    Needs the participant cannot take (Swedish, hours, licence, records check, a placement in the
    period) are left out; each remaining need is scored with the same function as candidates.
    """
    today = today or timezone.localdate()
    features = load_features()
    row = features.participants.index_of.get(participant.pk)
    if row is None:
        return []
    weights = MatchingWeights.current().as_dict()
    needs = (
        Need.objects.visible_to(user)
        .open()
        .filter(end_date__gte=today, min_swedish_level__lte=participant.swedish_level)
        .filter(hours_per_day__lte=participant.hours_per_day)
        .select_related("workplace__district", "workplace__organisation", "occupation")
    )
    if not participant.has_driving_licence:
        needs = needs.filter(requires_driving_licence=False)
    busy = Placement.objects.holding().filter(participant=participant).values_list("planned_start", "planned_end")
    for start, end in busy:
        needs = needs.exclude(start_date__lte=end, end_date__gte=start)
    matches = []
    for need in needs:
        scores = score_participants_for_need(features, need_data(need, today), weights, today.toordinal())
        if scores.excluded[row]:
            continue
        matches.append(
            NeedMatch(
                need=need,
                score=round(float(scores.total[row]), 3),
                contributions=[
                    Contribution(name, str(CRITERION_LABELS[name]), round(float(value[row]), 3))
                    for name, value in scores.terms.items()
                ],
            )
        )
    matches.sort(key=lambda m: (-m.score, m.need.pk))
    return matches[:limit]
