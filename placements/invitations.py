"""The meeting invitation by e-mail: a short Swedish text and the iCalendar file as a
text/calendar part (method=REQUEST or method=CANCEL), so mail programs offer to add, update or
remove the event. Each recipient gets their own message, whose calendar lists only them as an
attendee: the workplace does not learn the participant's address, nor the participant the
supervisor's. Sent by a Celery task queued through the outbox after the booking commits."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from email.mime.text import MIMEText

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .calendars import (
    Address,
    invitation_ics,
    invited,
    invited_parties,
    meeting_location,
    meeting_title,
    organiser_of,
    party_addresses,
)
from .models import Meeting

logger = logging.getLogger(__name__)


def _calendar_part(content: bytes, *, method: str) -> MIMEText:
    part = MIMEText(content.decode("utf-8"), "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename="inbjudan.ics")
    return part


def invitation_message(meeting: Meeting, recipient: Address, *, dropped: bool = False) -> EmailMessage:
    """The e-mail to one recipient about the meeting's current version; `dropped`: the recipient no
    longer takes part, and gets the cancellation instead."""
    cancelled = dropped or meeting.is_cancelled
    method = "CANCEL" if cancelled else "REQUEST"
    context = {
        "meeting": meeting,
        "title": meeting_title(meeting),
        "starts_at": timezone.localtime(meeting.starts_at),
        "ends_at": timezone.localtime(meeting.ends_at),
        "location": meeting_location(meeting),
        "changed": meeting.sequence > 0,
        "cancelled": cancelled,
        "organiser": organiser_of(meeting),
    }
    # Invitations are in Swedish, the language of the workplaces.
    with translation.override("sv"):
        subject = render_to_string("placements/email/meeting_subject.txt", context).strip()
        body = render_to_string("placements/email/meeting_body.txt", context)
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email])
    ics = invitation_ics(meeting, attendees=[recipient], cancelled=dropped)
    message.attach(_calendar_part(ics, method=method))
    return message


def meeting_invitation_send(*, meeting_id: int, sequence: int, dropped: Sequence[str] = ()) -> int:
    """Send version `sequence` of the meeting's invitation to the supervisor and the participant
    (those who take part and have an e-mail address), and the cancellation to the parties this
    version `dropped` (who took part in the version before); returns how many messages went.

    A version that has been overtaken is not sent (the later version's own message follows), only
    the cancellations to the parties it dropped. Sending
    the same version twice (the outbox may publish a message twice) is harmless to a calendar: the
    same UID and SEQUENCE change nothing."""
    meeting = (
        Meeting.objects.select_related(
            "placement__participant",
            "placement__supervisor",
            "placement__need__workplace",
            "placement__coordinator",
            "booked_by",
        )
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        return 0
    sent = 0
    if meeting.sequence == sequence:
        for recipient in invited(meeting):
            invitation_message(meeting, recipient).send()
            sent += 1
    # A party taken off the meeting: the same UID, the current SEQUENCE, METHOD:CANCEL, so their
    # calendar removes it; also when this version was overtaken before it went (the later version
    # does not know they had it). Not one who takes part again in the current version.
    still_invited = set(invited_parties(meeting))
    for recipient in party_addresses(meeting, [party for party in dropped if party not in still_invited]):
        invitation_message(meeting, recipient, dropped=True).send()
        sent += 1
    logger.info("meeting %s version %s: %s invitations sent", meeting.pk, sequence, sent)
    return sent
