"""Pure scoring over the prepared arrays: hard constraints exclude with a reason, soft criteria
score, each term bounded and weighted. No database access here."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .features import NO_DAY, RECORDS_SCOPES, Features

# Exclusion reasons, as bits, so one participant can carry several.
NOT_READY = 1
BUSY = 2
SWEDISH = 4
LICENCE = 8
RECORDS = 16
HOURS = 32
REASONS = (NOT_READY, BUSY, SWEDISH, LICENCE, RECORDS, HOURS)

# Shared SSYK prefix length -> how close the occupations are (4 digits: the same unit group).
PREFIX_SCORE = np.array([0.0, 0.25, 0.5, 0.75, 1.0], dtype=np.float32)
FULL_YEARS = 10.0  # experience counts fully from ten years
NEAR_KM = 30.0  # beyond this distance the "near home" term is zero
PROGRAMME_DAYS = 730  # the establishment programme
RECORDS_VALID_DAYS = 365  # an extract may be at most a year old when the placement starts


@dataclass(frozen=True)
class NeedData:
    """What scoring needs to know of one need."""

    digits: np.ndarray  # (4,) int8
    workplace_id: int
    job_track: int  # -1 none
    min_swedish: int
    min_education: int  # -1 not asked for
    requires_licence: bool
    records_scope: int  # 0 none, 1 children, 2 care
    hours: float
    start: int  # day numbers
    end: int
    lat: float
    lon: float
    supervisor: float  # need side: 1 trained supervisor with room, 0.5 untrained with room, 0 none


@dataclass(frozen=True)
class Scores:
    total: np.ndarray  # float32 per participant
    terms: dict[str, np.ndarray]  # weighted contribution per criterion
    excluded: np.ndarray  # int bitmask per participant, 0 = eligible


def shared_prefix(digits: np.ndarray, code: np.ndarray) -> np.ndarray:
    """How many leading SSYK digits each row shares with `code` (0..4)."""
    same = (digits == code[None, :]) & (digits >= 0)
    return np.cumprod(same, axis=1).sum(axis=1)


def haversine_km(lat: np.ndarray, lon: np.ndarray, lat0: float, lon0: float) -> np.ndarray:
    lat1, lon1, lat2, lon2 = map(np.radians, (lat, lon, lat0, lon0))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * np.arcsin(np.sqrt(a))


def score_participants_for_need(features: Features, need: NeedData, weights: dict[str, float], today: int) -> Scores:
    """Every participant's exclusion reasons and weighted soft terms for one need."""
    p = features.participants
    n = len(p.ids)
    excluded = np.zeros(n, dtype=np.int16)
    excluded[~p.ready] |= NOT_READY
    excluded[p.swedish < need.min_swedish] |= SWEDISH
    if need.requires_licence:
        excluded[~p.licence] |= LICENCE
    excluded[p.hours < need.hours - 1e-6] |= HOURS

    held = features.placements
    overlap = (held.hold_start <= need.end) & (held.hold_end >= need.start)
    busy = np.zeros(n, dtype=bool)
    busy[held.hold_index[overlap]] = True
    excluded[busy] |= BUSY

    if need.records_scope:
        checks = features.checks
        valid = (
            checks.approved
            & (checks.scope == need.records_scope)
            & (checks.extract_day >= need.start - RECORDS_VALID_DAYS)
        )
        has_check = np.zeros(n, dtype=bool)
        has_check[checks.index[valid]] = True
        excluded[~has_check] |= RECORDS

    terms: dict[str, np.ndarray] = {}
    experience = np.zeros(n, dtype=np.float32)
    if len(p.exp_index):
        years = 0.5 + 0.5 * np.minimum(p.exp_years, FULL_YEARS) / FULL_YEARS
        np.maximum.at(experience, p.exp_index, PREFIX_SCORE[shared_prefix(p.exp_digits, need.digits)] * years)
    terms["experience"] = experience

    interest = np.zeros(n, dtype=np.float32)
    if len(p.int_index):
        shared = shared_prefix(p.int_digits, need.digits)
        # An interest in a whole field that contains the need counts, more so the narrower it is.
        contains = shared == p.int_length
        row = np.where(contains, 0.4 + 0.15 * p.int_length, 0.5 * PREFIX_SCORE[shared]).astype(np.float32)
        np.maximum.at(interest, p.int_index, row)
    terms["interest"] = interest

    terms["job_track"] = ((p.job_track == need.job_track) & (need.job_track >= 0)).astype(np.float32)
    terms["swedish_margin"] = np.clip((p.swedish - need.min_swedish) / 4.0, 0, 1).astype(np.float32)
    if need.min_education >= 0:
        terms["education"] = (p.education >= need.min_education).astype(np.float32)
    else:
        terms["education"] = np.zeros(n, dtype=np.float32)

    if np.isnan(need.lat):
        terms["distance"] = np.full(n, 0.5, dtype=np.float32)
    else:
        km = haversine_km(p.lat, p.lon, need.lat, need.lon)
        terms["distance"] = np.where(np.isnan(km), 0.5, np.clip(1 - km / NEAR_KM, 0, 1)).astype(np.float32)

    days_left = p.programme_end - today
    in_programme = (p.programme_end != NO_DAY) & (days_left >= 0) & (days_left <= PROGRAMME_DAYS)
    terms["programme_urgency"] = np.where(in_programme, 1 - days_left / PROGRAMME_DAYS, 0).astype(np.float32)
    terms["waiting_time"] = np.clip((today - p.waiting_since) / 365.0, 0, 1).astype(np.float32)

    history = np.zeros(n, dtype=np.float32)
    here = held.past_workplace == need.workplace_id
    if here.any():
        good = np.zeros(n, dtype=np.float32)
        good[held.past_index[here & held.past_good]] = 1
        early = np.zeros(n, dtype=np.float32)
        early[held.past_index[here & held.past_early]] = 1
        history = good - early
    terms["history"] = history
    terms["supervisor"] = np.full(n, need.supervisor, dtype=np.float32)

    weighted = {name: (weights[name] * value).astype(np.float32) for name, value in terms.items()}
    total = np.zeros(n, dtype=np.float32)
    for value in weighted.values():
        total += value
    return Scores(total=total, terms=weighted, excluded=excluded)


def records_scope_code(value: str) -> int:
    return RECORDS_SCOPES.get(value, 0)
