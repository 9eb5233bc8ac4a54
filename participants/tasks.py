"""Celery tasks: they load what they need and call a service. Arguments are ids only."""

from __future__ import annotations

from celery import shared_task

from sms import SmsUnavailable

from .text_messages import text_message_deliver


@shared_task(
    acks_late=True,
    autoretry_for=(SmsUnavailable,),
    retry_backoff=True,
    retry_backoff_max=30 * 60,
    retry_kwargs={"max_retries": 8},
)
def send_text_message(message_id: int) -> bool:
    """Queued (through the outbox) with each text message to a participant; safe to run twice."""
    return text_message_deliver(message_id=message_id)
