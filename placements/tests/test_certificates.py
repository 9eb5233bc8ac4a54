"""The certificate the supervisor writes: draft, submit (with the attendance from the follow-ups),
approve or send back; the pages as each role; the PDF with the letterhead and a signature line."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import Municipality, Role
from accounts.tests.factories import CoordinatorFactory, ManagerFactory, SupervisorUserFactory, UserFactory
from placements import certificates
from placements.models import CertificateStatus
from placements.tests.factories import CertificateFactory, FollowUpFactory, PlacementFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def _text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


@pytest.fixture
def supervisor_user():
    return SupervisorUserFactory()


@pytest.fixture
def completed(coordinator, supervisor_user):
    placement = PlacementFactory(completed=True, participant__team=coordinator.team, need__tasks="Diska och duka")
    placement.supervisor.user = supervisor_user
    placement.supervisor.save()
    start = placement.actual_start
    FollowUpFactory(
        placement=placement, due_date=start, done_on=start + dt.timedelta(days=14), days_present=9, days_absent=1
    )
    FollowUpFactory(
        placement=placement, due_date=start, done_on=start + dt.timedelta(days=40), days_present=18, days_absent=2
    )
    FollowUpFactory(placement=placement, due_date=start + dt.timedelta(days=60), cancelled_on=TODAY, days_present=99)
    FollowUpFactory(placement=placement, due_date=start + dt.timedelta(days=70))  # not logged
    return placement


def test_the_attendance_is_summed_from_the_logged_follow_ups(completed) -> None:
    assert certificates.attendance_summary(placement=completed) == (27, 3)


def test_the_supervisor_drafts_then_submits_and_the_attendance_is_recorded(completed, supervisor_user) -> None:
    draft = certificates.certificate_save(
        placement=completed, assessment="Första utkast", submit=False, by=supervisor_user
    )
    assert draft.status == CertificateStatus.DRAFT and draft.days_present is None
    with pytest.raises(ValidationError):
        certificates.certificate_save(placement=completed, assessment=" ", submit=True, by=supervisor_user)
    submitted = certificates.certificate_save(
        placement=completed, assessment="Noggrann och glad.", submit=True, by=supervisor_user
    )
    assert submitted.status == CertificateStatus.SUBMITTED
    assert (submitted.days_present, submitted.days_absent) == (27, 3)
    assert submitted.submitted_by == supervisor_user and submitted.submitted_at is not None
    with pytest.raises(ValidationError):  # it is with the coordinator now
        certificates.certificate_save(placement=completed, assessment="Ändrat", submit=False, by=supervisor_user)


def test_the_coordinator_sends_it_back_and_then_approves_it(completed, supervisor_user, coordinator) -> None:
    with pytest.raises(ValidationError):
        certificates.certificate_approve(placement=completed, by=coordinator)  # nothing submitted
    certificates.certificate_save(placement=completed, assessment="Bra", submit=True, by=supervisor_user)
    with pytest.raises(ValidationError):
        certificates.certificate_return(placement=completed, note=" ", by=coordinator)
    returned = certificates.certificate_return(placement=completed, note="Skriv mer om uppgifterna", by=coordinator)
    assert returned.status == CertificateStatus.RETURNED and returned.decided_by == coordinator
    assert not certificates.certificate_printable(completed)
    certificates.certificate_save(
        placement=completed, assessment="Bra på disk och dukning", submit=True, by=supervisor_user
    )
    approved = certificates.certificate_approve(placement=completed, by=coordinator)
    assert approved.status == CertificateStatus.APPROVED and approved.return_note == ""
    completed.refresh_from_db()
    assert completed.assessment == "Bra på disk och dukning"
    assert certificates.certificate_printable(completed)


def test_the_certificate_waits_for_the_start() -> None:
    with pytest.raises(ValidationError):
        certificates.certificate_save(placement=PlacementFactory(), assessment="x", submit=False, by=None)


def test_the_certificate_pdf_has_the_letterhead_attendance_and_a_signature_line(
    client: Client, completed, coordinator, settings
) -> None:
    # The letterhead is the case file's municipality's, not the settings' (those only seed the first one).
    settings.PLATSA_MUNICIPALITY_NAME = "Fel kommun"
    settings.PLATSA_LETTERHEAD = {"unit": "Fel enhet", "address": "Felgatan 1", "phone": "", "email": "", "web": ""}
    Municipality.objects.filter(pk=completed.participant.municipality_id).update(
        name="Östersunds kommun",
        letterhead_unit="Arbetsmarknadsenheten",
        letterhead_address="Rådhusgatan 44, 831 82 Östersund",
        letterhead_phone="063-14 30 00",
        letterhead_email="ame@example.se",
    )
    completed.participant.refresh_from_db()
    client.force_login(coordinator)
    url = reverse("placements:certificate", args=[completed.pk])
    assert client.get(url).status_code == 404  # not approved yet
    CertificateFactory(placement=completed, approved=True, assessment="Punktlig och noggrann.", decided_by=coordinator)
    text = _text(client.get(url).content)
    assert "Östersunds kommun" in text and "Rådhusgatan 44" in text and "063-14 30 00" in text
    assert "Arbetsmarknadsenheten" in text and "Fel" not in text
    assert "Punktlig och noggrann." in text and "Diska och duka" in text
    assert "40 dagar närvarande, 2 dagar frånvarande" in text
    assert "Handledarens underskrift" in text and "Godkänt av koordinator" in text


# --- the pages, as each role ---------------------------------------------------------------------


def test_the_supervisor_writes_and_submits_in_the_portal(client: Client, completed, supervisor_user) -> None:
    client.force_login(supervisor_user)
    url = reverse("placements:portal_certificate", args=[completed.pk])
    page = client.get(url)
    assert page.status_code == 200 and "27 dagar närvarande, 3 dagar frånvarande" in page.content.decode()
    assert client.post(url, {"assessment": "Utkast", "draft": "1"}).status_code == 302
    assert completed.certificate.status == CertificateStatus.DRAFT
    assert client.post(url, {"assessment": "Klart", "submit": "1"}).status_code == 302
    completed.certificate.refresh_from_db()
    assert completed.certificate.status == CertificateStatus.SUBMITTED
    assert "Klart" in client.get(url).content.decode()  # read-only now


def test_the_coordinator_approves_or_returns_on_the_placement_page(client: Client, completed, coordinator) -> None:
    CertificateFactory(placement=completed, status=CertificateStatus.SUBMITTED, submitted_at=dt.datetime.now(dt.UTC))
    client.force_login(coordinator)
    detail = client.get(reverse("placements:detail", args=[completed.pk])).content.decode()
    assert "Godkänn intyget" in detail and "Skicka tillbaka till handledaren" in detail
    client.post(reverse("placements:certificate_return", args=[completed.pk]), {"certificate-note": "Mer text"})
    completed.certificate.refresh_from_db()
    assert completed.certificate.status == CertificateStatus.RETURNED
    completed.certificate.status = CertificateStatus.SUBMITTED
    completed.certificate.save()
    client.post(reverse("placements:certificate_approve", args=[completed.pk]))
    completed.certificate.refresh_from_db()
    assert completed.certificate.status == CertificateStatus.APPROVED


@pytest.mark.parametrize("who", ["other_supervisor", "coordinator", "manager", "administrator"])
def test_only_the_placements_supervisor_opens_the_portal_certificate(client: Client, completed, who) -> None:
    users: dict[str, Callable[[], Any]] = {
        "other_supervisor": SupervisorUserFactory,
        "coordinator": CoordinatorFactory,
        "manager": ManagerFactory,
        "administrator": lambda: UserFactory(role=Role.ADMINISTRATOR, is_staff=True),
    }
    client.force_login(users[who]())
    url = reverse("placements:portal_certificate", args=[completed.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"assessment": "Hack", "submit": "1"}).status_code == 404
    assert not hasattr(completed, "certificate") or completed.certificate.assessment != "Hack"


@pytest.mark.parametrize("who", ["other_coordinator", "supervisor", "manager"])
def test_only_the_teams_coordinator_approves(client: Client, completed, supervisor_user, who) -> None:
    CertificateFactory(placement=completed, status=CertificateStatus.SUBMITTED, submitted_at=dt.datetime.now(dt.UTC))
    users: dict[str, Callable[[], Any]] = {
        "other_coordinator": CoordinatorFactory,
        "supervisor": lambda: supervisor_user,
        "manager": ManagerFactory,
    }
    client.force_login(users[who]())
    assert client.post(reverse("placements:certificate_approve", args=[completed.pk])).status_code == 404
    completed.certificate.refresh_from_db()
    assert completed.certificate.status == CertificateStatus.SUBMITTED


def test_anonymous_is_sent_to_log_in(client: Client, completed) -> None:
    for url in (
        reverse("placements:portal_certificate", args=[completed.pk]),
        reverse("placements:certificate_approve", args=[completed.pk]),
    ):
        assert reverse("login") in client.get(url)["Location"]
