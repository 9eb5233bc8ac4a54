"""What is taken in a period: a need's places, a supervisor's load, a participant's time.

The one definition every list, select, start-page panel, API field, report and rule uses. An agreed
or active placement holds its place, its supervisor slot and its participant from the day it starts
(the actual start once it has started, the planned start before) to its planned end, both days
included. What is *taken* of a need or a supervisor in a period is the most placements they hold at
the same time on any day of the period: two consecutive placements on a one-place need take one
place in each period, not two.

The peak is reached on the first day of the period or on a day a placement starts, so it is one
scalar subquery per row, portable to SQLite and PostgreSQL:

    taken = MAX over placements p1 overlapping the period of
            COUNT(placements p2 holding on point(p1)),  point(p1) = GREATEST(start(p1), period start)

A period's bounds are dates, or expressions of the outer row (a need's own coming period).

The counts read `PlacementHold`, not `Placement`: a regional employer's need (workplaces.Need.
published_to) and its supervisors take placements from several municipalities, and each one's
places and load are one count, made in a coordinator's request bound to their municipality
(accounts.tenancy). The placements' tables have row-level security, so a count over `Placement`
would see only that municipality's placements and overbook; `PlacementHold` is a table without
row-level security, kept by triggers equal to every municipality's agreed, active and proposed
placements with only the columns the counts need, and indexed by need and supervisor (placements
0027). What names
or opens a placement still reads `Placement`, within the bound.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, DateField, Expression, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest

from participants.models import Participant
from supervisors.models import Supervisor
from workplaces.models import Need

from .models import HOLDING_STATUSES, Placement, PlacementHold, PlacementStatus

# "From today on", for a supervisor's load: later than any placement can end.
OPEN_END = dt.date(9999, 12, 31)

Bound = dt.date | Expression | F | OuterRef


def period_start() -> Coalesce:
    """When a placement holds its place from: the actual start, or the planned start before it starts."""
    return Coalesce("actual_start", "planned_start", output_field=DateField())


def holding(*, exclude_pk: int | None = None) -> QuerySet[PlacementHold]:
    """Agreed and active placements of every municipality (`PlacementHold`, see the module's
    docstring), with `held_from` (see period_start) and `held_until`; without `exclude_pk`, the
    placement being agreed or started, which does not compete with itself.
    (placements/tests/test_concurrency.py races two municipalities for a regional need's last place.)"""
    placements = PlacementHold.objects.filter(status__in=HOLDING_STATUSES)
    if exclude_pk is not None:
        placements = placements.exclude(pk=exclude_pk)
    return placements.annotate(held_from=period_start(), held_until=F("planned_end")).order_by()


def already_proposed(*, participant: Participant, need: Need) -> bool:
    """Whether the participant has a pending proposal for the need. Their own placements, which are of
    their municipality, read within the bound (`Placement`)."""
    return Placement.objects.filter(participant=participant, need=need, status=PlacementStatus.PROPOSED).exists()


def proposed() -> QuerySet[PlacementHold]:
    """The pending proposals of every municipality (what the allocation leaves room for)."""
    return PlacementHold.objects.filter(status=PlacementStatus.PROPOSED).order_by()


def _bound(bound: Bound) -> Any:
    return Value(bound, output_field=DateField()) if isinstance(bound, dt.date) else bound


def peak(owner: str, *, start: Bound, end: Bound, exclude_pk: int | None = None) -> Coalesce:
    """The most placements of the outer row (a need or a supervisor: `owner` is the placement's
    field that points at it) held at the same time on any day of [start, end], 0 if none."""
    at_point = (
        holding(exclude_pk=exclude_pk)
        .filter(**{owner: OuterRef(owner)})
        .filter(Q(held_from__lte=OuterRef("point"), held_until__gte=OuterRef("point")))
        .values(owner)
        .annotate(n=Count("pk"))
        .values("n")
    )
    points = (
        holding(exclude_pk=exclude_pk)
        .filter(**{owner: OuterRef("pk")})
        .filter(Q(held_from__lte=_bound(end), held_until__gte=_bound(start)))
        .annotate(point=Greatest(F("held_from"), _bound(start), output_field=DateField()))
        .annotate(n=Subquery(at_point, output_field=IntegerField()))
        .order_by("-n")
        .values("n")[:1]
    )
    return Coalesce(Subquery(points, output_field=IntegerField()), 0)


def need_coming_period(today: dt.date) -> tuple[Any, Any]:
    """A need's coming period as bounds of the outer need: from today (or its start, if later) to its end."""
    return Greatest(Value(today, output_field=DateField()), OuterRef("start_date")), OuterRef("end_date")


def with_places_taken(needs: QuerySet[Need], *, start: Bound, end: Bound) -> QuerySet[Need]:
    """Annotate `taken` (places held at the same time, at most, in [start, end]) and `free`."""
    return needs.annotate(taken=peak("need", start=start, end=end)).annotate(free=F("places") - F("taken"))


def with_places_taken_coming(needs: QuerySet[Need], *, today: dt.date) -> QuerySet[Need]:
    """Annotate `taken` and `free` in each need's coming period (today or its start, to its end):
    what the need lists, the start page and the API show."""
    start, end = need_coming_period(today)
    return with_places_taken(needs, start=start, end=end)


def with_load(supervisors: QuerySet[Supervisor], *, start: Bound, end: Bound) -> QuerySet[Supervisor]:
    """Annotate `load` (participants supervised at the same time, at most, in [start, end]) and `room`."""
    return supervisors.annotate(load=peak("supervisor", start=start, end=end)).annotate(
        room=F("max_participants") - F("load")
    )


def with_load_coming(supervisors: QuerySet[Supervisor], *, today: dt.date) -> QuerySet[Supervisor]:
    """Annotate `load` and `room` from today on: what the supervisor lists and selects show."""
    return with_load(supervisors, start=today, end=OPEN_END)


def places_taken(*, need: Need, start: dt.date, end: dt.date, exclude_pk: int | None = None) -> int:
    """The places of `need` held at the same time, at most, in [start, end] (one query)."""
    rows = Need.objects.filter(pk=need.pk).annotate(taken=peak("need", start=start, end=end, exclude_pk=exclude_pk))
    return int(rows.values_list("taken", flat=True).first() or 0)


def supervisor_load(*, supervisor: Supervisor, start: dt.date, end: dt.date, exclude_pk: int | None = None) -> int:
    """The participants `supervisor` supervises at the same time, at most, in [start, end] (one query)."""
    rows = Supervisor.objects.filter(pk=supervisor.pk).annotate(
        load=peak("supervisor", start=start, end=end, exclude_pk=exclude_pk)
    )
    return int(rows.values_list("load", flat=True).first() or 0)


def places_taken_in(periods: dict[int, tuple[dt.date, dt.date]]) -> dict[int, int]:
    """`places_taken` of many needs at once, each in its own period (need pk -> (start, end)), in one
    query: the placements are read and the same peak (see the module's docstring) taken here, as the
    ranking and the allocation need it for hundreds of needs. A test holds it equal to `peak`."""
    if not periods:
        return {}
    first = min(start for start, _end in periods.values())
    last = max(end for _start, end in periods.values())
    held: dict[int, list[tuple[dt.date, dt.date]]] = {pk: [] for pk in periods}
    rows = (
        holding()
        .filter(need_id__in=list(periods))
        .filter(Q(held_from__lte=last, held_until__gte=first))
        .values_list("need_id", "held_from", "held_until")  # type: ignore[misc]  # held_from and held_until are annotated by holding()
    )
    for need_id, held_from, held_until in rows:
        start, end = periods[need_id]
        if held_from <= end and held_until >= start:
            held[need_id].append((held_from, held_until))
    return {pk: _peak_of(held[pk], start=periods[pk][0]) for pk in periods}


def _peak_of(periods: list[tuple[dt.date, dt.date]], *, start: dt.date) -> int:
    """The most of `periods` (each overlapping the window that begins on `start`) held on one day:
    on the window's first day or on a day one of them starts."""
    best = 0
    for first, _last in periods:
        point = max(first, start)
        best = max(best, sum(1 for a, b in periods if a <= point <= b))
    return best


def participant_busy(*, participant: Participant, start: dt.date, end: dt.date, exclude_pk: int | None = None) -> bool:
    """Whether the participant is held by an agreed or active placement on any day of [start, end].
    Their own placements, which are of their municipality, read within the bound (`Placement`)."""
    placements = Placement.objects.holding()
    if exclude_pk is not None:
        placements = placements.exclude(pk=exclude_pk)
    return (
        placements.annotate(held_from=period_start())
        .filter(Q(participant=participant, held_from__lte=end, planned_end__gte=start))
        .exists()
    )
