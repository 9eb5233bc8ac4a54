from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """A Celery task to be sent to the broker. It is written in the same transaction as the change
    that needs it, so the work survives a broker outage (or a crash right after the commit); it is
    marked sent once the broker has taken it. Arguments are ids only, never personal data.

    `municipality` says whose rows the work is about, given by whoever queues it (`outbox_enqueue`):
    a text message's, a follow-up's, a reminder's, a meeting's, a municipality's quarterly report's
    (their own keys). Null is installation-level work, or work of no single municipality (a region's
    report), and so are the messages queued before the key (outbox 0002, not filled: pending ones are
    relayed within minutes and sent ones are history). The relay and the workers read every
    municipality's messages; only superusers list them in the admin."""

    task_name = models.CharField(_("task"), max_length=200)
    municipality = models.ForeignKey(
        "accounts.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("municipality"),
    )
    args = models.JSONField(_("arguments"), default=list, blank=True)
    # One message per piece of work: queuing the same work twice is a no-op.
    key = models.CharField(_("uniqueness key"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent to the broker"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("queued task")
        verbose_name_plural = _("queued tasks")
        indexes = [
            models.Index(fields=["created_at"], condition=Q(sent_at__isnull=True), name="outbox_pending_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task_name} {self.key}"
