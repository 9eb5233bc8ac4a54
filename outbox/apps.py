"""Queued work kept in the database until the broker has taken it (a transactional outbox).

Why an app of its own: every app that queues Celery work needs it, so it must sit at the bottom
beside `taxonomy` (no app may import a higher one), and it has its own model, beat task and admin.
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = _("Queued work")
