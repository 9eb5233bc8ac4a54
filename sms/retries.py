"""How a Celery task that sends one text message retries while the provider is unavailable: the same
for participants' messages and supervisors' reminders, so both wait as long before giving up.

`SmsUnavailable` is retried with a back-off doubling up to 30 minutes; 16 retries wait about six hours
in all. After the last one the sending app gives the message up (or sends it another way), rather than
leaving it unsent and forgotten. A refusal (`SmsRejected`) and a missing answer (`SmsUncertain`) are
never retried: the first is final, the second may have been sent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from celery import Task

from .backends import SmsUnavailable
from .quiet_hours import sending_task_waits

SEND_RETRIES = 16
RETRY_BACKOFF_MAX = 30 * 60


def send_task_options() -> dict[str, Any]:
    """The options of `@shared_task(**send_task_options())`; a new dict each time, since Celery keeps
    the one it is given on the task (and tests change a task's `retry_kwargs`)."""
    return {
        "bind": True,
        "acks_late": True,
        "autoretry_for": (SmsUnavailable,),
        "retry_backoff": True,
        "retry_backoff_max": RETRY_BACKOFF_MAX,
        "retry_kwargs": {"max_retries": SEND_RETRIES},
    }


def send_retrying(task: Task, record_id: int, *, deliver: Callable[[], bool], expire: Callable[[], None]) -> bool:
    """The body of a task that sends one text message (`record_id`, the task's one argument): in the
    quiet hours it waits for the morning (sms.quiet_hours); otherwise `deliver`, letting the task retry
    while the provider is unavailable, and after the last retry `expire` (give the message up, or send
    it another way) rather than forget it."""
    if sending_task_waits(task, record_id):
        return False
    try:
        return deliver()
    except SmsUnavailable:
        if task.request.retries >= SEND_RETRIES:
            expire()
            return False
        raise
