"""/api/v1/placements/ (proposal and life cycle), follow-ups/ and portal/placements/, as each role."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participants.models import ParticipantStatus
from participants.tests.factories import ParticipantFactory
from placements.models import FollowUp, Outcome, Placement, PlacementEvent, PlacementStatus
from placements.tests.factories import FollowUpFactory, PlacementFactory, with_signatures
from supervisors.tests.factories import EnrolmentFactory, SupervisorFactory
from workplaces.tests.factories import NeedFactory

from .conftest import session_client, token_client

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def _open_need():
    return NeedFactory(places=1, start_date=TODAY, end_date=TODAY + dt.timedelta(days=60))


def _proposal(coordinator, *, trained: bool = True):
    need = _open_need()
    supervisor = SupervisorFactory(workplace=need.workplace)
    if trained:
        EnrolmentFactory(supervisor=supervisor, completed=True)
    participant = ParticipantFactory(team=coordinator.team, coordinator=coordinator)
    return {
        "participant": participant.pk,
        "need": need.pk,
        "supervisor": supervisor.pk,
        "start": TODAY.isoformat(),
        "end": (TODAY + dt.timedelta(days=30)).isoformat(),
        "hours_per_day": "4.0",
    }


def test_proposing_a_placement_through_the_form_and_the_service(coordinator) -> None:
    response = session_client(coordinator).post("/api/v1/placements/", _proposal(coordinator), format="json")
    assert response.status_code == 201, response.json()
    placement = Placement.objects.get()
    assert response.json()["id"] == placement.pk and response.json()["status"] == "proposed"
    assert placement.coordinator == coordinator
    assert PlacementEvent.objects.filter(placement=placement, to_status=PlacementStatus.PROPOSED).exists()


def test_an_untrained_supervisor_needs_the_confirmation_as_on_the_page(coordinator) -> None:
    data = _proposal(coordinator, trained=False)
    client = session_client(coordinator)
    response = client.post("/api/v1/placements/", data, format="json")
    assert response.status_code == 400
    assert "har ingen handledarutbildning som gäller" in response.json()["confirm_untrained"][0]
    assert not Placement.objects.exists()
    assert client.post("/api/v1/placements/", {**data, "confirm_untrained": True}, format="json").status_code == 201


def test_proposal_errors_from_the_form_and_from_the_service(coordinator) -> None:
    data = _proposal(coordinator)
    client = session_client(coordinator)
    response = client.post("/api/v1/placements/", {**data, "end": data["start"]}, format="json")
    assert response.json() == {"end": ["Slutdatumet måste ligga efter startdatumet."]}
    late = (TODAY + dt.timedelta(days=90)).isoformat()
    response = client.post("/api/v1/placements/", {**data, "end": late}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["start"]  # the service's rule
    response = client.post("/api/v1/placements/", {**data, "participant": ParticipantFactory().pk}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["participant"]  # another team's
    assert not Placement.objects.exists()


def test_the_life_cycle_through_the_actions(coordinator) -> None:
    placement = PlacementFactory(
        participant__team=coordinator.team,
        need=_open_need(),
        planned_start=TODAY,
        planned_end=TODAY + dt.timedelta(days=30),
    )
    client = session_client(coordinator)
    url = f"/api/v1/placements/{placement.pk}"
    unsigned = client.post(f"{url}/agree/")  # the parties sign first (through the signing pages)
    assert unsigned.status_code == 400 and "inte undertecknad" in unsigned.json()["non_field_errors"][0]
    with_signatures(placement)
    assert client.post(f"{url}/agree/").json()["status"] == "agreed"
    response = client.post(f"{url}/activate/", {"on": TODAY.isoformat()})
    assert response.status_code == 200 and response.json()["actual_start"] == TODAY.isoformat()
    placement.participant.refresh_from_db()
    assert placement.participant.status == ParticipantStatus.PLACED  # the service moved the participant too
    response = client.post(f"{url}/complete/", {"outcome": Outcome.STUDIES, "on": TODAY.isoformat()})
    assert response.json()["status"] == "completed" and response.json()["outcome"] == "studies"
    placement.participant.refresh_from_db()
    assert placement.participant.status == ParticipantStatus.EXITED
    response = client.post(f"{url}/later-outcome/", {"days_after": 90, "outcome": Outcome.EMPLOYMENT})
    assert response.status_code == 400  # 90 days have not passed: the service says so
    due = (TODAY + dt.timedelta(days=90)).isoformat()
    assert response.json() == {"non_field_errors": [f"Utfallet efter 90 dagar kan registreras från {due}."]}
    response = client.post(f"{url}/assessment/", {"assessment": "Punktlig och nyfiken."})
    assert response.status_code == 200 and response.json()["assessment"] == "Punktlig och nyfiken."


def test_a_refused_transition_is_a_400_and_changes_nothing(coordinator) -> None:
    placement = PlacementFactory(participant__team=coordinator.team, active=True)
    client = session_client(coordinator)
    response = client.post(f"/api/v1/placements/{placement.pk}/agree/")
    assert response.status_code == 400
    assert "kan inte" in response.json()["non_field_errors"][0]
    response = client.post(
        f"/api/v1/placements/{placement.pk}/end-early/", {"outcome": Outcome.UNKNOWN, "on": TODAY.isoformat()}
    )
    assert response.status_code == 400 and list(response.json()) == ["reason"]
    response = client.post(f"/api/v1/placements/{placement.pk}/cancel/", {"reason": "Ångrat"})
    assert response.status_code == 400
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.ACTIVE


@pytest.mark.parametrize("role", ["other_coordinator", "supervisor_user", "manager", "administrator"])
def test_others_cannot_reach_a_placement(request, role, coordinator) -> None:
    placement = PlacementFactory(participant__team=coordinator.team)
    client = session_client(request.getfixturevalue(role))
    expected = 404 if role == "other_coordinator" else 403
    assert client.get(f"/api/v1/placements/{placement.pk}/").status_code == expected
    assert client.post(f"/api/v1/placements/{placement.pk}/agree/").status_code == expected
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.PROPOSED


def test_the_placement_list_filters_and_costs_the_same_queries_for_more_rows(coordinator) -> None:
    client = token_client(coordinator)
    client.get("/api/v1/needs/")  # the token's first use records it (at most once a minute): not counted

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/placements/").status_code == 200
        return len(captured)

    PlacementFactory.create_batch(2, participant__team=coordinator.team)
    few = queries()
    PlacementFactory.create_batch(5, participant__team=coordinator.team, active=True)
    PlacementFactory()  # another team's
    assert queries() == few
    assert client.get("/api/v1/placements/").json()["count"] == 7
    assert client.get("/api/v1/placements/", {"status": "active"}).json()["count"] == 5


def test_a_supervisor_sees_only_their_own_placements_and_only_the_portals_fields(supervisor_user) -> None:
    own = PlacementFactory(
        supervisor=supervisor_user.supervisor_profile, need__workplace=supervisor_user.supervisor_profile.workplace
    )
    PlacementFactory()
    client = session_client(supervisor_user)
    body = client.get("/api/v1/portal/placements/").json()
    assert [row["id"] for row in body["results"]] == [own.pk]
    row = body["results"][0]
    assert row["participant_name"] == own.participant.full_name
    assert "participant" not in row and "identity_number" not in row and "assessment" not in row
    assert client.get("/api/v1/placements/").status_code == 403


@pytest.mark.parametrize("role", ["coordinator", "manager"])
def test_the_portal_is_for_supervisors(request, role) -> None:
    assert session_client(request.getfixturevalue(role)).get("/api/v1/portal/placements/").status_code == 403


def test_a_supervisor_logs_a_follow_up_of_their_own_placement(supervisor_user) -> None:
    profile = supervisor_user.supervisor_profile
    placement = PlacementFactory(supervisor=profile, need__workplace=profile.workplace, active=True)
    due = FollowUpFactory(placement=placement)
    client = session_client(supervisor_user)
    data = {"placement": placement.pk, "due": due.pk, "done_on": TODAY.isoformat(), "progress_work": 4}
    response = client.post("/api/v1/follow-ups/", {**data, "concern": True}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["concern_text"]
    response = client.post("/api/v1/follow-ups/", {**data, "concern": True, "concern_text": "Trött"}, format="json")
    assert response.status_code == 201, response.json()
    due.refresh_from_db()
    assert due.done_on == TODAY and due.author == supervisor_user and due.concern_text == "Trött"
    assert [row["id"] for row in client.get("/api/v1/follow-ups/").json()["results"]] == [due.pk]
    response = client.post("/api/v1/follow-ups/", data, format="json")  # the due one is logged now
    assert response.status_code == 400 and list(response.json()) == ["due"]


def test_follow_ups_of_others_placements_are_out_of_reach(supervisor_user, coordinator) -> None:
    other = PlacementFactory(active=True)
    follow_up = FollowUpFactory(placement=other)
    for user in (supervisor_user, coordinator):
        client = session_client(user)
        assert client.get(f"/api/v1/follow-ups/{follow_up.pk}/").status_code == 404
        response = client.post(
            "/api/v1/follow-ups/", {"placement": other.pk, "done_on": TODAY.isoformat()}, format="json"
        )
        assert response.status_code == 400 and list(response.json()) == ["placement"]
    assert FollowUp.objects.filter(done_on__isnull=False).count() == 0


def test_a_coordinator_logs_a_follow_up_and_a_proposed_placement_refuses_one(coordinator) -> None:
    active = PlacementFactory(participant__team=coordinator.team, active=True)
    proposed = PlacementFactory(participant__team=coordinator.team)
    client = session_client(coordinator)
    ok = client.post("/api/v1/follow-ups/", {"placement": active.pk, "done_on": TODAY.isoformat()}, format="json")
    assert ok.status_code == 201
    refused = client.post("/api/v1/follow-ups/", {"placement": proposed.pk, "done_on": TODAY.isoformat()})
    assert refused.status_code == 400
    assert "har startat" in refused.json()["non_field_errors"][0]


def test_managers_get_no_follow_ups(manager) -> None:
    FollowUpFactory()
    assert session_client(manager).get("/api/v1/follow-ups/").status_code == 403


def test_filtering_by_someone_elses_participant_reveals_nothing(coordinator) -> None:
    own = PlacementFactory(participant__team=coordinator.team)
    other = PlacementFactory()
    client = session_client(coordinator)
    response = client.get("/api/v1/placements/", {"participant": other.participant_id})
    assert response.status_code == 200 and response.json()["count"] == 0  # the same as a missing id
    response = client.get("/api/v1/placements/", {"participant": own.participant_id})
    assert [row["id"] for row in response.json()["results"]] == [own.pk]
    assert client.get("/api/v1/placements/", {"participant": 10**30}).status_code == 400  # no 500
