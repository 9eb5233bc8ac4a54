"""After `seed_demo`, each demo user logs in with the demo password and sees their start page; the demo
region has three municipalities, each coordinator sees their own participants only."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import Municipality, User
from demo.municipalities import SMALL_MUNICIPALITIES, SmallMunicipality
from participants.models import Participant
from placements.models import Placement
from workplaces.models import Need

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
        ("koordinator-bracke", "Idag i ditt team"),
        ("chef-bracke", "Nyckeltal"),
        ("koordinator-ragunda", "Idag i ditt team"),
        ("chef-ragunda", "Nyckeltal"),
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


def test_the_demo_region_has_the_large_municipality_and_two_small_ones_of_its_county(demo) -> None:
    region = User.objects.get(username="regionchef").region
    assert region is not None
    municipalities = list(region.municipalities.all())
    codes = {m.code for m in municipalities}
    assert codes == {settings.PLATSA_MUNICIPALITY_CODE, *(small.code for small in SMALL_MUNICIPALITIES)}
    assert {code[:2] for code in codes} == {settings.PLATSA_MUNICIPALITY_CODE[:2]}  # one county
    counts = {m.code: Participant.objects.filter(municipality=m).count() for m in municipalities}
    assert counts[settings.PLATSA_MUNICIPALITY_CODE] == 40  # --participants is the large municipality's
    for small in SMALL_MUNICIPALITIES:
        assert counts[small.code] == small.participants
        municipality = next(m for m in municipalities if m.code == small.code)
        municipality.full_clean()  # the SCB code among them
        assert municipality.letterhead == dict(small.letterhead)
        assert list(municipality.teams.values_list("name", flat=True)) == [small.team[0]]
        for login in small.logins:
            assert User.objects.get(username=login.username).municipality == municipality


def _listed_pks(client: Client) -> tuple[int, set[int], str]:
    """The participant list's count, the pks on all its pages, and the pages' HTML."""
    first = client.get(reverse("participants:list"))
    assert first.status_code == 200
    table = first.context["table"]
    pages = [first.content.decode()]
    for number in range(2, table.paginator.num_pages + 1):
        pages.append(client.get(reverse("participants:list"), {"page": number}).content.decode())
    html = "".join(pages)
    return table.paginator.count, {int(pk) for pk in re.findall(r'href="/participants/(\d+)/"', html)}, html


@pytest.mark.parametrize("small", SMALL_MUNICIPALITIES, ids=lambda small: small.code)
def test_a_small_municipalitys_coordinator_sees_their_own_participants_and_no_one_elses(
    demo, client: Client, small: SmallMunicipality
) -> None:
    municipality = Municipality.objects.get(code=small.code)
    own = set(Participant.objects.filter(municipality=municipality).values_list("pk", flat=True))
    assert len(own) == small.participants
    response = client.post(
        reverse("login"), {"username": small.coordinator.username, "password": "platsa-demo"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")

    count, listed, html = _listed_pks(client)
    assert count == len(own)
    assert listed == own
    others = Participant.objects.exclude(municipality=municipality)
    assert others.exists()
    for other in others.only("pk"):
        assert f'href="/participants/{other.pk}/"' not in html
    for other_municipality in {other.municipality_id for other in others.only("municipality_id")}:
        someone = others.filter(municipality_id=other_municipality).first()
        assert someone is not None
        assert client.get(reverse("participants:detail", args=[someone.pk])).status_code == 404


def test_the_demo_regional_manager_sees_the_three_municipalities_side_by_side(demo, client: Client) -> None:
    client.post(reverse("login"), {"username": "regionchef", "password": "platsa-demo"})
    page = client.get(reverse("reporting:dashboard"))
    assert page.status_code == 200
    region = User.objects.get(username="regionchef").region
    assert region is not None
    names = sorted(region.municipalities.values_list("name", flat=True))
    assert len(names) == 3
    assert sorted(page.context["regional"]["names"]) == names
    html = page.content.decode()
    for name in names:
        assert f'<th scope="col" class="text-end">{name}</th>' in html


def test_the_regions_needs_are_published_to_the_large_municipality_and_brackes_coordinators_only(
    demo, client: Client
) -> None:
    regional = Need.objects.filter(workplace__organisation__region__isnull=False).order_by("pk")
    assert regional.exists()
    assert not Need.objects.filter(workplace__organisation__region__isnull=True, published_to__isnull=False).exists()
    need = regional.first()
    assert need is not None
    assert {m.code for m in need.published_to.all()} == {settings.PLATSA_MUNICIPALITY_CODE, "2305"}
    # The large municipality's participants were placed there, and a few of Bräcke's; none of Ragunda's.

    at_regional = Placement.objects.filter(need__workplace__organisation__region__isnull=False)
    assert at_regional.exists()
    assert set(at_regional.values_list("municipality__code", flat=True)) == {settings.PLATSA_MUNICIPALITY_CODE, "2305"}
    for username, status in (("koordinator", 200), ("koordinator-bracke", 200), ("koordinator-ragunda", 404)):
        client.post(reverse("login"), {"username": username, "password": "platsa-demo"})
        assert client.get(reverse("workplaces:need_detail", args=[need.pk])).status_code == status, username
        client.logout()
