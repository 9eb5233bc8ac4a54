"""A supervisor's concern becomes a task for the coordinator; closed with the action taken, the concern is
handled. The start page and the placement page show concerns by their open task, however old."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory, SupervisorUserFactory
from participants.models import Task
from participants.services import task_close
from placements.links import link_create, link_resolve
from placements.services import CONCERN_TASK_WORKING_DAYS, follow_up_log, follow_up_log_by_link
from placements.tests.factories import FollowUpFactory, PlacementFactory
from taxonomy.working_days import add_working_days

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def placement():
    supervisor_user = SupervisorUserFactory()
    placement = PlacementFactory(active=True, supervisor__user=supervisor_user, participant__last_name="Orosson")
    placement.actual_start = TODAY - dt.timedelta(days=60)
    placement.save()
    return placement


def _concern(placement, *, by, text: str = "Kommer ofta sent", done_on: dt.date = TODAY):
    return follow_up_log(placement=placement, by=by, done_on=done_on, days_present=8, concern=True, concern_text=text)


def test_a_concern_becomes_a_task_for_the_placements_coordinator_due_in_a_few_working_days(placement) -> None:
    follow_up = _concern(placement, by=placement.supervisor.user)
    task = follow_up.concern_task
    assert task is not None and task.is_open
    assert task.participant == placement.participant and task.assignee == placement.coordinator
    assert task.due_on == add_working_days(TODAY, CONCERN_TASK_WORKING_DAYS)
    assert task.detail == "Kommer ofta sent" and placement.supervisor.full_name in task.title


def test_a_follow_up_without_a_concern_makes_no_task(placement) -> None:
    follow_up_log(placement=placement, by=placement.supervisor.user, done_on=TODAY, days_present=8)
    assert not Task.objects.exists()


def test_a_concern_logged_through_a_personal_link_becomes_a_task_too(placement) -> None:
    due = FollowUpFactory(placement=placement, due_date=TODAY, done_on=None)
    link = link_resolve(link_create(follow_up=due).rstrip("/").rsplit("/", 1)[-1])
    follow_up = follow_up_log_by_link(link=link, done_on=TODAY, concern=True, concern_text="Verkar trött")
    assert follow_up.concern_task.created_by is None and follow_up.concern_task.assignee == placement.coordinator


def test_without_a_coordinator_in_the_team_on_the_placement_the_responsible_one_gets_it(placement) -> None:
    placement.coordinator = CoordinatorFactory()  # moved to another team since
    placement.save()
    follow_up = _concern(placement, by=placement.supervisor.user)
    assert follow_up.concern_task.assignee == placement.participant.coordinator


def test_concern_to_task_to_closed_with_the_action_shows_as_handled(client: Client, placement) -> None:
    coordinator = placement.coordinator
    follow_up = _concern(placement, by=placement.supervisor.user, text="Har svårt med tiderna")
    client.force_login(coordinator)
    home = client.get(reverse("home")).content.decode()
    assert "Har svårt med tiderna" in home
    page = client.get(reverse("placements:detail", args=[placement.pk])).content.decode()
    assert "Inte hanterad än" in page

    url = reverse("participants:task_close", args=[placement.participant_id, follow_up.concern_task_id])
    assert client.post(url, {"action_taken": "Ringde och flyttade starttiden"}).status_code == 302

    assert "Har svårt med tiderna" not in client.get(reverse("home")).content.decode()
    page = client.get(reverse("placements:detail", args=[placement.pk])).content.decode()
    assert "Hanterad" in page and "Ringde och flyttade starttiden" in page and "Inte hanterad än" not in page


def test_an_open_concern_stays_on_the_start_page_after_30_days_and_a_handled_one_leaves_at_once(
    client: Client, placement
) -> None:
    coordinator = placement.coordinator
    old = _concern(placement, by=placement.supervisor.user, text="Gammal oro", done_on=TODAY - dt.timedelta(days=45))
    recent = _concern(placement, by=placement.supervisor.user, text="Ny men hanterad", done_on=TODAY)
    task_close(task=recent.concern_task, by=coordinator, action_taken="Pratade med handledaren")
    client.force_login(coordinator)
    home = client.get(reverse("home")).content.decode()
    assert "Gammal oro" in home and "Ny men hanterad" not in home
    assert old.concern_task.is_open


def test_the_placement_page_shows_every_follow_up_in_full(client: Client, placement) -> None:
    follow_up_log(
        placement=placement,
        by=placement.supervisor.user,
        done_on=TODAY,
        days_present=7,
        days_absent=3,
        tasks_done="Packade varor på hyllorna",
        progress_work=4,
        progress_swedish=2,
        progress_cooperation=5,
        next_steps="Öva på kassan",
    )
    client.force_login(placement.coordinator)
    page = client.get(reverse("placements:detail", args=[placement.pk])).content.decode()
    assert "7 dagar närvarande, 3 dagar frånvarande" in page
    assert "Packade varor på hyllorna" in page and "Öva på kassan" in page
    assert "4 / 5" in page and "2 / 5" in page and "5 / 5" in page
    name = placement.supervisor.user.get_full_name() or placement.supervisor.user.username
    assert f"registrerad av {name}" in page
