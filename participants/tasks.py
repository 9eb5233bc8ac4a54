"""Celery tasks: they load what they need and call a service. Arguments are ids only."""

from __future__ import annotations

from celery import Task, shared_task

from sms import SmsUnavailable

from .text_messages import text_message_deliver, text_message_expire

# With the back-off doubling up to 30 minutes, 16 retries wait about six hours in all.
SEND_RETRIES = 16


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(SmsUnavailable,),
    retry_backoff=True,
    retry_backoff_max=30 * 60,
    retry_kwargs={"max_retries": SEND_RETRIES},
)
def send_text_message(self: Task, message_id: int) -> bool:
    """Queued (through the outbox) with each text message to a participant; safe to run twice. Retried
    while the provider is unavailable; after the last retry the message is given up, not forgotten."""
    try:
        return text_message_deliver(message_id=message_id)
    except SmsUnavailable:
        if self.request.retries >= SEND_RETRIES:
            text_message_expire(message_id=message_id)
            return False
        raise
