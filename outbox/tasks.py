"""The relay: Celery beat runs it every minute; once the broker is back it sends what was kept."""

from __future__ import annotations

from celery import shared_task

from .services import outbox_relay


@shared_task(acks_late=True)
def relay_outbox() -> int:
    return outbox_relay()
