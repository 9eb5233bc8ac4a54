"""The start pages: the coordinator's "Tasks due" panel, and each panel's link to its whole list, a page
at a time, for the panel's own role only. The start page's queries do not grow with the rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessAction, AccessLogEntry
from accounts.tests.factories import CoordinatorFactory, ManagerFactory, SupervisorUserFactory
from participants.models import ParticipantStatus
from participants.tests.factories import ParticipantFactory, TaskFactory
from placements.selectors import COORDINATOR_PANELS, START_PAGE_ROWS, SUPERVISOR_PANELS
from placements.services import follow_up_log
from placements.tests.factories import FollowUpFactory, PlacementFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


def test_the_tasks_due_panel_shows_the_coordinators_own_tasks_due_soon_and_links_to_all(client, coordinator):
    person = ParticipantFactory(team=coordinator.team, coordinator=coordinator)
    TaskFactory(participant=person, assignee=coordinator, title="Försenad", due_on=TODAY - dt.timedelta(days=2))
    TaskFactory(participant=person, assignee=coordinator, title="Snart", due_on=TODAY + dt.timedelta(days=3))
    TaskFactory(participant=person, assignee=coordinator, title="Långt fram", due_on=TODAY + dt.timedelta(days=30))
    TaskFactory(participant=person, assignee=coordinator, title="Klar", due_on=TODAY, done=True)
    TaskFactory(participant=person, title="Kollegans")
    client.force_login(coordinator)
    page = client.get(reverse("home")).content.decode()
    assert "2 uppgifter att göra snart" in page
    assert page.index("Försenad") < page.index("Snart")
    for other in ("Långt fram", "Klar", "Kollegans"):
        assert other not in page
    assert reverse("participants:task_list") in page


def test_every_coordinator_panel_links_to_its_whole_list_which_pages_past_ten_rows(client, coordinator):
    for _ in range(START_PAGE_ROWS + 16):
        ParticipantFactory(team=coordinator.team, status=ParticipantStatus.MAPPED)
    client.force_login(coordinator)
    home = client.get(reverse("home")).content.decode()
    for panel in ("waiting", "overdue", "starting", "ending", "needs"):
        assert reverse("start_list", args=[panel]) in home, panel
    first = client.get(reverse("start_list", args=["waiting"]))
    assert first.status_code == 200 and len(first.context["rows"]) == 25
    second = client.get(reverse("start_list", args=["waiting"]), {"page": 2})
    assert len(second.context["rows"]) == 1
    # Every person listed is a list entry in the access log.
    assert AccessLogEntry.objects.filter(user=coordinator, action=AccessAction.LIST).count() >= 26
    for panel in COORDINATOR_PANELS:
        assert client.get(reverse("start_list", args=[panel])).status_code == 200, panel


def test_an_open_concern_past_the_panels_ten_rows_is_on_the_whole_list(client, coordinator):
    person = ParticipantFactory(team=coordinator.team, coordinator=coordinator)
    placement = PlacementFactory(participant=person, active=True, actual_start=TODAY - dt.timedelta(days=90))
    for n in range(START_PAGE_ROWS + 2):
        follow_up_log(
            placement=placement,
            by=None,
            done_on=TODAY - dt.timedelta(days=n),
            concern=True,
            concern_text=f"Oro nummer {n}",
        )
    client.force_login(coordinator)
    assert "Oro nummer 11" not in client.get(reverse("home")).content.decode()
    assert "Oro nummer 11" in client.get(reverse("start_list", args=["concerns"])).content.decode()


def test_the_supervisors_panel_links_to_its_whole_list_and_other_roles_get_404(client):
    user = SupervisorUserFactory()
    placement = PlacementFactory(active=True, supervisor__user=user)
    FollowUpFactory(placement=placement, due_date=TODAY)
    client.force_login(user)
    assert reverse("start_list", args=["follow-ups-due"]) in client.get(reverse("home")).content.decode()
    assert len(client.get(reverse("start_list", args=["follow-ups-due"])).context["rows"]) == 1
    for panel in COORDINATOR_PANELS:
        assert client.get(reverse("start_list", args=[panel])).status_code == 404
    client.force_login(CoordinatorFactory())
    for panel in SUPERVISOR_PANELS:
        assert client.get(reverse("start_list", args=[panel])).status_code == 404
    client.force_login(ManagerFactory())
    assert client.get(reverse("start_list", args=["waiting"])).status_code == 404
    assert reverse("reporting:dashboard") in client.get(reverse("home")).content.decode()
    assert client.get(reverse("start_list", args=["no-such-panel"])).status_code == 404


def test_the_coordinators_start_page_does_not_grow_in_queries_with_tasks_and_concerns(coordinator) -> None:
    client = Client()
    client.force_login(coordinator)

    def grow(n: int) -> None:
        for _ in range(n):
            person = ParticipantFactory(team=coordinator.team, coordinator=coordinator)
            TaskFactory(participant=person, assignee=coordinator, due_on=TODAY)
            placement = PlacementFactory(participant=person, active=True, actual_start=TODAY - dt.timedelta(days=9))
            follow_up_log(placement=placement, by=None, done_on=TODAY, concern=True, concern_text="Orolig")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("home")).status_code == 200
        return len(captured)

    grow(2)
    few = queries()
    grow(4)
    assert queries() == few
