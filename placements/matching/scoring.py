"""Pure scoring over the prepared arrays: hard constraints exclude with a reason, soft criteria
score, each term bounded and weighted. No database access here.

One function scores a block of participants against a block of needs (an n x m grid): ranking the
candidates for a need is the n x 1 case, ranking the needs for a participant the 1 x m case, so
both directions use the same rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .features import NO_DAY, RECORDS_SCOPES, RECORDS_VALID_DAYS, Features

# Exclusion reasons, as bits, so one pair can carry several. Each is a rule of placements.rules,
# by its reason code (CODES); the rules of the need alone come from that module as `need_bits`.
NOT_READY = 1
BUSY = 2
SWEDISH = 4
LICENCE = 8
RECORDS = 16
HOURS = 32
NEED_NOT_OPEN = 64
NEED_PERIOD = 128
NEED_FULL = 256
TYPE_INACTIVE = 512
TYPE_HOURS = 1024
TYPE_WEEKS = 2048
TIMETABLE = 4096
ELSEWHERE = 8192
PROPOSED_HERE = 16384  # the last bit of the int16 mask
REASONS = (
    NOT_READY,
    BUSY,
    PROPOSED_HERE,
    ELSEWHERE,
    SWEDISH,
    LICENCE,
    RECORDS,
    HOURS,
    TIMETABLE,
    NEED_NOT_OPEN,
    NEED_PERIOD,
    NEED_FULL,
    TYPE_INACTIVE,
    TYPE_HOURS,
    TYPE_WEEKS,
)
# A warning, not an exclusion: missing prerequisites stop agreeing, not proposing.
PREREQUISITE = 1
CODES = {
    "participant_not_ready": NOT_READY,
    "participant_busy": BUSY,
    "already_proposed": PROPOSED_HERE,
    "need_elsewhere": ELSEWHERE,
    "swedish_level": SWEDISH,
    "driving_licence": LICENCE,
    "records_extract": RECORDS,
    "hours_available": HOURS,
    "timetable_clash": TIMETABLE,
    "need_not_open": NEED_NOT_OPEN,
    "need_period": NEED_PERIOD,
    "need_full": NEED_FULL,
    "type_inactive": TYPE_INACTIVE,
    "type_hours": TYPE_HOURS,
    "type_weeks": TYPE_WEEKS,
}

# Shared SSYK prefix length -> how close the occupations are (4 digits: the same unit group).
PREFIX_SCORE = np.array([0.0, 0.25, 0.5, 0.75, 1.0], dtype=np.float32)
FULL_YEARS = 10.0  # experience counts fully from ten years
# Even a little experience counts three quarters of the full term: having done the work matters more
# than how long (MatchingWeights says why the weights are what they are).
FIRST_YEAR_SHARE = 0.75
NEAR_KM = 30.0  # beyond this distance the "near home" term is zero
PROGRAMME_DAYS = 730  # the establishment programme


# A criterion's weight: one number for every participant scored, or a column (n, 1) with one per
# participant (each scored with their municipality's weights: placements.matching.WeightsInForce).
Weights = Mapping[str, float | np.ndarray]


@dataclass(frozen=True)
class NeedArrays:
    """What scoring needs to know of m needs, one entry per need."""

    ids: np.ndarray  # int64, the needs' ids
    digits: np.ndarray  # (m, 4) int8
    workplace_id: np.ndarray  # int64
    job_track: np.ndarray  # int64, -1 none
    min_swedish: np.ndarray  # int8
    min_education: np.ndarray  # int8, -1 not asked for
    requires_licence: np.ndarray  # bool
    records_scope: np.ndarray  # int8: 0 none, 1 children, 2 care
    hours: np.ndarray  # float32
    start: np.ndarray  # int32 day numbers: the period a placement would be proposed for
    end: np.ndarray
    lat: np.ndarray  # float64, nan unknown
    lon: np.ndarray
    supervisor: np.ndarray  # float32: 1 trained supervisor with room, 0.5 untrained with room, 0 none
    # Working hours per weekday (Monday first), as features.time_key; a day without hours is 0–0,
    # which no study time overlaps.
    work_start: np.ndarray  # (m, 7) int64
    work_end: np.ndarray  # (m, 7) int64
    need_bits: np.ndarray  # int16: the reasons of placements.rules that hold for the need alone
    prerequisites: tuple[np.ndarray, ...]  # per need, the int64 ids of the prerequisites it asks for
    # per need, the int64 ids of the municipalities that may use it (workplaces.Need.municipality_ids)
    municipalities: tuple[np.ndarray, ...]

    def __len__(self) -> int:
        return len(self.workplace_id)


@dataclass(frozen=True)
class Scores:
    total: np.ndarray  # float32 (n, m)
    terms: dict[str, np.ndarray]  # weighted contribution per criterion, (n, m)
    excluded: np.ndarray  # int16 bitmask (n, m), 0 = eligible
    warnings: np.ndarray  # int8 bitmask (n, m): PREREQUISITE when one is missing


def shared_prefix(digits: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """How many leading SSYK digits each row shares with each code: (rows, 4) x (m, 4) -> (rows, m) int8.

    Digit by digit on (rows, m) grids (a prefix still shared after digit k adds one), not a cumulative
    product over a (rows, m, 4) cube: the same counts, some thirty times faster. A missing digit of a
    row (negative) shares nothing, not even with a missing digit of the code: 127 is no digit."""
    rows = np.where(digits >= 0, digits, 127).astype(digits.dtype)
    same = rows[:, 0, np.newaxis] == codes[np.newaxis, :, 0]
    shared = same.astype(np.int8)
    for k in range(1, digits.shape[1]):
        same &= rows[:, k, np.newaxis] == codes[np.newaxis, :, k]
        shared += same
    return shared


def haversine_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    lat1, lon1, lat2, lon2 = map(np.radians, (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * np.arcsin(np.sqrt(a))


def _best_per_owner(owner: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """The highest value per owner (participant) for each need, at least 0: (rows, m) -> (n, m).
    Rows grouped by owner (the features load them so, and a subset keeps them so) reduce run by run,
    several times faster than an unbuffered maximum.at; other rows take that."""
    best = np.zeros((n, values.shape[1]), dtype=np.float32)
    if not len(owner):
        return best
    if np.all(owner[1:] >= owner[:-1]):
        starts = np.flatnonzero(np.concatenate(([True], owner[1:] != owner[:-1])))
        best[owner[starts]] = np.maximum.reduceat(values, starts, axis=0)
        np.maximum(best, 0, out=best)
    else:
        np.maximum.at(best, owner, values)
    return best


def _any_per_owner(owner: np.ndarray, holds: np.ndarray, n: int) -> np.ndarray:
    """Whether any row of each owner (participant) holds, for each need: (rows, m) bool -> (n, m) bool."""
    result = np.zeros((n, holds.shape[1]), dtype=bool)
    rows, columns = np.nonzero(holds)
    result[owner[rows], columns] = True
    return result


def score(features: Features, needs: NeedArrays, weights: Weights, today: int) -> Scores:
    """Exclusion reasons and weighted soft terms of every participant for every need, each term
    weighted with the participant's weight (`Weights`: one for all, or a column of one per row)."""
    p = features.participants
    n, m = len(p.ids), len(needs)
    col = np.newaxis  # participants down, needs across

    excluded = np.broadcast_to(needs.need_bits.astype(np.int16)[col, :], (n, m)).copy()
    excluded |= np.where(~p.ready[:, col], NOT_READY, 0).astype(np.int16)
    excluded |= np.where(p.swedish[:, col] < needs.min_swedish[col, :], SWEDISH, 0).astype(np.int16)
    excluded |= np.where(needs.requires_licence[col, :] & ~p.licence[:, col], LICENCE, 0).astype(np.int16)
    excluded |= np.where(p.hours[:, col] < needs.hours[col, :] - 1e-6, HOURS, 0).astype(np.int16)

    if m:
        # Few municipalities: which of the participants' municipalities each need is offered to, (k, m).
        kinds, kind_of = np.unique(p.municipality, return_inverse=True)
        offered = np.stack([np.isin(kinds, municipalities) for municipalities in needs.municipalities], axis=1)
        excluded |= np.where(~offered[kind_of.reshape(-1)], ELSEWHERE, 0).astype(np.int16)

    held = features.placements
    overlap = (held.hold_start[:, col] <= needs.end[col, :]) & (held.hold_end[:, col] >= needs.start[col, :])
    busy = _any_per_owner(held.hold_index, overlap, n)
    excluded |= np.where(busy, BUSY, 0).astype(np.int16)

    # A pending proposal of the participant for the need: a second one would repeat it.
    if len(held.proposed_index) and m:
        here = held.proposed_need[:, col] == needs.ids[col, :]
        again = _any_per_owner(held.proposed_index, here, n)
        excluded |= np.where(again, PROPOSED_HERE, 0).astype(np.int16)

    if len(p.study_index) and needs.work_end.any():
        excluded |= np.where(
            timetable_clash(p.study_index, p.study_day, p.study_start, p.study_end, needs, n), TIMETABLE, 0
        ).astype(np.int16)

    if needs.records_scope.any():
        checks = features.checks
        valid = (
            checks.approved[:, col]
            & (checks.scope[:, col] == needs.records_scope[col, :])
            & (checks.extract_day[:, col] >= needs.end[col, :] - RECORDS_VALID_DAYS)
        )
        has_check = _any_per_owner(checks.index, valid, n)
        missing = (needs.records_scope[col, :] > 0) & ~has_check
        excluded |= np.where(missing, RECORDS, 0).astype(np.int16)

    warnings = np.zeros((n, m), dtype=np.int8)
    checks = features.checks
    for column, required in enumerate(needs.prerequisites):
        for prerequisite in required:
            valid = (checks.prereq_id == prerequisite) & (checks.prereq_until >= needs.end[column])
            has = np.zeros(n, dtype=bool)
            has[checks.prereq_index[valid]] = True
            warnings[~has, column] |= PREREQUISITE

    terms: dict[str, np.ndarray] = {}
    years = FIRST_YEAR_SHARE + (1 - FIRST_YEAR_SHARE) * np.minimum(p.exp_years, FULL_YEARS) / FULL_YEARS
    experience_rows = PREFIX_SCORE[shared_prefix(p.exp_digits, needs.digits)] * years[:, col]
    terms["experience"] = _best_per_owner(p.exp_index, experience_rows, n)

    shared = shared_prefix(p.int_digits, needs.digits)
    # An interest in a whole field that contains the need counts, more so the narrower it is.
    contains = shared == p.int_length[:, col]
    interest_rows = np.where(contains, 0.4 + 0.15 * p.int_length[:, col], 0.5 * PREFIX_SCORE[shared])
    terms["interest"] = _best_per_owner(p.int_index, interest_rows.astype(np.float32), n)

    terms["job_track"] = ((p.job_track[:, col] == needs.job_track[col, :]) & (needs.job_track[col, :] >= 0)).astype(
        np.float32
    )
    terms["swedish_margin"] = np.clip((p.swedish[:, col] - needs.min_swedish[col, :]) / 4.0, 0, 1).astype(np.float32)
    asked = needs.min_education[col, :] >= 0
    terms["education"] = (asked & (p.education[:, col] >= needs.min_education[col, :])).astype(np.float32)

    km = haversine_km(p.lat[:, col], p.lon[:, col], needs.lat[col, :], needs.lon[col, :])
    terms["distance"] = np.where(np.isnan(km), 0.5, np.clip(1 - km / NEAR_KM, 0, 1)).astype(np.float32)

    days_left = p.programme_end - today
    in_programme = (p.programme_end != NO_DAY) & (days_left >= 0) & (days_left <= PROGRAMME_DAYS)
    urgency = np.where(in_programme, 1 - days_left / PROGRAMME_DAYS, 0).astype(np.float32)
    terms["programme_urgency"] = np.broadcast_to(urgency[:, col], (n, m))
    waiting = np.clip((today - p.waiting_since) / 365.0, 0, 1).astype(np.float32)
    terms["waiting_time"] = np.broadcast_to(waiting[:, col], (n, m))

    here = held.past_workplace[:, col] == needs.workplace_id[col, :]
    good = _any_per_owner(held.past_index, here & held.past_good[:, col], n)
    early = _any_per_owner(held.past_index, here & held.past_early[:, col], n)
    terms["history"] = good.astype(np.float32) - early.astype(np.float32)
    terms["supervisor"] = np.broadcast_to(needs.supervisor[col, :].astype(np.float32), (n, m))

    weighted = {name: (weights[name] * value).astype(np.float32) for name, value in terms.items()}
    total = np.zeros((n, m), dtype=np.float32)
    for value in weighted.values():
        total += value
    return Scores(total=total, terms=weighted, excluded=excluded, warnings=warnings)


def timetable_clash(
    index: np.ndarray, day: np.ndarray, start: np.ndarray, end: np.ndarray, needs: NeedArrays, n: int
) -> np.ndarray:
    """(n, m): whether any study time of the person overlaps the need's working hours on its weekday,
    compared exactly as placements.rules does (half-open spans: touching is no clash). Day by day, each
    day's study times against the needs that work that day only: seven array comparisons, no loop over
    pairs."""
    clash = np.zeros((n, len(needs)), dtype=bool)
    for weekday in range(7):
        working = np.flatnonzero(needs.work_end[:, weekday] > needs.work_start[:, weekday])
        times = np.flatnonzero(day == weekday)
        if not len(working) or not len(times):
            continue
        work_start, work_end = needs.work_start[working, weekday], needs.work_end[working, weekday]
        overlap = (work_start[np.newaxis, :] < end[times, np.newaxis]) & (
            start[times, np.newaxis] < work_end[np.newaxis, :]
        )
        rows, columns = np.nonzero(overlap)
        clash[index[times[rows]], working[columns]] = True
    return clash


def records_scope_code(value: str) -> int:
    return RECORDS_SCOPES.get(value, 0)
