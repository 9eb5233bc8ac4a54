"""The reminders' e-mail: about a follow-up due soon or overdue, or a concern reported in one. In
Swedish, the language of the workplaces; the supervisor's link leads to the portal, or for a
supervisor without an account to a personal link to the follow-up form (placements.links)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.municipal_settings import site_url_for

from .links import link_create
from .meetings import meeting_for_follow_up
from .models import FollowUp, Reminder


def reminder_email_send(*, follow_up: FollowUp, stage: str, recipient: str, address: str) -> None:
    subject, body = _message(follow_up, stage, recipient)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])


def supervisor_portal_path(follow_up: FollowUp) -> str:
    """The follow-up form in the portal, behind the supervisor's login."""
    return reverse("placements:follow_up", args=[follow_up.placement_id]) + f"?due={follow_up.pk}"


def _supervisor_path(follow_up: FollowUp) -> str:
    supervisor_user = follow_up.placement.supervisor.user
    if supervisor_user is not None and supervisor_user.is_active:
        return supervisor_portal_path(follow_up)
    return link_create(follow_up=follow_up)


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
        "url": site_url_for(placement.municipality) + path,
    }
    # Reminders are in Swedish, the language of the workplaces.
    template = "concern" if stage == Reminder.Stage.CONCERN else "reminder"
    with translation.override("sv"):
        subject = render_to_string(f"placements/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"placements/email/{template}_body.txt", context)
    return subject, body
