"""Celery tasks: they load what they need and call a service. Arguments are ids only."""

from __future__ import annotations

from collections.abc import Callable

from celery import Task, shared_task

from sms.retries import send_retrying, send_task_options

from .models import TextMessage
from .text_messages import text_message_deliver, text_message_expire


def text_message_send_retrying(
    task: Task, *, message_id: int, still_current: Callable[[TextMessage], bool] | None = None
) -> bool:
    """The body of a task that sends a text message to a participant (this module's, and a higher
    app's that checks its message still holds: placements.tasks.send_participant_reminder), as
    sms.retries.send_retrying runs it: not at night, retried while the provider is unavailable, given
    up after the last retry rather than forgotten."""
    return send_retrying(
        task,
        message_id,
        deliver=lambda: text_message_deliver(message_id=message_id, still_current=still_current),
        expire=lambda: text_message_expire(message_id=message_id),
    )


@shared_task(**send_task_options())
def send_text_message(self: Task, message_id: int) -> bool:
    """Queued (through the outbox) with each text message to a participant; safe to run twice. Retried
    while the provider is unavailable; after the last retry the message is given up, not forgotten."""
    return text_message_send_retrying(self, message_id=message_id)
