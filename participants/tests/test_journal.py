"""The case journal: notes and tasks on a case file, their services and pages, as each role."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessAction, AccessLogEntry, Role
from accounts.tests.factories import CoordinatorFactory, ManagerFactory, SupervisorUserFactory, UserFactory
from participants.models import NOTE_MAX_LENGTH, CaseNote, NoteKind, Task
from participants.services import case_note_record, task_close, task_create
from participants.tests.factories import CaseNoteFactory, ParticipantFactory, TaskFactory
from placements.tests.factories import PlacementFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def person():
    return ParticipantFactory(last_name="Journalsson")


@pytest.fixture
def coordinator(person):
    return person.coordinator


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# --- Services ------------------------------------------------------------------------------------------


def test_a_note_is_written_for_today_by_default_and_logged_as_a_change(person, coordinator) -> None:
    note = case_note_record(participant=person, by=coordinator, kind=NoteKind.CALL, text="  Ringde om SFI  ")
    assert note.noted_on == TODAY and note.author == coordinator and note.text == "Ringde om SFI"
    entry = AccessLogEntry.objects.get(participant_id=person.pk, action=AccessAction.CHANGE)
    assert entry.fields == ["case_notes"]


def test_a_note_cannot_describe_a_day_in_the_future(person, coordinator) -> None:
    with pytest.raises(ValidationError) as excinfo:
        case_note_record(
            participant=person, by=coordinator, kind=NoteKind.OTHER, text="x", noted_on=TODAY + dt.timedelta(days=1)
        )
    assert "noted_on" in excinfo.value.message_dict


def test_a_note_has_a_bounded_length(person, coordinator) -> None:
    with pytest.raises(ValidationError) as excinfo:
        case_note_record(participant=person, by=coordinator, kind=NoteKind.OTHER, text="x" * (NOTE_MAX_LENGTH + 1))
    assert "text" in excinfo.value.message_dict


def test_a_task_goes_only_to_a_coordinator_of_the_participants_team(person, coordinator) -> None:
    due = TODAY + dt.timedelta(days=3)
    for outsider in (CoordinatorFactory(), UserFactory(team=person.team, role=Role.MANAGER)):
        with pytest.raises(ValidationError) as excinfo:
            task_create(participant=person, by=coordinator, title="Ring", due_on=due, assignee=outsider)
        assert "assignee" in excinfo.value.message_dict
    colleague = CoordinatorFactory(team=person.team)
    task = task_create(participant=person, by=coordinator, title="Ring", due_on=due, assignee=colleague)
    assert task.is_open and task.assignee == colleague


def test_a_task_is_closed_only_with_the_action_taken_and_only_once(person, coordinator) -> None:
    task = TaskFactory(participant=person, assignee=coordinator)
    with pytest.raises(ValidationError) as excinfo:
        task_close(task=task, by=coordinator, action_taken="   ")
    assert "action_taken" in excinfo.value.message_dict
    closed = task_close(task=task, by=coordinator, action_taken="Bokade ett möte")
    assert closed.done_on == TODAY and closed.done_by == coordinator
    with pytest.raises(ValidationError):
        task_close(task=task, by=coordinator, action_taken="Igen")


# --- Pages, as each role ----------------------------------------------------------------------------------


def _urls(person, note: CaseNote, task: Task) -> list[str]:
    return [
        reverse("participants:note_create", args=[person.pk]),
        reverse("participants:task_create", args=[person.pk]),
        reverse("participants:task_close", args=[person.pk, task.pk]),
    ]


@pytest.mark.parametrize("who", ["other_team", "supervisor", "manager", "administrator"])
def test_everyone_but_the_teams_coordinators_gets_404_on_every_note_and_task_url(person, who) -> None:
    placement = PlacementFactory(participant=person, active=True)
    note, task = CaseNoteFactory(participant=person), TaskFactory(participant=person)
    if who == "supervisor":  # even the supervisor of the person's own placement
        user = SupervisorUserFactory()
        placement.supervisor.user = user
        placement.supervisor.save()
    else:
        makers: dict[str, Callable[[], Any]] = {
            "other_team": CoordinatorFactory,
            "manager": ManagerFactory,
            "administrator": lambda: UserFactory(role=Role.ADMINISTRATOR, is_staff=True),
        }
        user = makers[who]()
    client = _client(user)
    for url in _urls(person, note, task):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"kind": "call", "text": "x", "action_taken": "x"}).status_code == 404, url
    assert not CaseNote.objects.exclude(pk=note.pk).exists()
    task.refresh_from_db()
    assert task.is_open
    if who != "other_team":  # another team's coordinator has their own (empty) task list
        assert client.get(reverse("participants:task_list")).status_code == 404


def test_anonymous_users_are_sent_to_log_in(person) -> None:
    note, task = CaseNoteFactory(participant=person), TaskFactory(participant=person)
    for url in [*_urls(person, note, task), reverse("participants:task_list")]:
        response = _client(None).get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_case_file_shows_the_journal_newest_note_first_and_logs_reading_it(client: Client, person, coordinator):
    CaseNoteFactory(participant=person, noted_on=TODAY - dt.timedelta(days=5), text="Äldre anteckning")
    CaseNoteFactory(participant=person, noted_on=TODAY, text="Nyare anteckning")
    TaskFactory(participant=person, title="Öppen uppgift", assignee=coordinator)
    TaskFactory(participant=person, title="Gjord uppgift", done=True)
    client.force_login(coordinator)
    page = client.get(reverse("participants:detail", args=[person.pk])).content.decode()
    assert 'id="journal"' in page
    assert page.index("Nyare anteckning") < page.index("Äldre anteckning")
    assert "Öppen uppgift" in page and "Gjord uppgift" in page
    # The page is one view of the case file in the access log, the journal with it.
    assert list(AccessLogEntry.objects.filter(participant_id=person.pk).values_list("action", flat=True)) == [
        AccessAction.VIEW
    ]


def test_a_note_saved_without_javascript_redirects_to_the_journal(client: Client, person, coordinator) -> None:
    client.force_login(coordinator)
    url = reverse("participants:note_create", args=[person.pk])
    response = client.post(url, {"noted_on": TODAY.isoformat(), "kind": "meeting", "text": "Startmöte"})
    assert response.status_code == 302 and response["Location"].endswith("#journal")
    assert CaseNote.objects.get(participant=person).kind == NoteKind.MEETING


def test_a_note_saved_with_htmx_returns_the_journal_section(client: Client, person, coordinator) -> None:
    client.force_login(coordinator)
    url = reverse("participants:note_create", args=[person.pk])
    response = client.post(
        url, {"noted_on": TODAY.isoformat(), "kind": "call", "text": "Ringde"}, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert response.status_code == 200 and page.lstrip().startswith("<section") and "Ringde" in page
    assert AccessLogEntry.objects.filter(participant_id=person.pk, action=AccessAction.VIEW).exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"kind": "call", "text": "x", "noted_on": (TODAY + dt.timedelta(days=1)).isoformat()},
            "noted_on",
            "framtiden",
        ),
        ({"kind": "call", "text": "x" * (NOTE_MAX_LENGTH + 1), "noted_on": TODAY.isoformat()}, "text", "Högst 5000"),
        ({"kind": "call", "text": "", "noted_on": TODAY.isoformat()}, "text", "Skriv anteckningen"),
    ],
)
def test_a_note_form_says_what_is_wrong_next_to_the_field_in_swedish(client, person, coordinator, data, field, message):
    client.force_login(coordinator)
    response = client.post(reverse("participants:note_create", args=[person.pk]), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not CaseNote.objects.exists()


def test_the_task_form_refuses_a_coordinator_of_another_team(client: Client, person, coordinator) -> None:
    client.force_login(coordinator)
    outsider = CoordinatorFactory()
    data = {"title": "Ring", "due_on": TODAY.isoformat(), "assignee": str(outsider.pk)}
    response = client.post(reverse("participants:task_create", args=[person.pk]), data)
    assert "samordnare i deltagarens team" in " ".join(response.context["form"].errors["assignee"])
    data["assignee"] = str(coordinator.pk)
    response = client.post(reverse("participants:task_create", args=[person.pk]), data)
    assert response.status_code == 302 and Task.objects.get().assignee == coordinator


def test_closing_a_task_needs_the_action_taken(client: Client, person, coordinator) -> None:
    task = TaskFactory(participant=person, assignee=coordinator)
    client.force_login(coordinator)
    url = reverse("participants:task_close", args=[person.pk, task.pk])
    response = client.post(url, {"action_taken": ""})
    assert "Skriv vad som gjordes" in " ".join(response.context["form"].errors["action_taken"])
    response = client.post(url, {"action_taken": "Ringde handledaren"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done_on == TODAY and task.action_taken == "Ringde handledaren"


def test_my_tasks_lists_the_coordinators_own_open_tasks_a_page_at_a_time(client: Client, person, coordinator):
    for _ in range(27):
        TaskFactory(participant=person, assignee=coordinator)
    TaskFactory(participant=person, assignee=coordinator, done=True, title="Redan gjord")
    TaskFactory(participant=person, title="Någon annans")
    client.force_login(coordinator)
    first = client.get(reverse("participants:task_list"))
    assert len(first.context["tasks"]) == 25 and first.context["page"].paginator.count == 27
    assert "Någon annans" not in first.content.decode()
    everything = client.get(reverse("participants:task_list"), {"show": "all", "page": "2"})
    assert everything.context["page"].paginator.count == 28
