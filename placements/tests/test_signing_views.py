"""The signing pages: the coordinator's (draft, send, sign, paper), the public link pages, and the
signed agreement served as stored, as each role."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import CoordinatorFactory, ManagerFactory, SupervisorUserFactory, UserFactory
from placements import signing
from placements.models import Party, PlacementStatus
from placements.tests.factories import AgreementTermsFactory, PlacementFactory, tiny_pdf
from workplaces.tests.factories import NeedFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


@pytest.fixture(autouse=True)
def terms():
    """The standard terms of the placements' (default) municipality."""
    return AgreementTermsFactory()


@pytest.fixture
def coordinator():
    return CoordinatorFactory(first_name="Karin", last_name="Koordinator")


@pytest.fixture
def proposed(coordinator):
    need = NeedFactory(places=1, start_date=TODAY, end_date=TODAY + dt.timedelta(days=60))
    placement = PlacementFactory(
        need=need,
        participant__team=coordinator.team,
        participant__last_name="Hemligsson",
        coordinator=coordinator,
        planned_start=TODAY,
        planned_end=TODAY + dt.timedelta(days=30),
    )
    placement.supervisor.user = SupervisorUserFactory()
    placement.supervisor.save()
    return placement


def _path(url: str) -> str:
    return urlsplit(url).path


def test_the_coordinator_downloads_a_draft_sends_signs_and_the_parties_sign_by_link(
    client: Client, coordinator, proposed
) -> None:
    client.force_login(coordinator)
    draft = client.get(reverse("placements:agreement_draft", args=[proposed.pk]))
    assert draft["Content-Type"] == "application/pdf" and "Hemligsson" not in draft["Content-Disposition"]
    page = client.get(reverse("placements:signing", args=[proposed.pk])).content.decode()
    assert "Lås och skicka" in page
    sent = client.post(reverse("placements:signing_send", args=[proposed.pk]))
    assert sent.status_code == 200
    urls = sent.context["links"]  # (party, URL), shown once
    assert len(urls) == 2
    document = signing.current_document(proposed)
    assert document.sha256 in sent.content.decode()
    frozen = client.get(reverse("placements:signing_document", args=[proposed.pk]))
    assert hashlib.sha256(frozen.content).hexdigest() == document.sha256
    assert (
        client.post(
            reverse("placements:signing_sign", args=[proposed.pk]),
            {"sign-name": "Karin Koordinator", "sign-confirm": "on"},
        ).status_code
        == 302
    )
    anonymous = Client()
    for _label, url in urls:
        path = _path(url)
        shown = anonymous.get(path)
        assert shown.status_code == 200 and document.sha256 in shown.content.decode()
        pdf = anonymous.get(path + "agreement.pdf")
        assert pdf["Content-Type"] == "application/pdf" and pdf.content == frozen.content
        assert anonymous.post(path, {"name": "Någon", "confirm": "on"}).status_code == 200
        again = anonymous.get(path)
        assert again.status_code == 410 and "redan undertecknad" in again.content.decode()
        assert "Hemligsson" not in again.content.decode()
    proposed.refresh_from_db()
    assert proposed.status == PlacementStatus.AGREED
    signed = client.get(reverse("placements:agreement", args=[proposed.pk]))
    document.refresh_from_db()
    assert hashlib.sha256(signed.content).hexdigest() == document.signed_sha256


def test_the_signed_agreement_is_served_as_stored_not_rendered_again(client: Client, coordinator, proposed) -> None:
    document = signing.signing_start(placement=proposed, by=coordinator)
    for party in signing.LINK_PARTIES:
        link = signing.link_resolve(signing.link_create(document=document, party=party).rstrip("/").rsplit("/", 1)[-1])
        signing.signature_by_link(link=link, name="Namn")
    signing.signature_in_app(placement=proposed, name="Karin", by=coordinator)
    client.force_login(coordinator)
    first = client.get(reverse("placements:agreement", args=[proposed.pk])).content
    proposed.participant.last_name = "Omdöpt"
    proposed.participant.save()
    proposed.need.tasks = "Helt andra uppgifter"
    proposed.need.save()
    assert client.get(reverse("placements:agreement", args=[proposed.pk])).content == first


def test_a_tampered_link_gets_a_clear_page_without_personal_data(client: Client, coordinator, proposed) -> None:
    document = signing.signing_start(placement=proposed, by=coordinator)
    path = signing.link_create(document=document, party=Party.PARTICIPANT)
    tampered = path[:-3] + ("x" if path[-3] != "x" else "y") + path[-2:]
    for url in (tampered, tampered + "agreement.pdf"):
        response = client.get(url)
        assert response.status_code == 404
        body = response.content.decode()
        assert "inte giltig" in body and "Hemligsson" not in body and document.sha256 not in body


def test_a_link_to_a_changed_proposal_is_void(client: Client, coordinator, proposed) -> None:
    document = signing.signing_start(placement=proposed, by=coordinator)
    path = signing.link_create(document=document, party=Party.WORKPLACE)
    signing.signing_void(placement=proposed)
    response = client.post(path, {"name": "Hedda", "confirm": "on"})
    assert response.status_code == 410 and "inte längre undertecknas" in response.content.decode()
    assert not document.signatures.exists()


def test_signing_needs_the_name_and_the_confirmation(client: Client, coordinator, proposed) -> None:
    document = signing.signing_start(placement=proposed, by=coordinator)
    path = signing.link_create(document=document, party=Party.PARTICIPANT)
    assert client.post(path, {"name": "Amina"}).status_code == 400
    assert client.post(path, {"confirm": "on"}).status_code == 400
    assert not document.signatures.exists()


def test_a_paper_signature_is_uploaded_and_a_wrong_file_refused(client: Client, coordinator, proposed) -> None:
    signing.signing_start(placement=proposed, by=coordinator)
    client.force_login(coordinator)
    url = reverse("placements:signing_paper", args=[proposed.pk])
    bad = SimpleUploadedFile("scan.pdf", b"<html>not a pdf</html>")
    refused = client.post(url, {"paper-party": "workplace", "paper-name": "Hedda", "paper-scan": bad})
    assert refused.status_code == 400 and "PDF-, JPEG- eller PNG-fil" in refused.content.decode()
    good = SimpleUploadedFile("scan.pdf", tiny_pdf())
    assert client.post(url, {"paper-party": "workplace", "paper-name": "Hedda", "paper-scan": good}).status_code == 302
    signature = signing.current_document(proposed).signatures.get()
    assert signature.party == Party.WORKPLACE
    scan_url = reverse("placements:signature_scan", args=[proposed.pk, signature.pk])
    assert scan_url in client.get(reverse("placements:signing", args=[proposed.pk])).content.decode()
    scan = client.get(scan_url)
    assert scan["Content-Type"] == "application/pdf" and scan.content == tiny_pdf()
    client.force_login(CoordinatorFactory())  # another team's
    assert client.get(scan_url).status_code == 404


COORDINATOR_PAGES = ("agreement_draft", "signing", "signing_document")
COORDINATOR_POSTS = ("signing_send", "signing_sign", "signing_paper")


@pytest.mark.parametrize("who", ["other_coordinator", "supervisor", "other_supervisor", "manager", "administrator"])
def test_only_the_teams_coordinator_reaches_the_signing_pages(client: Client, coordinator, proposed, who) -> None:
    signing.signing_start(placement=proposed, by=coordinator)
    users: dict[str, Callable[[], Any]] = {
        "other_coordinator": CoordinatorFactory,
        "supervisor": lambda: proposed.supervisor.user,
        "other_supervisor": SupervisorUserFactory,
        "manager": ManagerFactory,
        "administrator": lambda: UserFactory(role=Role.ADMINISTRATOR, is_staff=True),
    }
    client.force_login(users[who]())
    for name in COORDINATOR_PAGES:
        assert client.get(reverse(f"placements:{name}", args=[proposed.pk])).status_code == 404, name
    for name in COORDINATOR_POSTS:
        assert client.post(reverse(f"placements:{name}", args=[proposed.pk]), {}).status_code == 404, name
    assert not signing.current_document(proposed).signatures.exists()


def test_anonymous_is_sent_to_log_in_from_the_signing_pages(client: Client, proposed) -> None:
    for name in (*COORDINATOR_PAGES, *COORDINATOR_POSTS):
        response = client.get(reverse(f"placements:{name}", args=[proposed.pk]))
        assert response.status_code == 302 and reverse("login") in response["Location"], name


def test_the_team_coordinator_sees_each_page(client: Client, coordinator, proposed) -> None:
    client.force_login(coordinator)
    assert client.get(reverse("placements:signing_document", args=[proposed.pk])).status_code == 404  # not frozen
    signing.signing_start(placement=proposed, by=coordinator)
    for name in COORDINATOR_PAGES:
        assert client.get(reverse(f"placements:{name}", args=[proposed.pk])).status_code == 200, name
    detail = client.get(reverse("placements:detail", args=[proposed.pk])).content.decode()
    assert reverse("placements:signing", args=[proposed.pk]) in detail
    assert reverse("placements:agreement_draft", args=[proposed.pk]) in detail


def test_an_expired_link_gets_a_clear_page(client: Client, coordinator, proposed) -> None:
    document = signing.signing_start(placement=proposed, by=coordinator)
    path = signing.link_create(document=document, party=Party.PARTICIPANT)
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=15)):
        response = client.get(path)
    assert response.status_code == 410 and "har gått ut" in response.content.decode()
    assert "Hemligsson" not in response.content.decode()


def test_agree_is_offered_only_once_every_party_has_signed(client: Client, coordinator, proposed) -> None:
    """Before, the page offered "Kom överens om praktikperioden" while nobody had signed, and pressing
    it only said who was still to sign. Now the signing is the way there; the button comes back only
    when the signatures are in but a rule stopped the agreeing (the need filled up meanwhile)."""
    from placements.tests.factories import with_signatures

    client.force_login(coordinator)
    url = reverse("placements:detail", args=[proposed.pk])
    agree = reverse("placements:transition", args=[proposed.pk, "agree"])
    page = client.get(url).content.decode()
    assert f'action="{agree}"' not in page and "Ska ännu underteckna" in page
    # Pressed anyway (a stale page): refused with who is still to sign, nothing changes.
    refused = client.post(agree).content.decode()
    assert "Deltagare" in refused
    proposed.refresh_from_db()
    assert proposed.status == PlacementStatus.PROPOSED
    with_signatures(proposed)
    page = client.get(url).content.decode()
    assert f'action="{agree}"' in page and "Ska ännu underteckna" not in page
