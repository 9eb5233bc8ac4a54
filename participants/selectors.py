"""Reads of participants that views share. Every read starts from `.visible_to(user)`.

The reads that return personal data for display write the access-log entry as they read
(`participant_for_view`, `participants_shown`): the HTML pages and the API call these, so a new
page gets its entry by using them rather than by remembering to log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from operator import attrgetter
from typing import TypeVar

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from accounts.access import AnyUser, get_visible_or_404
from accounts.access_log import log_access
from accounts.models import AccessAction, User

from .models import Exit, Participant, ParticipantPrerequisite, ProgrammeStatus, RecordsExtractCheck

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
