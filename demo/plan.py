"""The in-memory plan of the demo, before anything is written.

Every date is planned as an offset in days from "today". The offsets alone decide every count
(how many placements, events, follow-ups...), so the same seed gives the same row counts whatever
the day; only when rows are written do offsets become dates, moved to working days. Moving a start
later and an end earlier only ever shortens a period, so nothing that did not overlap as offsets
overlaps as dates. Statuses that depend on "today" are decided on offsets kept at least
`TODAY_MARGIN` days from it, more than any run of Swedish non-working days, so no move to a working
day can carry a date across today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from taxonomy.working_days import is_working_day, next_working_day

TODAY_MARGIN = 7


class Calendar:
    """Turns offsets into dates and times, memoised (the same few thousand days recur a million times)."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self._starts: dict[int, dt.date] = {}
        self._ends: dict[int, dt.date] = {}
        self._times: dict[tuple[int, int], dt.datetime] = {}

    def day(self, offset: int) -> dt.date:
        return self.today + dt.timedelta(days=offset)

    def start(self, offset: int) -> dt.date:
        """The first working day on or after the offset: where periods start and things fall due."""
        found = self._starts.get(offset)
        if found is None:
            found = self._starts[offset] = next_working_day(self.day(offset))
        return found

    def end(self, offset: int) -> dt.date:
        """The last working day on or before the offset: where periods end."""
        found = self._ends.get(offset)
        if found is None:
            day = self.day(offset)
            while not is_working_day(day):
                day -= dt.timedelta(days=1)
            found = self._ends[offset] = day
        return found

    def at(self, offset: int, minute: int) -> dt.datetime:
        """An aware datetime in Swedish time on the offset's day, `minute` minutes after midnight."""
        key = (offset, minute)
        found = self._times.get(key)
        if found is None:
            naive = dt.datetime.combine(self.day(offset), dt.time(minute // 60, minute % 60))
            found = self._times[key] = timezone.make_aware(naive)
        return found

    def on(self, day: dt.date, minute: int) -> dt.datetime:
        return self.at((day - self.today).days, minute)

    def stamp(self, offset: int, minute: int) -> dt.datetime:
        """When something was done: on the last working day on or before the offset, never later."""
        return self.on(self.end(offset), minute)


@dataclass(slots=True, eq=False)
class NeedPlan:
    index: int
    workplace: Any  # workplaces.Workplace, saved
    kind: str
    code: str
    ptype: str
    start: int
    end: int
    places: int
    hours: Decimal
    min_swedish: int
    min_education: int | None
    licence: bool
    extract: str
    track: str | None
    district: str
    dedicated: bool = False  # summer or historical: kept out of general matching
    intervals: list[tuple[int, int]] = field(default_factory=list)
    holding: int = 0
    placements: int = 0
    working: tuple[dt.time, dt.time] | None = None  # its daily working hours, once `timetables` gave it any
    pk: int | None = None


@dataclass(slots=True, eq=False)
class SupervisorPlan:
    index: int
    workplace: Any  # workplaces.Workplace, saved
    kind: str
    max_participants: int
    dedicated: bool = False
    user: Any = None
    intervals: list[tuple[int, int]] = field(default_factory=list)
    pk: int | None = None


@dataclass(slots=True, eq=False)
class PlacementPlan:
    participant: ParticipantPlan
    need: NeedPlan
    supervisor: SupervisorPlan
    start: int
    end: int
    status: str
    proposed_at: int
    agreed_at: int | None = None
    actual_end: int | None = None
    cancelled_at: int | None = None
    outcome: str = ""
    end_reason: str = ""
    decision_reference: str = ""
    hours: Decimal = Decimal("4.0")
    force_overdue: bool = False  # the demo supervisor's active placement keeps a follow-up open
    later: list[tuple[int, str, int]] = field(default_factory=list)  # (checkpoint, outcome, days to record)
    pk: int | None = None


@dataclass(slots=True, eq=False)
class ParticipantPlan:
    index: int
    target_group: str
    kind: str  # general, recent, summer, historical, pinned, regional (placed at the region's need: `region`)
    referral: int
    mapped: int
    swedish: int
    education: int
    licence: bool
    hours: Decimal
    social_assistance: bool
    district: str
    track: str | None
    team: str
    prefs: list[str]
    pref_codes: frozenset[str]
    pref_prefixes: frozenset[str]
    planned: int = 0  # how many placements to look for
    coordinator: Any = None  # accounts.User, saved
    placements: list[PlacementPlan] = field(default_factory=list)
    last_release: int = -100_000  # offset of the last change out of "placed"; none yet
    final_status: str = ""
    status_changes: Sequence[tuple[int, str, str, str]] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)
    pk: int | None = None
