"""Text-message reminders to participants, in their language for information: the day before the first
day of a placement, and before each booked meeting they take part in.

Celery beat runs `participant_reminders_queue` every quarter of an hour. Each reminder is a
participants.TextMessage with a key naming the placement and its first day, or the meeting and its
start: a second run (or a run while the first is still sending) queues nothing new, and a meeting moved
to another time gets a reminder for the new time (a superseded reminder frees its key, so a meeting
moved back is reminded again, and one whose place changed before it went is reminded with the new
place). The messages are queued through the outbox and sent by
placements.tasks.send_participant_reminder, which checks the consent again, retries while the SMS
provider is unavailable, and gives a reminder up unsent (superseded) when what it reminds of no longer
holds: the meeting moved or cancelled or begun, the first day moved or the placement no longer agreed,
the text not what it would say now (`participant_reminder_current`). Only consenting participants with a
mobile number are considered.

The texts carry only what the participant needs, as the placement summary ("Din praktik",
placements.summary) gives it in their language: the date and time, written as the summary writes them,
the place (the workplace's name and address, or the meeting's place) and the coordinator's name and
phone number. No names of the participant, no case details.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from participants.models import Participant, TextMessage, TextMessageFailure, TextMessageKind
from participants.text_messages import sms_may_go_q, text_message_queue
from sms.quiet_hours import is_quiet

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
    if is_quiet(now):
        return 0
    queued = 0
    for placement in first_day_reminders_due(now=now):
        queued += _queue(placement.participant, TextMessageKind.FIRST_DAY, *_first_day_reminder(placement))
    for meeting in meeting_reminders_due(now=now):
        queued += _queue(meeting.placement.participant, TextMessageKind.MEETING, *_meeting_reminder(meeting))
    if queued:
        logger.info("participant text reminders queued: %s", queued)
    return queued


def _first_day_reminder(placement: Placement) -> tuple[str, Callable[[], str]]:
    """The first-day reminder's key (the placement and its first day) and how its text would be
    written now (built only when asked: a run skips what is already queued without writing it)."""

    def text() -> str:
        with translation.override(placement.participant.information_language):
            return _first_day_text(placement)

    return f"first-day:{placement.pk}:{placement.planned_start:%Y%m%d}", text


def _meeting_reminder(meeting: Meeting) -> tuple[str, Callable[[], str]]:
    """The meeting reminder's key (the meeting and its start) and how its text would be written now."""

    def text() -> str:
        with translation.override(meeting.placement.participant.information_language):
            return _meeting_text(meeting)

    return f"meeting:{meeting.pk}:{timezone.localtime(meeting.starts_at):%Y%m%dT%H%M}", text


def participant_reminder_current(message: TextMessage) -> bool:
    """Whether what the reminder reminds of still holds, asked when it is sent: the placement still
    agreed with the same first day, still ahead; the meeting not cancelled, still with the participant,
    at the same start, still ahead, its placement still open; and the text as it would be written now
    (the same place, the same number to call, the same language). The key names the placement or
    meeting and the day or start it was queued for; a superseded message frees its key, so the next
    run queues the reminder as it is now."""
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
        return placement is not None and _same(_first_day_reminder(placement), message)
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
        return meeting is not None and _same(_meeting_reminder(meeting), message)
    return False


def _same(reminder: tuple[str, Callable[[], str]], message: TextMessage) -> bool:
    key, text = reminder
    return key == message.key and text().strip() == message.text  # queued stripped (text_message_queue)


def _queue(participant: Participant, kind: str, key: str, text: Callable[[], str]) -> int:
    if TextMessage.objects.filter(key=key).exists():
        return 0  # queued by an earlier run: its text is not written again
    try:
        text_message_queue(participant=participant, kind=kind, key=key, text=text(), task_name=SEND_TASK)
    except ValidationError as error:
        if error.code not in (TextMessageFailure.NO_CONSENT, TextMessageFailure.NO_NUMBER):
            # Not the participant's doing (a text too long, say): said, and the other reminders go on.
            logger.error("participant reminder %s not queued: %s", key, error.code)
        return 0
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
