"""What a need or its workplace asks of a person before they start: chosen on the forms from the active
prerequisites administrators keep, and shown on the need's and the workplace's pages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory
from placements.selectors import need_places_held
from taxonomy.models import Prerequisite
from taxonomy.tests.factories import DistrictFactory, PrerequisiteFactory
from workplaces.forms import NeedForm, WorkplaceForm
from workplaces.models import Need, Workplace
from workplaces.services import need_save
from workplaces.tests.factories import NeedFactory, OrganisationFactory, WorkplaceFactory
from workplaces.tests.test_views import _need_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


@pytest.fixture
def client(client: Client, coordinator) -> Client:
    client.force_login(coordinator)
    return client


def test_the_defaults_are_seeded() -> None:
    assert set(Prerequisite.objects.filter(active=True).values_list("code", flat=True)) >= {
        "tystnadsforbindelse",
        "hygienutbildning",
        "vaccination",
        "arbetsklader",
        "passerkort",
    }


@pytest.mark.parametrize("form_class", [NeedForm, WorkplaceForm])
def test_the_forms_offer_the_active_prerequisites_as_checkboxes(form_class) -> None:
    PrerequisiteFactory(name="Gammal blankett", active=False)
    field = form_class().fields["prerequisites"]
    names = {p.name for p in field.queryset}
    assert "Hygienutbildning" in names and "Gammal blankett" not in names
    assert field.widget.input_type == "checkbox"


@pytest.mark.parametrize("form_class", [NeedForm, WorkplaceForm])
def test_editing_keeps_offering_one_already_chosen_that_has_since_been_made_inactive(form_class) -> None:
    old = PrerequisiteFactory(name="Gammal blankett", active=False)
    instance = NeedFactory() if form_class is NeedForm else WorkplaceFactory()
    instance.prerequisites.add(old)
    assert old in form_class(instance=instance).fields["prerequisites"].queryset


def test_a_need_is_saved_with_its_prerequisites_and_its_page_shows_them_with_the_workplaces(client: Client) -> None:
    workplace = WorkplaceFactory()
    workplace.prerequisites.add(Prerequisite.objects.get(code="passerkort"))
    hygiene, clothes = Prerequisite.objects.get(code="hygienutbildning"), Prerequisite.objects.get(code="arbetsklader")

    response = client.post(
        reverse("workplaces:need_create", args=[workplace.pk]),
        {**_need_post(), "prerequisites": [hygiene.pk, clothes.pk]},
    )

    need = Need.objects.get()
    assert set(need.prerequisites.all()) == {hygiene, clothes}
    page = client.get(response["Location"]).content.decode()
    assert "Arbetskläder, Hygienutbildning" in page
    assert 'Arbetsplatsens förutsättningar</dt><dd class="col-sm-8">Passerkort</dd>' in page


def test_editing_a_need_without_a_box_ticked_clears_them(client: Client) -> None:
    need = NeedFactory()
    need.prerequisites.add(Prerequisite.objects.get(code="vaccination"))
    data = _need_post()
    data.update(start_date=str(need.start_date), end_date=str(need.end_date))
    assert client.post(reverse("workplaces:need_edit", args=[need.pk]), data).status_code == 302
    assert not need.prerequisites.exists()


def test_an_inactive_prerequisite_cannot_be_posted(client: Client) -> None:
    workplace = WorkplaceFactory()
    old = PrerequisiteFactory(active=False)
    response = client.post(
        reverse("workplaces:need_create", args=[workplace.pk]), {**_need_post(), "prerequisites": [old.pk]}
    )
    assert response.status_code == 200 and "prerequisites" in response.context["form"].errors
    assert not Need.objects.exists()


def test_a_save_that_names_no_prerequisites_leaves_them_as_they_are(coordinator) -> None:
    """The API's need input has no prerequisites: saving through it must not clear them."""
    need = NeedFactory()
    need.prerequisites.add(Prerequisite.objects.get(code="vaccination"))
    need_save(need=need, by=coordinator, title="Nytt namn", places_held=need_places_held)
    assert need.prerequisites.get().code == "vaccination"


def test_a_workplace_is_saved_with_what_it_asks_of_everyone_and_its_page_shows_it(client: Client) -> None:
    organisation = OrganisationFactory()
    card = Prerequisite.objects.get(code="passerkort")
    response = client.post(
        reverse("workplaces:workplace_create", args=[organisation.pk]),
        {
            "name": "Köket på Ängsgården",
            "postal_code": "831 30",
            "city": "Östersund",
            "district": DistrictFactory().pk,
            "prerequisites": [card.pk],
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    workplace = Workplace.objects.get(name="Köket på Ängsgården")
    assert list(workplace.prerequisites.all()) == [card]
    assert "Passerkort" in client.get(response["Location"]).content.decode()
