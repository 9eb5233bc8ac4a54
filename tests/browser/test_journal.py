"""The case journal in Chromium: a note saved from the case file without a page load (htmx), and a
supervisor's concern closed from the journal with the action taken, which takes it off the start page."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from participants.models import CaseNote
from placements.services import follow_up_log

from .conftest import log_in
from .world import active_placement_with_follow_up_due, coordinator_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_coordinator_writes_a_note_and_closes_a_concerns_task_from_the_case_file(
    page: Page, live_server: Any
) -> None:
    world = coordinator_world()
    placement, _supervisor_user, _due = active_placement_with_follow_up_due(world)
    follow_up_log(
        placement=placement, by=None, done_on=timezone.localdate(), concern=True, concern_text="Kommer ofta sent"
    )
    log_in(page, live_server, world.coordinator.username)
    expect(page.get_by_role("status").filter(has_text="Oro från handledare")).to_contain_text("Kommer ofta sent")

    page.goto(f"{live_server.url}/participants/{placement.participant_id}/")
    page.evaluate("window.notReloaded = true")
    journal = page.locator("#journal")
    journal.get_by_label("Typ").select_option(label="Samtal")
    journal.get_by_label("Anteckning").fill("Ringde om tiderna på morgonen")
    journal.get_by_role("button", name="Spara anteckningen").click()
    expect(page.locator("#journal")).to_contain_text("Ringde om tiderna på morgonen")
    assert page.evaluate("window.notReloaded === true")  # swapped in by htmx, no page load
    assert CaseNote.objects.get().author == world.coordinator

    journal = page.locator("#journal")
    journal.get_by_text("Avsluta med vad som gjordes").click()
    journal.get_by_label("Vad som gjordes").fill("Flyttade starttiden till 09.00")
    journal.get_by_role("button", name="Markera som gjord").click()
    expect(page.locator("#journal")).to_contain_text("Inga öppna uppgifter.")
    assert page.evaluate("window.notReloaded === true")

    page.goto(f"{live_server.url}/")
    expect(page.get_by_text("Kommer ofta sent")).to_have_count(0)
    page.goto(f"{live_server.url}/placements/{placement.pk}/")
    expect(page.get_by_role("main")).to_contain_text("Flyttade starttiden till 09.00")
