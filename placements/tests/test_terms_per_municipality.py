"""The standard terms per municipality: each municipality's agreements print its own newest version,
a municipality with none sends no agreement for signing, and an administrator edits only their
municipality's versions in the admin (issue 19, point 1)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from accounts.tests.factories import CoordinatorFactory, MunicipalityFactory, TeamFactory, UserFactory
from placements import signing
from placements.documents import agreement_pdf
from placements.models import AgreementTerms
from placements.tests.factories import AgreementTermsFactory, PlacementFactory
from privacy.tests.factories import AdministratorFactory
from workplaces.tests.factories import NeedFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def _text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def a():
    return MunicipalityFactory()  # the default municipality, first by id


@pytest.fixture
def b(a):
    return MunicipalityFactory(code="0180", name="Stockholms stad")


def _proposed(municipality):
    coordinator = CoordinatorFactory(team=TeamFactory(municipality=municipality))
    need = NeedFactory(places=1, start_date=TODAY, end_date=TODAY + dt.timedelta(days=60))
    return PlacementFactory(
        need=need,
        participant__team=coordinator.team,
        coordinator=coordinator,
        planned_start=TODAY,
        planned_end=TODAY + dt.timedelta(days=30),
    )


def test_each_municipalitys_agreements_print_its_own_terms(a, b) -> None:
    terms_a = AgreementTermsFactory(municipality=a, no_wage="Ingen lön i Alfakommunen.")
    terms_b = AgreementTermsFactory(municipality=b, no_wage="Ingen lön i Betastaden.")
    placement_a, placement_b = _proposed(a), _proposed(b)
    assert AgreementTerms.current(a) == terms_a and AgreementTerms.current(b.pk) == terms_b

    draft_a, draft_b = _text(agreement_pdf(placement_a, draft=True)), _text(agreement_pdf(placement_b, draft=True))
    assert "Alfakommunen" in draft_a and "Betastaden" not in draft_a
    assert "Betastaden" in draft_b and "Alfakommunen" not in draft_b

    # The coordinator starting the signing is never what decides: the placement's municipality is.
    document_b = signing.signing_start(placement=placement_b, by=placement_a.coordinator)
    assert document_b.terms == terms_b
    assert "Betastaden" in _text(document_b.pdf.read())
    assert signing.signing_start(placement=placement_a, by=placement_a.coordinator).terms == terms_a


def test_a_new_version_of_one_municipality_leaves_the_others_agreements_alone(a, b) -> None:
    terms_b = AgreementTermsFactory(municipality=b, contacts="Ring Betastadens koordinator.")
    AgreementTermsFactory(municipality=a)
    placement_b = _proposed(b)
    AgreementTermsFactory(municipality=a, contacts="Ring Alfakommunens koordinator.")  # A's newest
    assert AgreementTerms.current(a).contacts == "Ring Alfakommunens koordinator."
    assert AgreementTerms.current(b) == terms_b
    text = _text(agreement_pdf(placement_b, draft=True))
    assert "Ring Betastadens koordinator." in text and "Alfakommunens" not in text
    assert signing.signing_start(placement=placement_b, by=placement_b.coordinator).terms == terms_b


def test_a_municipality_without_terms_of_its_own_sends_no_agreement_for_signing(a, b) -> None:
    AgreementTermsFactory(municipality=a, no_wage="Ingen lön i Alfakommunen.")
    placement_b = _proposed(b)
    assert AgreementTerms.current(b) is None
    assert "Alfakommunen" not in _text(agreement_pdf(placement_b, draft=True))
    with pytest.raises(ValidationError) as excinfo:
        signing.signing_start(placement=placement_b, by=placement_b.coordinator)
    assert excinfo.value.code == "no_terms"
    assert not placement_b.agreement_documents.exists()


def _sections(terms: AgreementTerms, **changes: str) -> dict[str, str]:
    return {name: getattr(terms, name) for name in AgreementTerms.SECTIONS} | changes


def test_an_administrator_lists_opens_and_saves_only_their_municipalitys_versions(client: Client, a, b) -> None:
    terms_a = AgreementTermsFactory(municipality=a, contacts="Alfakommunens kontakter.")
    terms_b = AgreementTermsFactory(municipality=b, contacts="Betastadens kontakter.")
    client.force_login(AdministratorFactory(municipality=b))

    listed = client.get(reverse("admin:placements_agreementterms_changelist"))
    assert listed.status_code == 200
    assert list(listed.context["cl"].result_list) == [terms_b]
    change_a = reverse("admin:placements_agreementterms_change", args=[terms_a.pk])
    opened = client.get(change_a)
    assert opened.status_code == 302 and opened["Location"] == reverse("admin:index")  # the admin's "does not exist"
    assert client.post(change_a, _sections(terms_a, contacts="Övertaget.")).status_code == 302
    assert AgreementTerms.current(a) == terms_a  # nothing saved for A

    change_b = reverse("admin:placements_agreementterms_change", args=[terms_b.pk])
    assert client.get(change_b).status_code == 200
    assert client.post(change_b, _sections(terms_b, contacts="Betastadens nya kontakter.")).status_code == 302
    newest_b = AgreementTerms.current(b)
    assert (newest_b.pk != terms_b.pk, newest_b.contacts, newest_b.municipality) == (
        True,
        "Betastadens nya kontakter.",
        b,
    )
    # Adding, even with another municipality in the posted data, makes B's version.
    added = client.post(
        reverse("admin:placements_agreementterms_add"),
        _sections(terms_b, contacts="Tillagd.") | {"municipality": str(a.pk)},
    )
    assert added.status_code == 302
    assert AgreementTerms.current(b).contacts == "Tillagd." and AgreementTerms.current(a) == terms_a


def test_a_superuser_sees_every_municipalitys_versions_and_chooses_whose_a_new_one_is(client: Client, a, b) -> None:
    terms_a, terms_b = AgreementTermsFactory(municipality=a), AgreementTermsFactory(municipality=b)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    listed = client.get(reverse("admin:placements_agreementterms_changelist"))
    assert set(listed.context["cl"].result_list) == {terms_a, terms_b}
    added = client.post(
        reverse("admin:placements_agreementterms_add"),
        _sections(terms_a, contacts="Alfakommunens nya.") | {"municipality": str(a.pk)},
    )
    assert added.status_code == 302
    assert AgreementTerms.current(a).contacts == "Alfakommunens nya." and AgreementTerms.current(b) == terms_b


def _state(executor: MigrationExecutor, targets: list[tuple[str, str]]) -> Any:
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migrating_gives_the_existing_versions_to_the_first_municipality_only() -> None:
    first = MunicipalityFactory()
    MunicipalityFactory(code="0180", name="Stockholms stad")
    AgreementTerms.objects.all().delete()
    before = [("placements", "0019_tenant_key_required")]
    old = _state(MigrationExecutor(connection), before).get_model("placements", "AgreementTerms")
    sections = {name: f"Text {name}" for name in AgreementTerms.SECTIONS}
    pks = {old.objects.create(**sections).pk, old.objects.create(**sections | {"no_wage": "Nyare."}).pk}
    _state(MigrationExecutor(connection), [("placements", "0022_agreement_terms_municipality_required")])
    rows = AgreementTerms.objects.filter(pk__in=pks)
    assert {row.municipality_id for row in rows} == {first.pk} and rows.count() == 2
    assert AgreementTerms.current(first).no_wage == "Nyare."
