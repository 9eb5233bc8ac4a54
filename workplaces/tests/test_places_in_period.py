"""Places taken are counted in the need's period: two consecutive placements on a one-place need take
one place, on every page that shows places, in the API, and when the need is edited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory
from api.tests.conftest import session_client
from placements.models import Placement, PlacementStatus
from placements.tests.factories import PlacementFactory
from workplaces.models import Need
from workplaces.tests.factories import NeedFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


def _consecutive(places: int, title: str = "Kökspraktik") -> Need:
    """A need of `places` with two agreed placements one after the other, filling its whole period."""
    need = NeedFactory(
        places=places, title=title, start_date=TODAY + dt.timedelta(days=7), end_date=TODAY + dt.timedelta(days=97)
    )
    middle = need.start_date + dt.timedelta(days=45)
    PlacementFactory(need=need, status=PlacementStatus.AGREED, planned_end=middle)
    PlacementFactory(
        need=need, status=PlacementStatus.AGREED, planned_start=middle + dt.timedelta(days=1), planned_end=need.end_date
    )
    return need


def _row(page: str, title: str) -> str:
    """The need list's table row of the need called `title`."""
    start = page.rindex("<tr", 0, page.index(f">{title}</a>"))
    return page[start : page.index("</tr>", start)]


def test_the_need_list_shows_one_of_one_taken(client: Client, coordinator) -> None:
    _consecutive(1)
    client.force_login(coordinator)
    row = _row(client.get(reverse("workplaces:need_list")).content.decode(), "Kökspraktik")
    cells = [cell.split("</td>")[0] for cell in row.split("<td>")[1:]]
    assert cells[4:6] == ["1", "1"]  # places, taken


def test_the_need_page_and_the_workplace_page_show_one_of_one(client: Client, coordinator) -> None:
    need = _consecutive(1)
    client.force_login(coordinator)
    need_page = client.get(reverse("workplaces:need_detail", args=[need.pk])).content.decode()
    assert "1 / 1" in need_page and "2 / 1" not in need_page
    assert "0 lediga platser" in need_page
    workplace_page = client.get(reverse("workplaces:workplace_detail", args=[need.workplace_id])).content.decode()
    assert "1 / 1" in workplace_page and "2 / 1" not in workplace_page


def test_the_start_page_finds_the_free_place_beside_two_consecutive_placements(client: Client, coordinator) -> None:
    # Two places, one held all period long by two placements after each other: one place is free.
    _consecutive(2, title="Lagerpraktik")
    _consecutive(1, title="Full praktik")
    client.force_login(coordinator)
    page = client.get(reverse("home")).content.decode()
    assert "1 öppet behov med lediga platser" in page
    assert "Lagerpraktik" in page and "1 ledig plats" in page
    assert "Full praktik" not in page


def test_the_free_places_filter_counts_in_the_period(client: Client, coordinator) -> None:
    _consecutive(2, title="Lagerpraktik")
    _consecutive(1, title="Full praktik")
    client.force_login(coordinator)
    free = client.get(reverse("workplaces:need_list"), {"free_places": "true"}).content.decode()
    assert "Lagerpraktik" in free and "Full praktik" not in free
    full = client.get(reverse("workplaces:need_list"), {"free_places": "false"}).content.decode()
    assert "Full praktik" in full and "Lagerpraktik" not in full


def test_the_api_shows_one_taken(coordinator) -> None:
    need = _consecutive(1)
    client = session_client(coordinator)
    assert client.get(f"/api/v1/needs/{need.pk}/").json()["taken"] == 1
    assert [row["taken"] for row in client.get("/api/v1/needs/").json()["results"]] == [1]
    assert client.get("/api/v1/needs/", {"free_places": "true"}).json()["results"] == []


def _edit(need: Need, **changes: str) -> dict[str, str]:
    data = {
        "title": need.title,
        "occupation": need.occupation_id,
        "placement_type": str(need.placement_type_id),
        "places": str(need.places),
        "hours_per_day": str(need.hours_per_day),
        "start_date": need.start_date.isoformat(),
        "end_date": need.end_date.isoformat(),
        "min_swedish_level": str(need.min_swedish_level),
        "records_extract": need.records_extract,
    }
    data.update(changes)
    return data


def test_the_need_stays_editable(client: Client, coordinator) -> None:
    need = _consecutive(1)
    client.force_login(coordinator)
    response = client.post(reverse("workplaces:need_edit", args=[need.pk]), _edit(need, title="Kök och disk"))
    assert response.status_code == 302, response.content.decode()
    need.refresh_from_db()
    assert need.title == "Kök och disk"
    patched = session_client(coordinator).patch(f"/api/v1/needs/{need.pk}/", {"hours_per_day": "5.0"})
    assert patched.status_code == 200, patched.json()
    assert patched.json()["taken"] == 1


def test_places_cannot_drop_below_those_held_at_the_same_time(client: Client, coordinator) -> None:
    need = _consecutive(1)
    at_once = Placement.objects.filter(need=need).order_by("planned_start").first()
    assert at_once is not None
    PlacementFactory(need=need, status=PlacementStatus.AGREED, planned_end=at_once.planned_end)
    Need.objects.filter(pk=need.pk).update(places=2)
    need.refresh_from_db()
    client.force_login(coordinator)
    response = client.post(reverse("workplaces:need_edit", args=[need.pk]), _edit(need, places="1"))
    assert response.status_code == 200
    assert "2 platser är tagna samtidigt av överenskomna eller pågående praktikperioder." in response.content.decode()
    need.refresh_from_db()
    assert need.places == 2
