"""Text-message reminders to participants, in their language for information: the day before the first
day of a placement, and before each booked meeting they take part in.

Celery beat runs `participant_reminders_queue` every quarter of an hour. Each reminder is a
participants.TextMessage with a key naming the placement and its first day, or the meeting and its
start: a second run (or a run while the first is still sending) queues nothing new, and a meeting moved
to another time gets a reminder for the new time. The messages are queued through the outbox and sent
by participants.tasks.send_text_message, which checks the consent again and retries while the SMS
provider is unavailable. Only consenting participants with a mobile number are considered.

The texts carry only what the participant needs: the date and time, the place (the workplace's name
and address, or the meeting's place) and the coordinator's first name and phone number. No names of
the participant, no case details. Dates and times are written as numbers (2026-12-03, 09:00), the
same in every language.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from functools import partial

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from participants.models import Participant, TextMessage, TextMessageKind
from participants.text_messages import text_message_queue
from sms.phone_numbers import phone_display

from .models import MEETING_STATUSES, Meeting, Placement, PlacementStatus

logger = logging.getLogger(__name__)

# The texts, translated into every InformationLanguage (locale/<language>/LC_MESSAGES/django.po;
# placements/tests/test_sms_reminders.py fails when a catalogue lacks one).
FIRST_DAY_TEXT = gettext_noop("Reminder: tomorrow, %(date)s, is your first day at your placement: %(place)s.")
MEETING_TEXT = gettext_noop("Reminder: you have a meeting about your placement on %(date)s at %(time)s: %(place)s.")
VIDEO_MEETING = gettext_noop("video meeting")
CALL_LINE = gettext_noop("Questions? Call %(name)s, %(phone)s.")
PARTICIPANT_TEXTS = (FIRST_DAY_TEXT, MEETING_TEXT, VIDEO_MEETING, CALL_LINE)

# The first-day reminder goes the day before, from this time on.
FIRST_DAY_REMINDER_FROM = dt.time(9, 0)
# No text messages at night: what falls due then waits for the morning.
QUIET_FROM, QUIET_UNTIL = dt.time(21, 0), dt.time(8, 0)
# A meeting's reminder goes when the meeting is at most a day away, and not in its last half hour.
MEETING_LEAD = dt.timedelta(hours=24)
MEETING_MIN_LEAD = dt.timedelta(minutes=30)


def _may_text(prefix: str = "participant__") -> Q:
    """Participants a reminder may go to: consented, not pseudonymised, with a phone number (whether it
    is a mobile number is checked when queuing and again when sending)."""
    return Q(**{f"{prefix}sms_consent_at__isnull": False, f"{prefix}pseudonymised_at__isnull": True}) & ~Q(
        **{f"{prefix}phone": ""}
    )


def first_day_reminders_due(*, now: dt.datetime) -> QuerySet[Placement]:
    local = timezone.localtime(now)
    if local.time() < FIRST_DAY_REMINDER_FROM:
        return Placement.objects.none()
    return (
        Placement.objects.filter(
            _may_text(), status=PlacementStatus.AGREED, planned_start=local.date() + dt.timedelta(days=1)
        )
        .select_related("participant", "need__workplace", "coordinator")
        .order_by("pk")
    )


def meeting_reminders_due(*, now: dt.datetime) -> QuerySet[Meeting]:
    return (
        Meeting.objects.not_cancelled()
        .between(now + MEETING_MIN_LEAD, now + MEETING_LEAD)
        .filter(_may_text("placement__participant__"), with_participant=True, placement__status__in=MEETING_STATUSES)
        .select_related("placement__participant", "placement__coordinator")
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
        key = f"first-day:{placement.pk}:{placement.planned_start:%Y%m%d}"
        queued += _queue(placement.participant, TextMessageKind.FIRST_DAY, key, partial(_first_day_text, placement))
    for meeting in meeting_reminders_due(now=now):
        key = f"meeting:{meeting.pk}:{timezone.localtime(meeting.starts_at):%Y%m%dT%H%M}"
        participant = meeting.placement.participant
        queued += _queue(participant, TextMessageKind.MEETING, key, partial(_meeting_text, meeting))
    if queued:
        logger.info("participant text reminders queued: %s", queued)
    return queued


def _queue(participant: Participant, kind: str, key: str, text: Callable[[], str]) -> int:
    if TextMessage.objects.filter(key=key).exists():
        return 0
    with translation.override(participant.information_language):
        body = text()
    try:
        text_message_queue(participant=participant, kind=kind, key=key, text=body)
    except ValidationError:
        return 0  # no mobile number: nothing to send to
    return 1


def _call_line(placement: Placement) -> str:
    coordinator = placement.coordinator
    if coordinator is None or not coordinator.phone:
        return ""
    return " " + _(CALL_LINE) % {
        "name": coordinator.first_name,
        "phone": phone_display(coordinator.phone),
    }


def _first_day_text(placement: Placement) -> str:
    workplace = placement.need.workplace
    postal = " ".join(part for part in (workplace.postal_code, workplace.city) if part)
    place = ", ".join(part for part in (workplace.name, workplace.street_address, postal) if part)
    text = _(FIRST_DAY_TEXT) % {
        "date": f"{placement.planned_start:%Y-%m-%d}",
        "place": place,
    }
    return text + _call_line(placement)


def _meeting_text(meeting: Meeting) -> str:
    starts = timezone.localtime(meeting.starts_at)
    text = _(MEETING_TEXT) % {
        "date": f"{starts:%Y-%m-%d}",
        "time": f"{starts:%H:%M}",
        "place": meeting.place.strip() or _(VIDEO_MEETING),
    }
    return text + _call_line(meeting.placement)
