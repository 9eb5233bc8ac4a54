"""Find candidates, find placements, and one-click proposals from a ranking."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory, ManagerFactory, SupervisorUserFactory
from participants.tests.factories import ParticipantFactory, WorkExperienceFactory
from placements.models import Placement, PlacementStatus
from supervisors.tests.factories import EnrolmentFactory, SupervisorFactory
from taxonomy.models import SwedishLevel
from taxonomy.tests.factories import OccupationFactory
from workplaces.tests.factories import NeedFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


@pytest.fixture
def need():
    return NeedFactory(
        occupation=OccupationFactory(code="5321"),
        start_date=TODAY + dt.timedelta(days=7),
        end_date=TODAY + dt.timedelta(days=60),
        min_swedish_level=SwedishLevel.SFI_C,
    )


def test_find_candidates_shows_the_ranking_the_why_and_the_excluded(client: Client, coordinator, need) -> None:
    fits = ParticipantFactory(team=coordinator.team, coordinator=coordinator, last_name="Passar")
    WorkExperienceFactory(participant=fits, occupation=need.occupation, years=Decimal("4"))
    ParticipantFactory(
        team=coordinator.team, coordinator=coordinator, last_name="Nybörjare", swedish_level=SwedishLevel.SFI_A
    )
    client.force_login(coordinator)
    page = client.get(reverse("placements:need_candidates", args=[need.pk])).content.decode()
    assert "Passar" in page and "Erfarenhet av yrket" in page
    excluded_part = page[page.index("Uteslutna") :]
    assert "Nybörjare" in excluded_part and "Svenska under behovets lägsta nivå" in excluded_part


def test_find_placements_lists_suitable_needs(client: Client, coordinator, need) -> None:
    person = ParticipantFactory(team=coordinator.team, coordinator=coordinator)
    client.force_login(coordinator)
    page = client.get(reverse("placements:participant_needs", args=[person.pk])).content.decode()
    assert need.title in page


def test_one_click_proposes_with_the_trained_supervisor(client: Client, coordinator, need) -> None:
    SupervisorFactory(workplace=need.workplace, last_name="Otränad")
    trained = SupervisorFactory(workplace=need.workplace)
    EnrolmentFactory(completed=True, supervisor=trained)
    person = ParticipantFactory(team=coordinator.team, coordinator=coordinator)
    client.force_login(coordinator)
    response = client.post(reverse("placements:quick_propose"), {"need": need.pk, "participant": person.pk})
    placement = Placement.objects.get()
    assert response["Location"] == reverse("placements:detail", args=[placement.pk])
    assert placement.supervisor == trained and placement.status == PlacementStatus.PROPOSED
    assert (placement.planned_start, placement.planned_end) == (need.start_date, need.end_date)


def test_one_click_without_a_supervisor_explains_and_saves_nothing(client: Client, coordinator, need) -> None:
    person = ParticipantFactory(team=coordinator.team, coordinator=coordinator)
    client.force_login(coordinator)
    response = client.post(
        reverse("placements:quick_propose"), {"need": need.pk, "participant": person.pk}, follow=True
    )
    assert "ingen handledare med plats" in response.content.decode()
    assert not Placement.objects.exists()


def test_one_click_for_another_teams_participant_is_404(client: Client, coordinator, need) -> None:
    SupervisorFactory(workplace=need.workplace)
    client.force_login(coordinator)
    response = client.post(
        reverse("placements:quick_propose"), {"need": need.pk, "participant": ParticipantFactory().pk}
    )
    assert response.status_code == 404
    assert not Placement.objects.exists()


@pytest.mark.parametrize("make_user", [SupervisorUserFactory, ManagerFactory], ids=["supervisor", "manager"])
def test_other_roles_get_404(client: Client, make_user, need) -> None:
    person = ParticipantFactory()
    client.force_login(make_user())
    assert client.get(reverse("placements:need_candidates", args=[need.pk])).status_code == 404
    assert client.get(reverse("placements:participant_needs", args=[person.pk])).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client: Client, need) -> None:
    response = client.get(reverse("placements:need_candidates", args=[need.pk]))
    assert response["Location"].startswith(reverse("login"))


def test_the_allocation_page_proposes_and_accepting_creates_the_placement(client: Client, coordinator, need) -> None:
    EnrolmentFactory(completed=True, supervisor=SupervisorFactory(workplace=need.workplace))
    person = ParticipantFactory(team=coordinator.team, coordinator=coordinator, last_name="Fördelad")
    client.force_login(coordinator)
    page = client.get(reverse("placements:allocation")).content.decode()
    assert "Fördelad" in page and need.title in page
    response = client.post(
        reverse("placements:quick_propose"), {"need": need.pk, "participant": person.pk, "back": "allocation"}
    )
    assert response["Location"] == reverse("placements:allocation")
    assert Placement.objects.get().participant == person
    assert "är föreslagen" in client.get(reverse("placements:allocation")).content.decode()  # the message
    assert "Fördelad" not in client.get(reverse("placements:allocation")).content.decode()


def test_one_click_with_only_an_untrained_supervisor_asks_for_confirmation(client: Client, coordinator, need) -> None:
    untrained = SupervisorFactory(workplace=need.workplace)
    person = ParticipantFactory(team=coordinator.team, coordinator=coordinator)
    client.force_login(coordinator)
    response = client.post(reverse("placements:quick_propose"), {"need": need.pk, "participant": person.pk})
    assert response.status_code == 200  # the pre-filled form, with what is missing
    assert not Placement.objects.exists()
    page = response.content.decode()
    assert "har ingen handledarutbildning som gäller" in page
    assert f'value="{untrained.pk}"' in page and "checked" in page
    form = response.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data["confirm_untrained"] = "on"
    url = reverse("placements:propose") + f"?need={need.pk}&participant={person.pk}"
    response = client.post(url, {k: v for k, v in data.items() if v not in (None, False)})
    placement = Placement.objects.get()
    assert placement.supervisor == untrained and placement.untrained_supervisor_confirmed
    assert response["Location"] == reverse("placements:detail", args=[placement.pk])
