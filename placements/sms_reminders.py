"""Text-message reminders to participants, in their language for information: the day before the first
day of a placement, and before each booked meeting they take part in.

Celery beat runs `participant_reminders_queue` every quarter of an hour. Each reminder is a
participants.TextMessage with a key naming the placement and its first day, or the meeting and its
start, and what its text says: a second run (or a run while the first is still sending) queues nothing
new, and a meeting moved to another time or place gets a reminder for the new one (a superseded reminder
frees its key, so a meeting moved back is reminded again). The messages are queued through the outbox
and sent by placements.tasks.send_participant_reminder, which checks the consent again, retries while
the SMS provider is unavailable, and gives a reminder up unsent (superseded) when what it reminds of no
longer holds: the meeting moved or cancelled or begun, the first day moved or the placement no longer
agreed, the text not what it would say now (`participant_reminder_current`). Only consenting
participants with a mobile number are considered.

The texts carry only what the participant needs, as the placement summary ("Din praktik",
placements.summary) gives it in their language: the date and time, written as the summary writes them,
the place (the workplace's name and address, or the meeting's place) and the coordinator's name and
phone number. No names of the participant, no case details.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from participants.models import Participant, TextMessage, TextMessageKind
from participants.text_messages import sms_may_go_q, text_message_queue

from .models import MEETING_STATUSES, Meeting, Placement, PlacementStatus
from .summary import Summary, placement_summary, sms_fitted, summary_day, summary_time

logger = logging.getLogger(__name__)

# The texts, translated into every InformationLanguage (locale/<language>/LC_MESSAGES/django.po;
# placements/tests/test_sms_reminders.py fails when a catalogue lacks one).
FIRST_DAY_TEXT = gettext_noop("Reminder: tomorrow, %(date)s, is your first day at your placement: %(place)s.")
FIRST_DAY_AT_TEXT = gettext_noop(
    "Reminder: tomorrow, %(date)s at %(time)s, is your first day at your placement: %(place)s."
)
MEETING_TEXT = gettext_noop("Reminder: you have a meeting about your placement on %(date)s at %(time)s: %(place)s.")
VIDEO_MEETING = gettext_noop("video meeting")
CALL_LINE = gettext_noop("Questions? Call %(name)s, %(phone)s.")
PARTICIPANT_TEXTS = (FIRST_DAY_TEXT, FIRST_DAY_AT_TEXT, MEETING_TEXT, VIDEO_MEETING, CALL_LINE)
# Sent by this task, which gives a reminder up when it no longer holds (participant_reminder_current).
SEND_TASK = "placements.tasks.send_participant_reminder"

# The first-day reminder goes the day before, from this time on.
FIRST_DAY_REMINDER_FROM = dt.time(9, 0)
# No text messages at night: what falls due then waits for the morning.
QUIET_FROM, QUIET_UNTIL = dt.time(21, 0), dt.time(8, 0)
# A meeting's reminder goes when the meeting is at most a day away, and not in its last half hour.
MEETING_LEAD = dt.timedelta(hours=24)
MEETING_MIN_LEAD = dt.timedelta(minutes=30)


def first_day_reminders_due(*, now: dt.datetime) -> QuerySet[Placement]:
    local = timezone.localtime(now)
    if local.time() < FIRST_DAY_REMINDER_FROM:
        return Placement.objects.none()
    return (
        Placement.objects.filter(sms_may_go_q("participant__"), status=PlacementStatus.AGREED)
        .filter(planned_start=local.date() + dt.timedelta(days=1))
        .select_related("participant__coordinator", "need__workplace", "coordinator", "supervisor")
        .order_by("pk")
    )


def meeting_reminders_due(*, now: dt.datetime) -> QuerySet[Meeting]:
    return (
        Meeting.objects.not_cancelled()
        .between(now + MEETING_MIN_LEAD, now + MEETING_LEAD)
        .filter(sms_may_go_q("placement__participant__"), with_participant=True, placement__status__in=MEETING_STATUSES)
        .select_related(
            "placement__participant__coordinator",
            "placement__need__workplace",
            "placement__coordinator",
            "placement__supervisor",
        )
        .order_by("starts_at", "pk")
    )


def participant_reminders_queue(*, now: dt.datetime | None = None) -> int:
    """Queue every participant reminder that is due and not queued yet; returns how many were queued."""
    now = now or timezone.now()
    local = timezone.localtime(now).time()
    if local >= QUIET_FROM or local < QUIET_UNTIL:
        return 0
    queued = 0
    for placement in first_day_reminders_due(now=now):
        queued += _queue(placement.participant, TextMessageKind.FIRST_DAY, *_first_day_reminder(placement))
    for meeting in meeting_reminders_due(now=now):
        queued += _queue(meeting.placement.participant, TextMessageKind.MEETING, *_meeting_reminder(meeting))
    if queued:
        logger.info("participant text reminders queued: %s", queued)
    return queued


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _first_day_reminder(placement: Placement) -> tuple[str, str]:
    """The first-day reminder's key and text. The key names the placement, its first day and what the
    text says: a changed address or phone number is a new reminder, and the queued one superseded."""
    with translation.override(placement.participant.information_language):
        text = _first_day_text(placement)
    return f"first-day:{placement.pk}:{placement.planned_start:%Y%m%d}:{_digest(text)}", text


def _meeting_reminder(meeting: Meeting) -> tuple[str, str]:
    """The meeting reminder's key and text: the meeting, its start and what the text says (its place)."""
    with translation.override(meeting.placement.participant.information_language):
        text = _meeting_text(meeting)
    starts = timezone.localtime(meeting.starts_at)
    return f"meeting:{meeting.pk}:{starts:%Y%m%dT%H%M}:{_digest(text)}", text


def participant_reminder_current(message: TextMessage) -> bool:
    """Whether what the reminder reminds of still holds, asked when it is sent: the placement still
    agreed with the same first day, still ahead; the meeting not cancelled, still with the participant,
    at the same start, still ahead, its placement still open; and the text as it would be written now
    (the same place, the same number to call, the same language). The key names the placement or
    meeting, the day or start and the text it was queued with; a changed one has a key of its own."""
    prefix, _sep, rest = message.key.partition(":")
    pk = rest.partition(":")[0]
    if not pk.isdigit():
        return False
    now = timezone.now()
    if message.kind == TextMessageKind.FIRST_DAY and prefix == "first-day":
        placement = (
            Placement.objects.filter(
                pk=pk,
                participant_id=message.participant_id,
                status=PlacementStatus.AGREED,
                planned_start__gt=timezone.localdate(now),
            )
            .select_related("participant__coordinator", "need__workplace", "coordinator", "supervisor")
            .first()
        )
        return placement is not None and _first_day_reminder(placement)[0] == message.key
    if message.kind == TextMessageKind.MEETING and prefix == "meeting":
        meeting = (
            Meeting.objects.not_cancelled()
            .filter(
                pk=pk,
                with_participant=True,
                starts_at__gt=now,
                placement__participant_id=message.participant_id,
                placement__status__in=MEETING_STATUSES,
            )
            .select_related(
                "placement__participant__coordinator",
                "placement__need__workplace",
                "placement__coordinator",
                "placement__supervisor",
            )
            .first()
        )
        return meeting is not None and _meeting_reminder(meeting)[0] == message.key
    return False


def _queue(participant: Participant, kind: str, key: str, text: str) -> int:
    if TextMessage.objects.filter(key=key).exists():
        return 0
    try:
        text_message_queue(participant=participant, kind=kind, key=key, text=text, task_name=SEND_TASK)
    except ValidationError:
        return 0  # no mobile number: nothing to send to
    return 1


def _summary(placement: Placement) -> Summary:
    return placement_summary(placement=placement, language=placement.participant.information_language)


def _call_line(summary: Summary) -> str:
    """Whom to call with questions: the coordinator, as the summary names them and gives the number."""
    if not (summary.coordinator_name and summary.coordinator_phone):  # a name alone is nobody to call
        return ""
    return " " + _(CALL_LINE) % {"name": summary.coordinator_name, "phone": summary.coordinator_phone}


def _first_day_text(placement: Placement) -> str:
    summary = _summary(placement)
    values = {"date": summary.first_day_short, "time": summary.start_time}
    text = _(FIRST_DAY_AT_TEXT) if summary.start_time else _(FIRST_DAY_TEXT)
    call_line = _call_line(summary)
    place = ", ".join(part for part in (summary.workplace, summary.address) if part)
    return sms_fitted(lambda place: text % (values | {"place": place}) + call_line, place)


def _meeting_text(meeting: Meeting) -> str:
    summary = _summary(meeting.placement)
    starts = timezone.localtime(meeting.starts_at)
    values = {
        "date": summary_day(starts.date(), language=summary.language, short=True),
        "time": summary_time(starts.time(), language=summary.language),
    }
    text, call_line = _(MEETING_TEXT), _call_line(summary)
    place = meeting.place.strip() or _(VIDEO_MEETING)
    return sms_fitted(lambda place: text % (values | {"place": place}) + call_line, place)
