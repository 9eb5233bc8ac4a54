"""Reads of participants that views share. Every read starts from `.visible_to(user)`.

The reads that return personal data for display write the access-log entry as they read
(`participant_for_view`, `participants_shown`): the HTML pages and the API call these, so a new
page gets its entry by using them rather than by remembering to log.
"""

from __future__ import annotations

from collections.abc import Iterable
from operator import attrgetter
from typing import TypeVar

from accounts.access import AnyUser, get_visible_or_404
from accounts.access_log import log_access
from accounts.models import AccessAction, User

from .models import Participant

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
