"""The meeting pages as each role: book, change and cancel on the placement page, the week page, and
the calendar feed (its page, and the feed a calendar app fetches without a session)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import AccessAction, AccessLogEntry, Role, User
from accounts.tests.factories import CoordinatorFactory, ManagerFactory, SupervisorUserFactory, UserFactory
from placements.forms import MeetingForm
from placements.meeting_views import FEED_REQUESTS_PER_HOUR
from placements.models import CalendarFeed, Meeting, MeetingKind, PlacementStatus
from placements.tests.factories import FollowUpFactory, MeetingFactory, PlacementFactory
from tests.hostile_values import MARKUP, as_querydict, corrupted, fuzz, post_hostile

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def placement():
    return PlacementFactory(
        status=PlacementStatus.AGREED, participant__first_name="Amina", participant__last_name="Hemligsson"
    )


@pytest.fixture
def coordinator(placement):
    return CoordinatorFactory(team=placement.participant.team)


def _others(placement) -> dict[str, User]:
    supervisor = SupervisorUserFactory()
    placement.supervisor.user = supervisor
    placement.supervisor.save()
    return {
        "other-team-coordinator": CoordinatorFactory(),
        "supervisor": supervisor,
        "manager": ManagerFactory(),
        "administrator": UserFactory(role=Role.ADMINISTRATOR, is_staff=True),
    }


def _form(day: dt.date, **overrides) -> dict[str, str]:
    data = {
        "kind": "start",
        "starts_at": f"{day:%Y-%m-%d}T09:00",
        "ends_at": f"{day:%Y-%m-%d}T10:00",
        "place": "Storgatan 1",
        "video_link": "",
        "with_participant": "on",
        "with_supervisor": "on",
        "with_coordinator": "on",
        "other_attendees": "",
        "interpreter_language": "",
    }
    data.update(overrides)
    return data


DAY = dt.date.today() + dt.timedelta(days=14)


def test_the_coordinator_books_a_meeting_from_the_placement_page(placement, coordinator) -> None:
    client = _client(coordinator)
    page = client.get(reverse("placements:detail", args=[placement.pk]))
    assert page.status_code == 200
    assert reverse("placements:meeting_book", args=[placement.pk]) in page.content.decode()
    assert "Möten" in page.content.decode()
    assert "Deltagaren har ingen e-postadress och får inga inbjudningar" in page.content.decode()
    form_page = client.get(reverse("placements:meeting_book", args=[placement.pk]))
    assert form_page.status_code == 200 and "Boka ett möte" in form_page.content.decode()
    response = client.post(reverse("placements:meeting_book", args=[placement.pk]), _form(DAY))
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.starts_at == dt.datetime.combine(DAY, dt.time(9), tzinfo=STOCKHOLM)
    assert meeting.booked_by == coordinator
    detail = client.get(reverse("placements:detail", args=[placement.pk])).content.decode()
    assert "Startmöte" in detail and reverse("placements:meeting_change", args=[placement.pk, meeting.pk]) in detail


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"place": ""}, "Ange en plats eller en videolänk."),
        ({"place": "", "video_link": "http://meet.example.org/x"}, "Ange en webbadress som börjar med https://."),
        ({"interpreter_needed": "on"}, "Välj vilket språk tolken behövs för."),
        ({"ends_at": f"{DAY:%Y-%m-%d}T08:00"}, "Mötet måste sluta efter att det börjar."),
    ],
    ids=["nowhere", "http", "no-language", "ends-first"],
)
def test_a_refused_booking_shows_the_swedish_error_next_to_its_field(
    placement, coordinator, overrides, message
) -> None:
    response = _client(coordinator).post(
        reverse("placements:meeting_book", args=[placement.pk]), _form(DAY, **overrides)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "invalid-feedback" in page or "is-invalid" in page  # shown at the field, not only at the top
    assert not Meeting.objects.exists()


def test_the_coordinator_changes_and_cancels_a_meeting(placement, coordinator) -> None:
    meeting = MeetingFactory(placement=placement)
    client = _client(coordinator)
    url = reverse("placements:meeting_change", args=[placement.pk, meeting.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _form(DAY, place="Rådhuset"))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.place == "Rådhuset" and meeting.sequence == 1
    response = client.post(reverse("placements:meeting_cancel", args=[placement.pk, meeting.pk]))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.cancelled_at is not None and meeting.sequence == 2
    assert client.get(url).status_code == 404  # a cancelled meeting is not changed


def test_a_meeting_of_another_placement_is_not_reached_through_this_one(placement, coordinator) -> None:
    other = MeetingFactory(
        placement=PlacementFactory(status=PlacementStatus.AGREED, participant__team=placement.participant.team)
    )
    url = reverse("placements:meeting_change", args=[placement.pk, other.pk])
    assert _client(coordinator).get(url).status_code == 404


def test_every_other_role_gets_404_and_anonymous_the_login_page(placement) -> None:
    meeting = MeetingFactory(placement=placement)
    urls = [
        reverse("placements:meeting_book", args=[placement.pk]),
        reverse("placements:meeting_change", args=[placement.pk, meeting.pk]),
        reverse("placements:meeting_cancel", args=[placement.pk, meeting.pk]),
    ]
    for role, user in _others(placement).items():
        for url in urls:
            for method in ("get", "post"):
                response = getattr(_client(user), method)(url, _form(DAY) if method == "post" else None)
                assert response.status_code in (404, 405), (role, url, method)
                assert b"Hemligsson" not in response.content
    for url in urls:
        response = _client().post(url, _form(DAY))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    meeting.refresh_from_db()
    assert meeting.cancelled_at is None and meeting.sequence == 0 and Meeting.objects.count() == 1


# --- The week page ---------------------------------------------------------------------------------


@time_machine.travel(dt.datetime(2027, 1, 27, 8, 0, tzinfo=STOCKHOLM), tick=False)
def test_the_week_page_shows_the_weeks_meetings_and_due_follow_ups_in_swedish(placement, coordinator) -> None:
    meeting = MeetingFactory(
        placement=placement,
        kind=MeetingKind.MIDPOINT,
        starts_at=dt.datetime(2027, 2, 3, 9, 0, tzinfo=STOCKHOLM),
        ends_at=dt.datetime(2027, 2, 3, 10, 0, tzinfo=STOCKHOLM),
    )
    active = PlacementFactory(
        status=PlacementStatus.ACTIVE,
        participant__team=placement.participant.team,
        participant__first_name="Yonas",
        planned_start=dt.date(2027, 1, 4),
        planned_end=dt.date(2027, 4, 1),
        actual_start=dt.date(2027, 1, 4),
    )
    FollowUpFactory(placement=active, due_date=dt.date(2027, 2, 4))
    MeetingFactory(  # another team's: not shown
        placement=PlacementFactory(status=PlacementStatus.AGREED, participant__last_name="Utanförsson"),
        starts_at=dt.datetime(2027, 2, 3, 11, 0, tzinfo=STOCKHOLM),
        ends_at=dt.datetime(2027, 2, 3, 12, 0, tzinfo=STOCKHOLM),
    )
    response = _client(coordinator).get(reverse("placements:week"), {"week": "2027-W05"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Vecka 5, 2027" in page
    assert "onsdag 3 februari" in page and "09:00–10:00" in page and "Halvtidsmöte" in page
    assert "torsdag 4 februari" in page and "Yonas" in page
    assert "Utanförsson" not in page
    assert "?week=2027-W04" in page and "?week=2027-W06" in page
    logged = set(AccessLogEntry.objects.filter(action=AccessAction.LIST).values_list("participant_id", flat=True))
    assert {meeting.placement.participant_id, active.participant_id} <= logged


def test_the_week_page_without_a_week_shows_this_week(coordinator) -> None:
    response = _client(coordinator).get(reverse("placements:week"))
    assert response.status_code == 200
    assert f"Vecka {dt.date.today().isocalendar()[1]}," in response.content.decode()


@pytest.mark.parametrize(
    "week", ["2027-W54", "2027-W53", "2027-W00", "1999-W10", "2101-W01", "abc", "2027-W5", "2027-W05x", "９９９９-W01"]
)
def test_a_bad_week_is_404_not_an_error(coordinator, week) -> None:
    assert _client(coordinator).get(reverse("placements:week"), {"week": week}).status_code == 404


def test_a_year_with_53_weeks_has_week_53(coordinator) -> None:
    assert _client(coordinator).get(reverse("placements:week"), {"week": "2027-W53"}).status_code == 404
    assert _client(coordinator).get(reverse("placements:week"), {"week": "2026-W53"}).status_code == 200


def test_the_week_page_is_for_coordinators(placement) -> None:
    for user in _others(placement).values():
        if Role.COORDINATOR in user.roles:
            continue
        assert _client(user).get(reverse("placements:week")).status_code == 404


# --- The calendar feed -------------------------------------------------------------------------------


def _feed_url(client: Client) -> str:
    response = client.post(reverse("placements:calendar_feed_settings"))
    assert response.status_code == 200
    page = response.content.decode()
    start = page.index(settings.SITE_URL + "/calendar/")
    return page[start : page.index('"', start)].removeprefix(settings.SITE_URL)


def test_the_feed_lists_the_coordinators_meetings_by_first_name_and_record_number(placement, coordinator) -> None:
    placement.coordinator = coordinator
    placement.save()
    meeting = MeetingFactory(placement=placement, booked_by=coordinator)
    follow_up = FollowUpFactory(
        placement=PlacementFactory(
            active=True,
            participant__team=placement.participant.team,
            participant__first_name="Yonas",
            participant__last_name="Efternamnsson",
            coordinator=coordinator,
        ),
        due_date=dt.date.today() + dt.timedelta(days=3),
    )
    url = _feed_url(_client(coordinator))
    feed = CalendarFeed.objects.get(user=coordinator)
    assert url.split("/")[-1].removesuffix(".ics") not in feed.token_hash  # only the hash is stored

    response = Client().get(url)  # no session: a calendar app
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    summaries = [str(event["summary"]) for event in calendar.walk("VEVENT")]
    assert f"Startmöte: Amina ({placement.participant.record_number}), {placement.need.workplace.name}" in summaries
    assert f"Uppföljning: Yonas ({follow_up.placement.participant.record_number})" in summaries
    text = response.content.decode()
    assert "Hemligsson" not in text and "Efternamnsson" not in text
    assert placement.participant.identity_number not in text
    [timed] = [e for e in calendar.walk("VEVENT") if str(e["uid"]) == meeting.uid]
    assert timed["dtstart"].params["TZID"] == "Europe/Stockholm"
    [all_day] = [e for e in calendar.walk("VEVENT") if str(e["uid"]).startswith("follow-up-")]
    assert all_day.decoded("dtstart") == follow_up.due_date


def test_renewing_the_feed_makes_the_old_url_404(coordinator) -> None:
    client = _client(coordinator)
    old = _feed_url(client)
    assert Client().get(old).status_code == 200
    new = _feed_url(client)
    assert new != old
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200
    assert CalendarFeed.objects.filter(user=coordinator).count() == 1


def test_an_unknown_token_and_a_deactivated_users_feed_are_404(coordinator) -> None:
    url = _feed_url(_client(coordinator))
    assert Client().get("/calendar/not-a-token.ics").status_code == 404
    coordinator.is_active = False
    coordinator.save()
    assert Client().get(url).status_code == 404


def test_the_feed_is_throttled(coordinator) -> None:
    url = _feed_url(_client(coordinator))
    client = Client()
    for _n in range(FEED_REQUESTS_PER_HOUR):
        assert client.get(url).status_code == 200
    response = client.get(url)
    assert response.status_code == 429 and response["Retry-After"] == "3600"


def test_the_feed_page_is_for_coordinators(placement) -> None:
    for user in _others(placement).values():
        if Role.COORDINATOR in user.roles:
            continue
        for method in ("get", "post"):
            assert getattr(_client(user), method)(reverse("placements:calendar_feed_settings")).status_code == 404
    assert not CalendarFeed.objects.exists()


# --- Query budgets ----------------------------------------------------------------------------------


def _count_queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_week_page_and_the_feed_do_not_grow_with_their_rows(coordinator) -> None:
    from placements.tests.factories import _next_weekday_at
    from taxonomy.tests.factories import LanguageFactory

    start = _next_weekday_at(9)
    monday = start.date() - dt.timedelta(days=start.weekday())
    week_url = reverse("placements:week") + f"?week={monday.isocalendar()[0]}-W{monday.isocalendar()[1]:02d}"
    client = _client(coordinator)
    feed_url = _feed_url(client)

    def add(n: int) -> None:
        for _i in range(n):
            placement = PlacementFactory(active=True, participant__team=coordinator.team, coordinator=coordinator)
            MeetingFactory(
                placement=placement,
                booked_by=coordinator,
                starts_at=start,
                ends_at=start + dt.timedelta(hours=1),
                interpreter_needed=True,
                interpreter_language=LanguageFactory(),
            )
            FollowUpFactory(placement=placement, due_date=start.date())

    add(2)
    few = (_count_queries(client, week_url), _count_queries(Client(), feed_url))
    add(6)
    many = (_count_queries(client, week_url), _count_queries(Client(), feed_url))
    assert many == few


# --- Hostile input --------------------------------------------------------------------------------


@fuzz()
@given(data=st.data(), text=st.sampled_from(MARKUP))
def test_the_meeting_form_takes_hostile_input(data: st.DataObject, text: str) -> None:
    placement = PlacementFactory(status=PlacementStatus.AGREED)
    client = _client(CoordinatorFactory(team=placement.participant.team))
    post = data.draw(corrupted(_form(DAY, place=text, other_attendees=text)))
    url = reverse("placements:meeting_book", args=[placement.pk])
    expected = MeetingForm(as_querydict(post))
    response = post_hostile(client, url, post, may_write={"accounts.AccessLogEntry"})
    if response.status_code == 302:
        assert expected.is_valid(), expected.errors
        meeting = Meeting.objects.get(placement=placement)
        for name in ("kind", "starts_at", "ends_at", "place", "video_link", "other_attendees", "interpreter_needed"):
            assert getattr(meeting, name) == expected.cleaned_data[name], name
    else:
        assert response.status_code == 200
        assert not Meeting.objects.filter(placement=placement).exists()
