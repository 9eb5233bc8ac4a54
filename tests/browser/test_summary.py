"""The participant's placement summary ("Din praktik") in Chromium: axe-core finds no serious or
critical WCAG 2.1 AA violation in easy Swedish alone, nor in Arabic (right to left) with the
easy-Swedish text beside it; the coordinator reaches it from the placement page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from placements.models import PlacementStatus
from placements.tests.factories import MeetingFactory
from workplaces.tests.factories import WorkingHoursFactory

from .conftest import axe_violations, log_in
from .world import active_placement_with_follow_up_due, coordinator_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def placement() -> Any:
    world = coordinator_world()
    placement, _user, _due = active_placement_with_follow_up_due(world)
    placement.status = PlacementStatus.AGREED
    placement.actual_start = None
    placement.first_day_notes = "Arbetsskor och matlåda"
    placement.save()
    for day in range(5):
        WorkingHoursFactory(need=placement.need, weekday=day)
    MeetingFactory(placement=placement)
    return placement


@pytest.mark.parametrize("language", ["sv", "ar"])
def test_the_summary_page_is_accessible(
    page: Page, live_server: Any, placement: Any, screenshot: Any, language: str
) -> None:
    log_in(page, live_server, "koordinator")
    page.goto(f"{live_server.url}/placements/{placement.pk}/")
    page.get_by_role("link", name="Sammanfattning för deltagaren").click()
    page.get_by_label("Sammanfattningens språk").select_option(language)
    page.get_by_role("button", name="Visa", exact=True).click()
    expect(page.locator(f'article.summary[lang="{language}"]')).to_be_visible()
    if language == "ar":
        expect(page.locator('article.summary[lang="ar"]')).to_have_attribute("dir", "rtl")
        expect(page.locator('article.summary[lang="sv"]')).to_be_visible()
    screenshot(page)
    problems = axe_violations(page)
    assert not problems, "axe-core found serious or critical WCAG 2.1 AA violations:\n" + "\n".join(problems)
