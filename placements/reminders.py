"""Reminders about follow-ups due soon or overdue, at most once per follow-up and stage: by e-mail, or
by text message to a supervisor who prefers it (Supervisor.reminders_by) and has a mobile number. A
text message the provider refuses goes by e-mail instead; one that cannot be sent now is retried."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.access_log import log_text_message
from sms import SmsRejected, SmsUncertain, send_sms
from sms.phone_numbers import phone_can_receive_sms
from supervisors.models import ReminderChannel, Supervisor

from .links import link_create
from .meetings import meeting_for_follow_up
from .models import FollowUp, PlacementStatus, Reminder

logger = logging.getLogger(__name__)

DUE_WITHIN_DAYS = 2


def follow_up_reminders_send(*, today: dt.date) -> int:
    """Send every reminder that is due and has not gone out; returns how many were sent.

    Each reminder is claimed with a unique row before it is sent, so a second run (or a retry
    after a crash) never sends it again; if sending fails the claim is withdrawn for the retry.
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
            by_sms = recipient == Reminder.Recipient.SUPERVISOR and _prefers_sms(placement.supervisor)
            if (address or by_sms) and _send_once(follow_up, stage, recipient, address, by_sms=by_sms):
                sent += 1
    logger.info("follow-up reminders sent: %s", sent)
    return sent


def _prefers_sms(supervisor: Supervisor) -> bool:
    """By SMS when the supervisor prefers it, has a mobile number and logs in to the portal: the SMS
    then links to the portal's page behind the login. Without an account the reminder's link is a
    bearer link to the follow-up form, which must not pass through the SMS provider: e-mail then."""
    has_account = supervisor.user is not None and supervisor.user.is_active
    return supervisor.reminders_by == ReminderChannel.SMS and has_account and phone_can_receive_sms(supervisor.phone)


def _send_once(follow_up: FollowUp, stage: str, recipient: str, address: str, *, by_sms: bool = False) -> bool:
    try:
        with transaction.atomic():
            claim = Reminder.objects.create(follow_up=follow_up, stage=stage, recipient=recipient)
    except IntegrityError:
        return False  # already sent, or being sent by another run
    try:
        if by_sms and _send_sms(follow_up, stage):
            return True
        if not address:
            claim.delete()  # the text message was refused and there is no address to fall back on
            return False
        subject, body = _message(follow_up, stage, recipient)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    except Exception:
        claim.delete()  # not sent: let the retry claim it again
        raise
    return True


def _send_sms(follow_up: FollowUp, stage: str) -> bool:
    """The supervisor's reminder as a text message (Swedish, like the e-mail): the participant's first
    name, the date and the link, nothing more. False when the provider refuses it; SmsUnavailable
    propagates for the task to retry."""
    placement = follow_up.placement
    with translation.override("sv"):
        template = (
            _("Platsa: the follow-up of %(name)s's placement was due on %(date)s. Log it here: %(url)s")
            if stage == Reminder.Stage.OVERDUE
            else _("Platsa: the follow-up of %(name)s's placement is due on %(date)s. Log it here: %(url)s")
        )
        text = template % {
            "name": placement.participant.first_name,
            "date": f"{follow_up.due_date:%Y-%m-%d}",
            "url": settings.SITE_URL + _supervisor_path(follow_up),
        }
    try:
        send_sms(to=placement.supervisor.phone, text=text)
    except SmsRejected:
        logger.warning("follow-up reminder %s: the text message was refused, sending e-mail", follow_up.pk)
        return False
    except SmsUncertain:
        # The provider may have sent it: the reminder counts as sent (its claim stays), never twice.
        logger.warning("follow-up reminder %s: the SMS provider gave no answer; not sent again", follow_up.pk)
    # The participant's first name left for the SMS provider: the access log says so, not the text.
    log_text_message(
        user=None, participant_id=placement.participant_id, kind="supervisor_reminder", fields=["first_name"]
    )
    return True


def _supervisor_path(follow_up: FollowUp) -> str:
    placement = follow_up.placement
    supervisor_user = placement.supervisor.user
    if supervisor_user is not None and supervisor_user.is_active:
        return reverse("placements:follow_up", args=[placement.pk]) + f"?due={follow_up.pk}"
    return link_create(follow_up=follow_up)


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


def _message(follow_up: FollowUp, stage: str, recipient: str) -> tuple[str, str]:
    placement = follow_up.placement
    if recipient == Reminder.Recipient.SUPERVISOR:
        path = _supervisor_path(follow_up)
    else:
        path = reverse("placements:detail", args=[placement.pk])
    # The booked meeting where the follow-up will be done, if there is one (meetings.FOLLOW_UP_MEETING_WINDOW).
    meeting = meeting_for_follow_up(follow_up=follow_up) if stage != Reminder.Stage.CONCERN else None
    context = {
        "follow_up": follow_up,
        "meeting": meeting,
        "meeting_starts": timezone.localtime(meeting.starts_at) if meeting else None,
        "meeting_ends": timezone.localtime(meeting.ends_at) if meeting else None,
        "first_name": placement.participant.first_name,
        "overdue": stage == Reminder.Stage.OVERDUE,
        "recipient": recipient,
        "url": settings.SITE_URL + path,
    }
    # Reminders are in Swedish, the language of the workplaces.
    template = "concern" if stage == Reminder.Stage.CONCERN else "reminder"
    with translation.override("sv"):
        subject = render_to_string(f"placements/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"placements/email/{template}_body.txt", context)
    return subject, body
