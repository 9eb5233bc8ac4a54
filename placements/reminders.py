"""Reminders about follow-ups due soon or overdue, at most once per follow-up and stage: by e-mail, or
by text message to a supervisor who prefers it (placements.supervisor_sms). The run sends the e-mail
and only queues the text message: the SMS provider is never called here, so its outage delays one
supervisor's reminder, not everyone's after it."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction

from participants.tenancy import tenant_key

from .models import FollowUp, PlacementStatus, Reminder
from .reminder_emails import reminder_email_send
from .supervisor_sms import supervisor_prefers_sms, supervisor_sms_enqueue

logger = logging.getLogger(__name__)

DUE_WITHIN_DAYS = 2


def follow_up_reminders_send(*, today: dt.date) -> int:
    """Send (or, by text message, queue) every reminder that is due and has not gone out; returns how
    many were sent or queued.

    Each reminder is claimed with a unique row before it is sent, so a second run (or a retry
    after a crash) never sends it again; if an e-mail fails the claim is withdrawn for the retry.
    A text message is queued through the outbox in the transaction that claims it.
    """
    follow_ups = (
        FollowUp.objects.outstanding()
        .filter(placement__status=PlacementStatus.ACTIVE, due_date__lte=today + dt.timedelta(days=DUE_WITHIN_DAYS))
        .select_related("placement__supervisor__user", "placement__coordinator", "placement__participant")
        .order_by("due_date", "pk")
    )
    sent = 0
    for follow_up in follow_ups:
        stage = Reminder.Stage.OVERDUE if follow_up.due_date < today else Reminder.Stage.DUE
        placement = follow_up.placement
        recipients = {
            Reminder.Recipient.SUPERVISOR: placement.supervisor.email,
            Reminder.Recipient.COORDINATOR: placement.coordinator.email if placement.coordinator else "",
        }
        for recipient, address in recipients.items():
            if recipient == Reminder.Recipient.SUPERVISOR and supervisor_prefers_sms(placement.supervisor):
                sent += _queue_sms_once(follow_up, stage)
            elif address and _send_once(follow_up, stage, recipient, address):
                sent += 1
    logger.info("follow-up reminders sent or queued: %s", sent)
    return sent


def _queue_sms_once(follow_up: FollowUp, stage: str) -> int:
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                follow_up=follow_up,
                **tenant_key(follow_up),
                stage=stage,
                recipient=Reminder.Recipient.SUPERVISOR,
                sent_at=None,
            )
            supervisor_sms_enqueue(reminder=reminder)
    except IntegrityError:
        return 0  # already sent or queued
    return 1


def _send_once(follow_up: FollowUp, stage: str, recipient: str, address: str) -> bool:
    try:
        with transaction.atomic():
            claim = Reminder.objects.create(
                follow_up=follow_up, **tenant_key(follow_up), stage=stage, recipient=recipient
            )
    except IntegrityError:
        return False  # already sent, or being sent by another run
    try:
        reminder_email_send(follow_up=follow_up, stage=stage, recipient=recipient, address=address)
    except Exception:
        claim.delete()  # not sent: let the retry claim it again
        raise
    return True


def concern_alert_send(*, follow_up_id: int) -> bool:
    """E-mail the responsible coordinator that a follow-up reports a concern, at most once."""
    follow_up = (
        FollowUp.objects.select_related("placement__coordinator", "placement__participant")
        .filter(pk=follow_up_id, concern=True)
        .first()
    )
    if follow_up is None or follow_up.placement.coordinator is None or not follow_up.placement.coordinator.email:
        return False
    return _send_once(
        follow_up, Reminder.Stage.CONCERN, Reminder.Recipient.COORDINATOR, follow_up.placement.coordinator.email
    )
