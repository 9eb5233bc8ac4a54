"""The data matching reads, as numpy arrays, loaded once and kept while the data is unchanged.

What matching may read is listed here and nowhere else. It never loads gender, identity
number, birth date, name, languages or anything else the Discrimination Act protects, so no
ranking can depend on them. It keeps what the access rule reads (municipality, team, pseudonymisation), so a
ranking selects whom the user may see in memory (accounts.access.ParticipantReach), not by a query.

Study times (the person's timetable) are kept as spans, one row each, in microseconds since midnight:
the timetable rule (placements.rules, `timetable_clash`) compares times exactly, and so does
`scoring`, so no grid of slots can round a time one way here and the other way there.

Each part (participants with their competences and timetables; placements; criminal-records checks
and prerequisites) is cached in the process with the version it was read at: the newest change and
the highest id of its tables, one cheap query. A part is reloaded only when its version moves.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from accounts import tenancy
from participants.models import (
    WAITING,
    Interest,
    Participant,
    ParticipantPrerequisite,
    RecordsExtractCheck,
    StudyTime,
    WorkExperience,
)

from ..models import ENDED_STATUSES, HOLDING_STATUSES, WORK_OR_STUDIES, Placement, PlacementStatus
from ..occupancy import period_start
from ..rules import READY_STATUSES

READY = READY_STATUSES
NO_DAY = -1
NEVER_ENDS = 99_999_999  # a day number after every date: a prerequisite that does not expire
RECORDS_SCOPES = {"children": 1, "care": 2}
RECORDS_VALID_DAYS = RecordsExtractCheck.VALID_DAYS


def code_digits(codes: list[str]) -> np.ndarray:
    """SSYK codes as an (n, 4) array of digits, -1 past the code's length ("53" -> 5, 3, -1, -1)."""
    digits = np.full((len(codes), 4), -1, dtype=np.int8)
    for row, code in enumerate(codes):
        for column, char in enumerate(code[:4]):
            digits[row, column] = ord(char) - 48
    return digits


def day_number(value: dt.date | None) -> int:
    return value.toordinal() if value else NO_DAY


def time_key(value: dt.time) -> int:
    """A time of day as microseconds since midnight: ordered exactly as the times are."""
    return ((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000 + value.microsecond


@dataclass(frozen=True)
class ParticipantArrays:
    """One row per participant; competences as (row, participant index) pairs."""

    ids: np.ndarray  # int64
    index_of: dict[int, int]
    municipality: np.ndarray  # int64
    team: np.ndarray  # int64
    pseudonymised: (
        np.ndarray
    )  # bool; with `municipality` and `team`, what the access rule reads (accounts.access.ParticipantReach)
    waiting: np.ndarray  # bool: whom matching looks for (participants.models.WAITING)
    ready: np.ndarray  # bool
    swedish: np.ndarray  # int8
    education: np.ndarray  # int8
    hours: np.ndarray  # float32
    licence: np.ndarray  # bool
    job_track: np.ndarray  # int64, -1 none
    lat: np.ndarray  # float64, nan unknown
    lon: np.ndarray
    programme_end: np.ndarray  # int32 day number, -1 none
    waiting_since: np.ndarray  # int32 day number of the last status change
    exp_index: np.ndarray  # int32 participant index
    exp_digits: np.ndarray  # (n, 4) int8
    exp_years: np.ndarray  # float32
    int_index: np.ndarray
    int_digits: np.ndarray
    int_length: np.ndarray  # int8, digits in the interest's code
    study_index: np.ndarray  # int32 participant index of each study time
    study_day: np.ndarray  # int8 weekday (Monday 0)
    study_start: np.ndarray  # int64 time_key
    study_end: np.ndarray  # int64 time_key


@dataclass(frozen=True)
class PlacementArrays:
    hold_index: np.ndarray  # participant index of agreed/active placements
    hold_start: np.ndarray
    hold_end: np.ndarray
    past_index: np.ndarray  # participant index of ended placements
    past_workplace: np.ndarray
    past_good: np.ndarray  # bool: completed, or ended in work or studies
    past_early: np.ndarray  # bool: ended early
    proposed_index: np.ndarray  # participant index of pending proposals
    proposed_need: np.ndarray  # int64, the need of each pending proposal


@dataclass(frozen=True)
class CheckArrays:
    """Criminal-records extract checks, and the prerequisites people have."""

    index: np.ndarray
    scope: np.ndarray  # 1 children, 2 care
    extract_day: np.ndarray
    approved: np.ndarray
    prereq_index: np.ndarray  # int32 participant index
    prereq_id: np.ndarray  # int64 taxonomy.Prerequisite id
    prereq_until: np.ndarray  # int32 day number it is valid through (NEVER_ENDS: it does not expire)


def _participants() -> ParticipantArrays:
    rows = list(
        Participant.objects.order_by("pk").values_list(
            "pk",
            "team_id",
            "status",
            "swedish_level",
            "education_level",
            "hours_per_day",
            "has_driving_licence",
            "job_track_id",
            "home_district__latitude",
            "home_district__longitude",
            "establishment_programme_end",
            "status_changed_at",
            "pseudonymised_at",
            "municipality_id",
        )
    )
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    index_of = {int(pk): i for i, pk in enumerate(ids)}
    # Grouped by participant, as the participants are ordered: scoring reduces each one's rows as a run.
    exp = list(
        WorkExperience.objects.order_by("participant_id", "pk").values_list("participant_id", "occupation_id", "years")
    )
    interests = list(Interest.objects.order_by("participant_id", "pk").values_list("participant_id", "occupation_id"))
    studies = list(StudyTime.objects.values_list("participant_id", "weekday", "starts_at", "ends_at"))
    return ParticipantArrays(
        ids=ids,
        index_of=index_of,
        municipality=np.fromiter((r[13] for r in rows), dtype=np.int64, count=len(rows)),
        team=np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows)),
        pseudonymised=np.fromiter((r[12] is not None for r in rows), dtype=bool, count=len(rows)),
        waiting=np.fromiter((r[2] == WAITING for r in rows), dtype=bool, count=len(rows)),
        ready=np.fromiter((r[2] in READY for r in rows), dtype=bool, count=len(rows)),
        swedish=np.fromiter((r[3] for r in rows), dtype=np.int8, count=len(rows)),
        education=np.fromiter((r[4] for r in rows), dtype=np.int8, count=len(rows)),
        hours=np.fromiter((float(r[5]) for r in rows), dtype=np.float32, count=len(rows)),
        licence=np.fromiter((r[6] for r in rows), dtype=bool, count=len(rows)),
        job_track=np.fromiter((r[7] or -1 for r in rows), dtype=np.int64, count=len(rows)),
        lat=np.fromiter((np.nan if r[8] is None else float(r[8]) for r in rows), dtype=np.float64, count=len(rows)),
        lon=np.fromiter((np.nan if r[9] is None else float(r[9]) for r in rows), dtype=np.float64, count=len(rows)),
        programme_end=np.fromiter((day_number(r[10]) for r in rows), dtype=np.int32, count=len(rows)),
        # The Stockholm day of the last status change, as the start page counts days waiting.
        waiting_since=np.fromiter(
            (timezone.localdate(r[11]).toordinal() for r in rows), dtype=np.int32, count=len(rows)
        ),
        exp_index=np.fromiter((index_of[e[0]] for e in exp), dtype=np.int32, count=len(exp)),
        exp_digits=code_digits([e[1] for e in exp]),
        exp_years=np.fromiter((float(e[2]) for e in exp), dtype=np.float32, count=len(exp)),
        int_index=np.fromiter((index_of[i[0]] for i in interests), dtype=np.int32, count=len(interests)),
        int_digits=code_digits([i[1] for i in interests]),
        int_length=np.fromiter((len(i[1]) for i in interests), dtype=np.int8, count=len(interests)),
        study_index=np.fromiter((index_of[t[0]] for t in studies), dtype=np.int32, count=len(studies)),
        study_day=np.fromiter((t[1] for t in studies), dtype=np.int8, count=len(studies)),
        study_start=np.fromiter((time_key(t[2]) for t in studies), dtype=np.int64, count=len(studies)),
        study_end=np.fromiter((time_key(t[3]) for t in studies), dtype=np.int64, count=len(studies)),
    )


def _placements(index_of: dict[int, int]) -> PlacementArrays:
    """Placements held, ended and proposed, read in one query."""
    rows = (
        Placement.objects.filter(status__in=[*HOLDING_STATUSES, *ENDED_STATUSES, PlacementStatus.PROPOSED])
        # Held from the actual start once started (placements.occupancy), to the planned end.
        .annotate(held_from=period_start())
        .values_list("participant_id", "status", "held_from", "planned_end", "need__workplace_id", "outcome", "need_id")
    )
    holding: list[tuple[int, int, int]] = []
    ended: list[tuple[int, int, str, str]] = []
    proposed: list[tuple[int, int]] = []
    for p, status, start, end, workplace, outcome, need in rows:
        if p not in index_of:
            continue
        if status in HOLDING_STATUSES:
            holding.append((index_of[p], day_number(start), day_number(end)))
        elif status in ENDED_STATUSES:
            ended.append((index_of[p], workplace, status, outcome))
        else:
            proposed.append((index_of[p], need))
    return PlacementArrays(
        hold_index=np.array([h[0] for h in holding], dtype=np.int32),
        hold_start=np.array([h[1] for h in holding], dtype=np.int32),
        hold_end=np.array([h[2] for h in holding], dtype=np.int32),
        past_index=np.array([e[0] for e in ended], dtype=np.int32),
        past_workplace=np.array([e[1] for e in ended], dtype=np.int64),
        past_good=np.array([e[2] == PlacementStatus.COMPLETED or e[3] in WORK_OR_STUDIES for e in ended], dtype=bool),
        past_early=np.array([e[2] == PlacementStatus.ENDED_EARLY for e in ended], dtype=bool),
        proposed_index=np.array([q[0] for q in proposed], dtype=np.int32),
        proposed_need=np.array([q[1] for q in proposed], dtype=np.int64),
    )


def _checks(index_of: dict[int, int]) -> CheckArrays:
    rows = [
        (index_of[p], RECORDS_SCOPES[scope], day_number(extract), result == "approved")
        for p, scope, extract, result in RecordsExtractCheck.objects.values_list(
            "participant_id", "scope", "extract_date", "result"
        )
        if p in index_of
    ]
    held = [
        (index_of[p], prerequisite, NEVER_ENDS if until is None else day_number(until))
        for p, prerequisite, until in ParticipantPrerequisite.objects.values_list(
            "participant_id", "prerequisite_id", "valid_until"
        )
        if p in index_of
    ]
    return CheckArrays(
        index=np.array([r[0] for r in rows], dtype=np.int32),
        scope=np.array([r[1] for r in rows], dtype=np.int8),
        extract_day=np.array([r[2] for r in rows], dtype=np.int32),
        approved=np.array([r[3] for r in rows], dtype=bool),
        prereq_index=np.array([h[0] for h in held], dtype=np.int32),
        prereq_id=np.array([h[1] for h in held], dtype=np.int64),
        prereq_until=np.array([h[2] for h in held], dtype=np.int32),
    )


@dataclass(frozen=True)
class Features:
    participants: ParticipantArrays
    placements: PlacementArrays
    checks: CheckArrays


_cache: dict[str, tuple[Any, Any]] = {}
_lock = threading.Lock()


def _versions() -> dict[str, tuple[Any, ...]]:
    """Where each part stands: newest change and highest id of the tables it is read from.

    One round trip: scalar subqueries over indexed columns, portable to SQLite and PostgreSQL.
    """
    tables = {
        "participant": Participant._meta.db_table,
        "experience": WorkExperience._meta.db_table,
        "interest": Interest._meta.db_table,
        "placement": Placement._meta.db_table,
        "check": RecordsExtractCheck._meta.db_table,
        "prerequisite": ParticipantPrerequisite._meta.db_table,
        "study": StudyTime._meta.db_table,
    }
    sql = "SELECT " + ", ".join(
        [
            f"(SELECT MAX(updated_at) FROM {tables['participant']})",
            f"(SELECT MAX(id) FROM {tables['participant']})",
            f"(SELECT MAX(id) FROM {tables['experience']})",
            f"(SELECT MAX(id) FROM {tables['interest']})",
            f"(SELECT MAX(updated_at) FROM {tables['placement']})",
            f"(SELECT MAX(id) FROM {tables['placement']})",
            f"(SELECT MAX(id) FROM {tables['check']})",
            # A prerequisite ended or removed moves its case file's updated_at (participants.services),
            # which the participants' part already watches: the newest id sees the rows added in bulk.
            f"(SELECT MAX(id) FROM {tables['prerequisite']})",
            # A timetable replaced or emptied moves its case file's updated_at too (participants.services).
            f"(SELECT MAX(id) FROM {tables['study']})",
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    people = (connection.alias, _generation(), *row[:4], row[8])
    return {"participants": people, "placements": (*people, *row[4:6]), "checks": (*people, *row[6:8])}


def load_features() -> Features:
    """The current features, reloading only the parts whose data has changed since last time.

    Read in the database's system context (accounts.tenancy): the arrays are the process's, shared
    by every user it serves; whom a user may see is applied to them (ParticipantReach.select)."""
    with tenancy.municipality_scope(None):
        versions = _versions()
        with _lock:
            people = _cached("participants", versions, _participants)
            placements = _cached("placements", versions, lambda: _placements(people.index_of))
            checks = _cached("checks", versions, lambda: _checks(people.index_of))
    return Features(participants=people, placements=placements, checks=checks)


def _cached(part: str, versions: dict[str, tuple[Any, ...]], load: Any) -> Any:
    version = versions[part]
    hit = _cache.get(part)
    if hit is not None and hit[0] == version:
        return hit[1]
    value = load()
    _cache[part] = (version, value)
    return value


# Bumped in the shared cache (Redis) whenever a case file or placement is saved or deleted and the
# transaction commits, and read into every version: the newest change and highest id above miss a row
# deleted that was neither, and a save that commits after a later one was read; and whom a user may
# see is read from these arrays (accounts.access.ParticipantReach.select), so every process must see it.
GENERATION_KEY = "placements:matching:features-generation"


def _generation() -> int:
    return int(cache.get(GENERATION_KEY) or 0)


def forget_features() -> None:
    """Drop the cached features, here and in every process sharing the cache (the next load reads
    them again): after a case file or placement changed, on commit (placements.apps), and in tests."""
    with _lock:
        _cache.clear()
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not there yet (or the cache was emptied): any new value is a new version
        cache.add(GENERATION_KEY, 1, timeout=None)


def subset(features: Features, rows: np.ndarray) -> Features:
    """The features of the participants at `rows` only, re-indexed from 0."""
    p = features.participants
    new_index = np.full(len(p.ids), -1, dtype=np.int32)
    new_index[rows] = np.arange(len(rows), dtype=np.int32)

    def keep(index: np.ndarray) -> np.ndarray:
        return new_index[index] >= 0 if len(index) else np.zeros(0, dtype=bool)

    exp, inter, study = keep(p.exp_index), keep(p.int_index), keep(p.study_index)
    people = ParticipantArrays(
        ids=p.ids[rows],
        index_of={int(pk): i for i, pk in enumerate(p.ids[rows])},
        municipality=p.municipality[rows],
        team=p.team[rows],
        pseudonymised=p.pseudonymised[rows],
        waiting=p.waiting[rows],
        ready=p.ready[rows],
        swedish=p.swedish[rows],
        education=p.education[rows],
        hours=p.hours[rows],
        licence=p.licence[rows],
        job_track=p.job_track[rows],
        lat=p.lat[rows],
        lon=p.lon[rows],
        programme_end=p.programme_end[rows],
        waiting_since=p.waiting_since[rows],
        exp_index=new_index[p.exp_index[exp]],
        exp_digits=p.exp_digits[exp],
        exp_years=p.exp_years[exp],
        int_index=new_index[p.int_index[inter]],
        int_digits=p.int_digits[inter],
        int_length=p.int_length[inter],
        study_index=new_index[p.study_index[study]],
        study_day=p.study_day[study],
        study_start=p.study_start[study],
        study_end=p.study_end[study],
    )
    held = features.placements
    hold, past, proposed = keep(held.hold_index), keep(held.past_index), keep(held.proposed_index)
    placements = PlacementArrays(
        hold_index=new_index[held.hold_index[hold]],
        hold_start=held.hold_start[hold],
        hold_end=held.hold_end[hold],
        past_index=new_index[held.past_index[past]],
        past_workplace=held.past_workplace[past],
        past_good=held.past_good[past],
        past_early=held.past_early[past],
        proposed_index=new_index[held.proposed_index[proposed]],
        proposed_need=held.proposed_need[proposed],
    )
    c = features.checks
    checked = keep(c.index)
    prerequisites = keep(c.prereq_index)
    checks = CheckArrays(
        index=new_index[c.index[checked]],
        scope=c.scope[checked],
        extract_day=c.extract_day[checked],
        approved=c.approved[checked],
        prereq_index=new_index[c.prereq_index[prerequisites]],
        prereq_id=c.prereq_id[prerequisites],
        prereq_until=c.prereq_until[prerequisites],
    )
    return Features(participants=people, placements=placements, checks=checks)
