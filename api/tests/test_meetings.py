"""/api/v1/meetings/ as each role: booking, changing, cancelling through the same services as the
page, the access log, and the meeting's iCalendar file (text/calendar, in the OpenAPI schema)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
import pytest
import yaml
from django.core import mail
from django.core.management import call_command

from accounts.models import AccessAction, AccessLogEntry
from placements.models import Meeting, PlacementStatus
from placements.tests.factories import MeetingFactory, PlacementFactory

from .conftest import session_client, token_client

pytestmark = pytest.mark.django_db

DAY = dt.date.today() + dt.timedelta(days=14)


@pytest.fixture
def placement(coordinator):
    return PlacementFactory(
        status=PlacementStatus.AGREED,
        participant__team=coordinator.team,
        participant__last_name="Hemligsson",
        participant__email="deltagare@example.org",
    )


def _payload(placement, **overrides):
    data = {
        "placement": placement.pk,
        "kind": "start",
        "starts_at": f"{DAY:%Y-%m-%d}T09:00:00+01:00",
        "ends_at": f"{DAY:%Y-%m-%d}T10:00:00+01:00",
        "place": "Storgatan 1",
        "with_participant": True,
        "with_supervisor": True,
        "with_coordinator": True,
    }
    data.update(overrides)
    return data


def test_booking_through_the_api_sends_the_invitations(
    coordinator, placement, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = token_client(coordinator).post("/api/v1/meetings/", _payload(placement), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["sequence"] == 0 and body["uid"] and body["placement"] == placement.pk
    assert sorted(m.to[0] for m in mail.outbox) == sorted([placement.supervisor.email, "deltagare@example.org"])


def test_a_refused_booking_is_a_400_on_the_field(coordinator, placement) -> None:
    response = session_client(coordinator).post(
        "/api/v1/meetings/", _payload(placement, place="", video_link="http://x.example.org"), format="json"
    )
    assert response.status_code == 400
    assert response.json()["video_link"] == ["Ange en webbadress som börjar med https://."]
    response = session_client(coordinator).post(
        "/api/v1/meetings/", _payload(placement, interpreter_needed=True), format="json"
    )
    assert response.status_code == 400 and "interpreter_language" in response.json()
    assert not Meeting.objects.exists()


def test_changing_and_cancelling_raise_the_sequence(coordinator, placement) -> None:
    meeting = MeetingFactory(placement=placement)
    client = session_client(coordinator)
    response = client.patch(f"/api/v1/meetings/{meeting.pk}/", {"place": "Rådhuset"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["place"] == "Rådhuset" and response.json()["sequence"] == 1
    response = client.post(f"/api/v1/meetings/{meeting.pk}/cancel/")
    assert response.status_code == 200 and response.json()["sequence"] == 2 and response.json()["cancelled_at"]
    assert client.post(f"/api/v1/meetings/{meeting.pk}/cancel/").status_code == 400


def test_the_ics_action_is_text_calendar_and_logged(coordinator, placement) -> None:
    meeting = MeetingFactory(placement=placement)
    response = session_client(coordinator).get(f"/api/v1/meetings/{meeting.pk}/ics/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    assert str(event["uid"]) == meeting.uid and calendar["method"] == "REQUEST"
    assert b"Hemligsson" not in response.content
    assert AccessLogEntry.objects.filter(
        user=coordinator, participant_id=placement.participant_id, action=AccessAction.VIEW
    ).exists()


def test_the_list_is_the_teams_and_logged(coordinator, other_coordinator, placement) -> None:
    mine = MeetingFactory(placement=placement)
    MeetingFactory()  # another team's
    response = session_client(coordinator).get("/api/v1/meetings/")
    assert [row["id"] for row in response.json()["results"]] == [mine.pk]
    assert AccessLogEntry.objects.filter(user=coordinator, action=AccessAction.LIST).count() == 1
    assert session_client(other_coordinator).get("/api/v1/meetings/").json()["results"] == []


@pytest.mark.parametrize("moment", ["0614-06-01T00:00:00", "9999-12-31T23:59:59Z", "1899-12-31T23:00:00+01:00"])
def test_a_time_filter_outside_the_years_is_a_400_not_a_database_error(coordinator, placement, moment) -> None:
    """In year 614 Stockholm is on local mean time (+01:12:12), which PostgreSQL refuses: a 500."""
    MeetingFactory(placement=placement)
    for name in ("starts_after", "starts_before"):
        response = session_client(coordinator).get("/api/v1/meetings/", {name: moment})
        assert response.status_code == 400, (name, response.content)
        assert name in response.json()
    assert (
        session_client(coordinator).get("/api/v1/meetings/", {"starts_after": "2026-01-01T00:00:00"}).status_code == 200
    )


def test_other_roles_get_nothing(
    coordinator, other_coordinator, supervisor_user, manager, administrator, placement
) -> None:
    meeting = MeetingFactory(placement=placement)
    for user in (other_coordinator, supervisor_user, manager, administrator):
        client = session_client(user)
        for method, url in (
            ("get", f"/api/v1/meetings/{meeting.pk}/"),
            ("get", f"/api/v1/meetings/{meeting.pk}/ics/"),
            ("patch", f"/api/v1/meetings/{meeting.pk}/"),
            ("post", f"/api/v1/meetings/{meeting.pk}/cancel/"),
        ):
            response = getattr(client, method)(url, {}, format="json")
            assert response.status_code in (403, 404), (user, url, response.status_code)
            assert b"Hemligsson" not in response.content
        response = client.post("/api/v1/meetings/", _payload(placement), format="json")
        assert response.status_code in (400, 403)
    from rest_framework.test import APIClient

    assert APIClient().get("/api/v1/meetings/").status_code == 401
    meeting.refresh_from_db()
    assert meeting.sequence == 0 and meeting.cancelled_at is None and Meeting.objects.count() == 1


def test_the_schema_documents_the_ics_file_as_text_calendar(tmp_path: Path) -> None:
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    schema = yaml.safe_load((tmp_path / "schema.yml").read_text())
    operation = schema["paths"]["/api/v1/meetings/{id}/ics/"]["get"]
    assert list(operation["responses"]["200"]["content"]) == ["text/calendar"]
    assert "/api/v1/meetings/{id}/cancel/" in schema["paths"]
    assert "post" in schema["paths"]["/api/v1/meetings/"]


def test_an_error_on_the_ics_route_is_json(coordinator, other_coordinator, placement) -> None:
    from rest_framework.test import APIClient

    meeting = MeetingFactory(placement=placement)
    response = APIClient().get(f"/api/v1/meetings/{meeting.pk}/ics/")
    assert response.status_code == 401 and response["Content-Type"].startswith("application/json")
    response = session_client(other_coordinator).get(f"/api/v1/meetings/{meeting.pk}/ics/")
    assert response.status_code == 404 and set(response.json()) == {"detail"}
