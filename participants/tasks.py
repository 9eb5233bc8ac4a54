"""Celery tasks: they load what they need and call a service. Arguments are ids only."""

from __future__ import annotations

from celery import Task, shared_task

from sms import SmsUnavailable
from sms.retries import SEND_RETRIES, send_task_options

from .text_messages import text_message_deliver, text_message_expire


@shared_task(**send_task_options())
def send_text_message(self: Task, message_id: int) -> bool:
    """Queued (through the outbox) with each text message to a participant; safe to run twice. Retried
    while the provider is unavailable (sms.retries); after the last retry the message is given up, not
    forgotten."""
    try:
        return text_message_deliver(message_id=message_id)
    except SmsUnavailable:
        if self.request.retries >= SEND_RETRIES:
            text_message_expire(message_id=message_id)
            return False
        raise
