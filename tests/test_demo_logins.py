"""After `seed_demo`, each demo user logs in with the demo password and sees their start page."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(django_db_blocker) -> None:
    call_command("seed_demo", participants=40, seed=7, verbosity=0)


@pytest.mark.parametrize(
    ("username", "heading"),
    [
        ("koordinator", "Idag i ditt team"),
        ("handledare", "Deltagare du handleder"),
        ("chef", "Nyckeltal"),
        ("administrator", "Granskning av loggen"),
    ],
)
def test_each_demo_user_logs_in_and_sees_the_start_page(demo, client: Client, username: str, heading: str) -> None:
    response = client.post(reverse("login"), {"username": username, "password": "platsa-demo"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("home")
    page = response.content.decode()
    assert heading in page
    assert "Logga ut" in page


def test_the_demo_supervisor_sees_participants_and_the_coordinator_a_waiting_list(demo, client: Client) -> None:
    page = client.post(reverse("login"), {"username": "handledare", "password": "platsa-demo"}, follow=True)
    assert "Du har inga deltagare just nu" not in page.content.decode()
    client.logout()
    page = client.post(reverse("login"), {"username": "koordinator", "password": "platsa-demo"}, follow=True)
    assert "Ingen väntar" not in page.content.decode()


def test_the_demo_regional_manager_sees_the_municipalities_side_by_side(demo, client: Client) -> None:
    client.post(reverse("login"), {"username": "regionchef", "password": "platsa-demo"})
    page = client.get(reverse("reporting:dashboard"))
    assert page.status_code == 200 and "Kommunerna sida vid sida" in page.content.decode()
    assert client.get(reverse("participants:list")).status_code == 404
