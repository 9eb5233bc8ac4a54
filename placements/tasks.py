"""Celery tasks: they load what they need and call a service. Arguments are ids only."""

from __future__ import annotations

from smtplib import SMTPException

from celery import Task, shared_task
from django.utils import timezone

from participants.tasks import text_message_send_retrying
from sms.retries import send_retrying, send_task_options

from .invitations import meeting_invitation_send
from .reminders import concern_alert_send, follow_up_reminders_send
from .sms_reminders import participant_reminder_current, participant_reminders_queue
from .supervisor_sms import supervisor_reminders_queue, supervisor_text_message_deliver, supervisor_text_message_expire


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
)
def send_follow_up_reminders() -> int:
    """Daily (Celery beat): reminders about follow-ups due soon or overdue; safe to run twice. Text
    messages are only queued (send_supervisor_text_message sends them)."""
    return follow_up_reminders_send(today=timezone.localdate())


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
)
def send_concern_alert(follow_up_id: int) -> bool:
    """Queued (through the outbox) when a follow-up reports a concern; safe to run twice."""
    return concern_alert_send(follow_up_id=follow_up_id)


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
)
def send_meeting_invitation(meeting_id: int, sequence: int, dropped: list[str] | None = None) -> int:
    """Queued (through the outbox) when a meeting is booked, changed or cancelled; `dropped`, the
    parties a change took off the meeting (absent in messages queued before it existed)."""
    return meeting_invitation_send(meeting_id=meeting_id, sequence=sequence, dropped=dropped or ())


@shared_task(acks_late=True)
def queue_participant_reminders() -> int:
    """Every quarter of an hour (Celery beat): text reminders to participants before the first day and
    before meetings, queued through the outbox (each sent by send_participant_reminder)."""
    return participant_reminders_queue(now=timezone.now())


@shared_task(acks_late=True)
def queue_supervisor_reminders() -> int:
    """Every quarter of an hour (Celery beat), with the participants': text reminders to supervisors
    who prefer them, before the first day and before meetings, queued through the outbox."""
    return supervisor_reminders_queue(now=timezone.now())


@shared_task(**send_task_options())
def send_supervisor_text_message(self: Task, reminder_id: int) -> bool:
    """Queued (through the outbox) with each text message to a supervisor; safe to run twice. Retried
    while the provider is unavailable (sms.retries); after the last retry a follow-up reminder goes by
    e-mail and the others are given up. Not at night (sms.quiet_hours)."""
    return send_retrying(
        self,
        reminder_id,
        deliver=lambda: supervisor_text_message_deliver(reminder_id=reminder_id),
        expire=lambda: supervisor_text_message_expire(reminder_id=reminder_id),
    )


@shared_task(**send_task_options())
def send_participant_reminder(self: Task, message_id: int) -> bool:
    """Queued (through the outbox) with each reminder to a participant; safe to run twice. As
    participants.tasks.send_text_message (the consent checked, retried while the provider is
    unavailable, given up after the last retry), and given up unsent when the meeting or first day
    it reminds of has changed since."""
    return text_message_send_retrying(self, message_id=message_id, still_current=participant_reminder_current)
