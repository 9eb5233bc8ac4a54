"""Issue 17: the occupation picker finds what people type. With the whole SSYK the migrations load
(no file from outside the repository, no occupation made by the test), typing "elektriker" into a
work-experience row offers 7411 "Installations- och serviceelektriker", and a title found only as a
synonym ("busschaufför": SCB says "Buss- och spårvagnsförare") offers its group too."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from accounts.tests.factories import CoordinatorFactory
from participants.identity import make_test_identity_number
from participants.models import Participant
from taxonomy.models import Occupation

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

OCCUPATION = re.compile("^yrke", re.I)


def test_typing_a_common_title_offers_its_ssyk_unit_group(page: Page, live_server: Any, screenshot: Any) -> None:
    assert Occupation.objects.units().count() == 429  # from the migrations alone
    CoordinatorFactory(username="koordinator")
    log_in(page, live_server, "koordinator")
    page.get_by_role("link", name="Deltagare").click()
    page.get_by_role("link", name="Registrera en deltagare").click()
    page.get_by_label("Förnamn").fill("Elias")
    page.get_by_label("Efternamn").fill("Berhe")
    page.get_by_label("Personnummer").fill(make_test_identity_number(dt.date(1988, 3, 2), 982))
    page.get_by_label("Målgrupp").select_option(label="Nyanländ (etableringsprogrammet)")
    page.get_by_label("Anvisad av").select_option(label="Arbetsförmedlingen")
    page.get_by_label("Datum för uppehållstillstånd").fill("2025-09-01")
    page.get_by_label("Anvisningsdatum").fill("2026-01-15")

    row = page.locator("[data-formset-row]").first
    combobox = row.get_by_role("combobox", name=OCCUPATION)
    combobox.click()
    listbox = row.get_by_role("listbox", name=OCCUPATION)
    page.keyboard.type("busschaufför")
    # The list has narrowed to what the word means (opened, it offered every group)...
    expect(listbox.get_by_role("option", name=re.compile("^0110 "))).to_have_count(0)
    # ...and the bus drivers are among it, though SCB's name does not hold the word.
    expect(listbox.get_by_role("option", name=re.compile("^8331 Buss- och spårvagnsförare"))).to_be_visible()
    combobox.fill("")
    page.keyboard.type("elektriker")
    electricians = listbox.get_by_role("option", name=re.compile("^7411 Installations- och serviceelektriker"))
    expect(electricians).to_be_visible()
    # Only groups the word means are offered, not the whole list.
    expect(listbox.get_by_role("option", name=re.compile("^5321 "))).to_have_count(0)
    screenshot(page)
    electricians.click()
    expect(row.get_by_role("combobox", name=OCCUPATION).locator("xpath=..")).to_contain_text("7411")
    row.get_by_role("textbox", name=re.compile("^år", re.I)).fill("3")
    page.get_by_role("button", name="Spara").press("Enter")
    page.wait_for_url(re.compile(r"/participants/\d+/$"))
    participant = Participant.objects.get(last_name="Berhe")
    assert list(participant.work_experiences.values_list("occupation_id", flat=True)) == ["7411"]
