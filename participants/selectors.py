"""Reads of participants that views share. Every read starts from `.visible_to(user)`.

The reads that return personal data for display write the access-log entry as they read
(`participant_for_view`, `participants_shown`): the HTML pages and the API call these, so a new
page gets its entry by using them rather than by remembering to log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from operator import attrgetter
from typing import TypeVar

from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet

from accounts.access import AnyUser, get_visible_or_404, journal_scope
from accounts.access_log import log_access
from accounts.models import AccessAction, User

from .models import (
    CaseNote,
    Exit,
    Participant,
    ParticipantPrerequisite,
    ProgrammeStatus,
    RecordsExtractCheck,
    ReferralImport,
    Task,
    TaskQuerySet,
)

T = TypeVar("T")


def get_participant_for_user(user: AnyUser, pk: object) -> Participant:
    """The participant, if the user may open the case file; 404 otherwise (as for a missing one).
    Not logged: for checks and writes. To show the case file, use `participant_for_view`."""
    return get_visible_or_404(
        Participant.objects.visible_to(user).select_related("team", "coordinator", "home_district", "job_track"),
        pk=pk,
    )


def participant_for_view(*, user: User, pk: object, reveal: bool = False) -> Participant:
    """The case file to show, through the visibility rule, logged as a view (or as a reveal of the
    whole identity number)."""
    return participant_viewed(user=user, participant=get_participant_for_user(user, pk), reveal=reveal)


def participant_viewed(*, user: User, participant: Participant, reveal: bool = False) -> Participant:
    """A case file already read (through the visibility rule) that a page now shows, logged as
    `participant_for_view` logs it; for a page that read it first for a check or a write."""
    log_access(user=user, participant_ids=[participant.pk], action=AccessAction.REVEAL if reveal else AccessAction.VIEW)
    return participant


def participants_shown(*, user: User, rows: Iterable[T], participant_id: str = "pk") -> list[T]:
    """The rows a page or an API answer lists (participants, or rows about one such as placements),
    logged as a list entry per participant. `participant_id` names the attribute that holds the
    participant's id (dotted for one further: "placement.participant_id")."""
    shown = list(rows)
    read = attrgetter(participant_id)
    log_access(user=user, participant_ids=[read(row) for row in shown], action=AccessAction.LIST)
    return shown


# The checks and prerequisites on a case file are read for a page that has already read the case file
# through `participant_for_view` (or `participant_viewed`), which logs it; they are never listed alone.


def records_checks_of(*, participant: Participant) -> QuerySet[RecordsExtractCheck]:
    """The person's criminal-records extract checks, newest first, with who checked."""
    return participant.records_checks.select_related("checked_by").order_by("-checked_on", "-extract_date", "-pk")


def prerequisites_of(*, participant: Participant, on: dt.date) -> QuerySet[ParticipantPrerequisite]:
    """The prerequisites the person has had, each with `expired`: no longer valid on `on`."""
    return (
        participant.prerequisites.select_related("prerequisite", "recorded_by")
        .annotate(expired=ExpressionWrapper(Q(valid_until__lt=on), output_field=BooleanField()))
        .order_by("prerequisite__name", "-obtained_on", "-pk")
    )


def get_records_check_for_user(user: AnyUser, *, participant_pk: object, pk: object) -> RecordsExtractCheck:
    """A check on a case file the user may open; 404 otherwise."""
    return get_visible_or_404(
        RecordsExtractCheck.objects.filter(participant__in=Participant.objects.visible_to(user)),
        participant_id=participant_pk,
        pk=pk,
    )


def get_participant_prerequisite_for_user(
    user: AnyUser, *, participant_pk: object, pk: object
) -> ParticipantPrerequisite:
    """A prerequisite on a case file the user may open; 404 otherwise."""
    return get_visible_or_404(
        ParticipantPrerequisite.objects.filter(participant__in=Participant.objects.visible_to(user)),
        participant_id=participant_pk,
        pk=pk,
    )


def exits_of(*, participant: Participant) -> QuerySet[Exit]:
    """The times the person left the unit, newest first, with who recorded them."""
    return participant.exits.select_related("recorded_by").order_by("-left_on", "-pk")


def programme_status_of(*, participant: Participant) -> ProgrammeStatus | None:
    """The person's status 90 days after the establishment programme, if recorded."""
    return ProgrammeStatus.objects.select_related("recorded_by").filter(participant=participant).first()


def get_exit_for_user(user: AnyUser, *, participant_pk: object, pk: object) -> Exit:
    """An exit on a case file the user may open; 404 otherwise."""
    return get_visible_or_404(
        Exit.objects.filter(participant__in=Participant.objects.visible_to(user)), participant_id=participant_pk, pk=pk
    )


def get_programme_status_for_user(user: AnyUser, *, participant_pk: object, pk: object) -> ProgrammeStatus:
    """A status after the programme on a case file the user may open; 404 otherwise."""
    return get_visible_or_404(
        ProgrammeStatus.objects.filter(participant__in=Participant.objects.visible_to(user)),
        participant_id=participant_pk,
        pk=pk,
    )


# --- The case journal: notes and tasks --------------------------------------------------------------------
# Only the person's team's coordinators read these (accounts.access.journal_scope): a supervisor of the
# person's placement, a manager and an administrator get 404, as for a missing note. Every read for display
# is logged here, with the journal named in the entry's fields.

JOURNAL_FIELDS = ("case_notes", "tasks")
TASKS_DUE_DAYS = 3  # the start page shows a coordinator's open tasks due within this many days


def _journal_read(*, user: User, participant_ids: Iterable[int], action: AccessAction) -> None:
    log_access(user=user, participant_ids=participant_ids, action=action, fields=JOURNAL_FIELDS)


def get_journal_participant_for_user(user: AnyUser, pk: object) -> Participant:
    """The participant whose journal the user may keep (write a note, add a task); 404 otherwise.
    Not logged: for checks and writes."""
    return get_visible_or_404(
        Participant.objects.filter(journal_scope(user, participant_lookup="")).select_related("team"), pk=pk
    )


def journal_participants(*, user: AnyUser) -> QuerySet[Participant]:
    """The participants whose journal the user may keep (for an API input that names one)."""
    return Participant.objects.filter(journal_scope(user, participant_lookup=""))


def get_case_note_for_user(user: AnyUser, *, pk: object, participant_pk: object | None = None) -> CaseNote:
    """A note the user may read; 404 otherwise. Not logged: for checks and writes."""
    lookup: dict[str, object] = {"pk": pk}
    if participant_pk is not None:
        lookup["participant_id"] = participant_pk
    return get_visible_or_404(CaseNote.objects.visible_to(user).select_related("participant", "author"), **lookup)


def get_task_for_user(user: AnyUser, *, pk: object, participant_pk: object | None = None) -> Task:
    """A task the user may read; 404 otherwise. Not logged: for checks and writes."""
    lookup: dict[str, object] = {"pk": pk}
    if participant_pk is not None:
        lookup["participant_id"] = participant_pk
    return get_visible_or_404(
        Task.objects.visible_to(user).select_related("participant", "assignee", "created_by", "done_by"), **lookup
    )


def case_note_for_view(*, user: User, pk: object) -> CaseNote:
    """A note to show, logged as a view of the journal."""
    note = get_case_note_for_user(user, pk=pk)
    _journal_read(user=user, participant_ids=[note.participant_id], action=AccessAction.VIEW)
    return note


def task_for_view(*, user: User, pk: object, participant_pk: object | None = None) -> Task:
    """A task to show, logged as a view of the journal."""
    task = get_task_for_user(user, pk=pk, participant_pk=participant_pk)
    _journal_read(user=user, participant_ids=[task.participant_id], action=AccessAction.VIEW)
    return task


def journal_rows_shown(*, user: User, rows: Iterable[T]) -> list[T]:
    """Notes or tasks a page or an API answer lists, logged as a list entry per participant."""
    shown = list(rows)
    _journal_read(user=user, participant_ids=[row.participant_id for row in shown], action=AccessAction.LIST)  # type: ignore[attr-defined]  # notes and tasks have participant_id
    return shown


def case_notes_visible(*, user: AnyUser) -> QuerySet[CaseNote]:
    """Every note the user may read, newest first (for lists; log what is shown with journal_rows_shown)."""
    return CaseNote.objects.visible_to(user).select_related("author").order_by("-noted_on", "-created_at", "-pk")


def tasks_visible(*, user: AnyUser) -> TaskQuerySet:
    """Every task the user may read, open first and soonest due (log what is shown with journal_rows_shown)."""
    return (
        Task.objects.visible_to(user)
        .select_related("participant", "assignee", "created_by", "done_by")
        .order_by(F("done_on").desc(nulls_first=True), "due_on", "pk")
    )


@dataclass(frozen=True)
class Journal:
    notes: list[CaseNote]
    open_tasks: list[Task]
    done_tasks: list[Task]


JOURNAL_DONE_TASKS = 10  # the case file shows the latest done tasks; the API lists them all


def journal_of(*, user: AnyUser, participant: Participant) -> Journal:
    """The journal of a case file, for the case file's page: notes newest first, the open tasks by due
    date, the latest done tasks (empty for a user whose role keeps no journal). Like the checks above,
    it is read for a page that has read the case file through `participant_for_view` (or
    `participant_viewed`), whose view entry in the access log covers the page; it is never shown alone."""
    notes = CaseNote.objects.visible_to(user).filter(participant=participant).select_related("author")
    tasks = Task.objects.visible_to(user).filter(participant=participant).select_related("assignee", "done_by")
    journal = Journal(
        notes=list(notes.order_by("-noted_on", "-created_at", "-pk")),
        open_tasks=list(tasks.open().order_by("due_on", "pk")),
        done_tasks=list(tasks.filter(done_on__isnull=False).order_by("-done_on", "-pk")[:JOURNAL_DONE_TASKS]),
    )
    return journal


def tasks_due(*, user: User, today: dt.date) -> QuerySet[Task]:
    """The user's own open tasks due within TASKS_DUE_DAYS (overdue ones included), soonest first."""
    return (
        Task.objects.visible_to(user)
        .filter(assignee=user)
        .due_by(today + dt.timedelta(days=TASKS_DUE_DAYS))
        .select_related("participant")
        .order_by("due_on", "pk")
    )


def participants_of_import(*, user: User, referral_import: ReferralImport) -> QuerySet[Participant]:
    """The people an imported referral list registered that the user may still open, by name.
    Not logged: the page logs the rows it shows (`participants_shown`)."""
    return (
        Participant.objects.visible_to(user)
        .filter(referral_imports=referral_import)
        .select_related("coordinator")
        .order_by("last_name", "first_name", "pk")
    )
