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
import secrets
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
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
from . import shared

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


class RowIndex:
    """Which row of the arrays holds a participant: a binary search in the ordered ids, where a dict
    would hold a million Python integers twice. Reads like the dict it replaces (`get`, `[]`, `in`)."""

    def __init__(self, ids: np.ndarray) -> None:
        self._ids = ids
        # The features' ids are ordered by pk; a subset keeps its rows' order, which may not be.
        ordered = len(ids) < 2 or bool(np.all(ids[1:] > ids[:-1]))
        self._order = None if ordered else np.argsort(ids, kind="stable")
        self._sorted = ids if self._order is None else ids[self._order]

    def rows(self, pks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The rows of `pks` (int32) and which of them are here at all (bool): rows[~found] is meaningless."""
        pks = np.asarray(pks, dtype=np.int64)
        ordered = self._sorted
        position = np.searchsorted(ordered, pks)
        inside = np.minimum(position, max(len(ordered) - 1, 0))
        found = (position < len(ordered)) & (ordered[inside] == pks) if len(ordered) else np.zeros(len(pks), bool)
        rows = inside if self._order is None else self._order[inside]
        return rows.astype(np.int32), found

    def get(self, pk: int, default: int | None = None) -> int | None:
        rows, found = self.rows(np.array([pk]))
        return int(rows[0]) if found[0] else default

    def __getitem__(self, pk: int) -> int:
        row = self.get(pk)
        if row is None:
            raise KeyError(pk)
        return row

    def __contains__(self, pk: object) -> bool:
        return isinstance(pk, int | np.integer) and self.get(int(pk)) is not None

    def __len__(self) -> int:
        return len(self._ids)


# Rows read and turned into arrays at a time: a million rows never stand in memory as Python tuples
# at once (on PostgreSQL through a server-side cursor), so a worker's peak stays near its arrays' size.
CHUNK_ROWS = 20_000


def _read(
    rows: Iterator[tuple[Any, ...]], build: Callable[[list[tuple[Any, ...]]], dict[str, np.ndarray]]
) -> dict[str, np.ndarray]:
    """`build`'s arrays for every chunk of `rows`, joined: build([]) gives each array's type and shape."""
    parts: dict[str, list[np.ndarray]] = {name: [array] for name, array in build([]).items()}
    while batch := list(islice(rows, CHUNK_ROWS)):
        for name, array in build(batch).items():
            parts[name].append(array)
    return {name: np.concatenate(arrays) for name, arrays in parts.items()}


def _owned(index: RowIndex, arrays: dict[str, np.ndarray]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The participant row of each of `arrays`' rows (from its "owner" id), dropping rows of
    participants not in the features (saved after they were read: the next version reads them)."""
    rows, found = index.rows(arrays.pop("owner"))
    return rows[found], {name: array[found] for name, array in arrays.items()}


@dataclass(frozen=True)
class ParticipantArrays:
    """One row per participant; competences as (row, participant index) pairs."""

    ids: np.ndarray  # int64
    index_of: RowIndex
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


def _column(
    rows: list[tuple[Any, ...]], position: int, dtype: Any, convert: Callable[[Any], Any] | None = None
) -> np.ndarray:
    values = (r[position] for r in rows) if convert is None else (convert(r[position]) for r in rows)
    return np.fromiter(values, dtype=dtype, count=len(rows))


def _people(rows: list[tuple[Any, ...]]) -> dict[str, np.ndarray]:
    return {
        "ids": _column(rows, 0, np.int64),
        "team": _column(rows, 1, np.int64),
        "waiting": _column(rows, 2, bool, lambda status: status == WAITING),
        "ready": _column(rows, 2, bool, lambda status: status in READY),
        "swedish": _column(rows, 3, np.int8),
        "education": _column(rows, 4, np.int8),
        "hours": _column(rows, 5, np.float32, float),
        "licence": _column(rows, 6, bool),
        "job_track": _column(rows, 7, np.int64, lambda track: track or -1),
        "lat": _column(rows, 8, np.float64, lambda degrees: np.nan if degrees is None else float(degrees)),
        "lon": _column(rows, 9, np.float64, lambda degrees: np.nan if degrees is None else float(degrees)),
        "programme_end": _column(rows, 10, np.int32, day_number),
        # The Stockholm day of the last status change, as the start page counts days waiting.
        "waiting_since": _column(rows, 11, np.int32, lambda changed: timezone.localdate(changed).toordinal()),
        "pseudonymised": _column(rows, 12, bool, lambda when: when is not None),
        "municipality": _column(rows, 13, np.int64),
    }


def _competences(rows: list[tuple[Any, ...]]) -> dict[str, np.ndarray]:
    """(participant, SSYK code, ...) rows: whose, and the code's digits."""
    return {"owner": _column(rows, 0, np.int64), "digits": code_digits([r[1] for r in rows])}


def _participants() -> ParticipantArrays:
    people = _read(
        Participant.objects.order_by("pk")
        .values_list(
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
        .iterator(chunk_size=CHUNK_ROWS),
        _people,
    )
    index = RowIndex(people["ids"])
    # Grouped by participant, as the participants are ordered: scoring reduces each one's rows as a run.
    experience = WorkExperience.objects.order_by("participant_id", "pk").values_list(
        "participant_id", "occupation_id", "years"
    )
    exp_index, exp = _owned(
        index,
        _read(
            experience.iterator(chunk_size=CHUNK_ROWS),
            lambda rows: {**_competences(rows), "years": _column(rows, 2, np.float32, float)},
        ),
    )
    interests = Interest.objects.order_by("participant_id", "pk").values_list("participant_id", "occupation_id")
    int_index, inter = _owned(
        index,
        _read(
            interests.iterator(chunk_size=CHUNK_ROWS),
            lambda rows: {**_competences(rows), "length": _column(rows, 1, np.int8, len)},
        ),
    )
    studies = StudyTime.objects.values_list("participant_id", "weekday", "starts_at", "ends_at")
    study_index, study = _owned(
        index,
        _read(
            studies.iterator(chunk_size=CHUNK_ROWS),
            lambda rows: {
                "owner": _column(rows, 0, np.int64),
                "day": _column(rows, 1, np.int8),
                "start": _column(rows, 2, np.int64, time_key),
                "end": _column(rows, 3, np.int64, time_key),
            },
        ),
    )
    return ParticipantArrays(
        index_of=index,
        **people,
        exp_index=exp_index,
        exp_digits=exp["digits"],
        exp_years=exp["years"],
        int_index=int_index,
        int_digits=inter["digits"],
        int_length=inter["length"],
        study_index=study_index,
        study_day=study["day"],
        study_start=study["start"],
        study_end=study["end"],
    )


def _placements(index: RowIndex) -> PlacementArrays:
    """Placements held, ended and proposed, read in one query."""
    rows = (
        Placement.objects.filter(status__in=[*HOLDING_STATUSES, *ENDED_STATUSES, PlacementStatus.PROPOSED])
        # Held from the actual start once started (placements.occupancy), to the planned end.
        .annotate(held_from=period_start())
        .values_list("participant_id", "status", "held_from", "planned_end", "need__workplace_id", "outcome", "need_id")
    )
    owner, held = _owned(
        index,
        _read(
            rows.iterator(chunk_size=CHUNK_ROWS),
            lambda rows: {
                "owner": _column(rows, 0, np.int64),
                "holding": _column(rows, 1, bool, lambda status: status in HOLDING_STATUSES),
                "ended": _column(rows, 1, bool, lambda status: status in ENDED_STATUSES),
                "early": _column(rows, 1, bool, lambda status: status == PlacementStatus.ENDED_EARLY),
                "good": np.fromiter(
                    (r[1] == PlacementStatus.COMPLETED or r[5] in WORK_OR_STUDIES for r in rows), bool, len(rows)
                ),
                "start": _column(rows, 2, np.int32, day_number),
                "end": _column(rows, 3, np.int32, day_number),
                "workplace": _column(rows, 4, np.int64),
                "need": _column(rows, 6, np.int64),
            },
        ),
    )
    holding, ended = held["holding"], held["ended"]
    proposed = ~(holding | ended)  # the query reads nothing else
    return PlacementArrays(
        hold_index=owner[holding],
        hold_start=held["start"][holding],
        hold_end=held["end"][holding],
        past_index=owner[ended],
        past_workplace=held["workplace"][ended],
        past_good=held["good"][ended],
        past_early=held["early"][ended],
        proposed_index=owner[proposed],
        proposed_need=held["need"][proposed],
    )


def _checks(index: RowIndex) -> CheckArrays:
    checks = RecordsExtractCheck.objects.values_list("participant_id", "scope", "extract_date", "result")
    checked, check = _owned(
        index,
        _read(
            checks.iterator(chunk_size=CHUNK_ROWS),
            lambda rows: {
                "owner": _column(rows, 0, np.int64),
                "scope": _column(rows, 1, np.int8, RECORDS_SCOPES.__getitem__),
                "extract_day": _column(rows, 2, np.int32, day_number),
                "approved": _column(rows, 3, bool, lambda result: result == "approved"),
            },
        ),
    )
    prerequisites = ParticipantPrerequisite.objects.values_list("participant_id", "prerequisite_id", "valid_until")
    holder, held = _owned(
        index,
        _read(
            prerequisites.iterator(chunk_size=CHUNK_ROWS),
            lambda rows: {
                "owner": _column(rows, 0, np.int64),
                "id": _column(rows, 1, np.int64),
                "until": _column(rows, 2, np.int32, lambda until: NEVER_ENDS if until is None else day_number(until)),
            },
        ),
    )
    return CheckArrays(
        index=checked,
        scope=check["scope"],
        extract_day=check["extract_day"],
        approved=check["approved"],
        prereq_index=holder,
        prereq_id=held["id"],
        prereq_until=held["until"],
    )


@dataclass(frozen=True)
class Features:
    participants: ParticipantArrays
    placements: PlacementArrays
    checks: CheckArrays


# Each part's dataclass, and its fields made from its arrays rather than stored (placements.matching.shared).
_PARTS: dict[str, tuple[type, dict[str, Callable[[dict[str, np.ndarray]], Any]]]] = {
    "participants": (ParticipantArrays, {"index_of": lambda arrays: RowIndex(arrays["ids"])}),
    "placements": (PlacementArrays, {}),
    "checks": (CheckArrays, {}),
}
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


def _cached(part: str, versions: dict[str, tuple[Any, ...]], load: Callable[[], Any]) -> Any:
    version = versions[part]
    hit = _cache.get(part)
    if hit is not None and hit[0] == version:
        return hit[1]
    if shared.enabled() and version[1] is not None:
        # Mapped from the files every process of the machine shares (placements.matching.shared). Not
        # while the shared cache is down: without its generation, a version may not see a row deleted.
        kind, derived = _PARTS[part]
        value = shared.load_shared(part, version, load, kind, derived)
    else:
        value = load()
        for array in vars(value).values():
            if isinstance(array, np.ndarray):
                array.setflags(write=False)  # as the mapped arrays are: no ranking may change them
    _cache[part] = (version, value)
    return value


# Moved in the shared cache (Redis) whenever a case file or placement is saved or deleted and the
# transaction commits, and read into every version: the newest change and highest id above miss a row
# deleted that was neither, and a save that commits after a later one was read; and whom a user may
# see is read from these arrays (accounts.access.ParticipantReach.select), so every process must see it.
# A random token, not a counter, so that an emptied cache starts no old version (or shared file) again.
GENERATION_KEY = "placements:matching:features-generation"


def _generation() -> str | None:
    """The shared generation, or None while the shared cache is down."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, secrets.token_hex(8), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def forget_features() -> None:
    """Drop the cached features, here and in every process sharing the cache (the next load reads
    them again): after a case file or placement changed, on commit (placements.apps), and in tests."""
    forget_here()
    cache.set(GENERATION_KEY, secrets.token_hex(8), timeout=None)


def forget_here() -> None:
    """Drop this process's copy only, as a newly started worker has none (the benchmark, and tests)."""
    with _lock:
        _cache.clear()


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
        index_of=RowIndex(p.ids[rows]),
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
