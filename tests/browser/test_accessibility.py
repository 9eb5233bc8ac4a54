"""axe-core on every main page of each role, in Chromium: no serious or critical WCAG 2.1 A/AA
violation on lists, details, dashboards, the portal, the public pages, and on forms both as
first shown and after an empty (or half-filled) submit has put errors next to the fields."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page

from accounts.models import Role
from accounts.tests.factories import UserFactory
from participants.tests.factories import CaseNoteFactory, TaskFactory

from .conftest import PASSWORD, axe_violations, log_in
from .world import active_placement_with_follow_up_due, coordinator_world, manager

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# A page, and optionally what to do on it before the check (for instance submit the form empty).
Step = tuple[str, Callable[[Page], None] | None]


def submit(button: str) -> Callable[[Page], None]:
    def press(page: Page) -> None:
        page.get_by_role("main").get_by_role("button", name=button, exact=True).click()
        page.wait_for_load_state()

    return press


def check_pages(page: Page, base: str, steps: list[Step]) -> None:
    problems: list[str] = []
    for path, action in steps:
        response = page.goto(base + path)
        assert response is not None and response.status == 200, (path, response and response.status)
        if action is not None:
            action(page)
        label = path + (" (after submit)" if action else "")
        problems += [f"{label}: {problem}" for problem in axe_violations(page)]
    assert not problems, "axe-core found serious or critical WCAG 2.1 AA violations:\n" + "\n".join(problems)


@pytest.fixture
def world() -> Any:
    world = coordinator_world()
    placement, supervisor_user, due = active_placement_with_follow_up_due(world)
    world.placement, world.supervisor_user, world.due = placement, supervisor_user, due  # type: ignore[attr-defined]  # added to the World
    world.session = world.supervisor.enrolments.first().session  # type: ignore[attr-defined]  # added to the World
    return world


def test_the_public_pages_are_accessible(page: Page, live_server: Any) -> None:
    check_pages(
        page,
        live_server.url,
        [
            ("/accounts/login/", None),
            ("/accounts/login/", submit("Logga in")),
            ("/accounts/password_reset/", None),
            ("/accessibility/", None),
        ],
    )


def test_the_coordinators_pages_are_accessible(page: Page, live_server: Any, world: Any) -> None:
    need, placement = world.need, world.placement
    participant, workplace = placement.participant, need.workplace
    task = TaskFactory(participant=participant, assignee=world.coordinator, detail="Ring handledaren")
    CaseNoteFactory(participant=participant, text="Ringde om schemat")
    log_in(page, live_server, world.coordinator.username)
    check_pages(
        page,
        live_server.url,
        [
            ("/", None),
            ("/participants/", None),
            ("/participants/new/", None),
            ("/participants/new/", submit("Spara")),
            (f"/participants/{participant.pk}/", None),
            (f"/participants/{participant.pk}/edit/", None),
            (f"/participants/{participant.pk}/timetable/", None),
            ("/participants/lookup/", None),
            ("/participants/lookup/", submit("Slå upp")),
            ("/participants/import/", None),
            ("/organisations/", None),
            ("/organisations/new/", submit("Spara")),
            (f"/organisations/{workplace.organisation_id}/", None),
            (f"/workplaces/{workplace.pk}/", None),
            (f"/workplaces/{workplace.pk}/needs/new/", None),
            (f"/workplaces/{workplace.pk}/needs/new/", submit("Spara")),
            ("/needs/", None),
            (f"/needs/{need.pk}/", None),
            (f"/placements/for-need/{need.pk}/", None),
            (f"/placements/for-participant/{participant.pk}/", None),
            (f"/placements/new/?need={need.pk}", None),
            (f"/placements/new/?need={need.pk}", submit("Föreslå")),
            (f"/placements/{placement.pk}/", None),
            ("/placements/allocation/", None),
            ("/supervisors/", None),
            (f"/supervisors/{world.supervisor.pk}/", None),
            (f"/supervisors/new/at/{workplace.pk}/", submit("Spara")),
            ("/supervisors/training/", None),
            (f"/supervisors/training/sessions/{world.session.pk}/", None),
            ("/supervisors/training/sessions/new/", submit("Spara")),
            ("/accessibility/", None),
            # The case journal and the start page's whole lists (issue 16).
            (f"/participants/{participant.pk}/notes/new/", None),
            (f"/participants/{participant.pk}/notes/new/", submit("Spara")),
            (f"/participants/{participant.pk}/tasks/new/", None),
            (f"/participants/{participant.pk}/tasks/new/", submit("Spara")),
            (f"/participants/{participant.pk}/tasks/{task.pk}/close/", None),
            (f"/participants/{participant.pk}/tasks/{task.pk}/close/", submit("Markera som gjord")),
            ("/participants/tasks/", None),
            ("/start/waiting/", None),
            ("/start/concerns/", None),
            ("/start/overdue/", None),
            ("/start/needs/", None),
        ],
    )


def test_the_signing_pages_are_accessible(page: Page, live_server: Any, world: Any) -> None:
    """The coordinator's signing page (before and after sending, with a refused signature and
    paper upload), the public page a personal link opens, and its refusal page."""
    from placements import signing
    from placements.tests.factories import AgreementTermsFactory, PlacementFactory

    proposed = PlacementFactory(
        need=world.need,
        supervisor=world.supervisor,
        coordinator=world.coordinator,
        participant__team=world.team,
        participant__coordinator=world.coordinator,
        planned_start=world.need.start_date + dt.timedelta(days=100),
        planned_end=world.need.start_date + dt.timedelta(days=130),
    )
    AgreementTermsFactory(municipality=proposed.municipality)  # the municipality's standard terms
    log_in(page, live_server, world.coordinator.username)
    signing_path = f"/placements/{proposed.pk}/signing/"
    check_pages(
        page,
        live_server.url,
        [(signing_path, None), (signing_path, submit("Lås och skicka förfrågningarna om underskrift"))],
    )
    check_pages(
        page,
        live_server.url,
        [
            (signing_path, submit("Underteckna")),
            (signing_path, submit("Registrera pappersunderskriften")),
        ],
    )
    document = signing.current_document(proposed)
    link = signing.link_create(document=document, party="participant")
    page.context.clear_cookies()
    check_pages(
        page,
        live_server.url,
        [(link, None), (link, submit("Underteckna överenskommelsen"))],
    )
    refused = page.goto(live_server.url + link[:-3] + "xx/")
    assert refused is not None and refused.status == 404
    assert not axe_violations(page)


def concern_without_text(page: Page) -> None:
    page.get_by_label("Jag är orolig för något").check()
    submit("Spara uppföljningen")(page)


@pytest.mark.browser_context_args(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
def test_the_supervisors_portal_is_accessible_on_a_phone(page: Page, live_server: Any, world: Any) -> None:
    placement = world.placement
    log_in(page, live_server, world.supervisor_user.username)
    follow_up = f"/placements/{placement.pk}/follow-up/?due={world.due.pk}"
    check_pages(
        page,
        live_server.url,
        [
            ("/", None),
            (f"/placements/portal/{placement.pk}/", None),
            ("/start/follow-ups-due/", None),
            (follow_up, None),
            (follow_up, concern_without_text),
            (f"/placements/portal/{placement.pk}/certificate/", None),
            (f"/placements/portal/{placement.pk}/certificate/", submit("Skicka till koordinatorn")),
        ],
    )


def test_the_managers_pages_are_accessible(page: Page, live_server: Any) -> None:
    log_in(page, live_server, manager().username)
    check_pages(
        page,
        live_server.url,
        [
            ("/", None),
            ("/dashboard/", None),
            ("/dashboard/reports/", None),
            ("/dashboard/targets/", None),
            ("/dashboard/fairness/", None),
        ],
    )


def test_the_administrators_log_review_is_accessible(page: Page, live_server: Any) -> None:
    admin = UserFactory(username="admin", role=Role.ADMINISTRATOR)
    log_in(page, live_server, admin.username, PASSWORD)
    check_pages(page, live_server.url, [("/", None), ("/access-log/review/", None)])


def test_the_meeting_pages_are_accessible(page: Page, live_server: Any, world: Any) -> None:
    from placements.tests.factories import MeetingFactory

    placement = world.placement
    meeting = MeetingFactory(placement=placement, booked_by=world.coordinator)
    log_in(page, live_server, world.coordinator.username)
    check_pages(
        page,
        live_server.url,
        [
            (f"/placements/{placement.pk}/", None),
            (f"/placements/{placement.pk}/meetings/new/", None),
            (f"/placements/{placement.pk}/meetings/new/", submit("Boka och skicka inbjudningarna")),
            (f"/placements/{placement.pk}/meetings/{meeting.pk}/change/", None),
            ("/placements/week/", None),
            ("/placements/calendar/", None),
            ("/placements/calendar/", submit("Skapa mitt kalenderflöde")),
        ],
    )
