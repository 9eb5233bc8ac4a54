"""The placement agreement and certificate: real PDFs, in Swedish, with the placement's facts."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from accounts.tests.factories import CoordinatorFactory
from placements.models import Party, PlacementStatus
from placements.services import placement_record_assessment
from placements.tests.factories import AcknowledgementFactory, PlacementFactory

pytestmark = pytest.mark.django_db


def _text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


def test_an_agreement_from_before_signing_still_names_everyone_and_who_acknowledged(
    client: Client, coordinator
) -> None:
    placement = PlacementFactory(
        active=True, participant__team=coordinator.team, participant__last_name="Avtalsson", need__tasks="Servera lunch"
    )
    AcknowledgementFactory(
        placement=placement, party=Party.PARTICIPANT, name="Amina Avtalsson", recorded_by=coordinator
    )
    client.force_login(coordinator)
    response = client.get(reverse("placements:agreement", args=[placement.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "Avtalsson" not in response["Content-Disposition"]
    text = _text(response.content)
    assert "Överenskommelse" in text
    assert placement.participant.full_name in text
    assert placement.supervisor.full_name in text
    assert "Servera lunch" in text
    assert f"{placement.planned_start:%Y-%m-%d}" in text
    assert "Bekräftat av Amina Avtalsson" in text
    assert "Ej bekräftat" in text  # the workplace and coordinator have not yet


def test_the_certificate_summarises_a_completed_placement(client: Client, coordinator) -> None:
    placement = PlacementFactory(completed=True, participant__team=coordinator.team, need__tasks="Diska och duka")
    placement_record_assessment(placement=placement, assessment="Punktlig och noggrann.", by=coordinator)
    client.force_login(coordinator)
    text = _text(client.get(reverse("placements:certificate", args=[placement.pk])).content)
    assert "Praktikintyg" in text
    assert placement.participant.full_name in text
    assert "Diska och duka" in text and "Punktlig och noggrann." in text
    assert f"{placement.actual_start:%Y-%m-%d} – {placement.actual_end:%Y-%m-%d}" in text


def test_documents_exist_only_in_the_right_state(client: Client, coordinator) -> None:
    proposed = PlacementFactory(participant__team=coordinator.team)
    active = PlacementFactory(active=True, participant__team=coordinator.team)
    client.force_login(coordinator)
    assert client.get(reverse("placements:agreement", args=[proposed.pk])).status_code == 404
    assert client.get(reverse("placements:certificate", args=[active.pk])).status_code == 404
    assert active.status == PlacementStatus.ACTIVE


def test_another_teams_documents_are_404(client: Client) -> None:
    placement = PlacementFactory(completed=True)
    client.force_login(CoordinatorFactory())
    assert client.get(reverse("placements:agreement", args=[placement.pk])).status_code == 404
    assert client.get(reverse("placements:certificate", args=[placement.pk])).status_code == 404


def test_the_assessment_waits_for_the_end(coordinator) -> None:
    with pytest.raises(ValidationError):
        placement_record_assessment(placement=PlacementFactory(active=True), assessment="Bra", by=coordinator)


def test_the_agreement_prints_the_weekly_schedule_of_work_and_studies(client: Client, coordinator) -> None:
    from participants.models import StudyKind
    from participants.tests.factories import StudyTimeFactory
    from workplaces.tests.factories import WorkingHoursFactory

    placement = PlacementFactory(active=True, participant__team=coordinator.team)
    for day in (0, 1, 2, 3):
        WorkingHoursFactory(need=placement.need, weekday=day)
        StudyTimeFactory(participant=placement.participant, weekday=day, school="")
    StudyTimeFactory(
        participant=placement.participant, weekday=5, kind=StudyKind.OTHER, school="Komvux", starts_at=dt.time(10)
    )
    client.force_login(coordinator)
    text = _text(client.get(reverse("placements:agreement", args=[placement.pk])).content)
    assert "Veckoschema" in text
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "Måndag 13:00–17:00 SFI 08:30–12:00" in lines
    assert "Torsdag 13:00–17:00 SFI 08:30–12:00" in lines
    assert "Fredag – –" in lines  # a weekday without either
    assert "Lördag – Annan utbildning 10:00–12:00 (Komvux)" in lines
    assert not any(line.startswith("Söndag") for line in lines)  # a weekend day without either is left out


def test_the_agreement_of_a_need_without_hours_says_no_working_hours(client: Client, coordinator) -> None:
    placement = PlacementFactory(active=True, participant__team=coordinator.team)
    client.force_login(coordinator)
    text = _text(client.get(reverse("placements:agreement", args=[placement.pk])).content)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "Veckoschema" in text and "Tisdag – –" in lines


def test_each_case_files_documents_carry_its_own_municipalitys_letterhead(client: Client) -> None:
    """Two municipalities on one installation: the agreement and the certificate name the municipality
    of the participant's case file, with its unit and contact, never the other's."""
    from accounts.tests.factories import MunicipalityFactory, TeamFactory

    ours = MunicipalityFactory(code="2361", name="Härjedalens kommun", letterhead_unit="Jobbcenter Sveg")
    ours.letterhead_phone = "0680-160 00"
    ours.save()
    MunicipalityFactory(code="2380", name="Östersunds kommun", letterhead_unit="Enheten i Östersund")
    coordinator = CoordinatorFactory(team=TeamFactory(municipality=ours))
    placement = PlacementFactory(completed=True, participant__team=coordinator.team)
    placement_record_assessment(placement=placement, assessment="Noggrann.", by=coordinator)
    client.force_login(coordinator)
    for name in ("placements:agreement", "placements:certificate"):
        text = _text(client.get(reverse(name, args=[placement.pk])).content)
        assert "Härjedalens kommun" in text and "Jobbcenter Sveg" in text and "0680-160 00" in text, name
        assert "Östersunds kommun" not in text and "Enheten i Östersund" not in text, name
