"""The public accessibility statement (tillgänglighetsredogörelse) that DOS-lagen requires."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory

pytestmark = pytest.mark.django_db


def test_the_statement_follows_diggs_model_in_swedish(client: Client, settings) -> None:
    settings.ACCESSIBILITY_ORGANISATION = "Östersunds kommun"
    settings.ACCESSIBILITY_CONTACT_EMAIL = "tillganglighet@example.org"
    settings.ACCESSIBILITY_CONTACT_PHONE = "063-14 30 00"
    page = client.get(reverse("accessibility")).content.decode()
    for heading in (
        "Tillgänglighetsredogörelse för Platsa",
        "Hur tillgänglig är tjänsten?",
        "Innehåll som inte är tillgängligt",
        "Rapportera brister i tjänstens tillgänglighet",
        "Tillsyn",
        "Hur vi testat tjänsten",
    ):
        assert heading in page, heading
    assert "Östersunds kommun står bakom Platsa." in page
    assert 'href="mailto:tillganglighet@example.org"' in page
    assert 'href="tel:063-143000"' in page
    assert 'href="https://www.digg.se/tdosanmalan"' in page
    assert "delvis förenlig med" in page
    assert "2026-12-01" in page


def test_the_statement_says_what_is_checked_beyond_axe_and_what_still_falls_short(client: Client) -> None:
    page = client.get(reverse("accessibility")).content.decode()
    for checked in ("320 pixlar", "minst 3:1", "(1.4.11)", "sidtitlar", "200 %", "sorterade kolumner"):
        assert checked in page, checked
    for shortcoming in ("egen ram", "Administrationen", "Swagger UI"):
        assert shortcoming in page, shortcoming


def test_the_statement_is_in_english_too(client: Client) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("accessibility"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Accessibility statement for Platsa" in page and "Agency for Digital Government" in page


def test_every_page_links_to_the_statement_from_its_footer(client: Client) -> None:
    link = f'href="{reverse("accessibility")}"'
    assert link in client.get(reverse("login")).content.decode()
    client.force_login(CoordinatorFactory())
    assert link in client.get(reverse("home")).content.decode()
