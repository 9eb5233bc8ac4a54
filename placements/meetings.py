"""Meetings about a placement: booking, changing and cancelling them (each sends the invitation
again, after commit, through the outbox), and the reads the pages, the API and the feed share.

Who may arrange a meeting: a coordinator of the participant's team (the placement's own rule,
`Placement.objects.visible_to`, narrowed to coordinators: a supervisor or a manager never books).
For which placements: proposed, agreed or active ones (MEETING_STATUSES); a meeting of a placement
that has since ended can still be cancelled, so that the invitation is withdrawn.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import AnyUser, get_visible_or_404
from accounts.access_log import log_access
from accounts.models import AccessAction, Role, User
from outbox.services import outbox_enqueue
from participants.selectors import participants_shown
from participants.tenancy import tenant_key

from .calendars import calendar_host, invited_parties
from .models import MEETING_STATUSES, FollowUp, Meeting, Placement, PlacementStatus

if TYPE_CHECKING:
    from taxonomy.models import Language

# How far ahead a meeting may be booked: a date further off is a typing mistake.
MEETING_HORIZON = dt.timedelta(days=730)
INVITATION_TASK = "placements.tasks.send_meeting_invitation"


def _require_may_arrange(placement: Placement, by: User) -> None:
    """Only a coordinator of the participant's team arranges the placement's meetings."""
    if not (
        by.is_active
        and Role.COORDINATOR in by.roles
        and Placement.objects.visible_to(by).filter(pk=placement.pk).exists()
    ):
        raise PermissionDenied


def _require_open(placement: Placement) -> None:
    if placement.status not in MEETING_STATUSES:
        raise ValidationError(
            _("Meetings are booked for proposed, agreed or active placements, not for one that is “%(status)s”.")
            % {"status": placement.get_status_display()},
            code="placement_closed",
        )


def _require_future(starts_at: dt.datetime) -> None:
    now = timezone.now()
    if starts_at <= now:
        raise ValidationError({"starts_at": _("A meeting cannot be booked in the past.")}, code="past")
    if starts_at > now + MEETING_HORIZON:
        raise ValidationError({"starts_at": _("A meeting can be booked at most two years ahead.")}, code="far")


def _new_uid(placement: Placement) -> str:
    """RFC 5545 UID: globally unique, set once, the same in every later version of the invitation."""
    return f"{uuid.uuid4()}@{calendar_host(placement.municipality)}"


def _send_invitation(meeting: Meeting, *, dropped: Iterable[str] = ()) -> None:
    """Queue the invitation (or the cancellation) for this version, sent after commit, and the
    cancellation to the parties this version `dropped`. One message per meeting and version:
    queuing it twice is a no-op."""
    outbox_enqueue(
        task_name=INVITATION_TASK,
        args=[meeting.pk, meeting.sequence, sorted(dropped)],
        key=f"meeting-invitation:{meeting.pk}:{meeting.sequence}",
        municipality_id=meeting.municipality_id,
    )


def _apply(
    meeting: Meeting,
    *,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str,
    video_link: str,
    with_participant: bool,
    with_supervisor: bool,
    with_coordinator: bool,
    other_attendees: str,
    interpreter_needed: bool,
    interpreter_language: Language | None,
) -> None:
    meeting.kind = kind
    meeting.starts_at = starts_at
    meeting.ends_at = ends_at
    meeting.place = place.strip()
    meeting.video_link = video_link.strip()
    meeting.with_participant = with_participant
    meeting.with_supervisor = with_supervisor
    meeting.with_coordinator = with_coordinator
    meeting.other_attendees = other_attendees.strip()
    meeting.interpreter_needed = interpreter_needed
    # No language is kept for a meeting without an interpreter.
    meeting.interpreter_language = interpreter_language if interpreter_needed else None


@transaction.atomic
def meeting_book(
    *,
    placement: Placement,
    by: User,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str = "",
    video_link: str = "",
    with_participant: bool = True,
    with_supervisor: bool = True,
    with_coordinator: bool = True,
    other_attendees: str = "",
    interpreter_needed: bool = False,
    interpreter_language: Language | None = None,
) -> Meeting:
    """Book a meeting for the placement and send the invitation (METHOD:REQUEST, SEQUENCE 0)."""
    _require_may_arrange(placement, by)
    placement = Placement.objects.select_for_update(of=("self",)).get(pk=placement.pk)
    _require_open(placement)
    _require_future(starts_at)
    meeting = Meeting(placement=placement, **tenant_key(placement), uid=_new_uid(placement), sequence=0, booked_by=by)
    _apply(
        meeting,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        video_link=video_link,
        with_participant=with_participant,
        with_supervisor=with_supervisor,
        with_coordinator=with_coordinator,
        other_attendees=other_attendees,
        interpreter_needed=interpreter_needed,
        interpreter_language=interpreter_language,
    )
    meeting.full_clean()
    meeting.save()
    log_access(user=by, participant_ids=[placement.participant_id], action=AccessAction.CHANGE, fields=["meetings"])
    _send_invitation(meeting)
    return meeting


def _lock_meeting(meeting: Meeting) -> Meeting:
    locked = Meeting.objects.select_for_update(of=("self",)).select_related("placement").get(pk=meeting.pk)
    if locked.is_cancelled:
        raise ValidationError(_("The meeting is cancelled and cannot be changed."), code="cancelled")
    return locked


@transaction.atomic
def meeting_change(
    *,
    meeting: Meeting,
    by: User,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str = "",
    video_link: str = "",
    with_participant: bool = True,
    with_supervisor: bool = True,
    with_coordinator: bool = True,
    other_attendees: str = "",
    interpreter_needed: bool = False,
    interpreter_language: Language | None = None,
) -> Meeting:
    """Change a meeting and send the updated invitation: the same UID, SEQUENCE one higher."""
    _require_may_arrange(meeting.placement, by)
    meeting = _lock_meeting(meeting)
    _require_open(meeting.placement)
    _require_future(starts_at)
    before = set(invited_parties(meeting))
    _apply(
        meeting,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        video_link=video_link,
        with_participant=with_participant,
        with_supervisor=with_supervisor,
        with_coordinator=with_coordinator,
        other_attendees=other_attendees,
        interpreter_needed=interpreter_needed,
        interpreter_language=interpreter_language,
    )
    meeting.sequence += 1
    meeting.full_clean()
    meeting.save()
    log_access(
        user=by, participant_ids=[meeting.placement.participant_id], action=AccessAction.CHANGE, fields=["meetings"]
    )
    # A party taken off the meeting gets its cancellation, so it leaves their calendar too.
    _send_invitation(meeting, dropped=before - set(invited_parties(meeting)))
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by: User) -> Meeting:
    """Cancel a meeting and send the cancellation (METHOD:CANCEL, STATUS:CANCELLED, SEQUENCE one higher)."""
    _require_may_arrange(meeting.placement, by)
    meeting = _lock_meeting(meeting)
    meeting.cancelled_at = timezone.now()
    meeting.sequence += 1
    meeting.save(update_fields=["cancelled_at", "sequence", "updated_at"])
    log_access(
        user=by, participant_ids=[meeting.placement.participant_id], action=AccessAction.CHANGE, fields=["meetings"]
    )
    _send_invitation(meeting)
    return meeting


def meetings_cancel_with_placement(*, placement: Placement) -> int:
    """Cancel the placement's meetings still to come, as the placement is cancelled: each sends its
    cancellation (METHOD:CANCEL, SEQUENCE one higher), so no calendar keeps a meeting about a
    placement that will not be. The placement's service has checked who may cancel it."""
    now = timezone.now()
    cancelled = 0
    for meeting in placement.meetings.not_cancelled().filter(starts_at__gte=now).select_for_update():
        meeting.cancelled_at = now
        meeting.sequence += 1
        meeting.save(update_fields=["cancelled_at", "sequence", "updated_at"])
        _send_invitation(meeting)
        cancelled += 1
    return cancelled


# --- Reads ---------------------------------------------------------------------------------------


def get_meeting_for_user(user: AnyUser, pk: object, *, placement: Placement | None = None) -> Meeting:
    """The meeting, if the user may open its placement (and it belongs to `placement`); 404 otherwise."""
    meetings = Meeting.objects.visible_to(user).select_related(
        "placement__participant", "placement__supervisor", "placement__need__workplace", "interpreter_language"
    )
    if placement is not None:
        meetings = meetings.filter(placement=placement)
    return get_visible_or_404(meetings, pk=pk)


def meeting_for_view(*, user: User, pk: object) -> Meeting:
    """A meeting to show (the API's detail, its iCalendar file), logged as a view of the case file."""
    meeting = get_meeting_for_user(user, pk)
    log_access(user=user, participant_ids=[meeting.placement.participant_id], action=AccessAction.VIEW)
    return meeting


def meetings_shown(*, user: User, rows: Iterable[Meeting]) -> list[Meeting]:
    """Meetings a page or an API answer lists, logged per participant. Rows with `placement` loaded."""
    return participants_shown(user=user, rows=rows, participant_id="placement.participant_id")


def week_bounds(monday: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Monday 00:00 to the next Monday 00:00, local time (a DST week is 167 or 169 hours long)."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(monday, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time.min, tzinfo=tz)
    return start, end


def week_for_view(*, user: User, monday: dt.date) -> tuple[list[Meeting], list[FollowUp]]:
    """The week's meetings and due follow-ups of the placements the coordinator may open (their
    team's), each participant listed logged."""
    start, end = week_bounds(monday)
    meetings = list(
        Meeting.objects.visible_to(user)
        .between(start, end)
        .select_related("placement__participant", "placement__need__workplace", "interpreter_language")
        .order_by("starts_at", "pk")
    )
    follow_ups = list(
        FollowUp.objects.visible_to(user)
        .outstanding()
        .filter(
            placement__status=PlacementStatus.ACTIVE,
            due_date__gte=monday,
            due_date__lt=monday + dt.timedelta(days=7),
        )
        .select_related("placement__participant", "placement__need__workplace")
        .order_by("due_date", "pk")
    )
    participants_shown(
        user=user,
        rows=[*meetings, *follow_ups],
        participant_id="placement.participant_id",
    )
    return meetings, follow_ups


# The follow-up reminder names a booked meeting if the placement has one (not cancelled) that starts
# between now and this many days after the follow-up's due date: the meeting where the follow-up
# will in practice be done. The earliest such meeting is named.
FOLLOW_UP_MEETING_WINDOW = dt.timedelta(days=7)


def meeting_for_follow_up(*, follow_up: FollowUp, now: dt.datetime | None = None) -> Meeting | None:
    """The booked meeting a reminder about `follow_up` names, or None (see FOLLOW_UP_MEETING_WINDOW)."""
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    window_end = dt.datetime.combine(follow_up.due_date + FOLLOW_UP_MEETING_WINDOW, dt.time.max, tzinfo=tz)
    return (
        Meeting.objects.not_cancelled()
        .filter(placement_id=follow_up.placement_id, starts_at__gte=now, starts_at__lte=window_end)
        .order_by("starts_at", "pk")
        .first()
    )
