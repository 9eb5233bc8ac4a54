"""The standard terms in the admin: administrators edit them, every save is a new version, and an
agreement already frozen keeps the version it was made with; nobody else sees them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory, ManagerFactory
from placements.models import AgreementTerms
from placements.tests.factories import AgreementDocumentFactory, AgreementTermsFactory
from privacy.tests.factories import AdministratorFactory

pytestmark = pytest.mark.django_db


def test_an_administrators_change_saves_a_new_version_and_agreements_keep_theirs(client: Client) -> None:
    first = AgreementTermsFactory()
    frozen = AgreementDocumentFactory(terms=first)
    client.force_login(AdministratorFactory())
    url = reverse("admin:placements_agreementterms_change", args=[first.pk])
    assert client.get(url).status_code == 200
    data = {name: getattr(first, name) for name in AgreementTerms.SECTIONS} | {"no_wage": "Ingen lön, ny text."}
    assert client.post(url, data).status_code == 302
    newest = AgreementTerms.current(first.municipality)
    assert newest.pk != first.pk and newest.no_wage == "Ingen lön, ny text."
    first.refresh_from_db()
    assert first.no_wage != "Ingen lön, ny text."
    frozen.refresh_from_db()
    assert frozen.terms == first
    assert (
        client.post(reverse("admin:placements_agreementterms_delete", args=[first.pk]), {"post": "yes"}).status_code
        == 403
    )


@pytest.mark.parametrize("make_user", [CoordinatorFactory, ManagerFactory], ids=["coordinator", "manager"])
def test_other_staff_do_not_see_the_terms(client: Client, make_user) -> None:
    client.force_login(make_user(is_staff=True))
    assert client.get(reverse("admin:placements_agreementterms_changelist")).status_code == 403
