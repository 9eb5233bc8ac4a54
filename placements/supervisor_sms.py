"""Text messages (SMS) to supervisors who prefer them: the follow-up reminders (placements.reminders),
and, the day before a placement's first day and before each meeting they take part in, a reminder.

Each is a placements.Reminder row queued through the outbox in the transaction that creates it and
sent by placements.tasks.send_supervisor_text_message, which calls `supervisor_text_message_deliver`:
claimed with a conditional update so it goes at most once, retried while the provider is unavailable
(sms.retries), and a follow-up reminder the provider refuses, or never takes, goes by e-mail instead.
The text is written when it is sent, and only if the reminder still holds (the follow-up still to do,
the meeting not cancelled or moved, the placement still agreed with that first day).

The texts carry what the supervisor needs and no more: the participant's first name, the date (and
time and place), the portal's link behind the login, never a personal link. Whether a supervisor gets
text messages is `supervisor_prefers_sms`, the one home of that rule. In Swedish, like the e-mail.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.access_log import log_text_message
from accounts.municipal_settings import site_url_for
from outbox.services import outbox_enqueue
from participants.tenancy import tenant_key
from sms import SmsRejected, SmsUnavailable, SmsUncertain, send_sms
from sms.phone_numbers import phone_can_receive_sms
from sms.quiet_hours import is_quiet
from supervisors.models import ReminderChannel, Supervisor

from .models import MEETING_STATUSES, FollowUp, Meeting, Placement, PlacementStatus, Reminder
from .reminder_emails import reminder_email_send, supervisor_portal_path
from .sms_reminders import (
    FIRST_DAY_REMINDER_FROM,
    MEETING_LEAD,
    MEETING_MIN_LEAD,
    VIDEO_MEETING,
)

logger = logging.getLogger(__name__)

SEND_TASK = "placements.tasks.send_supervisor_text_message"

FOLLOW_UP_DUE_TEXT = gettext_noop(
    "Platsa: the follow-up of %(name)s's placement is due on %(date)s. Log it here: %(url)s"
)
FOLLOW_UP_OVERDUE_TEXT = gettext_noop(
    "Platsa: the follow-up of %(name)s's placement was due on %(date)s. Log it here: %(url)s"
)
FIRST_DAY_TEXT = gettext_noop("Platsa: tomorrow, %(date)s, %(name)s starts a placement with you at %(place)s.")
MEETING_TEXT = gettext_noop("Platsa: meeting about the placement of %(name)s on %(date)s at %(time)s: %(place)s.")

# What the access log names as the kind of message (never its text).
LOG_KINDS = {
    Reminder.Stage.DUE: "supervisor_reminder",
    Reminder.Stage.OVERDUE: "supervisor_reminder",
    Reminder.Stage.FIRST_DAY: "supervisor_first_day",
    Reminder.Stage.MEETING: "supervisor_meeting",
}


def supervisor_prefers_sms(supervisor: Supervisor) -> bool:
    """By SMS when the supervisor prefers it, has a mobile number and logs in to the portal: the SMS
    then links to the portal's page behind the login. Without an account the reminder's link is a
    bearer link to the follow-up form, which must not pass through the SMS provider: e-mail then."""
    has_account = supervisor.user is not None and supervisor.user.is_active
    return supervisor.reminders_by == ReminderChannel.SMS and has_account and phone_can_receive_sms(supervisor.phone)


def supervisor_sms_enqueue(*, reminder: Reminder) -> None:
    """Queue the reminder's text message, as part of the transaction that created the reminder."""
    Reminder.objects.filter(pk=reminder.pk).update(channel=ReminderChannel.SMS)
    reminder.channel = ReminderChannel.SMS
    outbox_enqueue(
        task_name=SEND_TASK,
        args=[reminder.pk],
        key=f"supervisor-sms:{reminder.pk}",
        municipality_id=reminder.municipality_id,
    )


# --- first day and meetings -------------------------------------------------------------------------


def _first_day_key(placement: Placement) -> str:
    return f"first-day:{placement.pk}:{placement.planned_start:%Y%m%d}:{placement.supervisor_id}"


def _meeting_key(meeting: Meeting) -> str:
    starts = timezone.localtime(meeting.starts_at)
    return f"meeting:{meeting.pk}:{starts:%Y%m%dT%H%M}:{meeting.placement.supervisor_id}"


def _by_sms(prefix: str) -> dict[str, object]:
    """A first cut in the database; `supervisor_prefers_sms` decides."""
    return {f"{prefix}reminders_by": ReminderChannel.SMS, f"{prefix}user__is_active": True}


def supervisor_first_day_reminders_due(*, now: dt.datetime) -> QuerySet[Placement]:
    local = timezone.localtime(now)
    if local.time() < FIRST_DAY_REMINDER_FROM:
        return Placement.objects.none()
    return (
        Placement.objects.filter(
            status=PlacementStatus.AGREED, planned_start=local.date() + dt.timedelta(days=1), **_by_sms("supervisor__")
        )
        .select_related("supervisor__user")
        .order_by("pk")
    )


def supervisor_meeting_reminders_due(*, now: dt.datetime) -> QuerySet[Meeting]:
    return (
        Meeting.objects.not_cancelled()
        .between(now + MEETING_MIN_LEAD, now + MEETING_LEAD)
        .filter(with_supervisor=True, placement__status__in=MEETING_STATUSES, **_by_sms("placement__supervisor__"))
        .select_related("placement__supervisor__user")
        .order_by("starts_at", "pk")
    )


def supervisor_reminders_queue(*, now: dt.datetime | None = None) -> int:
    """Queue every first-day and meeting reminder to supervisors that is due and not queued yet
    (outside the night, as the participants'); returns how many were queued."""
    now = now or timezone.now()
    if is_quiet(now):
        return 0
    queued = 0
    for placement in supervisor_first_day_reminders_due(now=now):
        if supervisor_prefers_sms(placement.supervisor):
            queued += _queue_once(
                key=_first_day_key(placement), stage=Reminder.Stage.FIRST_DAY, placement=placement, meeting=None
            )
    for meeting in supervisor_meeting_reminders_due(now=now):
        if supervisor_prefers_sms(meeting.placement.supervisor):
            queued += _queue_once(
                key=_meeting_key(meeting), stage=Reminder.Stage.MEETING, placement=meeting.placement, meeting=meeting
            )
    if queued:
        logger.info("supervisor text reminders queued: %s", queued)
    return queued


def _queue_once(*, key: str, stage: str, placement: Placement, meeting: Meeting | None) -> int:
    if Reminder.objects.filter(key=key).exists():
        return 0
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                key=key,
                stage=stage,
                recipient=Reminder.Recipient.SUPERVISOR,
                placement=placement,
                **tenant_key(placement),
                meeting=meeting,
                sent_at=None,
            )
            supervisor_sms_enqueue(reminder=reminder)
    except IntegrityError:
        return 0  # queued by another run meanwhile
    return 1


# --- sending -------------------------------------------------------------------------------------------


_SENDING_RELATED = (
    "follow_up__placement__supervisor__user",
    "follow_up__placement__participant",
    "placement__supervisor__user",
    "placement__participant",
    "placement__need__workplace",
    "meeting__placement",
)


def supervisor_text_message_deliver(*, reminder_id: int) -> bool:
    """Send a queued reminder, at most once; returns whether the text message was sent now.

    Claimed with a conditional update before it is sent, so a task delivered twice (or running twice
    at once) sends it once. While the provider is unavailable the claim is released and SmsUnavailable
    raised for the task to retry; a refusal is final (a follow-up reminder then goes by e-mail); an
    answer that never came counts as sent, never sent again.
    """
    claimed = Reminder.objects.filter(
        pk=reminder_id, channel=ReminderChannel.SMS, sent_at__isnull=True, claimed_at__isnull=True, failure=""
    ).update(claimed_at=timezone.now())
    if not claimed:
        return False  # sent, given up, or being sent by another worker
    try:
        reminder = Reminder.objects.select_related(*_SENDING_RELATED).get(pk=reminder_id)
        holds = _still_holds(reminder)
        supervisor = _placement(reminder).supervisor
        by_sms = supervisor_prefers_sms(supervisor)
        text = _text(reminder) if holds and by_sms else ""
    except Exception:
        # Nothing went: released, so a retry (or the task delivered again) can claim it.
        Reminder.objects.filter(pk=reminder_id).update(claimed_at=None)
        raise
    if not holds:
        _give_up(reminder, Reminder.Failure.OBSOLETE)
        return False
    if not by_sms:
        # The supervisor chose e-mail (or lost the account or the number) since it was queued.
        _instead_by_email(reminder, "")
        return False
    try:
        send_sms(to=supervisor.phone, text=text)
    except SmsUnavailable:
        Reminder.objects.filter(pk=reminder.pk).update(claimed_at=None, attempts=reminder.attempts + 1)
        logger.warning("supervisor reminder %s not sent yet: the SMS provider is unavailable", reminder.pk)
        raise
    except SmsRejected:
        logger.warning("supervisor reminder %s: the text message was refused", reminder.pk)
        _instead_by_email(reminder, Reminder.Failure.REJECTED)
        return False
    except SmsUncertain:
        # The provider may have sent it: it counts as sent, never twice; the access log says it went.
        logger.warning("supervisor reminder %s: the SMS provider gave no answer; not sent again", reminder.pk)
        _mark_sent(reminder, failure=Reminder.Failure.UNCERTAIN)
        return False
    except Exception:
        # Not known to be sent (a backend misconfigured, a bug): released, so it can be sent again.
        Reminder.objects.filter(pk=reminder.pk).update(claimed_at=None, attempts=reminder.attempts + 1)
        raise
    _mark_sent(reminder, failure="")
    return True


def supervisor_text_message_expire(*, reminder_id: int) -> None:
    """The provider stayed unavailable through every retry: a follow-up reminder goes by e-mail, a
    first-day or meeting reminder is given up (the supervisor has the meeting's invitation by e-mail)."""
    claimed = Reminder.objects.filter(
        # Claimed as for sending: not while another copy of the task sends it (a task may be published
        # twice), and never twice by e-mail.
        pk=reminder_id,
        channel=ReminderChannel.SMS,
        sent_at__isnull=True,
        claimed_at__isnull=True,
        failure="",
    ).update(claimed_at=timezone.now())
    if not claimed:
        return
    reminder = Reminder.objects.select_related(*_SENDING_RELATED).get(pk=reminder_id)
    if not _still_holds(reminder):  # hours later: the follow-up may be logged, the meeting past
        _give_up(reminder, Reminder.Failure.OBSOLETE)
        return
    _instead_by_email(reminder, Reminder.Failure.UNAVAILABLE)


def _placement(reminder: Reminder) -> Placement:
    if reminder.follow_up is not None:
        return reminder.follow_up.placement
    assert reminder.placement is not None  # the constraint reminder_has_its_subject
    return reminder.placement


def _still_holds(reminder: Reminder) -> bool:
    now = timezone.now()
    if reminder.follow_up is not None:
        return (
            FollowUp.objects.outstanding()
            .filter(pk=reminder.follow_up.pk, placement__status=PlacementStatus.ACTIVE)
            .exists()
        )
    if reminder.stage == Reminder.Stage.FIRST_DAY:
        placement = _placement(reminder)
        return (
            placement.status == PlacementStatus.AGREED
            and placement.planned_start > timezone.localdate(now)
            and _first_day_key(placement) == reminder.key
        )
    meeting = reminder.meeting
    return (
        meeting is not None
        and not meeting.is_cancelled
        and meeting.with_supervisor
        and meeting.starts_at > now
        and meeting.placement.status in MEETING_STATUSES
        and _meeting_key(meeting) == reminder.key
    )


def _text(reminder: Reminder) -> str:
    placement = _placement(reminder)
    name = placement.participant.first_name
    with translation.override("sv"):
        if reminder.follow_up is not None:
            template = FOLLOW_UP_OVERDUE_TEXT if reminder.stage == Reminder.Stage.OVERDUE else FOLLOW_UP_DUE_TEXT
            # The portal's page behind the login: supervisor_prefers_sms holds, so they have an account.
            return _(template) % {
                "name": name,
                "date": f"{reminder.follow_up.due_date:%Y-%m-%d}",
                "url": site_url_for(placement.municipality) + supervisor_portal_path(reminder.follow_up),
            }
        if reminder.stage == Reminder.Stage.FIRST_DAY:
            return _(FIRST_DAY_TEXT) % {
                "date": f"{placement.planned_start:%Y-%m-%d}",
                "name": name,
                "place": placement.need.workplace.name,
            }
        assert reminder.meeting is not None  # the constraint reminder_has_its_subject
        starts = timezone.localtime(reminder.meeting.starts_at)
        return _(MEETING_TEXT) % {
            "name": name,
            "date": f"{starts:%Y-%m-%d}",
            "time": f"{starts:%H:%M}",
            "place": reminder.meeting.place.strip() or _(VIDEO_MEETING),
        }


def _mark_sent(reminder: Reminder, *, failure: str) -> None:
    with transaction.atomic():
        Reminder.objects.filter(pk=reminder.pk).update(
            sent_at=timezone.now(), failure=failure, attempts=reminder.attempts + 1
        )
        # The participant's first name left for the SMS provider: the access log says so, not the text.
        log_text_message(
            user=None,
            participant_id=_placement(reminder).participant_id,
            kind=LOG_KINDS[Reminder.Stage(reminder.stage)],
            fields=["first_name"],
        )


def _give_up(reminder: Reminder, failure: str) -> None:
    freed = {"key": f"superseded:{reminder.pk}"} if reminder.key and failure == Reminder.Failure.OBSOLETE else {}
    # A first-day or meeting reminder no longer due frees its key, as a participant's does: should the
    # meeting move back to the time it was, its reminder is queued again.
    Reminder.objects.filter(pk=reminder.pk).update(failure=failure, attempts=reminder.attempts + 1, **freed)
    logger.info("supervisor reminder %s not sent: %s", reminder.pk, failure)


def _instead_by_email(reminder: Reminder, failure: str) -> None:
    """A follow-up reminder that cannot go by SMS goes by e-mail (with the link the e-mail would have);
    the others are given up. If the e-mail fails the reminder is withdrawn, as an e-mail reminder's
    claim is: the next run claims it again."""
    follow_up = reminder.follow_up
    if follow_up is None:
        _give_up(reminder, failure or Reminder.Failure.NOT_BY_SMS)
        return
    address = follow_up.placement.supervisor.email
    if not address:
        if failure:
            # Refused, or never taken: recorded, not withdrawn, or the next run would try the SMS (and
            # be refused) again every day until the follow-up is done.
            _give_up(reminder, failure)
            return
        # The supervisor no longer gets text messages and has no e-mail address: withdrawn, so the
        # next run sends it as the supervisor's settings then say.
        Reminder.objects.filter(pk=reminder.pk).delete()
        logger.info("supervisor reminder %s not sent: no e-mail address to send it to instead", reminder.pk)
        return
    Reminder.objects.filter(pk=reminder.pk).update(
        channel=ReminderChannel.EMAIL, failure=failure, attempts=reminder.attempts + 1
    )
    try:
        reminder_email_send(
            follow_up=follow_up, stage=reminder.stage, recipient=Reminder.Recipient.SUPERVISOR, address=address
        )
    except Exception:
        Reminder.objects.filter(pk=reminder.pk).delete()
        raise
    Reminder.objects.filter(pk=reminder.pk).update(sent_at=timezone.now())
