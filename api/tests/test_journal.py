"""/api/v1/case-notes/ and /api/v1/tasks/: the case journal, with the pages' roles, object rules and
access log. Supervisors, managers and administrators get 404 on every URL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AccessAction, AccessLogEntry
from participants.models import CaseNote, Task
from participants.tests.factories import CaseNoteFactory, ParticipantFactory, TaskFactory
from placements.services import follow_up_log
from placements.tests.factories import PlacementFactory

from .conftest import session_client, token_client

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


@pytest.fixture
def person(coordinator):
    return ParticipantFactory(team=coordinator.team, coordinator=coordinator)


def _urls(note: CaseNote, task: Task) -> list[str]:
    return [
        "/api/v1/case-notes/",
        f"/api/v1/case-notes/{note.pk}/",
        "/api/v1/tasks/",
        f"/api/v1/tasks/{task.pk}/",
        f"/api/v1/tasks/{task.pk}/close/",
    ]


@pytest.mark.parametrize("who", ["supervisor_user", "manager", "administrator"])
def test_roles_that_keep_no_journal_get_404_on_every_url(request, person, who) -> None:
    user = request.getfixturevalue(who)
    if who == "supervisor_user":  # the supervisor of the person's own placement
        PlacementFactory(participant=person, active=True, supervisor=user.supervisor_profile)
    note, task = CaseNoteFactory(participant=person), TaskFactory(participant=person)
    client = session_client(user)
    for url in _urls(note, task):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"participant": person.pk, "text": "x"}, format="json").status_code == 404, url
    assert CaseNote.objects.count() == 1 and Task.objects.get().is_open


def test_anonymous_clients_get_401(person) -> None:
    from rest_framework.test import APIClient

    note, task = CaseNoteFactory(participant=person), TaskFactory(participant=person)
    for url in _urls(note, task):
        assert APIClient().get(url).status_code == 401


def test_a_coordinator_of_another_team_sees_none_and_writes_none(other_coordinator, person) -> None:
    note, task = CaseNoteFactory(participant=person), TaskFactory(participant=person)
    client = session_client(other_coordinator)
    assert client.get("/api/v1/case-notes/").json()["count"] == 0
    assert client.get(f"/api/v1/case-notes/{note.pk}/").status_code == 404
    assert client.get(f"/api/v1/tasks/{task.pk}/").status_code == 404
    assert client.post(f"/api/v1/tasks/{task.pk}/close/", {"action_taken": "x"}, format="json").status_code == 404
    data = {"participant": person.pk, "kind": "call", "text": "x", "noted_on": TODAY.isoformat()}
    response = client.post("/api/v1/case-notes/", data, format="json")
    assert response.status_code == 400 and list(response.json()) == ["participant"]


def test_the_teams_coordinator_writes_reads_and_lists_notes_each_read_logged(coordinator, person) -> None:
    client = token_client(coordinator)
    data = {"participant": person.pk, "kind": "meeting", "text": "Startmöte med tolk", "noted_on": TODAY.isoformat()}
    created = client.post("/api/v1/case-notes/", data, format="json")
    assert created.status_code == 201, created.json()
    note = CaseNote.objects.get()
    assert note.author == coordinator and created.json()["text"] == "Startmöte med tolk"
    assert client.get(f"/api/v1/case-notes/{note.pk}/").json()["kind"] == "meeting"
    assert client.get("/api/v1/case-notes/", {"participant": person.pk}).json()["count"] == 1
    actions = set(
        AccessLogEntry.objects.filter(participant_id=person.pk, fields=["case_notes", "tasks"]).values_list(
            "action", flat=True
        )
    )
    assert actions == {AccessAction.VIEW, AccessAction.LIST}


def test_a_note_in_the_future_is_refused_with_the_forms_message(coordinator, person) -> None:
    data = {"participant": person.pk, "kind": "call", "text": "x", "noted_on": str(TODAY + dt.timedelta(days=2))}
    response = session_client(coordinator).post("/api/v1/case-notes/", data, format="json")
    assert response.status_code == 400 and "framtiden" in response.json()["noted_on"][0]


def test_a_task_is_created_for_a_team_coordinator_and_closed_with_the_action_taken(
    coordinator, other_coordinator, person
) -> None:
    client = session_client(coordinator)
    data = {
        "participant": person.pk,
        "title": "Ring SFI",
        "due_on": TODAY.isoformat(),
        "assignee": other_coordinator.pk,
    }
    refused = client.post("/api/v1/tasks/", data, format="json")
    assert refused.status_code == 400 and list(refused.json()) == ["assignee"]
    created = client.post("/api/v1/tasks/", {**data, "assignee": coordinator.pk}, format="json")
    assert created.status_code == 201
    pk = created.json()["id"]
    assert client.post(f"/api/v1/tasks/{pk}/close/", {"action_taken": ""}, format="json").status_code == 400
    closed = client.post(f"/api/v1/tasks/{pk}/close/", {"action_taken": "Ringde"}, format="json")
    assert closed.status_code == 200 and closed.json()["done_on"] == TODAY.isoformat()
    again = client.post(f"/api/v1/tasks/{pk}/close/", {"action_taken": "Igen"}, format="json")
    assert again.status_code == 400


def test_a_concerns_task_names_its_follow_up_and_the_open_filter_finds_it(coordinator, person) -> None:
    placement = PlacementFactory(participant=person, active=True, actual_start=TODAY - dt.timedelta(days=5))
    follow_up = follow_up_log(placement=placement, by=None, done_on=TODAY, concern=True, concern_text="Orolig")
    client = session_client(coordinator)
    rows = client.get("/api/v1/tasks/", {"done": "false", "assignee": coordinator.pk}).json()["results"]
    assert [row["concern_follow_up"] for row in rows] == [follow_up.pk]


@pytest.mark.parametrize(
    ("url", "make"),
    [
        ("/api/v1/case-notes/", lambda person: CaseNoteFactory(participant=person)),
        ("/api/v1/tasks/", lambda person: TaskFactory(participant=person)),
    ],
)
def test_the_journal_lists_do_not_grow_in_queries(coordinator, person, url, make) -> None:
    client = session_client(coordinator)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    for _ in range(2):
        make(ParticipantFactory(team=coordinator.team))
    few = queries()
    for _ in range(6):
        make(ParticipantFactory(team=coordinator.team))
    assert queries() == few <= 12
