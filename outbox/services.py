"""Queue Celery work through the database, and relay what the broker has not taken yet."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from celery import Task, current_app
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from .models import OutboxMessage

logger = logging.getLogger(__name__)

# Errors that mean "the broker is not reachable now" (OSError covers refused connections and
# timeouts): the message stays pending for the relay.
BROKER_DOWN = (BrokerError, OSError)

# The relay leaves fresh messages to the commit hook that is about to publish them.
RELAY_GRACE = dt.timedelta(seconds=30)


def outbox_enqueue(*, task_name: str, args: list[Any], key: str, municipality_id: int | None) -> OutboxMessage:
    """Queue `task_name(*args)` once per `key`, as part of the current transaction. `municipality_id`:
    the municipality whose rows the work is about (the row's own key), None for installation-level work.

    The row commits with the change that needs the work; after the commit it is published. If the
    broker is down the row stays pending and `outbox_relay` sends it when the broker is back.
    Tasks must be idempotent: a message may be published more than once.
    """
    message, _created = OutboxMessage.objects.get_or_create(
        key=key, defaults={"task_name": task_name, "args": args, "municipality_id": municipality_id}
    )
    if message.sent_at is None:
        transaction.on_commit(lambda: _publish(message.pk))
    return message


def outbox_relay(*, now: dt.datetime | None = None) -> int:
    """Publish the pending messages that the commit hook could not send; returns how many went."""
    cutoff = (now or timezone.now()) - RELAY_GRACE
    pending = OutboxMessage.objects.filter(sent_at__isnull=True, created_at__lte=cutoff).values_list("pk", flat=True)
    sent = 0
    for pk in list(pending):
        if not _publish(pk):
            break  # the broker is down again: the rest waits for the next run
        sent += 1
    if sent:
        logger.info("outbox relayed %s queued tasks", sent)
    return sent


def _publish(pk: int) -> bool:
    message = OutboxMessage.objects.filter(pk=pk, sent_at__isnull=True).first()
    if message is None:
        return True  # already sent by another process
    try:
        _task(message.task_name).apply_async(args=message.args, retry=False)
    except BROKER_DOWN as exc:
        OutboxMessage.objects.filter(pk=pk).update(attempts=message.attempts + 1, last_error=type(exc).__name__[:200])
        logger.warning("broker unavailable, task %s kept in the outbox (%s)", pk, type(exc).__name__)
        return False
    OutboxMessage.objects.filter(pk=pk).update(sent_at=timezone.now(), attempts=message.attempts + 1, last_error="")
    return True


def _task(name: str) -> Task:
    """The registered task, so that with no broker configured it runs eagerly in this process."""
    if name not in current_app.tasks:
        # A web process has not imported the apps' task modules: Celery's autodiscovery does it.
        current_app.loader.import_default_modules()
    return current_app.tasks[name]
