"""Signing the agreement: the frozen document and its hash, the rule that every required party has
signed, the personal links, paper signatures, and what a change to the proposal does."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from accounts.tests.factories import CoordinatorFactory
from placements import signing
from placements.documents import agreement_pdf
from placements.models import AgreementTerms, Party, PlacementStatus, SignatureMethod
from placements.services import placement_agree, placement_cancel, placement_change_proposal
from placements.tests.factories import (
    AgreementTermsFactory,
    PlacementFactory,
    SignatureFactory,
    tiny_pdf,
    with_signatures,
)
from workplaces.tests.factories import NeedFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def _text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _token(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


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
    return PlacementFactory(
        need=need,
        participant__team=coordinator.team,
        participant__first_name="Amina",
        participant__last_name="Avtalsson",
        coordinator=coordinator,
        planned_start=TODAY,
        planned_end=TODAY + dt.timedelta(days=30),
    )


def _sign_all_by_link(document, placement, coordinator):
    for party in signing.LINK_PARTIES:
        link = signing.link_resolve(_token(signing.link_create(document=document, party=party)))
        signing.signature_by_link(link=link, name=f"Namn {party.value}")
    return signing.signature_in_app(placement=placement, name="Karin Koordinator", by=coordinator)


def test_the_draft_is_watermarked_and_has_the_terms_and_signature_lines(proposed) -> None:
    text = _text(agreement_pdf(proposed, draft=True))
    assert "UTKAST" in text
    assert "Kammarkollegiet" in text and "Ingen lön" in text  # the terms, with their headings
    assert "Amina Avtalsson" in text and proposed.supervisor.full_name in text
    assert f"{proposed.planned_start:%Y-%m-%d}" in text and "Timmar per dag" in text
    assert text.count("Ort och datum, underskrift") == 3


def test_starting_signing_freezes_the_document_with_its_sha256(proposed, coordinator, terms) -> None:
    document = signing.signing_start(placement=proposed, by=coordinator)
    stored = document.pdf.read()
    assert hashlib.sha256(stored).hexdigest() == document.sha256
    assert "UTKAST" not in _text(stored)
    assert document.terms == terms == AgreementTerms.current(proposed.municipality)
    assert signing.signing_start(placement=proposed, by=coordinator) == document  # frozen once


def test_a_signature_records_who_when_how_and_the_hash(proposed, coordinator) -> None:
    document = signing.signing_start(placement=proposed, by=coordinator)
    link = signing.link_resolve(_token(signing.link_create(document=document, party=Party.PARTICIPANT)))
    signature = signing.signature_by_link(link=link, name="  Amina Avtalsson ")
    assert (signature.party, signature.name, signature.method) == (
        Party.PARTICIPANT,
        "Amina Avtalsson",
        SignatureMethod.LINK,
    )
    assert signature.document_sha256 == document.sha256 and signature.signed_at is not None
    link.refresh_from_db()
    assert link.used_at is not None


def test_the_placement_is_agreed_only_when_every_required_party_has_signed(proposed, coordinator) -> None:
    document = signing.signing_start(placement=proposed, by=coordinator)
    with pytest.raises(ValidationError) as refused:
        placement_agree(placement=proposed, by=coordinator)
    assert refused.value.code == "signatures_missing"
    for party in signing.LINK_PARTIES:
        link = signing.link_resolve(_token(signing.link_create(document=document, party=party)))
        signing.signature_by_link(link=link, name=f"Namn {party.value}")
    proposed.refresh_from_db()
    assert proposed.status == PlacementStatus.PROPOSED
    assert signing.missing_parties(placement=proposed) == [Party.COORDINATOR]
    signing.signature_in_app(placement=proposed, name="Karin Koordinator", by=coordinator)
    proposed.refresh_from_db()
    assert proposed.status == PlacementStatus.AGREED
    assert proposed.events.last().by == coordinator


def test_the_signed_pdf_is_the_frozen_pages_and_a_signature_page(proposed, coordinator) -> None:
    document = signing.signing_start(placement=proposed, by=coordinator)
    frozen = document.pdf.read()
    _sign_all_by_link(document, proposed, coordinator)
    document.refresh_from_db()
    signed = document.signed_pdf.read()
    assert hashlib.sha256(signed).hexdigest() == document.signed_sha256
    frozen_pages, signed_pages = PdfReader(io.BytesIO(frozen)).pages, PdfReader(io.BytesIO(signed)).pages
    assert len(signed_pages) == len(frozen_pages) + 1
    assert signed_pages[0].extract_text() == frozen_pages[0].extract_text()
    last = signed_pages[-1].extract_text()
    assert document.sha256 in last.replace("\n", "")
    assert "Namn participant" in last and "Karin Koordinator" in last
    assert "Personlig länk" in last and "I Platsa, inloggad" in last


def test_a_signature_of_another_document_does_not_count(proposed, coordinator) -> None:
    document = signing.signing_start(placement=proposed, by=coordinator)
    for party in signing.REQUIRED_PARTIES:
        SignatureFactory(document=document, party=party, document_sha256="0" * 64)
    assert signing.missing_parties(placement=proposed) == list(signing.REQUIRED_PARTIES)


def test_a_paper_signature_with_a_scan_satisfies_the_rule(proposed, coordinator) -> None:
    signing.signing_start(placement=proposed, by=coordinator)
    scan = SimpleUploadedFile("underskrift.pdf", tiny_pdf(), content_type="application/pdf")
    signature = signing.signature_on_paper(
        placement=proposed, party=Party.WORKPLACE, name="Hedda Handledare", scan=scan, by=coordinator
    )
    assert signature.method == SignatureMethod.PAPER and signature.user == coordinator
    assert signature.scan.read().startswith(b"%PDF-")
    assert Party.WORKPLACE not in signing.missing_parties(placement=proposed)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("scan.pdf", b"MZ\x90\x00 not a pdf"),  # a program named .pdf
        ("scan.exe", b"%PDF-1.7 but named .exe"),
        ("scan.png", b"\xff\xd8\xff\xe0 a jpeg named .png"),
    ],
)
def test_a_scan_is_checked_by_its_content_and_name(proposed, coordinator, name, content) -> None:
    signing.signing_start(placement=proposed, by=coordinator)
    with pytest.raises(ValidationError) as refused:
        signing.signature_on_paper(
            placement=proposed,
            party=Party.PARTICIPANT,
            name="Amina",
            scan=SimpleUploadedFile(name, content),
            by=coordinator,
        )
    assert "scan" in refused.value.message_dict
    assert not proposed.agreement_documents.get().signatures.exists()


def test_a_scan_over_the_limit_is_refused(proposed, coordinator, settings) -> None:
    settings.PLATSA_SCAN_MAX_BYTES = 1000
    signing.signing_start(placement=proposed, by=coordinator)
    with pytest.raises(ValidationError, match=r"högst|at most"):
        signing.signature_on_paper(
            placement=proposed,
            party=Party.PARTICIPANT,
            name="Amina",
            scan=SimpleUploadedFile("scan.png", b"\x89PNG\r\n\x1a\n" + b"0" * 2000),
            by=coordinator,
        )


def test_a_party_signs_once(proposed, coordinator) -> None:
    signing.signing_start(placement=proposed, by=coordinator)
    signing.signature_in_app(placement=proposed, name="Karin", by=coordinator)
    with pytest.raises(ValidationError):
        signing.signature_in_app(placement=proposed, name="Karin", by=coordinator)


def test_changing_the_proposal_voids_the_document_and_its_signatures(proposed, coordinator) -> None:
    document = signing.signing_start(placement=proposed, by=coordinator)
    outstanding = _token(signing.link_create(document=document, party=Party.WORKPLACE))
    signing.signature_in_app(placement=proposed, name="Karin", by=coordinator)
    placement_change_proposal(
        placement=proposed,
        by=coordinator,
        supervisor=proposed.supervisor,
        start=proposed.planned_start,
        end=proposed.planned_end - dt.timedelta(days=5),
        hours_per_day=Decimal("3.0"),
        confirm_untrained=True,
    )
    document.refresh_from_db()
    assert document.voided_at is not None
    assert signing.current_document(proposed) is None
    assert signing.missing_parties(placement=proposed) == list(signing.REQUIRED_PARTIES)
    with pytest.raises(signing.LinkError) as refused:
        signing.link_resolve(outstanding)
    assert refused.value.reason == "void"
    fresh = signing.signing_start(placement=proposed, by=coordinator)
    new_end = proposed.planned_end - dt.timedelta(days=5)
    assert fresh != document and f"{new_end:%Y-%m-%d}" in _text(fresh.pdf.read())


def test_cancelling_a_proposal_voids_its_document(proposed, coordinator) -> None:
    signing.signing_start(placement=proposed, by=coordinator)
    placement_cancel(placement=proposed, reason="Ångrat", by=coordinator)
    assert signing.current_document(proposed) is None


def test_a_tampered_a_used_and_an_expired_link_are_refused(proposed, coordinator) -> None:
    document = signing.signing_start(placement=proposed, by=coordinator)
    token = _token(signing.link_create(document=document, party=Party.PARTICIPANT))
    with pytest.raises(signing.LinkError) as tampered:
        signing.link_resolve(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    assert tampered.value.reason == "invalid"
    signing.signature_by_link(link=signing.link_resolve(token), name="Amina")
    with pytest.raises(signing.LinkError) as used:
        signing.link_resolve(token)
    assert used.value.reason == "used"
    later = _token(signing.link_create(document=document, party=Party.WORKPLACE))
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=15)), pytest.raises(signing.LinkError) as old:
        signing.link_resolve(later)
    assert old.value.reason == "expired"


def test_sending_again_replaces_the_partys_unused_links(proposed, coordinator) -> None:
    """Before, a link sent first to a wrong address still signed as the party after new ones went out."""
    first = _token(signing.signing_request_send(placement=proposed, by=coordinator)[Party.PARTICIPANT.value])
    second = _token(signing.signing_request_send(placement=proposed, by=coordinator)[Party.PARTICIPANT.value])
    with pytest.raises(signing.LinkError) as replaced:
        signing.link_resolve(first)
    assert replaced.value.reason == "invalid"
    signing.signature_by_link(link=signing.link_resolve(second), name="Amina")
    assert signing.current_document(proposed).signatures.filter(party=Party.PARTICIPANT).exists()


def test_a_follow_up_token_is_not_a_signing_token(proposed, coordinator) -> None:
    from placements.links import link_create as follow_up_link_create
    from placements.tests.factories import FollowUpFactory

    follow_up_token = _token(follow_up_link_create(follow_up=FollowUpFactory()))
    with pytest.raises(signing.LinkError):
        signing.link_resolve(follow_up_token)


def test_sending_the_requests_mails_each_party_their_own_link(
    proposed, coordinator, django_capture_on_commit_callbacks
) -> None:
    proposed.participant.email = "amina@example.org"
    proposed.participant.save()
    with django_capture_on_commit_callbacks(execute=True):
        urls = signing.signing_request_send(placement=proposed, by=coordinator)
    assert set(urls) == {Party.PARTICIPANT.value, Party.WORKPLACE.value}
    sent = {message.to[0]: message.body for message in mail.outbox}
    assert set(sent) == {"amina@example.org", proposed.supervisor.email}
    assert urls[Party.PARTICIPANT] in sent["amina@example.org"]
    assert urls[Party.WORKPLACE] in sent[proposed.supervisor.email]
    assert urls[Party.WORKPLACE] not in sent["amina@example.org"]
    assert "Amina" not in mail.outbox[0].subject


def test_the_last_signature_leaves_the_placement_proposed_when_a_rule_blocks_it(proposed, coordinator) -> None:
    rival = PlacementFactory(need=proposed.need, supervisor=proposed.supervisor, planned_start=proposed.planned_start)
    placement_agree(placement=with_signatures(rival), by=None)  # takes the need's only place
    document = signing.signing_start(placement=proposed, by=coordinator)
    _sign_all_by_link(document, proposed, coordinator)
    proposed.refresh_from_db()
    assert proposed.status == PlacementStatus.PROPOSED
    assert signing.missing_parties(placement=proposed) == []
    assert document.signatures.count() == 3
    assert len(mail.outbox) == 0


def test_deleting_the_agreements_removes_the_stored_files_after_commit(
    proposed, coordinator, django_capture_on_commit_callbacks
) -> None:
    from placements.models import Placement

    document = signing.signing_start(placement=proposed, by=coordinator)
    scan = SimpleUploadedFile("scan.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20)
    signature = signing.signature_on_paper(
        placement=proposed, party=Party.PARTICIPANT, name="Amina", scan=scan, by=coordinator
    )
    names = [document.pdf.name, signature.scan.name]
    storage = document.pdf.storage
    with django_capture_on_commit_callbacks(execute=True):
        assert signing.agreement_documents_delete(placements=Placement.objects.filter(pk=proposed.pk)) == 1
    assert not any(storage.exists(name) for name in names)
    assert not proposed.agreement_documents.exists()
