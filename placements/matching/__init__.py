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

from ..models import MatchingWeights
from ..selectors import supervisor_room_for_needs
from .features import Features, code_digits, day_number, load_features, subset
from .scoring import (
    BUSY,
    HOURS,
    LICENCE,
    NOT_READY,
    REASONS,
    RECORDS,
    SWEDISH,
    NeedArrays,
    Scores,
    records_scope_code,
    score,
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


def supervisor_terms(needs: list[Need], today: dt.date) -> dict[int, float]:
    """Per need: 1 if a supervisor at its workplace trained through the need's coming period has room
    in it, 0.5 if only an untrained one has, else 0 (placements.selectors.supervisor_room_for_needs)."""
    rooms = supervisor_room_for_needs(need_ids=[n.pk for n in needs], today=today)
    terms = dict.fromkeys((n.pk for n in needs), 0.0)
    for pk, room in rooms.items():
        terms[pk] = 1.0 if room.trained_room > 0 else 0.5 if room.room > 0 else 0.0
    return terms


def need_arrays(needs: list[Need], today: dt.date) -> NeedArrays:
    """The needs as scoring's arrays (workplace and district should be select_related)."""
    supervisor = supervisor_terms(needs, today)

    def coordinate(need: Need, name: str) -> float:
        district = need.workplace.district
        value = getattr(district, name) if district else None
        return float("nan") if value is None else float(value)

    return NeedArrays(
        digits=code_digits([n.occupation_id for n in needs]),
        workplace_id=np.array([n.workplace_id for n in needs], dtype=np.int64),
        job_track=np.array([n.job_track_id or -1 for n in needs], dtype=np.int64),
        min_swedish=np.array([n.min_swedish_level for n in needs], dtype=np.int8),
        min_education=np.array(
            [-1 if n.min_education_level is None else n.min_education_level for n in needs], dtype=np.int8
        ),
        requires_licence=np.array([n.requires_driving_licence for n in needs], dtype=bool),
        records_scope=np.array([records_scope_code(n.records_extract) for n in needs], dtype=np.int8),
        hours=np.array([float(n.hours_per_day) for n in needs], dtype=np.float32),
        start=np.array([day_number(n.start_date) for n in needs], dtype=np.int32),
        end=np.array([day_number(n.end_date) for n in needs], dtype=np.int32),
        lat=np.array([coordinate(n, "latitude") for n in needs], dtype=np.float64),
        lon=np.array([coordinate(n, "longitude") for n in needs], dtype=np.float64),
        supervisor=np.array([supervisor[n.pk] for n in needs], dtype=np.float32),
    )


def contributions_of(scores: Scores, row: int, column: int) -> list[Contribution]:
    return [
        Contribution(name, str(CRITERION_LABELS[name]), round(float(value[row, column]), 3))
        for name, value in scores.terms.items()
    ]


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
    scores = score(features, need_arrays([need], today), weights, today.toordinal())
    total, excluded_bits = scores.total[:, 0], scores.excluded[:, 0]
    visible = _visible(features, user)
    eligible = visible & (excluded_bits == 0)
    eligible_rows = np.flatnonzero(eligible)
    if len(eligible_rows) > limit:
        top = eligible_rows[np.argpartition(-total[eligible_rows], limit)[:limit]]
    else:
        top = eligible_rows
    ids = features.participants.ids
    # Highest score first; the participant id breaks ties, so the order is stable.
    top = top[np.lexsort((ids[top], -total[top]))]
    people = Participant.objects.in_bulk([int(i) for i in ids[top]])
    candidates = [
        Candidate(
            participant=people[int(ids[row])],
            score=round(float(total[row]), 3),
            contributions=contributions_of(scores, row, 0),
        )
        for row in top
        if int(ids[row]) in people
    ]
    excluded_rows = np.flatnonzero(visible & (excluded_bits != 0))
    counts = [
        (str(REASON_LABELS[reason]), int(np.count_nonzero(excluded_bits[excluded_rows] & reason))) for reason in REASONS
    ]
    shown = excluded_rows[:excluded_limit]
    excluded_people = Participant.objects.in_bulk([int(i) for i in ids[shown]])
    excluded = [
        Excluded(participant=excluded_people[int(ids[row])], reasons=reasons_of(int(excluded_bits[row])))
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

    The database leaves out needs the participant plainly cannot take (Swedish, hours, licence);
    the rest are scored in one pass with the same rules as candidates, and excluded ones dropped.
    """
    today = today or timezone.localdate()
    features = load_features()
    row = features.participants.index_of.get(participant.pk)
    if row is None:
        return []
    needs_qs = (
        Need.objects.visible_to(user)
        .open()
        .filter(end_date__gte=today, min_swedish_level__lte=participant.swedish_level)
        .filter(hours_per_day__lte=participant.hours_per_day)
        .select_related("workplace__district", "workplace__organisation", "occupation")
        .order_by("pk")
    )
    if not participant.has_driving_licence:
        needs_qs = needs_qs.filter(requires_driving_licence=False)
    needs = list(needs_qs)
    if not needs:
        return []
    one = subset(features, np.array([row]))
    scores = score(one, need_arrays(needs, today), MatchingWeights.current().as_dict(), today.toordinal())
    columns = [c for c in np.flatnonzero(scores.excluded[0] == 0)]
    columns.sort(key=lambda c: (-float(scores.total[0, c]), needs[c].pk))
    return [
        NeedMatch(
            need=needs[c],
            score=round(float(scores.total[0, c]), 3),
            contributions=contributions_of(scores, 0, int(c)),
        )
        for c in columns[:limit]
    ]
