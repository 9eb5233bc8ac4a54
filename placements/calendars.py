"""Meetings and follow-ups as iCalendar (RFC 5545), built with the `icalendar` package.

Times are written with TZID=Europe/Stockholm and the calendar carries the VTIMEZONE, so 09:00 in
Östersund is 09:00 in the recipient's calendar in summer and in winter. What an event says is kept
to what the meeting needs: the kind of meeting, the workplace, when and where, and whether an
interpreter takes part; never an identity number, and in an invitation no other person's address.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Municipality
from accounts.municipal_settings import site_url_for

from .models import FollowUp, Meeting

PRODID = "-//Platsa//Placements//SV"


@dataclass(frozen=True)
class Address:
    """A calendar user: an e-mail address and the name shown with it."""

    email: str
    name: str = ""


def calendar_host(municipality: Municipality) -> str:
    """The domain part of the calendar ids (RFC 5545 UID): the host name of the site of the
    municipality whose placement the meeting or follow-up is."""
    return urlsplit(site_url_for(municipality)).hostname or "platsa.invalid"


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _calendar(method: str | None) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    return calendar


def _address(address: Address, **params: str) -> icalendar.vCalAddress:
    value = icalendar.vCalAddress(f"mailto:{address.email}")
    if address.name:
        value.params["cn"] = address.name
    value.params.update(params)
    return value


def organiser_of(meeting: Meeting) -> Address:
    """The coordinator who booked the meeting (or the placement's coordinator), with an address;
    otherwise the municipality's from-address."""
    for user in (meeting.booked_by, meeting.placement.coordinator):
        if user is not None and user.email:
            return Address(user.email, user.get_full_name())
    return Address(settings.DEFAULT_FROM_EMAIL, _("Labour-market unit"))


def meeting_title(meeting: Meeting) -> str:
    return f"{meeting.get_kind_display()}: {meeting.placement.need.workplace.name}"


def meeting_description(meeting: Meeting) -> str:
    lines = [_("Placement at %(workplace)s.") % {"workplace": meeting.placement.need.workplace.name}]
    if meeting.video_link:
        lines.append(_("Video link: %(link)s") % {"link": meeting.video_link})
    if meeting.interpreter_needed:
        lines.append(_("An interpreter takes part."))
    return "\n".join(lines)


def meeting_location(meeting: Meeting) -> str:
    return meeting.place or meeting.video_link


def _meeting_event(
    meeting: Meeting, *, summary: str, attendees: Sequence[Address], stamp: dt.datetime, cancelled: bool = False
) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    event.add("dtstart", meeting.starts_at.astimezone(_tz()))
    event.add("dtend", meeting.ends_at.astimezone(_tz()))
    event.add("summary", summary)
    event.add("description", meeting_description(meeting))
    location = meeting_location(meeting)
    if location:
        event.add("location", location)
    if meeting.video_link:
        event.add("url", meeting.video_link)
    event.add("status", "CANCELLED" if cancelled or meeting.is_cancelled else "CONFIRMED")
    event.add("organizer", _address(organiser_of(meeting)))
    for attendee in attendees:
        event.add("attendee", _address(attendee, role="REQ-PARTICIPANT", partstat="NEEDS-ACTION", rsvp="TRUE"))
    return event


def invitation_ics(
    meeting: Meeting, *, attendees: Sequence[Address], now: dt.datetime | None = None, cancelled: bool = False
) -> bytes:
    """The invitation for the meeting's current version: METHOD:REQUEST, or METHOD:CANCEL with
    STATUS:CANCELLED once it is cancelled, or for `attendees` no longer invited (`cancelled`).
    One VEVENT, the meeting's UID and SEQUENCE."""
    cancel = cancelled or meeting.is_cancelled
    with translation.override("sv"):
        calendar = _calendar("CANCEL" if cancel else "REQUEST")
        calendar.add_component(
            _meeting_event(
                meeting,
                summary=meeting_title(meeting),
                attendees=attendees,
                stamp=now or timezone.now(),
                cancelled=cancel,
            )
        )
        calendar.add_missing_timezones()
        return calendar.to_ical()


def meeting_ics(meeting: Meeting, *, now: dt.datetime | None = None) -> bytes:
    """The meeting as a calendar file for the coordinator (the API's download): the invitation with
    every party who has an address as an attendee."""
    return invitation_ics(meeting, attendees=invited(meeting), now=now)


# The parties an invitation goes to, by name: `invited` and a change that drops one speak of these.
SUPERVISOR = "supervisor"
PARTICIPANT = "participant"


def party_addresses(meeting: Meeting, parties: Iterable[str]) -> list[Address]:
    """The e-mail addresses of `parties` of the meeting's placement, those who have one. The
    participant is named by first name only."""
    placement = meeting.placement
    wanted = set(parties)
    addresses = []
    if SUPERVISOR in wanted and placement.supervisor.email:
        addresses.append(Address(placement.supervisor.email, placement.supervisor.full_name))
    if PARTICIPANT in wanted and placement.participant.email:
        addresses.append(Address(placement.participant.email, placement.participant.first_name))
    return addresses


def invited_parties(meeting: Meeting) -> list[str]:
    """Who of the supervisor and the participant takes part in the meeting's current version."""
    return [
        party
        for party, takes_part in ((SUPERVISOR, meeting.with_supervisor), (PARTICIPANT, meeting.with_participant))
        if takes_part
    ]


def invited(meeting: Meeting) -> list[Address]:
    """The parties the invitation goes to: the supervisor and the participant, when they take part
    and have an e-mail address."""
    return party_addresses(meeting, invited_parties(meeting))


def _who(follow_up_or_meeting: FollowUp | Meeting) -> str:
    participant = follow_up_or_meeting.placement.participant
    # First name and record number only: the feed is read by calendar apps and may be shared.
    return f"{participant.first_name} ({participant.record_number})"


def feed_ics(*, meetings: Iterable[Meeting], follow_ups: Iterable[FollowUp], now: dt.datetime | None = None) -> bytes:
    """A subscribed calendar: the meetings (cancelled ones as STATUS:CANCELLED, so calendars drop
    them) and the due follow-ups as all-day events. No METHOD: it is a published calendar."""
    stamp = now or timezone.now()
    with translation.override("sv"):
        calendar = _calendar(None)
        calendar.add("x-wr-calname", _("Platsa: my meetings"))
        for meeting in meetings:
            summary = f"{meeting.get_kind_display()}: {_who(meeting)}, {meeting.placement.need.workplace.name}"
            calendar.add_component(_meeting_event(meeting, summary=summary, attendees=(), stamp=stamp))
        for follow_up in follow_ups:
            event = icalendar.Event()
            event.add("uid", f"follow-up-{follow_up.pk}@{calendar_host(follow_up.placement.municipality)}")
            event.add("dtstamp", stamp.astimezone(dt.UTC))
            event.add("dtstart", follow_up.due_date)
            event.add("dtend", follow_up.due_date + dt.timedelta(days=1))
            event.add("summary", _("Follow-up due: %(who)s") % {"who": _who(follow_up)})
            event.add("transp", "TRANSPARENT")
            calendar.add_component(event)
        calendar.add_missing_timezones()
        return calendar.to_ical()
