"""Every page of every role, walked in Chromium at 320 px (with normal text and with the text at 200 %)
and at 1280 px: no sideways scroll (WCAG 1.4.10, 1.4.4), form-control borders at 3:1 or more (1.4.11),
links in alerts at 4.5:1 (1.4.3), a title of its own per kind of page (2.4.2), and axe-core's serious
and critical findings at zero. The navigation bar keeps its log-out buttons on the screen at 200 % text
at every width. Tom Select's combobox says what its select says."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from accounts.models import Role
from accounts.tests.factories import UserFactory
from participants.tests.factories import ParticipantFactory
from placements.tests.factories import FollowUpFactory

from .conftest import PASSWORD, axe_violations, log_in
from .walk import enlarge_text, measure, shared_titles, walk
from .world import active_placement_with_follow_up_due, coordinator_world, manager

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def world() -> Any:
    world = coordinator_world()
    placement, supervisor_user, due = active_placement_with_follow_up_due(world)
    # A concern logged yesterday: the start page shows it in an alert with a link.
    FollowUpFactory(
        placement=placement,
        due_date=dt.date.today() - dt.timedelta(days=1),
        done_on=dt.date.today() - dt.timedelta(days=1),
        concern=True,
        concern_text="Har inte kommit tre dagar i rad.",
    )
    # Enough participants for the list to have a second page (the pagination is checked too).
    ParticipantFactory.create_batch(26, team=world.team, coordinator=world.coordinator)
    world.placement, world.supervisor_user, world.due = placement, supervisor_user, due  # type: ignore[attr-defined]  # the world is a plain namespace of objects
    world.session = world.supervisor.enrolments.first().session  # type: ignore[attr-defined]  # the world is a plain namespace of objects
    return world


# How each walk looks at the pages: a phone 320 px wide with normal text (and axe-core on every page),
# the same phone with the text at 200 %, and a desktop 1280 px wide (axe-core again).
LAYOUTS: dict[str, tuple[ViewportSize, bool]] = {
    "phone": ({"width": 320, "height": 640}, False),
    "phone-large-text": ({"width": 320, "height": 640}, True),
    "desktop": ({"width": 1280, "height": 800}, False),
}


def check_walk(page: Page, base: str, seeds: list[str], expected: set[str], layout: str) -> list[str]:
    """Walk in the layout; the problems, one line each. The kinds of page visited must include
    `expected`, so the walk cannot quietly shrink."""
    viewport, large_text = LAYOUTS[layout]
    page.set_viewport_size(viewport)
    if large_text:
        visits = walk(page, base, seeds, before=enlarge_text)
    else:
        visits = walk(page, base, seeds, also=axe_violations)
    problems = [f"{visit.path} ({layout}): {problem}" for visit in visits for problem in visit.problems]
    problems += [f"two kinds of page share a title: {shared}" for shared in shared_titles(visits)]
    missing = expected - {visit.page_type for visit in visits}
    assert not missing, f"the walk did not reach {sorted(missing)}"
    return problems


EVERY_LAYOUT = pytest.mark.parametrize("layout", list(LAYOUTS))


@EVERY_LAYOUT
def test_the_coordinators_pages_reflow_and_pass_axe(page: Page, live_server: Any, world: Any, layout: str) -> None:
    log_in(page, live_server, world.coordinator.username)
    need, placement = world.need, world.placement
    seeds = [
        "/",
        "/participants/?sort=-referral_date",  # a sorted list, with its second page linked
        f"/placements/new/?need={need.pk}",
        f"/supervisors/training/sessions/{world.session.pk}/",
        f"/placements/{placement.pk}/follow-up/?due={world.due.pk}",
    ]
    expected = {
        "home",
        "participants:list",
        "participants:detail",
        "participants:edit",
        "participants:create",
        "participants:lookup",
        "participants:import_upload",
        "workplaces:organisation_list",
        "workplaces:organisation_detail",
        "workplaces:organisation_create",
        "workplaces:organisation_edit",
        "workplaces:workplace_detail",
        "workplaces:workplace_create",
        "workplaces:workplace_edit",
        "workplaces:need_list",
        "workplaces:need_detail",
        "workplaces:need_create",
        "workplaces:need_edit",
        "placements:detail",
        "placements:propose",
        "placements:allocation",
        "placements:need_candidates",
        "placements:participant_needs",
        "placements:follow_up",
        "placements:summary",  # the participant's "Din praktik", from the placement page
        "supervisors:list",
        "supervisors:detail",
        "supervisors:create",
        "supervisors:edit",
        "supervisors:training",
        "supervisors:session",
        "supervisors:session_create",
        "accessibility",
        "start_list",  # each start-page panel's whole list (issue 16)
        "participants:task_list",
    }
    problems = check_walk(page, live_server.url, seeds, expected, layout)
    assert not problems, "\n".join(problems)


@EVERY_LAYOUT
def test_the_supervisors_pages_reflow_and_pass_axe(page: Page, live_server: Any, world: Any, layout: str) -> None:
    log_in(page, live_server, world.supervisor_user.username)
    follow_up = f"/placements/{world.placement.pk}/follow-up/?due={world.due.pk}"
    expected = {
        "home",
        "placements:portal_placement",
        "placements:follow_up",
        "start_list",
        "placements:portal_certificate",
    }
    problems = check_walk(page, live_server.url, ["/", follow_up], expected, layout)
    assert not problems, "\n".join(problems)


@EVERY_LAYOUT
def test_the_managers_pages_reflow_and_pass_axe(page: Page, live_server: Any, world: Any, layout: str) -> None:
    log_in(page, live_server, manager().username)
    expected = {"home", "reporting:dashboard", "reporting:archive", "reporting:targets", "reporting:fairness"}
    problems = check_walk(page, live_server.url, ["/"], expected, layout)
    assert not problems, "\n".join(problems)


@EVERY_LAYOUT
def test_the_administrators_pages_reflow_and_pass_axe(page: Page, live_server: Any, world: Any, layout: str) -> None:
    admin = UserFactory(username="admin", role=Role.ADMINISTRATOR)
    log_in(page, live_server, admin.username, PASSWORD)
    expected = {"home", "access_log_review", "privacy:requests"}
    problems = check_walk(page, live_server.url, ["/"], expected, layout)
    assert not problems, "\n".join(problems)


@EVERY_LAYOUT
def test_the_public_pages_reflow_and_pass_axe(page: Page, live_server: Any, layout: str) -> None:
    expected = {"login", "password_reset", "accessibility"}
    problems = check_walk(page, live_server.url, ["/accounts/login/", "/accounts/password_reset/"], expected, layout)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width", [320, 768, 1024, 1280])
def test_at_200_percent_text_the_navigation_keeps_the_log_out_buttons_on_screen(
    page: Page, live_server: Any, world: Any, width: int
) -> None:
    """Text enlarged to 200 %, for the coordinator, whose navigation bar has the most links."""
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, live_server, world.coordinator.username)
    enlarge_text(page)
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        expect(page.locator("#main-nav")).to_be_visible()
    for name in ("Logga ut", "Logga ut överallt"):
        button = page.get_by_role("button", name=name, exact=True)
        expect(button).to_be_visible()
        box = button.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (name, box)
    sideways = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert sideways <= 0, f"the page scrolls {sideways} px sideways at {width} px with 200 % text"


def test_tom_select_passes_the_fields_state_to_its_combobox(page: Page, live_server: Any, world: Any) -> None:
    """After an empty submit the participant picker's combobox is invalid, described by its error,
    and shows a clear focus outline."""
    log_in(page, live_server, world.coordinator.username)
    page.goto(f"{live_server.url}/placements/new/")
    page.get_by_role("main").get_by_role("button", name="Föreslå", exact=True).click()
    page.wait_for_load_state()
    combobox = page.locator("#id_participant-ts-control")
    expect(combobox).to_have_attribute("aria-invalid", "true")
    described = (combobox.get_attribute("aria-describedby") or "").split()
    texts = [page.locator(f"[id='{id_}']").inner_text() for id_ in described]
    assert any("obligatoriskt" in text for text in texts), texts
    combobox.focus()
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.querySelector('#id_participant').tomselect.control);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )
    assert outline[0] != "none" and outline[1] >= 2, outline


def test_the_checks_find_what_they_look_for(page: Page) -> None:
    """The measures are not blind: a page with a faint field border, a wide block, and a pale link
    in an alert is reported on all three counts."""
    page.set_viewport_size(LAYOUTS["phone"][0])
    page.set_content(
        "<html><body style='margin:0'>"
        "<input id='faint' style='border:1px solid #dee2e6'>"
        "<div style='width:500px'>wide</div>"
        "<div class='alert' style='background:#fff3cd'><a href='#x' style='color:#6ea8fe'>pale</a></div>"
        "</body></html>"
    )
    problems = measure(page)
    assert any(p.startswith("scrolls sideways: 500 px") for p in problems), problems
    assert any("faint: border rgb(222, 226, 230) is 1.3" in p for p in problems), problems
    assert any('link "pale"' in p for p in problems), problems
