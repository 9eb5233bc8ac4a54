"""Meetings: booking, changing and cancelling as each role, and the invitations they send, parsed
back with `icalendar` (one VEVENT, the same UID with a higher SEQUENCE, METHOD:CANCEL at the end,
Europe/Stockholm times on both sides of a DST change)."""

from __future__ import annotations

import datetime as dt
import email
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role
from accounts.tests.factories import CoordinatorFactory, ManagerFactory, SupervisorUserFactory, UserFactory
from placements.calendars import invitation_ics, meeting_ics
from placements.meetings import meeting_book, meeting_cancel, meeting_change, meeting_for_follow_up
from placements.models import Meeting, MeetingKind, PlacementStatus
from placements.tests.factories import FollowUpFactory, MeetingFactory, PlacementFactory
from taxonomy.tests.factories import LanguageFactory

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=STOCKHOLM)


def _soon(days: int = 10) -> dt.date:
    return dt.date.today() + dt.timedelta(days=days)


@pytest.fixture
def placement():
    return PlacementFactory(
        status=PlacementStatus.AGREED,
        participant__first_name="Amina",
        participant__last_name="Hemligsson",
        participant__email="amina@example.org",
    )


@pytest.fixture
def coordinator(placement):
    return CoordinatorFactory(team=placement.participant.team, email="koordinator@example.org")


def _book(placement, by, **overrides):
    day = _soon()
    values = {
        "kind": MeetingKind.START,
        "starts_at": _at(day, 9),
        "ends_at": _at(day, 10),
        "place": "Storgatan 1, Östersund",
    }
    values.update(overrides)
    return meeting_book(placement=placement, by=by, **values)


def _calendar_parts(message) -> list[tuple[str, icalendar.Calendar]]:
    """The text/calendar parts of a sent message: (the method parameter, the parsed calendar)."""
    parsed = email.message_from_bytes(message.message().as_bytes())
    parts = []
    for part in parsed.walk():
        if part.get_content_type() == "text/calendar":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            parts.append((str(part.get_param("method")), icalendar.Calendar.from_ical(payload)))
    return parts


def _event(calendar: icalendar.Calendar) -> icalendar.Event:
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    assert isinstance(events[0], icalendar.Event)
    return events[0]


# --- Who may book --------------------------------------------------------------------------------


def test_the_teams_coordinator_books_a_meeting_and_both_parties_get_the_invitation(
    placement, coordinator, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        meeting = _book(placement, coordinator)
    assert meeting.sequence == 0 and meeting.uid.endswith("@127.0.0.1")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([placement.supervisor.email, "amina@example.org"])
    for message in mail.outbox:
        [(method, calendar)] = _calendar_parts(message)
        assert method == "REQUEST" and calendar["method"] == "REQUEST"
        event = _event(calendar)
        assert str(event["uid"]) == meeting.uid and event.decoded("sequence") == 0
        # Each recipient's copy names only them: no one learns the other party's address.
        attendees = event.get("attendee")
        attendees = attendees if isinstance(attendees, list) else [attendees]
        assert [str(a) for a in attendees] == [f"mailto:{message.to[0]}"]
        assert str(event["organizer"]) == "mailto:koordinator@example.org"
        text = message.body + message.message().as_string()
        assert "Hemligsson" not in text
        assert placement.participant.identity_number not in text


@pytest.mark.parametrize(
    "make_user",
    [
        lambda p: CoordinatorFactory(),  # another team's coordinator
        lambda p: SupervisorUserFactory(),
        lambda p: ManagerFactory(team=p.participant.team),
        lambda p: UserFactory(role=Role.ADMINISTRATOR, team=p.participant.team),
    ],
    ids=["other-team-coordinator", "supervisor", "manager", "administrator"],
)
def test_no_one_but_the_teams_coordinators_books_a_meeting(placement, make_user) -> None:
    with pytest.raises(PermissionDenied):
        _book(placement, make_user(placement))
    assert not Meeting.objects.exists()


def test_the_placements_own_supervisor_cannot_book_either(placement) -> None:
    user = SupervisorUserFactory()
    placement.supervisor.user = user
    placement.supervisor.save()
    with pytest.raises(PermissionDenied):
        _book(placement, user)


@pytest.mark.parametrize("status", [PlacementStatus.COMPLETED, PlacementStatus.CANCELLED])
def test_a_meeting_is_only_booked_for_a_proposed_agreed_or_active_placement(status) -> None:
    if status == PlacementStatus.COMPLETED:
        placement = PlacementFactory(completed=True)
    else:
        placement = PlacementFactory(status=status)
    coordinator = CoordinatorFactory(team=placement.participant.team)
    with pytest.raises(ValidationError) as caught:
        _book(placement, coordinator)
    assert caught.value.code == "placement_closed"


# --- What a meeting must have ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_at": _at(_soon(), 8)}, "ends_at"),  # ends before it starts
        ({"ends_at": _at(_soon(), 18)}, "ends_at"),  # nine hours
        ({"place": "", "video_link": ""}, "place"),
        ({"place": "", "video_link": "http://meet.example.org/abc"}, "video_link"),  # https only
        ({"interpreter_needed": True}, "interpreter_language"),
        ({"starts_at": _at(dt.date.today() - dt.timedelta(days=1), 9)}, "starts_at"),
        ({"starts_at": _at(_soon(800), 9), "ends_at": _at(_soon(800), 10)}, "starts_at"),
    ],
    ids=["ends-first", "too-long", "nowhere", "http-link", "no-language", "past", "too-far"],
)
def test_a_meeting_is_refused_with_the_reason_on_its_field(placement, coordinator, overrides, field) -> None:
    with pytest.raises(ValidationError) as caught:
        _book(placement, coordinator, **overrides)
    assert field in caught.value.message_dict
    assert not Meeting.objects.exists()


def test_a_video_meeting_with_an_interpreter_is_booked(placement, coordinator) -> None:
    language = LanguageFactory(code="ti", name_sv="tigrinja")
    meeting = _book(
        placement,
        coordinator,
        place="",
        video_link="https://meet.example.org/abc",
        interpreter_needed=True,
        interpreter_language=language,
    )
    assert meeting.interpreter_language == language
    event = _event(icalendar.Calendar.from_ical(meeting_ics(meeting)))
    assert str(event["location"]) == "https://meet.example.org/abc"
    assert "tolk" in str(event["description"]).lower()
    assert "tigrinja" not in meeting_ics(meeting).decode()  # the language is for booking, not for the invitation


def test_the_database_holds_the_rules_too(placement) -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingFactory(placement=placement, place="", video_link="")
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingFactory(placement=placement, interpreter_needed=True, interpreter_language=None)


# --- Changing and cancelling -----------------------------------------------------------------------


def test_a_change_sends_the_same_uid_with_a_higher_sequence_and_a_cancel_ends_it(
    placement, coordinator, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        meeting = _book(placement, coordinator)
    day = _soon(12)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        changed = meeting_change(
            meeting=meeting,
            by=coordinator,
            kind=MeetingKind.START,
            starts_at=_at(day, 13),
            ends_at=_at(day, 14),
            place="Rådhuset, rum 3",
        )
    assert changed.uid == meeting.uid and changed.sequence == 1
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        [(method, calendar)] = _calendar_parts(message)
        event = _event(calendar)
        assert method == "REQUEST"
        assert str(event["uid"]) == meeting.uid and event.decoded("sequence") == 1
        assert event.decoded("dtstart") == _at(day, 13)
        assert str(event["location"]) == "Rådhuset, rum 3"
        assert message.subject.startswith("Ändrat: Startmöte")

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = meeting_cancel(meeting=changed, by=coordinator)
    assert cancelled.sequence == 2 and cancelled.cancelled_at is not None
    for message in mail.outbox:
        [(method, calendar)] = _calendar_parts(message)
        event = _event(calendar)
        assert method == "CANCEL" and calendar["method"] == "CANCEL"
        assert event["status"] == "CANCELLED"
        assert str(event["uid"]) == meeting.uid and event.decoded("sequence") == 2
    with pytest.raises(ValidationError):
        meeting_cancel(meeting=cancelled, by=coordinator)


def test_a_party_taken_off_the_meeting_gets_its_cancellation_and_the_others_the_update(
    placement, coordinator, django_capture_on_commit_callbacks
) -> None:
    """Before, a change that took the participant off the meeting sent them nothing: the meeting
    stayed in their calendar."""
    with django_capture_on_commit_callbacks(execute=True):
        meeting = _book(placement, coordinator)
    mail.outbox.clear()
    day = _soon()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_change(
            meeting=meeting,
            by=coordinator,
            kind=MeetingKind.START,
            starts_at=_at(day, 9),
            ends_at=_at(day, 10),
            place="Storgatan 1, Östersund",
            with_participant=False,
        )
    sent = {message.to[0]: message for message in mail.outbox}
    assert set(sent) == {"amina@example.org", placement.supervisor.email}
    [(method, calendar)] = _calendar_parts(sent["amina@example.org"])
    event = _event(calendar)
    assert method == "CANCEL" and calendar["method"] == "CANCEL" and event["status"] == "CANCELLED"
    assert str(event["uid"]) == meeting.uid and event.decoded("sequence") == 1
    assert sent["amina@example.org"].subject.startswith("Inställt: Startmöte")
    [(method, calendar)] = _calendar_parts(sent[placement.supervisor.email])
    assert method == "REQUEST" and _event(calendar)["status"] == "CONFIRMED"
    # A later change that leaves the participant off sends them nothing more.
    mail.outbox.clear()
    meeting.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_change(
            meeting=meeting,
            by=coordinator,
            kind=MeetingKind.START,
            starts_at=_at(day, 10),
            ends_at=_at(day, 11),
            place="Storgatan 1, Östersund",
            with_participant=False,
        )
    assert [message.to for message in mail.outbox] == [[placement.supervisor.email]]


def test_a_dropped_party_gets_its_cancellation_also_when_the_version_was_overtaken_before_it_went(
    placement, coordinator, django_capture_on_commit_callbacks
) -> None:
    """The version that took the participant off is overtaken by a time change before its message
    goes (the broker was down): the participant still gets the cancellation, the supervisor only
    the latest version."""
    with django_capture_on_commit_callbacks(execute=True):
        meeting = _book(placement, coordinator)
    mail.outbox.clear()
    day = _soon()
    with django_capture_on_commit_callbacks() as queued:
        for hour in (9, 13):
            meeting = meeting_change(
                meeting=meeting,
                by=coordinator,
                kind=MeetingKind.START,
                starts_at=_at(day, hour),
                ends_at=_at(day, hour + 1),
                place="Storgatan 1, Östersund",
                with_participant=False,
            )
    for callback in queued:
        callback()
    to = sorted((message.to[0], _calendar_parts(message)[0][0]) for message in mail.outbox)
    assert to == sorted([("amina@example.org", "CANCEL"), (placement.supervisor.email, "REQUEST")])
    [(_method, calendar)] = _calendar_parts(next(m for m in mail.outbox if m.to == ["amina@example.org"]))
    assert _event(calendar).decoded("sequence") == 2


def test_cancelling_the_placement_cancels_its_meetings_still_to_come(
    placement, coordinator, django_capture_on_commit_callbacks
) -> None:
    """Before, a cancelled placement's start meeting stayed in the supervisor's and participant's calendars."""
    from placements.services import placement_cancel

    with django_capture_on_commit_callbacks(execute=True):
        meeting = _book(placement, coordinator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        placement_cancel(placement=placement, reason="Deltagaren flyttar", by=coordinator)
    meeting.refresh_from_db()
    assert meeting.is_cancelled and meeting.sequence == 1
    assert {message.to[0] for message in mail.outbox} == {"amina@example.org", placement.supervisor.email}
    for message in mail.outbox:
        [(method, calendar)] = _calendar_parts(message)
        assert method == "CANCEL" and _event(calendar)["status"] == "CANCELLED"


def test_another_teams_coordinator_cannot_change_or_cancel(placement, coordinator) -> None:
    meeting = _book(placement, coordinator)
    outsider = CoordinatorFactory()
    with pytest.raises(PermissionDenied):
        meeting_cancel(meeting=meeting, by=outsider)
    with pytest.raises(PermissionDenied):
        meeting_change(
            meeting=meeting, by=outsider, kind="final", starts_at=meeting.starts_at, ends_at=meeting.ends_at, place="x"
        )
    meeting.refresh_from_db()
    assert meeting.sequence == 0 and meeting.cancelled_at is None


def test_a_participant_without_e_mail_gets_no_invitation(coordinator, django_capture_on_commit_callbacks) -> None:
    placement = PlacementFactory(status=PlacementStatus.ACTIVE, actual_start=dt.date.today(), participant__email="")
    coordinator = CoordinatorFactory(team=placement.participant.team)
    with django_capture_on_commit_callbacks(execute=True):
        _book(placement, coordinator)
    assert [m.to for m in mail.outbox] == [[placement.supervisor.email]]


def test_an_overtaken_version_is_not_sent(placement, coordinator) -> None:
    from placements.invitations import meeting_invitation_send

    meeting = _book(placement, coordinator)
    Meeting.objects.filter(pk=meeting.pk).update(sequence=3)
    assert meeting_invitation_send(meeting_id=meeting.pk, sequence=0) == 0
    assert meeting_invitation_send(meeting_id=meeting.pk, sequence=3) == 2


# --- Europe/Stockholm across DST --------------------------------------------------------------------


@pytest.mark.parametrize(
    "day", [dt.date(2027, 3, 25), dt.date(2027, 3, 30), dt.date(2027, 10, 28), dt.date(2027, 11, 2)]
)
def test_nine_oclock_local_stays_nine_oclock_stockholm_on_both_sides_of_dst(day) -> None:
    meeting = MeetingFactory(starts_at=_at(day, 9), ends_at=_at(day, 10))
    calendar = icalendar.Calendar.from_ical(invitation_ics(meeting, attendees=[]))
    event = _event(calendar)
    assert event["dtstart"].params["TZID"] == "Europe/Stockholm"
    start = event.decoded("dtstart")
    assert (start.hour, start.minute) == (9, 0) and str(start.tzinfo) == "Europe/Stockholm"
    assert start == _at(day, 9)
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Stockholm"]
    assert b"DTSTART;TZID=Europe/Stockholm:" + day.strftime("%Y%m%d").encode() + b"T090000" in calendar.to_ical()


# --- Reminders name the booked meeting ---------------------------------------------------------------


def test_the_reminder_names_the_meeting_booked_for_the_follow_up() -> None:
    from placements.reminders import follow_up_reminders_send

    with time_machine.travel(dt.datetime(2027, 2, 1, 8, 0, tzinfo=STOCKHOLM), tick=False):
        placement = PlacementFactory(
            status=PlacementStatus.ACTIVE,
            planned_start=dt.date(2027, 1, 18),
            planned_end=dt.date(2027, 4, 30),
            actual_start=dt.date(2027, 1, 18),
        )
        follow_up = FollowUpFactory(placement=placement, due_date=dt.date(2027, 2, 2))
        later = MeetingFactory(
            placement=placement,
            kind=MeetingKind.MIDPOINT,
            starts_at=_at(dt.date(2027, 2, 3), 9),
            ends_at=_at(dt.date(2027, 2, 3), 10),
            place="Verkstaden, Storgatan 1",
        )
        MeetingFactory(  # cancelled: never named
            placement=placement,
            starts_at=_at(dt.date(2027, 2, 2), 9),
            ends_at=_at(dt.date(2027, 2, 2), 10),
            cancelled_at=dt.datetime(2027, 1, 30, tzinfo=STOCKHOLM),
        )
        assert meeting_for_follow_up(follow_up=follow_up) == later
        assert follow_up_reminders_send(today=dt.date(2027, 2, 1)) >= 1
    body = mail.outbox[0].body
    assert "Ett möte är bokat: halvtidsmöte onsdag 3 februari kl. 09:00–10:00, Verkstaden, Storgatan 1." in body


def test_a_meeting_outside_the_follow_ups_window_is_not_named() -> None:
    with time_machine.travel(dt.datetime(2027, 2, 1, 8, 0, tzinfo=STOCKHOLM), tick=False):
        follow_up = FollowUpFactory(due_date=dt.date(2027, 2, 2))
        MeetingFactory(
            placement=follow_up.placement, starts_at=_at(dt.date(2027, 2, 20), 9), ends_at=_at(dt.date(2027, 2, 20), 10)
        )
        assert meeting_for_follow_up(follow_up=follow_up) is None


def test_pseudonymising_the_case_file_removes_its_meetings() -> None:
    from django.utils import timezone

    from privacy.services import case_files_pseudonymise

    meeting = MeetingFactory(
        other_attendees="Fatima, SFI-lärare", interpreter_needed=True, interpreter_language=LanguageFactory()
    )
    kept = MeetingFactory()
    counts = case_files_pseudonymise(participant_ids=[meeting.placement.participant_id], now=timezone.now())
    assert counts["meetings"] == 1
    assert list(Meeting.objects.all()) == [kept]
