"""Issue 16's signing journey, in Chromium: the coordinator downloads the draft, freezes the
agreement and signs; the participant and the supervisor sign through their personal links; the
placement is agreed and the signed PDF's SHA-256 is the stored one. A tampered and a reused link
are refused with a clear page."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from placements import signing
from placements.models import Placement, PlacementStatus
from placements.tests.factories import AgreementTermsFactory, PlacementFactory

from .conftest import log_in
from .world import coordinator_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def proposed_placement(world: Any) -> Placement:
    AgreementTermsFactory(municipality=world.team.municipality)  # its municipality's standard terms
    return PlacementFactory(
        need=world.need,
        supervisor=world.supervisor,
        coordinator=world.coordinator,
        participant__team=world.team,
        participant__coordinator=world.coordinator,
        participant__first_name="Amal",
        participant__last_name="Yusuf",
        planned_start=world.need.start_date,
        planned_end=world.need.start_date + dt.timedelta(days=45),
    )


def download(page: Page, link_name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    return open(info.value.path(), "rb").read()


def sign_by_link(page: Page, url: str, name: str, sha256: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200
    expect(page.get_by_role("main")).to_contain_text(sha256)
    page.get_by_label("Ditt namn").fill(name)
    page.get_by_label("Jag har läst överenskommelsen och undertecknar den.").check()
    page.get_by_role("button", name="Underteckna överenskommelsen").click()
    expect(page.get_by_role("status")).to_contain_text("Din underskrift är registrerad")


def test_the_parties_sign_through_their_links_and_the_signed_pdf_is_the_stored_one(
    page: Page, browser: Browser, live_server: Any, screenshot: Any
) -> None:
    world = coordinator_world()
    placement = proposed_placement(world)
    log_in(page, live_server, world.coordinator.username)
    page.goto(f"{live_server.url}/placements/{placement.pk}/")

    # The draft, watermarked, before anything is signed.
    draft = download(page, "Utkast till överenskommelse (PDF)")
    draft_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(draft)).pages)
    assert "UTKAST" in draft_text and "Amal Yusuf" in draft_text

    # Freeze it and send the requests; the links are shown once.
    page.get_by_role("link", name="Underskrift av överenskommelsen").first.click()
    page.get_by_role("button", name="Lås och skicka förfrågningarna om underskrift").click()
    links = page.get_by_role("region", name="Personliga länkar för underskrift").locator("code")
    expect(links).to_have_count(2)
    urls = [f"{live_server.url}{urlsplit(text).path}" for text in links.all_inner_texts()]
    document = signing.current_document(placement)
    assert document is not None
    expect(page.get_by_role("main")).to_contain_text(document.sha256)

    # The coordinator signs logged in.
    expect(page.get_by_label("Ditt namn")).to_have_value("Karin Koordinator")
    page.get_by_label("Jag har läst överenskommelsen och undertecknar den.").check()
    page.get_by_role("button", name="Underteckna", exact=True).click()
    expect(page.get_by_role("main")).to_contain_text("Underskriften är registrerad")
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.PROPOSED

    # The participant and the supervisor sign through their own links, without an account.
    outsider = browser.new_context(locale="sv-SE", bypass_csp=True)
    party_page = outsider.new_page()
    party_page.set_default_timeout(10_000)
    for url, name in zip(urls, ("Amal Yusuf", "Hedda Handledare"), strict=True):
        sign_by_link(party_page, url, name, document.sha256)

    placement.refresh_from_db()
    assert placement.status == PlacementStatus.AGREED
    document.refresh_from_db()
    assert [s.document_sha256 for s in document.signatures.all()] == [document.sha256] * 3

    # The signed agreement served is the stored one, byte for byte.
    page.goto(f"{live_server.url}/placements/{placement.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Överenskommen")
    signed = download(page, "Överenskommelse (PDF)")
    assert hashlib.sha256(signed).hexdigest() == document.signed_sha256
    last_page = PdfReader(io.BytesIO(signed)).pages[-1].extract_text()
    assert "Underskrifter" in last_page and "Hedda Handledare" in last_page
    screenshot(page)

    # A reused link and a tampered one are refused with a clear page that names no one.
    reused = party_page.goto(urls[0])
    assert reused is not None and reused.status == 410
    expect(party_page.get_by_role("status")).to_contain_text("redan undertecknad")
    token_start = urls[1].rstrip("/").rsplit("/", 1)[0] + "/"
    token = urls[1].rstrip("/").rsplit("/", 1)[1]
    tampered = party_page.goto(token_start + token[:-1] + ("A" if token[-1] != "A" else "B") + "/")
    assert tampered is not None and tampered.status == 404
    expect(party_page.get_by_role("status")).to_contain_text("Länken är inte giltig")
    assert "Yusuf" not in party_page.content()
    outsider.close()
