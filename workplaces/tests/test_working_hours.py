"""A need's working hours per weekday: entered on the need form beside the need's own fields, saved with
the need, shown on its page. A need without any keeps today's behaviour."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory
from taxonomy.models import Weekday
from taxonomy.tests.factories import OccupationFactory, PlacementTypeFactory
from workplaces.models import Need, WorkingHours
from workplaces.services import WorkingSpan, need_save
from workplaces.tests.factories import NeedFactory, WorkingHoursFactory, WorkplaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(coordinator) -> Client:
    client = Client()
    client.force_login(coordinator)
    return client


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


def _need_post(**hours: str) -> dict[str, Any]:
    start = dt.date.today() + dt.timedelta(days=10)
    data = {
        "title": "Kök",
        "occupation": OccupationFactory().code,
        "placement_type": str(PlacementTypeFactory().pk),
        "places": "1",
        "hours_per_day": "4",
        "start_date": start.isoformat(),
        "end_date": (start + dt.timedelta(weeks=8)).isoformat(),
        "min_swedish_level": "0",
        "records_extract": "",
    }
    data.update({f"hours-{key}": value for key, value in hours.items()})
    return data


def _hours(need: Need) -> list[tuple[int, str, str]]:
    return [(h.weekday, f"{h.starts_at:%H:%M}", f"{h.ends_at:%H:%M}") for h in WorkingHours.objects.filter(need=need)]


def test_the_need_is_saved_with_its_hours_and_its_page_shows_them(client: Client) -> None:
    workplace = WorkplaceFactory()
    hours = {f"day{day}_{end}": time for day in range(4) for end, time in (("from", "13:00"), ("to", "17:00"))}
    response = client.post(reverse("workplaces:need_create", args=[workplace.pk]), _need_post(**hours))
    assert response.status_code == 302
    need = Need.objects.get(workplace=workplace)
    assert _hours(need) == [(day, "13:00", "17:00") for day in range(4)]
    page = client.get(reverse("workplaces:need_detail", args=[need.pk]), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Måndag 13:00–17:00, Tisdag 13:00–17:00, Onsdag 13:00–17:00, Torsdag 13:00–17:00" in page


def test_the_edit_form_shows_the_hours_and_days_left_empty_are_cleared(client: Client) -> None:
    need = NeedFactory()
    WorkingHoursFactory(need=need, weekday=Weekday.MONDAY)
    WorkingHoursFactory(need=need, weekday=Weekday.TUESDAY)
    url = reverse("workplaces:need_edit", args=[need.pk])
    form = client.get(url).context["hours_form"]
    assert form["day0_from"].value() == dt.time(13) and form["day2_from"].value() is None
    post = _need_post(day1_from="08:00", day1_to="12:00")
    post["placement_type"] = str(need.placement_type_id)
    assert client.post(url, post).status_code == 302
    assert _hours(need) == [(1, "08:00", "12:00")]


def test_a_need_without_hours_keeps_none_and_its_page_says_so(client: Client) -> None:
    workplace = WorkplaceFactory()
    assert client.post(reverse("workplaces:need_create", args=[workplace.pk]), _need_post()).status_code == 302
    need = Need.objects.get(workplace=workplace)
    assert _hours(need) == []
    page = client.get(reverse("workplaces:need_detail", args=[need.pk]), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Inte angivna: inget krockar med studier" in page


@pytest.mark.parametrize(
    ("hours", "field", "code"),
    [
        ({"day0_from": "13:00"}, "day0_to", "half_a_span"),
        ({"day4_to": "17:00"}, "day4_from", "half_a_span"),
        ({"day1_from": "17:00", "day1_to": "13:00"}, "day1_to", "ends_before_start"),
        ({"day1_from": "13:00", "day1_to": "13:00"}, "day1_to", "ends_before_start"),
        ({"day2_from": "25:61", "day2_to": "17:00"}, "day2_from", "invalid"),
        ({"day2_from": "13:00:30", "day2_to": "17:00"}, "day2_from", "whole_minutes"),
    ],
)
def test_bad_hours_are_refused_beside_the_field_with_the_needs_own_errors(
    client: Client, hours: dict[str, str], field: str, code: str
) -> None:
    workplace = WorkplaceFactory()
    post = {**_need_post(**hours), "places": "0"}
    response = client.post(reverse("workplaces:need_create", args=[workplace.pk]), post)
    assert response.status_code == 200
    assert code in [e.code for e in response.context["hours_form"].errors.as_data()[field]]
    assert "places" in response.context["form"].errors  # the need's own error, in the same round
    assert not Need.objects.filter(workplace=workplace).exists()


def test_the_service_keeps_the_hours_unless_given(coordinator) -> None:
    need = NeedFactory()
    WorkingHoursFactory(need=need)
    need_save(need=need, by=coordinator, places_held=lambda need: 0, title="Ny titel")
    assert len(_hours(need)) == 1
    need_save(
        need=need,
        by=coordinator,
        places_held=lambda need: 0,
        working_hours=[WorkingSpan(weekday=4, starts_at=dt.time(9), ends_at=dt.time(13))],
    )
    assert _hours(need) == [(4, "09:00", "13:00")]
