"""How a Celery task that sends one text message retries while the provider is unavailable: the same
for participants' messages and supervisors' reminders, so both wait as long before giving up.

`SmsUnavailable` is retried with a back-off doubling up to 30 minutes; 16 retries wait about six hours
in all. After the last one the sending app gives the message up (or sends it another way), rather than
leaving it unsent and forgotten. A refusal (`SmsRejected`) and a missing answer (`SmsUncertain`) are
never retried: the first is final, the second may have been sent.
"""

from __future__ import annotations

from typing import Any

from .backends import SmsUnavailable

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
