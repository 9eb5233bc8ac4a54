"""No text messages at night: the one home of the quiet hours, for queuing and for sending.

Reminders are queued only outside the quiet hours, and a message whose sending task runs inside them
(a retry after an outage, work the outbox relays when the broker is back, a queue running late) waits
for the morning instead (`sending_task_waits`).
"""

from __future__ import annotations

import datetime as dt

from celery import Task
from django.utils import timezone

QUIET_FROM, QUIET_UNTIL = dt.time(21, 0), dt.time(8, 0)


def is_quiet(now: dt.datetime) -> bool:
    local = timezone.localtime(now).time()
    return local >= QUIET_FROM or local < QUIET_UNTIL


def quiet_until(now: dt.datetime) -> dt.datetime | None:
    """When the quiet hours around `now` end (the next 08:00 in Stockholm), or None outside them."""
    if not is_quiet(now):
        return None
    local = timezone.localtime(now)
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, QUIET_UNTIL))


def sending_task_waits(task: Task, *args: object) -> bool:
    """In the quiet hours, queue the task again for their end (a new task, so the wait costs none of
    its retries) and say so: the caller then returns without sending. Only a task a worker runs waits:
    run eagerly (no broker: a bare development machine) or called as a function, it sends now."""
    eta = quiet_until(timezone.now())
    if eta is None or task.request.id is None or task.request.is_eager:
        return False
    task.apply_async(args=list(args), eta=eta)
    return True
