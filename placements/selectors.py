"""Reads of placements that views and reports share.

The reads that return a participant's personal data for display write the access-log entry as they
read (the `..._for_view` reads, the overviews, `placements_shown`): the HTML pages and the API call
these, so a new page gets its entry by using them rather than by remembering to log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from dateutil.relativedelta import relativedelta
from django.db.models import Count, DateField, Exists, F, Model, OuterRef, Q, QuerySet, Value, Window
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import AnyUser, get_visible_or_404
from accounts.access_log import log_access
from accounts.models import AccessAction, User
from participants.models import Participant, ParticipantStatus, Task
from participants.search import participants_named
from participants.selectors import journal_rows_shown, participant_for_view, participants_shown, tasks_due
from supervisors.models import Supervisor
from supervisors.selectors import with_training_through
from workplaces.models import Need

from . import occupancy
from .models import (
    ENDED_STATUSES,
    HOLDING_STATUSES,
    FollowUp,
    LaterOutcome,
    Placement,
    PlacementEvent,
    PlacementHold,
    PlacementStatus,
)

if TYPE_CHECKING:
    from .matching import CandidateRanking, NeedRanking
    from .matching.allocation import Proposal

SOON_DAYS = 14
START_PAGE_ROWS = 10
# A case file untouched this long, with no placement changed in the time, is shown to its coordinator to
# close or take up again: retention (privacy/) counts from the day someone leaves the programme, so a
# case file nobody closes would otherwise be kept for ever.
INACTIVE_MONTHS = 12


def get_placement_for_user(user: AnyUser, pk: object) -> Placement:
    """The placement, if the user may open it; 404 otherwise (as for a missing one)."""
    return get_visible_or_404(
        Placement.objects.visible_to(user).select_related(
            "participant", "need__workplace__organisation", "supervisor", "placement_type"
        ),
        pk=pk,
    )


def placement_for_view(*, user: User, pk: object) -> Placement:
    """The placement to show (its page, its documents, the portal, the follow-up form), logged as a
    view of the participant's case file."""
    placement = get_placement_for_user(user, pk)
    log_access(user=user, participant_ids=[placement.participant_id], action=AccessAction.VIEW)
    return placement


def placements_shown(*, user: User, rows: Iterable[Placement]) -> list[Placement]:
    """Placements a page or an API answer lists, logged as a list entry for each participant."""
    return participants_shown(user=user, rows=rows, participant_id="participant_id")


def follow_ups_shown(*, user: User, rows: Iterable[FollowUp]) -> list[FollowUp]:
    """Follow-ups an API answer lists (what the supervisor wrote about the participant), logged.
    The rows should come with `select_related("placement")`."""
    return participants_shown(user=user, rows=rows, participant_id="placement.participant_id")


def follow_up_for_view(*, user: User, pk: object) -> FollowUp:
    """A follow-up to show, logged as a view of the participant's case file."""
    follow_up = get_follow_up_for_user(user, pk)
    log_access(user=user, participant_ids=[follow_up.placement.participant_id], action=AccessAction.VIEW)
    return follow_up


EXCLUDED_PER_PAGE = 25


def candidates_for_view(*, user: User, need: Need, search: list[str] | None = None, page: int = 1) -> CandidateRanking:
    """A need's ranked candidates and the excluded with reasons, a page of them at a time, those
    whose name has every word of `search` when given; every participant listed logged."""
    from . import matching  # matching loads through this module's readers

    excluded_ids = None
    if search:
        named = participants_named(Participant.objects.visible_to(user), words=search)
        excluded_ids = list(named.values_list("pk", flat=True)[:MAX_NAMED])
    ranking = matching.rank_candidates(
        need=need,
        user=user,
        excluded_ids=excluded_ids,
        excluded_limit=EXCLUDED_PER_PAGE,
        excluded_offset=(max(page, 1) - 1) * EXCLUDED_PER_PAGE,
    )
    participants_shown(
        user=user, rows=[*(c.participant for c in ranking.candidates), *(e.participant for e in ranking.excluded)]
    )
    return ranking


# A name search narrows the excluded to at most this many people (a team has hundreds).
MAX_NAMED = 5000


def needs_for_participant(*, user: User, pk: object) -> tuple[Participant, NeedRanking]:
    """The open needs that suit a participant best, and those they cannot take with why: a view of
    the participant's case file."""
    from . import matching  # matching loads through this module's readers

    participant = participant_for_view(user=user, pk=pk)
    return participant, matching.rank_needs(participant=participant, user=user)


def allocation_for_view(*, user: User) -> list[Proposal]:
    """The best overall allocation, every participant proposed logged."""
    from .matching.allocation import best_allocation  # matching loads through this module's readers

    proposals = best_allocation(user=user)
    participants_shown(user=user, rows=[p.participant for p in proposals])
    return proposals


def get_follow_up_for_user(user: AnyUser, pk: object) -> FollowUp:
    return get_visible_or_404(
        FollowUp.objects.visible_to(user).select_related("placement__participant", "placement__supervisor"), pk=pk
    )


def needs_with_free_places(*, user: User, today: dt.date) -> QuerySet[Need]:
    """Open needs the user may see with a place free in their coming period, `taken` and `free` annotated."""
    return (
        occupancy.with_places_taken_coming(Need.objects.visible_to(user).open(), today=today)
        .filter(free__gt=0)  # type: ignore[misc]  # free is annotated by occupancy
        .select_related("workplace__organisation", "occupation")
    )


def need_places_held(need: Need, /) -> int:
    """The most places of `need` its agreed and active placements hold on any one day: fewer places
    than this would overbook it. Positional, to be passed as workplaces' `need_save(places_held=...)`."""
    return occupancy.places_taken(need=need, start=dt.date.min, end=occupancy.OPEN_END)


@dataclass(frozen=True)
class Waiting:
    participant: Participant
    days_waiting: int
    months_left: int | None


@dataclass(frozen=True)
class LaterOutcomeDue:
    placement: Placement
    days_after: int


def later_outcomes_due(*, user: User, today: dt.date) -> list[LaterOutcomeDue]:
    """Ended placements whose 90- or 180-day checkpoint has come without an outcome recorded."""
    due: list[LaterOutcomeDue] = []
    for checkpoint in LaterOutcome.Checkpoint:
        recorded = LaterOutcome.objects.filter(placement=OuterRef("pk"), days_after=checkpoint.value)
        placements = (
            Placement.objects.visible_to(user)
            .filter(status__in=ENDED_STATUSES, actual_end__lte=today - dt.timedelta(days=checkpoint.value))
            .exclude(Exists(recorded))
            .select_related("participant", "need__workplace")
            .order_by("actual_end")
        )
        due.extend(LaterOutcomeDue(placement=p, days_after=checkpoint.value) for p in placements[:START_PAGE_ROWS])
    return due[:START_PAGE_ROWS]


@dataclass(frozen=True)
class CoordinatorOverview:
    waiting: list[Waiting]
    waiting_count: int
    starting_soon: list[Placement]
    ending_soon: list[Placement]
    overdue_follow_ups: list[FollowUp]
    overdue_count: int
    open_needs: list[Need]
    open_needs_count: int
    later_outcomes_due: list[LaterOutcomeDue]
    concerns: list[FollowUp]
    concerns_count: int
    tasks_due: list[Task]
    tasks_due_count: int
    inactive: list[Participant]
    inactive_count: int


def inactive_case_files(*, user: User, today: dt.date) -> QuerySet[Participant]:
    """Participants still in the programme whose case file, status and placements have not changed in
    INACTIVE_MONTHS, oldest first. An ongoing placement is activity."""
    cutoff = timezone.make_aware(dt.datetime.combine(today - relativedelta(months=INACTIVE_MONTHS), dt.time.min))
    active_placements = Placement.objects.filter(participant=OuterRef("pk")).filter(
        Q(updated_at__gte=cutoff) | Q(status__in=HOLDING_STATUSES)
    )
    return (
        Participant.objects.visible_to(user)
        .exclude(status=ParticipantStatus.EXITED)
        .filter(updated_at__lt=cutoff, status_changed_at__lt=cutoff, pseudonymised_at__isnull=True)
        .exclude(Exists(active_placements))
        .order_by("updated_at", "pk")
    )


def open_concerns(*, user: AnyUser) -> QuerySet[FollowUp]:
    """Supervisors' concerns not yet handled (their task is open), newest first: they stay on the
    coordinator's start page and the placement page until the task is closed with the action taken."""
    return (
        FollowUp.objects.visible_to(user)
        .concern_open()
        .select_related("placement__participant", "placement__supervisor", "concern_task__assignee")
        .order_by("-done_on", "-pk")
    )


_Row = TypeVar("_Row", bound=Model)


def first_rows_and_count(rows: QuerySet[_Row], n: int) -> tuple[list[_Row], int]:
    """The first `n` rows of a panel and how many there are in all, in one query: the count is a window
    over the filtered rows (`COUNT(*) OVER ()`, computed before the LIMIT), not a second query."""
    if rows.query.distinct:  # the window counts before DISTINCT: count those apart
        return list(rows[:n]), rows.count()
    shown = list(rows.annotate(rows_in_all=Window(Count("pk")))[:n])
    return shown, (getattr(shown[0], "rows_in_all") if shown else 0)  # noqa: B009  # annotated above


def coordinator_overview(*, user: User, today: dt.date) -> CoordinatorOverview:
    """What needs a coordinator's attention today, within their team."""
    # Longest waiting first: since they became ready for a placement.
    waiting = _waiting(user)
    starting = start_panel_rows(user=user, today=today, panel="starting")
    ending = start_panel_rows(user=user, today=today, panel="ending")
    overdue = _overdue(user, today)
    needs = needs_with_free_places(user=user, today=today).order_by("start_date", "pk")
    inactive = inactive_case_files(user=user, today=today)
    tasks_due_rows = tasks_due(user=user, today=today)
    waiting_rows, waiting_count = first_rows_and_count(waiting, START_PAGE_ROWS)
    overdue_rows, overdue_count = first_rows_and_count(overdue, START_PAGE_ROWS)
    need_rows, needs_count = first_rows_and_count(needs, START_PAGE_ROWS)
    concern_rows, concerns_count = first_rows_and_count(open_concerns(user=user), START_PAGE_ROWS)
    task_rows, tasks_count = first_rows_and_count(tasks_due_rows, START_PAGE_ROWS)
    inactive_rows, inactive_count = first_rows_and_count(inactive, START_PAGE_ROWS)
    overview = CoordinatorOverview(
        waiting=[
            Waiting(
                participant=p,
                days_waiting=(today - timezone.localdate(p.status_changed_at)).days,
                months_left=p.months_left_in_programme(today),
            )
            for p in waiting_rows
        ],
        waiting_count=waiting_count,
        starting_soon=list(starting[:START_PAGE_ROWS]),
        ending_soon=list(ending[:START_PAGE_ROWS]),
        overdue_follow_ups=overdue_rows,
        overdue_count=overdue_count,
        open_needs=need_rows,
        open_needs_count=needs_count,
        later_outcomes_due=later_outcomes_due(user=user, today=today),
        concerns=concern_rows,
        concerns_count=concerns_count,
        tasks_due=task_rows,
        tasks_due_count=tasks_count,
        inactive=inactive_rows,
        inactive_count=inactive_count,
    )
    # The start page names these people: each is a list entry in the access log.
    participants_shown(
        user=user,
        rows=[
            *(w.participant for w in overview.waiting),
            *(p.participant for p in (*overview.starting_soon, *overview.ending_soon)),
            *(f.placement.participant for f in (*overview.overdue_follow_ups, *overview.concerns)),
            *(due.placement.participant for due in overview.later_outcomes_due),
            *overview.inactive,
        ],
    )
    # The tasks' titles are of the journal: logged as the journal's list entries.
    journal_rows_shown(user=user, rows=overview.tasks_due)
    return overview


@dataclass(frozen=True)
class SupervisorOverview:
    placements: list[Placement]
    follow_ups_due: list[FollowUp]
    follow_ups_due_count: int


def supervisor_overview(*, user: User, today: dt.date) -> SupervisorOverview:
    """A supervisor's own current placements and the follow-ups due within two weeks."""
    placements = (
        Placement.objects.visible_to(user)
        .filter(supervisor__user=user, status__in=(*HOLDING_STATUSES, PlacementStatus.PROPOSED))
        .select_related("participant", "need__workplace")
        .order_by("planned_start")
    )
    due = _supervisor_due(user, today)
    overview = SupervisorOverview(
        placements=list(placements), follow_ups_due=list(due[:START_PAGE_ROWS]), follow_ups_due_count=due.count()
    )
    # The supervisor's start page names these people: each is a list entry in the access log.
    participants_shown(
        user=user,
        rows=[*overview.placements, *(f.placement for f in overview.follow_ups_due)],
        participant_id="participant_id",
    )
    return overview


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a participant's timeline: a status change, a placement step or a follow-up."""

    at: dt.datetime | dt.date
    kind: str  # "status", "placement" or "follow_up"
    title: str
    detail: str
    placement: Placement | None = None
    concern: bool = False


def participant_placements(*, participant: Participant) -> QuerySet[Placement]:
    """The participant's placements, newest first: their pathway across measures."""
    return participant.placements.select_related(
        "need__workplace__organisation", "supervisor", "placement_type"
    ).order_by("-planned_start")


def participant_timeline(*, participant: Participant) -> list[TimelineEntry]:
    """Status changes, placement steps and logged follow-ups of one participant, newest first."""
    entries: list[TimelineEntry] = []
    for change in participant.status_changes.select_related("changed_by"):
        entries.append(
            TimelineEntry(
                at=change.changed_at,
                kind="status",
                title=_("Status: %(status)s") % {"status": change.get_to_status_display()},
                detail=change.note,
            )
        )
    events = PlacementEvent.objects.filter(placement__participant=participant).select_related(
        "placement__need__workplace", "placement__placement_type"
    )
    for event in events:
        entries.append(
            TimelineEntry(
                at=event.at,
                kind="placement",
                title=f"{event.placement.placement_type.localised_name}: {event.get_to_status_display()}",
                detail=f"{event.placement.need.title}, {event.placement.need.workplace.name}"
                + (f" – {event.note}" if event.note else ""),
                placement=event.placement,
            )
        )
    follow_ups = FollowUp.objects.filter(placement__participant=participant, done_on__isnull=False).select_related(
        "placement__need__workplace"
    )
    for follow_up in follow_ups:
        entries.append(
            TimelineEntry(
                at=follow_up.done_on,  # type: ignore[arg-type]  # only done follow-ups are listed
                kind="follow_up",
                title=_("Follow-up at %(workplace)s") % {"workplace": follow_up.placement.need.workplace.name},
                detail=follow_up.concern_text if follow_up.concern else follow_up.next_steps,
                placement=follow_up.placement,
                concern=follow_up.concern,
            )
        )
    return sorted(entries, key=lambda e: _sort_key(e.at), reverse=True)


def _sort_key(value: dt.datetime | dt.date) -> dt.datetime:
    """Dates sort as the end of their day, in Swedish time, among datetimes."""
    if isinstance(value, dt.datetime):
        return value
    return timezone.make_aware(dt.datetime.combine(value, dt.time(23, 59)))


def supervisors_in_period(
    *, workplace_ids: list[int], start: occupancy.Bound, end: occupancy.Bound
) -> QuerySet[Supervisor]:
    """The active supervisors of the workplaces, each with `trained_until` (a training valid through
    the whole period, or None), and `load` and `room` in the period (occupancy.with_load)."""
    return _in_period(Supervisor.objects.filter(workplace_id__in=workplace_ids, active=True), start=start, end=end)


def _in_period(
    supervisors: QuerySet[Supervisor], *, start: occupancy.Bound, end: occupancy.Bound
) -> QuerySet[Supervisor]:
    supervisors = with_training_through(supervisors, start=start, end=end)
    return occupancy.with_load(supervisors, start=start, end=end).order_by("last_name", "first_name", "pk")


def supervisors_with_room(*, workplace_id: int, start: dt.date, end: dt.date) -> list[Supervisor]:
    """Active supervisors of a workplace who can take another participant in [start, end]."""
    return supervisors_with_room_in(workplace_ids=[workplace_id], start=start, end=end)


def supervisors_with_room_in(*, workplace_ids: list[int], start: dt.date, end: dt.date) -> list[Supervisor]:
    """Active supervisors of the workplaces with room for another participant in [start, end], with
    `trained_until` (valid through the period), `load` and `room`. One query."""
    rows = supervisors_in_period(workplace_ids=workplace_ids, start=start, end=end)
    return list(rows.filter(room__gt=0))  # type: ignore[misc]  # `room` is annotated by occupancy.with_load


@dataclass(frozen=True)
class SupervisorRoom:
    """What a need's workplace can supervise in the need's coming period: the free places of its
    active supervisors (`room`), and of those trained through the period (`trained_room`)."""

    room: int
    trained_room: int


def supervisor_room_for_needs(*, need_ids: list[int], today: dt.date) -> dict[int, SupervisorRoom]:
    """Per need, its workplace's SupervisorRoom in the need's coming period (from today, or its start
    if later, to its end): what ranking and allocation weigh. One query for any number of needs: a
    row per (supervisor, need of their workplace), the period's bounds read from the need's columns."""
    pairs = (
        Supervisor.objects.filter(active=True, workplace__needs__pk__in=need_ids)
        .alias(
            coming_start=Greatest(Value(today, output_field=DateField()), F("workplace__needs__start_date")),
            coming_end=F("workplace__needs__end_date"),
        )
        .annotate(need_pk=F("workplace__needs__pk"))
    )
    rows = _in_period(pairs, start=OuterRef("coming_start"), end=OuterRef("coming_end")).order_by()
    found = rows.filter(room__gt=0).values_list("need_pk", "room", "trained_until")  # type: ignore[misc]  # annotations
    rooms = {pk: SupervisorRoom(room=0, trained_room=0) for pk in need_ids}
    for need_pk, room, trained_until in found:
        before = rooms[need_pk]
        rooms[need_pk] = SupervisorRoom(
            room=before.room + room, trained_room=before.trained_room + (room if trained_until else 0)
        )
    return rooms


def best_supervisor(*, need: Need, start: dt.date, end: dt.date) -> Supervisor | None:
    """The supervisor to propose for [start, end]: trained through the period before untrained, then
    the one with most room in it."""
    with_room = supervisors_with_room(workplace_id=need.workplace_id, start=start, end=end)
    if not with_room:
        return None
    return min(with_room, key=lambda s: (s.trained_until is None, -s.room, s.pk))  # type: ignore[attr-defined]  # annotated


@dataclass(frozen=True)
class CurrentParticipants:
    """Whom a supervisor supervises today: the names the user may see, and how many others."""

    shown: list[Participant]
    others: int


def current_participants(*, user: User, supervisor_ids: list[int], today: dt.date) -> dict[int, CurrentParticipants]:
    """Per supervisor, the participants of their agreed or active placements held today (see
    occupancy.holding). Names only of participants the user may see (a coordinator's own team), the
    rest as a count; the names shown are logged. Two queries, whatever the number of supervisors.
    The count is every municipality's (occupancy's view); the names are read from the placements,
    within the request's bound."""
    held = occupancy.holding().filter(supervisor_id__in=supervisor_ids)
    held = held.filter(held_from__lte=today, held_until__gte=today)  # type: ignore[misc]  # annotated by holding()
    visible = Participant.objects.visible_to(user).values("pk")
    named = list(
        Placement.objects.filter(pk__in=held.values("pk"), participant__in=visible)
        .select_related("participant")
        .order_by("participant__last_name", "pk")
    )
    counts = dict(held.values("supervisor_id").annotate(n=Count("pk")).values_list("supervisor_id", "n"))
    participants_shown(user=user, rows=named, participant_id="participant_id")
    result = {pk: CurrentParticipants(shown=[], others=0) for pk in supervisor_ids}
    for placement in named:
        result[placement.supervisor_id].shown.append(placement.participant)
    return {pk: CurrentParticipants(shown=r.shown, others=counts.get(pk, 0) - len(r.shown)) for pk, r in result.items()}


def untrained_supervisors_with_participants(*, today: dt.date) -> QuerySet[Supervisor]:
    """Supervisors without a valid training who have, or will have, a participant (of any
    municipality: PlacementHold, see placements.occupancy)."""
    trained = Supervisor.objects.trained_on(today).values("pk")
    supervising = PlacementHold.objects.filter(
        status__in=(*HOLDING_STATUSES, PlacementStatus.PROPOSED), planned_end__gte=today
    ).values("supervisor_id")
    return (
        Supervisor.objects.filter(pk__in=supervising)
        .exclude(pk__in=trained)
        .distinct()
        .select_related("workplace__organisation")
        .order_by("last_name", "first_name")
    )


# --- The start page's panels as whole lists -------------------------------------------------------------
# Each panel of a start page stops at START_PAGE_ROWS and links to its whole list, a page at a time:
# the same rows in the same order, read by the same filters as the panel.

COORDINATOR_PANELS = ("concerns", "waiting", "overdue", "starting", "ending", "needs", "later-outcomes", "inactive")
SUPERVISOR_PANELS = ("follow-ups-due",)


def _waiting(user: User) -> QuerySet[Participant]:
    return (
        Participant.objects.visible_to(user).waiting().select_related("coordinator").order_by("status_changed_at", "pk")
    )


def _coordinator_placements(user: User) -> QuerySet[Placement]:
    return Placement.objects.visible_to(user).select_related("participant", "need__workplace", "supervisor")


def _overdue(user: User, today: dt.date) -> QuerySet[FollowUp]:
    return (
        FollowUp.objects.visible_to(user)
        .overdue(today)
        .filter(placement__status=PlacementStatus.ACTIVE)
        .select_related("placement__participant", "placement__supervisor")
        .order_by("due_date", "pk")
    )


def _supervisor_due(user: User, today: dt.date) -> QuerySet[FollowUp]:
    return (
        FollowUp.objects.visible_to(user)
        .outstanding()
        .filter(placement__supervisor__user=user, due_date__lte=today + dt.timedelta(days=SOON_DAYS))
        .filter(placement__status=PlacementStatus.ACTIVE)
        .select_related("placement__participant")
        .order_by("due_date", "pk")
    )


def start_panel_rows(*, user: User, today: dt.date, panel: str) -> QuerySet | list:  # type: ignore[type-arg]  # rows of the panel's own model
    """All rows of one start-page panel (not yet logged: `start_panel_shown` logs the page shown)."""
    soon = today + dt.timedelta(days=SOON_DAYS)
    match panel:
        case "concerns":
            return open_concerns(user=user)
        case "waiting":
            return _waiting(user)
        case "overdue":
            return _overdue(user, today)
        case "starting":
            return (
                _coordinator_placements(user)
                .filter(status=PlacementStatus.AGREED, planned_start__gte=today, planned_start__lte=soon)
                .order_by("planned_start", "pk")
            )
        case "ending":
            return (
                _coordinator_placements(user)
                .filter(status=PlacementStatus.ACTIVE, planned_end__gte=today, planned_end__lte=soon)
                .order_by("planned_end", "pk")
            )
        case "needs":
            return needs_with_free_places(user=user, today=today).order_by("start_date", "pk")
        case "later-outcomes":
            return _all_later_outcomes_due(user=user, today=today)
        case "inactive":
            return inactive_case_files(user=user, today=today)
        case "follow-ups-due":
            return _supervisor_due(user, today)
    raise ValueError(panel)


def _all_later_outcomes_due(*, user: User, today: dt.date) -> list[LaterOutcomeDue]:
    due: list[LaterOutcomeDue] = []
    for checkpoint in LaterOutcome.Checkpoint:
        recorded = LaterOutcome.objects.filter(placement=OuterRef("pk"), days_after=checkpoint.value)
        placements = (
            Placement.objects.visible_to(user)
            .filter(status__in=ENDED_STATUSES, actual_end__lte=today - dt.timedelta(days=checkpoint.value))
            .exclude(Exists(recorded))
            .select_related("participant", "need__workplace")
            .order_by("actual_end", "pk")
        )
        due.extend(LaterOutcomeDue(placement=p, days_after=checkpoint.value) for p in placements)
    return due


_PANEL_PARTICIPANT = {
    "concerns": "placement.participant_id",
    "waiting": "pk",
    "overdue": "placement.participant_id",
    "starting": "participant_id",
    "ending": "participant_id",
    "later-outcomes": "placement.participant_id",
    "inactive": "pk",
    "follow-ups-due": "placement.participant_id",
}


def start_panel_shown(*, user: User, panel: str, rows: Iterable[object]) -> list[object]:
    """The rows of a panel's list page, logged as list entries for the people they name (needs name no one)."""
    if panel not in _PANEL_PARTICIPANT:
        return list(rows)
    return participants_shown(user=user, rows=rows, participant_id=_PANEL_PARTICIPANT[panel])


def follow_ups_in_full(*, user: User, placement: Placement) -> list[FollowUp]:
    """Every follow-up of a placement already read for display, with who logged it and its concern's task
    (journal data: the tasks shown are logged as the journal's list entries)."""
    follow_ups = list(
        placement.follow_ups.select_related("author", "concern_task__assignee", "concern_task__done_by").order_by(
            "due_date", "pk"
        )
    )
    journal_rows_shown(user=user, rows=[f.concern_task for f in follow_ups if f.concern_task is not None])
    return follow_ups
