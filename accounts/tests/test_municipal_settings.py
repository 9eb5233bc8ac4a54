"""A municipality's own follow-up schedule and site address: how they are read and checked (the
admin form a superuser edits them in refuses what cannot be read, next to the field), and that
blank means the installation's settings."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import Municipality
from accounts.municipal_settings import END, MIDPOINT, follow_up_schedule_parse, site_url_for
from accounts.tests.factories import MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser() -> Client:
    client = Client()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def _change(client: Client, municipality: Municipality, **fields: str) -> Any:
    data = {"name": municipality.name, "code": municipality.code, **fields}
    return client.post(reverse("admin:accounts_municipality_change", args=[municipality.pk]), data)


def test_a_schedule_is_read_as_the_settings_write_it_or_as_one_text() -> None:
    assert follow_up_schedule_parse(["14d", "mid", "end"]) == [14, MIDPOINT, END]
    assert follow_up_schedule_parse(" 10D ,Mid, end ") == [10, MIDPOINT, END]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("14d, fortnightly", "”fortnightly” är ingen uppföljning: skriv dagar efter starten (14d), mid eller end."),
        ("14d,, end", "Skilj uppföljningarna åt med ett kommatecken i taget, utan tomma."),
        ("0d, end", "En uppföljning infaller 1 till 730 dagar efter starten, inte 0."),
        ("99999999999d", "En uppföljning infaller 1 till 730 dagar efter starten, inte 99999999999."),
    ],
)
def test_the_admin_form_refuses_an_unreadable_schedule_next_to_the_field(
    superuser: Client, text: str, message: str
) -> None:
    municipality = MunicipalityFactory()
    response = _change(superuser, municipality, follow_up_schedule=text)
    assert response.status_code == 200  # the form again, not a crash (ImproperlyConfigured) or a save
    assert response.context["adminform"].form.errors == {"follow_up_schedule": [message]}
    municipality.refresh_from_db()
    assert municipality.follow_up_schedule == ""


@pytest.mark.parametrize(
    "address",
    [
        "platsa.kommun.se",
        "ftp://platsa.kommun.se",
        "javascript:alert(1)",
        "https://platsa.kommun.se/path",
        "https://platsa.kommun.se/?next=https://evil.example",
        "https://platsa.kommun.se/#x",
        "https://evil.example@platsa.kommun.se",
        "https://platsa.kommun.se\\@evil.example",
        "https://platsa.kommun.se//",
    ],
)
def test_the_admin_form_refuses_a_site_address_with_more_than_scheme_and_host(superuser: Client, address: str) -> None:
    municipality = MunicipalityFactory()
    response = _change(superuser, municipality, site_url=address)
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["site_url"]
    municipality.refresh_from_db()
    assert municipality.site_url == ""


def test_the_admin_form_stores_the_settings_without_a_trailing_slash(superuser: Client) -> None:
    municipality = MunicipalityFactory()
    response = _change(
        superuser, municipality, site_url="https://platsa.stockholm.se:8443/", follow_up_schedule="14d, end"
    )
    assert response.status_code == 302
    municipality.refresh_from_db()
    assert municipality.site_url == "https://platsa.stockholm.se:8443"
    assert site_url_for(municipality) == "https://platsa.stockholm.se:8443"
    assert municipality.follow_up_schedule_items() == [14, END]


def test_blank_settings_are_the_installations(settings) -> None:
    settings.SITE_URL = "https://platsa.exempel.se"
    settings.FOLLOW_UP_SCHEDULE = ["7d", "end"]
    municipality = MunicipalityFactory()
    assert site_url_for(municipality) == site_url_for(None) == "https://platsa.exempel.se"
    assert municipality.follow_up_schedule_items() == [7, END]
    settings.FOLLOW_UP_SCHEDULE = ["fortnightly"]
    with pytest.raises(ImproperlyConfigured):
        municipality.follow_up_schedule_items()


def test_full_clean_checks_both_settings() -> None:
    municipality = Municipality(name="Stockholms stad", code="0180", follow_up_schedule="weekly", site_url="x")
    with pytest.raises(ValidationError) as excinfo:
        municipality.full_clean()
    assert set(excinfo.value.message_dict) == {"follow_up_schedule", "site_url"}
