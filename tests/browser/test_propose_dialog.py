"""Issue 14, point 4, in Chromium: *Föreslå* on a ranking and *Godta* on an allocation row propose in one
click when every rule holds; otherwise the pre-filled dialog opens with every problem at once, is
filled in and proposes. Without JavaScript the same buttons lead to the full-page form. At desktop width
and on a 360 px phone (where the dialog fills the screen), with axe-core on the open dialog."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from participants.models import Participant, ParticipantStatus
from participants.tests.factories import ParticipantFactory, WorkExperienceFactory
from placements.models import Placement, PlacementStatus
from supervisors.tests.factories import SupervisorFactory
from taxonomy.tests.factories import PlacementTypeFactory, PrerequisiteFactory
from workplaces.models import Need
from workplaces.tests.factories import NeedFactory

from .conftest import SCREENSHOTS, axe_violations, log_in
from .world import World, coordinator_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}
EVERY_WIDTH = pytest.mark.parametrize("width", list(WIDTHS))
PLACEMENT_PAGE = re.compile(r"/placements/\d+/$")


@dataclass
class ProposeWorld:
    world: World
    ready: Participant  # meets every rule at the world's need
    hard_need: Need  # a type with a decision reference, an untrained supervisor, a prerequisite
    hard: Participant  # ranked for the hard need, with its problems


def propose_world() -> ProposeWorld:
    world = coordinator_world()
    ready = _person(world, "Nour", "Redo")
    labour = PlacementTypeFactory(
        code="arbetspraktik-test", name="Arbetspraktik", requires_decision_reference=True, max_weeks=26
    )
    today = dt.date.today()
    hard_need = NeedFactory(
        title="Kök på Ekhagen",
        occupation=world.occupation,
        placement_type=labour,
        start_date=today,
        end_date=today + dt.timedelta(weeks=12),
    )
    hard_need.prerequisites.add(PrerequisiteFactory(code="hygien", name="Hygienkurs"))
    SupervisorFactory(workplace=hard_need.workplace, first_name="Olle", last_name="Outbildad")
    hard = _person(world, "Sara", "Svårsson")
    return ProposeWorld(world=world, ready=ready, hard_need=hard_need, hard=hard)


def _person(world: World, first: str, last: str) -> Participant:
    person = ParticipantFactory(
        team=world.team,
        coordinator=world.coordinator,
        first_name=first,
        last_name=last,
        status=ParticipantStatus.MAPPED,
        hours_per_day=Decimal("8.0"),
    )
    WorkExperienceFactory(participant=person, occupation=world.occupation, years=Decimal("3"))
    return person


def shot(page: Page, request: pytest.FixtureRequest, step: str) -> None:
    """A screenshot as a test artefact: the full page, or the screen while the dialog is open (it is
    fixed to the screen, and a full-page shot would show the page behind it)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{request.node.name}-{step}.png"
    page.screenshot(path=str(path), full_page=not page.locator("#propose-dialog.show").count())


def row_of(page: Page, name: str) -> Any:
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))


def lines_of(button: Any) -> int:
    """How many lines the button's text takes."""
    return int(
        button.evaluate(
            "(b) => { const r = document.createRange(); r.selectNodeContents(b); return r.getClientRects().length; }"
        )
    )


def dialog_of(page: Page) -> Any:
    return page.get_by_role("dialog", name="Föreslå en praktikperiod")


@EVERY_WIDTH
def test_one_click_on_a_ranking_proposes_for_a_person_who_meets_every_rule(
    page: Page, live_server: Any, request: pytest.FixtureRequest, width: str
) -> None:
    setting = propose_world()
    page.set_viewport_size(WIDTHS[width])  # type: ignore[arg-type]  # a ViewportSize
    log_in(page, live_server, setting.world.coordinator.username)
    page.goto(f"{live_server.url}/placements/for-need/{setting.world.need.pk}/")
    shot(page, request, "ranking")
    button = row_of(page, "Nour Redo").get_by_role("button", name="Föreslå")
    assert lines_of(button) == 1  # "Föreslå", not "Före-slå" on a phone
    button.click()
    page.wait_for_url(PLACEMENT_PAGE)
    expect(page.get_by_role("status").first).to_contain_text("Praktikperioden för Nour Redo är föreslagen.")
    placement = Placement.objects.get(participant=setting.ready)
    assert placement.status == PlacementStatus.PROPOSED
    assert placement.supervisor == setting.world.supervisor
    assert page.url.endswith(f"/placements/{placement.pk}/")
    shot(page, request, "proposed")


@EVERY_WIDTH
def test_the_dialog_lists_every_problem_at_once_and_proposes_once_they_are_given(
    page: Page, live_server: Any, request: pytest.FixtureRequest, width: str
) -> None:
    setting = propose_world()
    page.set_viewport_size(WIDTHS[width])  # type: ignore[arg-type]  # a ViewportSize
    log_in(page, live_server, setting.world.coordinator.username)
    page.goto(f"{live_server.url}/placements/for-need/{setting.hard_need.pk}/")
    opener = row_of(page, "Sara Svårsson").get_by_role("button", name="Föreslå")
    opener.click()

    dialog = dialog_of(page)
    expect(dialog).to_be_visible()
    problems = dialog.locator("[data-problems]")
    expect(problems).to_contain_text("Arbetspraktik kräver beslutsnummer.")
    expect(problems).to_contain_text("Olle Outbildad har ingen handledarutbildning")
    expect(dialog.locator("[data-warnings]")).to_contain_text("Hygienkurs")
    # The confirmation's problem is not prefixed with the checkbox's long label.
    expect(problems).not_to_contain_text("hela perioden:")
    expect(dialog.get_by_role("radio", name=re.compile("Olle Outbildad.*0 av 2 i perioden"))).to_be_checked()
    # The keyboard: focus is in the dialog, and Escape closes it (and gives focus back to the button).
    page.wait_for_function("() => document.getElementById('propose-dialog').contains(document.activeElement)")
    if width == "phone":
        box = page.locator("#propose-dialog .modal-dialog").bounding_box()
        assert box is not None and box["width"] == WIDTHS["phone"]["width"], box
    found = axe_violations(page)
    assert not found, "\n".join(found)
    shot(page, request, "dialog")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(opener).to_be_focused()
    assert not Placement.objects.filter(participant=setting.hard).exists()

    opener.click()
    expect(dialog).to_be_visible()
    dialog.get_by_label("Beslutsnummer").fill("AF-2026-123")
    dialog.get_by_label("Jag vet att handledarens utbildning inte gäller hela perioden").check()
    shot(page, request, "dialog-filled")
    dialog.get_by_role("button", name="Föreslå").click()
    page.wait_for_url(PLACEMENT_PAGE)
    expect(page.get_by_role("status").first).to_contain_text("Praktikperioden för Sara Svårsson är föreslagen.")
    placement = Placement.objects.get(participant=setting.hard)
    assert (placement.decision_reference, placement.untrained_supervisor_confirmed) == ("AF-2026-123", True)
    assert placement.need == setting.hard_need
    shot(page, request, "proposed")


@EVERY_WIDTH
def test_the_dialog_shows_what_is_still_missing_after_a_half_filled_submit(
    page: Page, live_server: Any, request: pytest.FixtureRequest, width: str
) -> None:
    setting = propose_world()
    page.set_viewport_size(WIDTHS[width])  # type: ignore[arg-type]  # a ViewportSize
    log_in(page, live_server, setting.world.coordinator.username)
    page.goto(f"{live_server.url}/placements/for-need/{setting.hard_need.pk}/")
    row_of(page, "Sara Svårsson").get_by_role("button", name="Föreslå").click()
    dialog = dialog_of(page)
    dialog.get_by_label("Beslutsnummer").fill("AF-2026-124")
    dialog.get_by_role("button", name="Föreslå").click()
    problems = dialog.locator("[data-problems]")
    expect(problems).to_contain_text("Olle Outbildad har ingen handledarutbildning")
    expect(problems).not_to_contain_text("beslutsnummer")
    expect(problems).to_be_focused()  # the keyboard user is told what is still missing, in the dialog
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Beslutsnummer")).to_have_value("AF-2026-124")
    found = axe_violations(page)
    assert not found, "\n".join(found)
    shot(page, request, "dialog-again")
    assert not Placement.objects.filter(participant=setting.hard).exists()


@EVERY_WIDTH
def test_accepting_an_allocation_row_proposes_in_one_click_and_stays_on_the_allocation(
    page: Page, live_server: Any, request: pytest.FixtureRequest, width: str
) -> None:
    setting = propose_world()
    page.set_viewport_size(WIDTHS[width])  # type: ignore[arg-type]  # a ViewportSize
    log_in(page, live_server, setting.world.coordinator.username)
    page.goto(f"{live_server.url}/placements/allocation/")
    row = row_of(page, "Nour Redo")
    expect(row).to_contain_text(setting.world.need.title)
    assert lines_of(row.get_by_role("button", name="Godta")) == 1
    shot(page, request, "allocation")
    row.get_by_role("button", name="Godta").click()
    expect(page.get_by_role("status").first).to_contain_text("Praktikperioden för Nour Redo är föreslagen.")
    assert page.url == f"{live_server.url}/placements/allocation/"
    placement = Placement.objects.get(participant=setting.ready)
    assert (placement.need, placement.status) == (setting.world.need, PlacementStatus.PROPOSED)
    expect(row_of(page, "Nour Redo")).to_have_count(0)  # proposed, no longer waiting for a place
    shot(page, request, "accepted")


@EVERY_WIDTH
def test_one_click_on_a_participants_suitable_needs_proposes(
    page: Page, live_server: Any, request: pytest.FixtureRequest, width: str
) -> None:
    setting = propose_world()
    page.set_viewport_size(WIDTHS[width])  # type: ignore[arg-type]  # a ViewportSize
    log_in(page, live_server, setting.world.coordinator.username)
    page.goto(f"{live_server.url}/placements/for-participant/{setting.ready.pk}/")
    shot(page, request, "needs")
    row_of(page, setting.world.need.title).get_by_role("button", name="Föreslå").click()
    page.wait_for_url(PLACEMENT_PAGE)
    expect(page.get_by_role("status").first).to_contain_text("Praktikperioden för Nour Redo är föreslagen.")
    placement = Placement.objects.get(participant=setting.ready)
    assert placement.need == setting.world.need
    shot(page, request, "proposed")


@EVERY_WIDTH
def test_a_participants_suitable_needs_open_the_dialog_for_a_need_with_problems(
    page: Page, live_server: Any, request: pytest.FixtureRequest, width: str
) -> None:
    setting = propose_world()
    page.set_viewport_size(WIDTHS[width])  # type: ignore[arg-type]  # a ViewportSize
    log_in(page, live_server, setting.world.coordinator.username)
    page.goto(f"{live_server.url}/placements/for-participant/{setting.hard.pk}/")
    row_of(page, setting.hard_need.title).get_by_role("button", name="Föreslå").click()
    dialog = dialog_of(page)
    expect(dialog.locator("[data-problems]")).to_contain_text("Arbetspraktik kräver beslutsnummer.")
    dialog.get_by_label("Beslutsnummer").fill("AF-2026-125")
    dialog.get_by_label("Jag vet att handledarens utbildning inte gäller hela perioden").check()
    dialog.get_by_role("button", name="Föreslå").click()
    page.wait_for_url(PLACEMENT_PAGE)
    assert Placement.objects.get(participant=setting.hard).need == setting.hard_need
    shot(page, request, "proposed")


@EVERY_WIDTH
def test_without_javascript_propose_leads_to_the_full_page_form_that_works(
    browser: Browser, live_server: Any, request: pytest.FixtureRequest, width: str
) -> None:
    setting = propose_world()
    context = browser.new_context(java_script_enabled=False, locale="sv-SE", viewport=WIDTHS[width])  # type: ignore[arg-type]  # a ViewportSize
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        log_in(page, live_server, setting.world.coordinator.username)
        # Who meets every rule is proposed at once, without the form.
        page.goto(f"{live_server.url}/placements/for-need/{setting.world.need.pk}/")
        row_of(page, "Nour Redo").get_by_role("button", name="Föreslå").click()
        page.wait_for_url(PLACEMENT_PAGE)
        expect(page.get_by_role("status").first).to_contain_text("Praktikperioden för Nour Redo är föreslagen.")

        page.goto(f"{live_server.url}/placements/for-need/{setting.hard_need.pk}/")
        row_of(page, "Sara Svårsson").get_by_role("button", name="Föreslå").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Föreslå en praktikperiod")
        problems = page.locator("[data-problems]")
        expect(problems).to_contain_text("Arbetspraktik kräver beslutsnummer.")
        expect(problems).to_contain_text("Olle Outbildad har ingen handledarutbildning")
        expect(page.locator("[data-warnings]")).to_contain_text("Hygienkurs")
        shot(page, request, "form")
        page.get_by_label("Beslutsnummer").fill("AF-2026-126")
        page.get_by_label("Jag vet att handledarens utbildning inte gäller hela perioden").check()
        page.get_by_role("main").get_by_role("button", name="Föreslå").click()
        page.wait_for_url(PLACEMENT_PAGE)
        expect(page.get_by_role("status").first).to_contain_text("Praktikperioden för Sara Svårsson är föreslagen.")
        assert Placement.objects.get(participant=setting.hard).decision_reference == "AF-2026-126"
        shot(page, request, "proposed")
    finally:
        context.close()


def test_the_dialog_works_with_the_keyboard_alone(page: Page, live_server: Any, request: pytest.FixtureRequest) -> None:
    """Enter on Föreslå opens the dialog with the focus in it; Tab stays in the dialog; the fields
    are filled and the proposal made with the keyboard."""
    setting = propose_world()
    log_in(page, live_server, setting.world.coordinator.username)
    page.goto(f"{live_server.url}/placements/for-need/{setting.hard_need.pk}/")
    row_of(page, "Sara Svårsson").get_by_role("button", name="Föreslå").focus()
    page.keyboard.press("Enter")
    dialog = dialog_of(page)
    expect(dialog).to_be_visible()
    inside = "() => document.getElementById('propose-dialog').contains(document.activeElement)"
    page.wait_for_function(inside)
    for _ in range(12):
        page.keyboard.press("Tab")
        assert page.evaluate(inside), "Tab left the open dialog"
    dialog.get_by_label("Beslutsnummer").focus()
    page.keyboard.type("AF-2026-127")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the confirmation follows the decision reference
    expect(dialog.get_by_label("Jag vet att handledarens utbildning inte gäller hela perioden")).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(PLACEMENT_PAGE)
    assert Placement.objects.get(participant=setting.hard).decision_reference == "AF-2026-127"
