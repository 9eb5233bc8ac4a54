"""Matching: explainable ranking of candidates for a need, and of needs for a participant.

`rank_candidates` scores every participant the user may see against one need: hard constraints
exclude with stated reasons, soft criteria score with the weights of the participant's municipality,
which its administrator sets (MatchingWeights, `weights_in_force`). Every candidate carries its total
and each criterion's contribution, so a coordinator can justify a proposal. The arrays come from
`features` (cached, see there); the arithmetic is in `scoring` (pure numpy).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts import access
from accounts.models import User
from participants.models import Participant
from workplaces.models import Need, WorkingHours

from .. import rules
from ..models import MatchingWeights
from ..selectors import supervisor_room_for_needs
from .features import Features, code_digits, day_number, load_features, subset, time_key
from .scoring import (
    BUSY,
    CODES,
    ELSEWHERE,
    HOURS,
    LICENCE,
    NEED_FULL,
    NEED_NOT_OPEN,
    NEED_PERIOD,
    NOT_READY,
    PREREQUISITE,
    PROPOSED_HERE,
    REASONS,
    RECORDS,
    SWEDISH,
    TIMETABLE,
    TYPE_HOURS,
    TYPE_INACTIVE,
    TYPE_WEEKS,
    NeedArrays,
    Scores,
    Weights,
    records_scope_code,
    score,
)

REASON_LABELS = {
    NOT_READY: _("Not ready for a placement (status)"),
    BUSY: _("Already in an agreed or active placement in the period"),
    PROPOSED_HERE: _("Already proposed for this need"),
    ELSEWHERE: _("The need is not offered to the participant's municipality"),
    SWEDISH: _("Swedish below the need's minimum"),
    LICENCE: _("No driving licence"),
    RECORDS: _("No criminal-records extract check valid through the period"),
    HOURS: _("Fewer hours a day available than the need asks"),
    TIMETABLE: _("The need's working hours clash with SFI or other studies"),
    NEED_NOT_OPEN: _("The need is not open"),
    NEED_PERIOD: _("The need's period is over"),
    NEED_FULL: _("Every place of the need is taken in the period"),
    TYPE_INACTIVE: _("The placement type takes no new placements"),
    TYPE_HOURS: _("More hours a day than the placement type allows"),
    TYPE_WEEKS: _("Longer than the placement type allows"),
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
    warnings: list[str] = field(default_factory=list)  # what must be in place before agreeing


@dataclass(frozen=True)
class Excluded:
    participant: Participant
    reasons: list[str]


@dataclass(frozen=True)
class CandidateRanking:
    need: Need
    candidates: list[Candidate]
    eligible_count: int
    excluded: list[Excluded]  # the page of the excluded asked for (`excluded_offset`, `excluded_query`)
    excluded_counts: list[tuple[str, int]]
    excluded_total: int = 0  # all the excluded the user may see (matching the query, if any)
    need_reasons: list[str] = field(default_factory=list)  # what stops any placement at the need


@dataclass(frozen=True)
class WeightsInForce:
    """The matching weights of municipalities, read once (`weights_in_force`): a municipality's own
    row, or the defaults (MatchingWeights' field defaults) for one without. Scoring takes them per
    participant: each is scored with their municipality's weights, never the user's. A coordinator's
    candidates are all of the coordinator's municipality, so one number per criterion; a superuser's
    ranking of several municipalities' participants gets a column with each one's."""

    default: tuple[float, ...]
    by_municipality: dict[int, tuple[float, ...]]

    def of(self, municipality_id: int) -> dict[str, float]:
        """One municipality's weights, by criterion."""
        return dict(zip(MatchingWeights.CRITERIA, self.by_municipality.get(municipality_id, self.default), strict=True))

    def for_rows(self, municipality: np.ndarray) -> Weights:
        """The weights of participants whose municipality ids are `municipality` (a features block's):
        one number per criterion where they all weigh alike, else a column (n, 1) of each row's."""
        if not len(municipality):
            return dict(zip(MatchingWeights.CRITERIA, self.default, strict=True))
        # A table by municipality id (ids are few and small), so that no sort of the rows is needed.
        size = max(int(municipality.max()), max(self.by_municipality, default=0)) + 1
        table = np.tile(np.array(self.default, dtype=np.float32), (size, 1))
        for municipality_id, values in self.by_municipality.items():
            table[municipality_id] = values
        present = np.zeros(size, dtype=bool)
        present[municipality] = True
        kinds = table[present]
        if (kinds == kinds[0]).all():
            return {name: float(kinds[0, c]) for c, name in enumerate(MatchingWeights.CRITERIA)}
        rows = table[municipality]
        return {name: rows[:, c, np.newaxis] for c, name in enumerate(MatchingWeights.CRITERIA)}


def weights_in_force(municipality_ids: Iterable[int] | None = None) -> WeightsInForce:
    """The weights of the municipalities `municipality_ids` (every municipality's when None), in one
    query of a row per municipality at most."""
    rows = MatchingWeights.objects.all()
    if municipality_ids is not None:
        rows = rows.filter(municipality_id__in=list(municipality_ids))
    defaults = MatchingWeights()
    return WeightsInForce(
        default=tuple(float(getattr(defaults, name)) for name in MatchingWeights.CRITERIA),
        by_municipality={
            row[0]: tuple(float(value) for value in row[1:])
            for row in rows.values_list("municipality_id", *MatchingWeights.CRITERIA)
        },
    )


def supervisor_terms(needs: list[Need], today: dt.date) -> dict[int, float]:
    """Per need: 1 if a supervisor at its workplace trained through the need's coming period has room
    in it, 0.5 if only an untrained one has, else 0 (placements.selectors.supervisor_room_for_needs)."""
    rooms = supervisor_room_for_needs(need_ids=[n.pk for n in needs], today=today)
    terms = dict.fromkeys((n.pk for n in needs), 0.0)
    for pk, room in rooms.items():
        terms[pk] = 1.0 if room.trained_room > 0 else 0.5 if room.room > 0 else 0.0
    return terms


def need_arrays(needs: list[Need], today: dt.date) -> NeedArrays:
    """The needs as scoring's arrays, each in the period a placement there would be proposed for
    (placements.rules.default_period), with the reasons of the rules that hold for the need alone.
    Workplace, its organisation and district should be select_related, prerequisites and
    published_to prefetched."""
    periods = {n.pk: rules.default_period(n, today) for n in needs}
    supervisor = supervisor_terms(needs, today)
    need_reasons = rules.ranking_need_problems(needs, today=today)

    def coordinate(need: Need, name: str) -> float:
        district = need.workplace.district
        value = getattr(district, name) if district else None
        return float("nan") if value is None else float(value)

    def bits(need: Need) -> int:
        value = 0
        for problem in need_reasons[need.pk]:
            value |= CODES[problem.code]
        return value

    work_start, work_end = working_hours_arrays(needs)
    return NeedArrays(
        ids=np.array([n.pk for n in needs], dtype=np.int64),
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
        start=np.array([day_number(periods[n.pk][0]) for n in needs], dtype=np.int32),
        end=np.array([day_number(periods[n.pk][1]) for n in needs], dtype=np.int32),
        lat=np.array([coordinate(n, "latitude") for n in needs], dtype=np.float64),
        lon=np.array([coordinate(n, "longitude") for n in needs], dtype=np.float64),
        supervisor=np.array([supervisor[n.pk] for n in needs], dtype=np.float32),
        work_start=work_start,
        work_end=work_end,
        need_bits=np.array([bits(n) for n in needs], dtype=np.int16),
        prerequisites=tuple(np.array([p.pk for p in rules.required_prerequisites(n)], dtype=np.int64) for n in needs),
        municipalities=tuple(np.array(sorted(n.municipality_ids()), dtype=np.int64) for n in needs),
    )


# A need's arrays are read again on every ranking of it (a coordinator pages through the candidates,
# searches the excluded, proposes, ranks again): kept per process, keyed by need and day, and valid while
# nothing they are read from has changed. Those are the placements (the places and the supervisors' load:
# the features' placements part, replaced whenever a placement or case file changes) and the needs' own
# data (the need, its type, working hours, prerequisites and publication, the workplace, its organisation
# and district, its supervisors and their trainings): saving or deleting any of those, here or in another
# process, moves NEEDS_GENERATION_KEY in the shared cache on commit (placements.apps). A random token, not
# a counter, so that an emptied cache starts no old value again.
NEEDS_GENERATION_KEY = "placements:matching:needs-generation"
NEED_ARRAYS_KEPT = 4096


@dataclass
class _Kept:
    """The kept arrays by (need, day), with the need's `updated_at` each was read at, all valid for one
    placements part of the features and one generation: either moving empties them all (so no old
    placements part is held alive by an old entry)."""

    placements: object = None
    generation: str | None = None
    arrays: OrderedDict[tuple[int, dt.date], tuple[dt.datetime, NeedArrays]] = field(default_factory=OrderedDict)


_kept = _Kept()
_kept_lock = threading.Lock()


def forget_need_arrays() -> None:
    """Drop the kept need arrays here and in every process sharing the cache: after a need, its
    workplace, supervisors or reference data changed, on commit (placements.apps), and in tests."""
    with _kept_lock:
        _kept.arrays.clear()
    cache.set(NEEDS_GENERATION_KEY, secrets.token_hex(8), timeout=None)


def kept_need_arrays(need: Need, today: dt.date, features: Features) -> NeedArrays:
    """need_arrays([need], today), read once while the placements (`features`) and the needs' data
    stay as they were (see NEEDS_GENERATION_KEY); the same arrays a fresh read gives
    (placements/tests/test_need_arrays_kept.py changes each thing they are read from). Only where
    every process shares the cache (settings.MATCHING_KEEP_NEED_ARRAYS), and while it answers: a
    process that cannot hear of another's change reads the arrays afresh."""
    if not settings.MATCHING_KEEP_NEED_ARRAYS:
        return need_arrays([need], today)
    generation = cache.get(NEEDS_GENERATION_KEY)
    if generation is None:
        cache.add(NEEDS_GENERATION_KEY, secrets.token_hex(8), timeout=None)
        generation = cache.get(NEEDS_GENERATION_KEY)
        if generation is None:  # the cache is down
            return need_arrays([need], today)
    key = (need.pk, today)
    with _kept_lock:
        if _kept.placements is not features.placements or _kept.generation != generation:
            _kept.arrays.clear()
            _kept.placements, _kept.generation = features.placements, generation
        hit = _kept.arrays.get(key)
        if hit is not None and hit[0] == need.updated_at:
            _kept.arrays.move_to_end(key)
            return hit[1]
    arrays = need_arrays([need], today)
    for name in NeedArrays.__dataclass_fields__:  # shared by the rankings that follow: read-only
        value = getattr(arrays, name)
        for array in value if isinstance(value, tuple) else (value,):
            array.flags.writeable = False
    with _kept_lock:
        # Kept only if nothing moved meanwhile (another thread may have started a newer version).
        if _kept.placements is features.placements and _kept.generation == generation:
            _kept.arrays[key] = (need.updated_at, arrays)
            _kept.arrays.move_to_end(key)
            while len(_kept.arrays) > NEED_ARRAYS_KEPT:
                _kept.arrays.popitem(last=False)
    return arrays


def working_hours_arrays(needs: list[Need]) -> tuple[np.ndarray, np.ndarray]:
    """Each need's working hours per weekday, (m, 7) starts and ends (features.time_key), 0–0 on a day
    without; read in one query for all the needs."""
    column = {need.pk: i for i, need in enumerate(needs)}
    start = np.zeros((len(needs), 7), dtype=np.int64)
    end = np.zeros((len(needs), 7), dtype=np.int64)
    rows = WorkingHours.objects.filter(need_id__in=list(column)).values_list(
        "need_id", "weekday", "starts_at", "ends_at"
    )
    for need_id, weekday, starts_at, ends_at in rows:
        start[column[need_id], weekday] = time_key(starts_at)
        end[column[need_id], weekday] = time_key(ends_at)
    return start, end


@dataclass(frozen=True)
class Labels:
    reasons: dict[int, str]
    criteria: dict[str, str]


@functools.lru_cache(maxsize=16)
def _labels_in(language: str | None) -> Labels:
    return Labels(
        reasons={reason: str(label) for reason, label in REASON_LABELS.items()},
        criteria={name: str(label) for name, label in CRITERION_LABELS.items()},
    )


def active_labels() -> Labels:
    """The labels in the active language, translated once per language (a ranking shows hundreds)."""
    return _labels_in(get_language())


def contributions_of(scores: Scores, row: int, column: int) -> list[Contribution]:
    criteria = active_labels().criteria
    return [
        Contribution(name, criteria[name], round(float(value[row, column]), 3)) for name, value in scores.terms.items()
    ]


def visible(features: Features, user: User) -> np.ndarray:
    """Which participants the user may see (accounts.access.participant_reach), as a mask over the
    features: read from the arrays, with at most a small query of the user's own grants and
    supervised placements, evaluated now (a grant counts until it expires)."""
    p = features.participants
    return access.participant_reach(user).select(
        ids=p.ids, municipality=p.municipality, team=p.team, pseudonymised=p.pseudonymised
    )


# A user who sees at most this share of the participants is scored over their rows alone: a coordinator
# of one municipality of a region's million. Scoring is row by row, so the scores are the same.
SHARE_BELOW = 0.75
# The shares kept hold at most as many rows as the features themselves (oldest dropped first).
_shares: OrderedDict[bytes, tuple[Features, Features]] = OrderedDict()
_shares_lock = threading.Lock()


def share_of(features: Features, seen: np.ndarray) -> tuple[Features, np.ndarray]:
    """The features of the participants `seen` marks and its mask over them (all True), when they are
    fewer than SHARE_BELOW of all; else the features and `seen` as they are. Kept per mask while the
    features are the same arrays: the users of one team share one."""
    rows = np.flatnonzero(seen)
    if len(rows) >= SHARE_BELOW * len(seen):
        return features, seen
    key = hashlib.blake2b(np.packbits(seen).tobytes(), digest_size=16).digest()
    with _shares_lock:
        hit = _shares.get(key)
        if hit is not None and _same_arrays(hit[0], features):
            _shares.move_to_end(key)
            return hit[1], np.ones(len(rows), dtype=bool)
    share = subset(features, rows)
    with _shares_lock:
        for old in [k for k, (of, _) in _shares.items() if not _same_arrays(of, features)]:
            del _shares[old]  # of features since reloaded: they hold the old arrays alive
        _shares[key] = (features, share)
        while sum(len(kept.participants.ids) for _, kept in _shares.values()) > len(features.participants.ids):
            _shares.popitem(last=False)
    return share, np.ones(len(rows), dtype=bool)


def _same_arrays(one: Features, other: Features) -> bool:
    return one.participants is other.participants and one.placements is other.placements and one.checks is other.checks


def reasons_of(bits: int) -> list[str]:
    reasons = active_labels().reasons
    return [reasons[reason] for reason in REASONS if bits & reason]


def pair_reasons(bits: int, *, participant: Participant, need: Need) -> list[str]:
    """The reasons of one excluded pair as shown: the rules' labels, with the timetable clash said as
    the rule says it ("… krockar med SFI tisdag 08:30–12:00"), so a coordinator sees which day.
    Reads the pair's study times and working hours (prefetched by the callers)."""
    labels = reasons_of(bits)
    if bits & TIMETABLE:
        clashes = rules.timetable_clashes(participant=participant, need=need)
        general = active_labels().reasons[TIMETABLE]
        labels = [rules.timetable_clash_text(clashes) if label == general and clashes else label for label in labels]
    return labels


PREREQUISITE_LABEL = _("A prerequisite of the need is missing (it can be proposed, not agreed)")


def warnings_of(bits: int) -> list[str]:
    return [str(PREREQUISITE_LABEL)] if bits & PREREQUISITE else []


def rank_candidates(
    *,
    need: Need,
    user: User,
    limit: int = 25,
    excluded_limit: int = 25,
    excluded_offset: int = 0,
    excluded_ids: Iterable[int] | None = None,
    today: dt.date | None = None,
) -> CandidateRanking:
    """The participants the user may see who fit the need best, with the reasons, and the excluded
    with theirs: every one of them, a page at a time (`excluded_offset`, `excluded_limit`), only
    those in `excluded_ids` when a search has narrowed them (a coordinator asking "why is this
    person not here?")."""
    today = today or timezone.localdate()
    everyone = load_features()
    arrays = kept_need_arrays(need, today, everyone)
    features, seen = share_of(everyone, visible(everyone, user))
    weights = weights_in_force().for_rows(features.participants.municipality)
    scores = score(features, arrays, weights, today.toordinal())
    total, excluded_bits = scores.total[:, 0], scores.excluded[:, 0]
    eligible = seen & (excluded_bits == 0)
    eligible_rows = np.flatnonzero(eligible)
    if len(eligible_rows) > limit:
        top = eligible_rows[np.argpartition(-total[eligible_rows], limit)[:limit]]
    else:
        top = eligible_rows
    ids = features.participants.ids
    # Highest score first; the participant id breaks ties, so the order is stable.
    top = top[np.lexsort((ids[top], -total[top]))]
    need_bits = int(arrays.need_bits[0])
    # Reasons of the need alone exclude everybody: they are said once, about the need.
    person_bits = excluded_bits & ~np.int16(need_bits)
    excluded_rows = np.flatnonzero(seen & (excluded_bits != 0))
    excluded_person_bits = person_bits[excluded_rows]
    reason_labels = active_labels().reasons
    counts = [
        (reason_labels[reason], int(np.count_nonzero(excluded_person_bits & reason)))
        for reason in REASONS
        if not reason & need_bits
    ]
    if excluded_ids is not None:
        wanted = np.fromiter(excluded_ids, dtype=np.int64)
        excluded_rows = excluded_rows[np.isin(ids[excluded_rows], wanted)]
    shown = excluded_rows[excluded_offset : excluded_offset + excluded_limit]
    # The candidates and the excluded shown, in one query, fetched through the access rule as well: a
    # row the cached features hold as visible a moment too long (a change their version has not seen
    # yet) is left out, never shown. No ORDER BY: a dict is asked for, and the name order of the model's
    # default leads PostgreSQL to walk the name index.
    people = (
        Participant.objects.visible_to(user).order_by().in_bulk([int(i) for i in ids[np.concatenate([top, shown])]])
    )
    candidates = [
        Candidate(
            participant=people[int(ids[row])],
            score=round(float(total[row]), 3),
            contributions=contributions_of(scores, row, 0),
            warnings=warnings_of(int(scores.warnings[row, 0])),
        )
        for row in top
        if int(ids[row]) in people
    ]
    # The timetable clashes are said day by day (pair_reasons): their rows are read only when one is shown.
    clashing = [
        person
        for row in shown[(person_bits[shown] & TIMETABLE) != 0]
        if (person := people.get(int(ids[row]))) is not None
    ]
    if clashing:
        prefetch_related_objects(clashing, "study_times")
        prefetch_related_objects([need], "working_hours")
    excluded = [
        Excluded(
            participant=people[int(ids[row])],
            reasons=pair_reasons(int(person_bits[row]), participant=people[int(ids[row])], need=need)
            or reasons_of(need_bits),
        )
        for row in shown
        if int(ids[row]) in people
    ]
    return CandidateRanking(
        need=need,
        candidates=candidates,
        eligible_count=len(eligible_rows),
        excluded=excluded,
        excluded_counts=[(label, count) for label, count in counts if count],
        excluded_total=len(excluded_rows),
        need_reasons=reasons_of(need_bits),
    )


@dataclass(frozen=True)
class NeedMatch:
    need: Need
    score: float
    contributions: list[Contribution]
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ExcludedNeed:
    need: Need
    reasons: list[str]


@dataclass(frozen=True)
class NeedRanking:
    matches: list[NeedMatch]
    excluded: list[ExcludedNeed]  # every open need the person cannot take now, and why


def rank_needs(
    *, participant: Participant, user: User, limit: int = 25, excluded_limit: int = 200, today: dt.date | None = None
) -> NeedRanking:
    """The open, still running needs that suit one participant best, each with its score and
    reasons, and the needs they cannot take with the rules that stop them (full in the period, the
    type's rules, Swedish, licence, hours, a records check...). Scored in one pass with the same
    rules as candidates."""
    today = today or timezone.localdate()
    features = load_features()
    row = features.participants.index_of.get(participant.pk)
    if row is None:
        return NeedRanking(matches=[], excluded=[])
    needs = list(
        Need.objects.visible_to(user)
        .open()
        .filter(end_date__gt=today)
        .select_related("workplace__district", "workplace__organisation", "occupation", "placement_type")
        .prefetch_related("prerequisites", "workplace__prerequisites", "working_hours", "published_to")
        .order_by("pk")[:MAX_NEEDS_FOR_PARTICIPANT]
    )
    if not needs:
        return NeedRanking(matches=[], excluded=[])
    one = subset(features, np.array([row]))
    weights = weights_in_force([participant.municipality_id]).of(participant.municipality_id)
    scores = score(one, need_arrays(needs, today), weights, today.toordinal())
    columns = [c for c in np.flatnonzero(scores.excluded[0] == 0)]
    columns.sort(key=lambda c: (-float(scores.total[0, c]), needs[c].pk))
    matches = [
        NeedMatch(
            need=needs[c],
            score=round(float(scores.total[0, c]), 3),
            contributions=contributions_of(scores, 0, int(c)),
            warnings=warnings_of(int(scores.warnings[0, c])),
        )
        for c in columns[:limit]
    ]
    prefetch_related_objects([participant], "study_times")
    excluded = [
        ExcludedNeed(
            need=needs[c], reasons=pair_reasons(int(scores.excluded[0, c]), participant=participant, need=needs[c])
        )
        for c in np.flatnonzero(scores.excluded[0] != 0)[:excluded_limit]
    ]
    return NeedRanking(matches=matches, excluded=excluded)


# The open needs a participant's page scores at most (a municipality has hundreds, not more).
MAX_NEEDS_FOR_PARTICIPANT = 2000
