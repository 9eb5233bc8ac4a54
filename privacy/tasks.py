"""Celery tasks of the privacy app: they load what is needed and call a service. No personal arguments."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .services import retention_apply


@shared_task(
    acks_late=True, autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, retry_kwargs={"max_retries": 3}
)
def apply_retention_rules() -> int:
    """Nightly (Celery beat): apply the retention rules for today. The day is the uniqueness key, so a
    second run the same night (a redelivery, a retry) does nothing. Returns the run's id."""
    return retention_apply(today=timezone.localdate()).pk
