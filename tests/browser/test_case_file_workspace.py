"""The case file as a workspace (issue 16, point 6), in Chromium: several work-experience rows in
one form, more rows added without a page load, and the phone as a link."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from participants.identity import make_test_identity_number
from participants.models import Participant
from taxonomy.tests.factories import occupation_with_ancestors

from .conftest import log_in

YEARS = re.compile("^år", re.I)
OCCUPATION = re.compile("^yrke", re.I)


def choose_in_row(row: Locator, code: str, option: re.Pattern[str]) -> None:
    """Choose an occupation in one formset row through its picker's own API: the typing journey is
    test_journeys.py's; here the point is that every row, the added one too, is a working picker.
    (Typed into, one row after another, the picker lost keystrokes to the row before under load.)"""
    row.locator("select").evaluate("(select, value) => select.tomselect.setValue(value)", code)
    expect(row.get_by_role("combobox", name=OCCUPATION).locator("xpath=..")).to_contain_text(option)


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_coordinator_enters_four_work_experience_rows_in_one_save(
    page: Page, live_server: Any, screenshot: Any
) -> None:
    from accounts.tests.factories import CoordinatorFactory

    CoordinatorFactory(username="koordinator")
    occupation_with_ancestors("5321", "Undersköterskor, hemtjänst, hemsjukvård och äldreboende")
    occupation_with_ancestors("5120", "Kockar och kallskänkor")
    occupation_with_ancestors("9111", "Hembiträden, städare och liknande")
    occupation_with_ancestors("7411", "Installations- och serviceelektriker")
    log_in(page, live_server, "koordinator")
    page.get_by_role("link", name="Deltagare").click()
    page.get_by_role("link", name="Registrera en deltagare").click()
    page.get_by_label("Förnamn").fill("Sara")
    page.get_by_label("Efternamn").fill("Haile")
    page.get_by_label("Personnummer").fill(make_test_identity_number(dt.date(1990, 5, 17), 981))
    page.get_by_label("Målgrupp").select_option(label="Nyanländ (etableringsprogrammet)")
    page.get_by_label("Anvisad av").select_option(label="Arbetsförmedlingen")
    page.get_by_label("Datum för uppehållstillstånd").fill("2025-09-01")
    page.get_by_label("Anvisningsdatum").fill("2026-01-15")

    rows = page.locator("[data-formset-row]")
    expect(rows).to_have_count(3)
    page.get_by_role("button", name="Lägg till en rad").click()
    expect(rows).to_have_count(4)
    # The new row's occupation picker is searchable like the others, and has the focus.
    expect(rows.nth(3).get_by_role("combobox", name=OCCUPATION)).to_be_focused()
    for index, (code, years) in enumerate([("5321", "4"), ("5120", "2"), ("9111", "1"), ("7411", "3")]):
        row = rows.nth(index)
        choose_in_row(row, code, re.compile(f"^{code} "))
        row.get_by_role("textbox", name=YEARS).fill(years)
    screenshot(page)
    page.get_by_role("button", name="Spara").press("Enter")
    page.wait_for_url(re.compile(r"/participants/\d+/$"))
    participant = Participant.objects.get(last_name="Haile")
    saved = dict(participant.work_experiences.values_list("occupation_id", "years"))
    assert {code: int(years) for code, years in saved.items()} == {"5321": 4, "5120": 2, "9111": 1, "7411": 3}
