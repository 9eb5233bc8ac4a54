"""The coordinator's journey with the keyboard only (Tab, Enter, Space), with focus always visible:
the skip link comes first, and every focused control shows a focus indicator."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from participants.models import ParticipantStatus
from participants.tests.factories import ParticipantFactory, WorkExperienceFactory
from placements.models import Placement, PlacementStatus
from placements.tests.factories import with_signatures

from .conftest import PASSWORD
from .world import coordinator_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FOCUS_SHOWN = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  const outlined = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const ringed = style.boxShadow && style.boxShadow !== "none";
  return box.width > 0 && box.height > 0 && (outlined || ringed);
}"""

FOCUSED_NAME = """() => {
  const element = document.activeElement;
  return (element.innerText || element.value || element.getAttribute("aria-label") || "").trim();
}"""


def tab_to(page: Page, name: str, limit: int = 60) -> None:
    """Press Tab until the control named `name` has focus, checking each stop shows its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_NAME)
        assert page.evaluate(FOCUS_SHOWN), f"focus is not visible on {focused!r} at {page.url}"
        if focused == name:
            return
    raise AssertionError(f"{name!r} was not reached with Tab on {page.url}")


def test_the_coordinator_journey_works_with_the_keyboard_alone(page: Page, live_server: Any) -> None:
    world = coordinator_world()
    participant = ParticipantFactory(
        team=world.team,
        coordinator=world.coordinator,
        first_name="Nour",
        last_name="Tangent",
        status=ParticipantStatus.MAPPED,
    )
    WorkExperienceFactory(participant=participant, occupation=world.occupation, years=Decimal("3"))

    page.goto(f"{live_server.url}/accounts/login/")
    # The login form puts the focus in the user name field (Django's autofocus).
    expect(page.get_by_label("Användarnamn")).to_be_focused()
    assert page.evaluate(FOCUS_SHOWN)
    page.keyboard.type(world.coordinator.username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")

    # The first Tab stop is the skip link, shown when focused; Enter jumps past the navigation.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hoppa till innehållet")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    assert page.evaluate(FOCUS_SHOWN)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))  # waits: the jump is handled after the key press
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.getElementById('main').contains(document.activeElement)")
    page.keyboard.press("Shift+Tab")

    tab_to(page, world.need.title)  # from the start page's open needs
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/needs/{world.need.pk}/")
    tab_to(page, "Hitta kandidater")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/placements/for-need/{world.need.pk}/")
    tab_to(page, "Föreslå")
    page.keyboard.press("Enter")
    page.wait_for_url("**/placements/*/")
    # The parties' signatures, recorded directly (test_signing_journey.py signs through the pages).
    with_signatures(Placement.objects.get(participant=participant))
    # Agreeing is offered once every party has signed: the page is loaded again to show it.
    page.reload()
    tab_to(page, "Kom överens om praktikperioden")
    page.keyboard.press("Space")
    expect(page.get_by_role("button", name="Markera som startad")).to_be_visible()

    placement = Placement.objects.get(participant=participant)
    assert placement.status == PlacementStatus.AGREED
    assert placement.planned_start == max(world.need.start_date, dt.date.today())
