"""Organisation, workplace and need pages: coordinators work here; others get 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory, ManagerFactory, SupervisorUserFactory
from placements.tests.factories import PlacementFactory
from supervisors.tests.factories import EnrolmentFactory, SupervisorFactory
from taxonomy.tests.factories import OccupationFactory, PlacementTypeFactory
from workplaces.models import Need, NeedStatus, Organisation
from workplaces.tests.factories import NeedFactory, WorkplaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


def _urls(need: Need) -> list[str]:
    workplace, organisation = need.workplace, need.workplace.organisation
    return [
        reverse("workplaces:organisation_list"),
        reverse("workplaces:organisation_create"),
        reverse("workplaces:organisation_detail", args=[organisation.pk]),
        reverse("workplaces:organisation_edit", args=[organisation.pk]),
        reverse("workplaces:workplace_create", args=[organisation.pk]),
        reverse("workplaces:workplace_detail", args=[workplace.pk]),
        reverse("workplaces:workplace_edit", args=[workplace.pk]),
        reverse("workplaces:need_create", args=[workplace.pk]),
        reverse("workplaces:need_list"),
        reverse("workplaces:need_detail", args=[need.pk]),
        reverse("workplaces:need_edit", args=[need.pk]),
    ]


def test_every_page_opens_for_a_coordinator(client: Client, coordinator) -> None:
    need = NeedFactory()
    client.force_login(coordinator)
    for url in _urls(need):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("make_user", [SupervisorUserFactory, ManagerFactory], ids=["supervisor", "manager"])
def test_other_roles_get_404(client: Client, make_user) -> None:
    need = NeedFactory()
    client.force_login(make_user())
    for url in _urls(need):
        assert client.get(url).status_code == 404, url


def test_anonymous_users_are_sent_to_log_in(client: Client) -> None:
    need = NeedFactory()
    for url in _urls(need):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_unknown_ids_are_404(client: Client, coordinator) -> None:
    client.force_login(coordinator)
    for name in ("organisation_detail", "workplace_detail", "need_detail", "need_edit"):
        assert client.get(reverse(f"workplaces:{name}", args=[987654])).status_code == 404


def test_creating_an_organisation_with_a_bad_number_shows_the_error(client: Client, coordinator) -> None:
    client.force_login(coordinator)
    data = {"name": "Städbolaget AB", "kind": "company", "organisation_number": "556036-0794", "active": "on"}
    response = client.post(reverse("workplaces:organisation_create"), data)
    assert response.status_code == 200
    assert "Ange ett giltigt organisationsnummer" in response.content.decode()
    assert not Organisation.objects.exists()
    data["organisation_number"] = "5560360793"
    response = client.post(reverse("workplaces:organisation_create"), data)
    organisation = Organisation.objects.get()
    assert response["Location"] == reverse("workplaces:organisation_detail", args=[organisation.pk])
    assert organisation.organisation_number == "556036-0793"


def _need_post(**overrides: str) -> dict[str, str]:
    data = {
        "title": "Vårdbiträde",
        "occupation": OccupationFactory(code="5330").code,
        "placement_type": str(PlacementTypeFactory().pk),
        "places": "2",
        "hours_per_day": "4.0",
        "start_date": "2026-12-01",
        "end_date": "2027-03-01",
        "min_swedish_level": "2",
        "records_extract": "",
    }
    data.update(overrides)
    return data


def test_a_need_with_zero_places_is_refused_next_to_the_field(client: Client, coordinator) -> None:
    workplace = WorkplaceFactory()
    client.force_login(coordinator)
    response = client.post(reverse("workplaces:need_create", args=[workplace.pk]), _need_post(places="0"))
    assert response.status_code == 200
    assert 'id="error_1_id_places"' in response.content.decode()
    assert not Need.objects.exists()


def test_a_need_ending_before_it_starts_is_refused(client: Client, coordinator) -> None:
    workplace = WorkplaceFactory()
    client.force_login(coordinator)
    response = client.post(reverse("workplaces:need_create", args=[workplace.pk]), _need_post(end_date="2026-11-01"))
    assert "Slutdatumet måste ligga efter startdatumet" in response.content.decode()
    assert not Need.objects.exists()


def test_a_need_is_created_at_its_workplace(client: Client, coordinator) -> None:
    workplace = WorkplaceFactory()
    client.force_login(coordinator)
    response = client.post(reverse("workplaces:need_create", args=[workplace.pk]), _need_post())
    need = Need.objects.get()
    assert response["Location"] == reverse("workplaces:need_detail", args=[need.pk])
    assert need.workplace == workplace and need.created_by == coordinator


def test_places_cannot_drop_below_those_taken(client: Client, coordinator) -> None:
    placement = PlacementFactory(active=True, participant__team=coordinator.team)
    need = placement.need
    client.force_login(coordinator)
    data = _need_post(places="0")
    data.update(start_date=str(need.start_date), end_date=str(need.end_date))
    client.post(reverse("workplaces:need_edit", args=[need.pk]), data)
    need.refresh_from_db()
    assert need.places == 2


def test_the_need_page_shows_places_and_who_is_trained(client: Client, coordinator) -> None:
    placement = PlacementFactory(active=True, participant__team=coordinator.team)
    EnrolmentFactory(completed=True, supervisor=placement.supervisor)
    SupervisorFactory(workplace=placement.need.workplace, last_name="Otränad")
    client.force_login(coordinator)
    page = client.get(reverse("workplaces:need_detail", args=[placement.need.pk])).content.decode()
    assert "1 / 2" in page
    assert "1 ledig plats" in page
    assert "Utbildad" in page and "Inte utbildad" in page
    assert placement.participant.full_name in page


def test_the_need_status_changes_only_by_the_rules(client: Client, coordinator) -> None:
    need = NeedFactory()
    client.force_login(coordinator)
    client.post(reverse("workplaces:need_status", args=[need.pk]), {"status": NeedStatus.CLOSED})
    need.refresh_from_db()
    assert need.status == NeedStatus.CLOSED
    client.post(reverse("workplaces:need_status", args=[need.pk]), {"status": NeedStatus.FILLED})
    need.refresh_from_db()
    assert need.status == NeedStatus.CLOSED
    response = client.post(reverse("workplaces:need_status", args=[need.pk]), {"status": "bogus"}, follow=True)
    assert "Okänd status" in response.content.decode()


def test_the_need_list_uses_a_fixed_number_of_queries(client: Client, coordinator) -> None:
    client.force_login(coordinator)
    NeedFactory.create_batch(2)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("workplaces:need_list"))
    NeedFactory.create_batch(15)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("workplaces:need_list"))
    assert len(many) == len(few)


def test_the_organisation_list_uses_a_fixed_number_of_queries(client: Client, coordinator) -> None:
    client.force_login(coordinator)
    NeedFactory.create_batch(2)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("workplaces:organisation_list"))
    NeedFactory.create_batch(15)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("workplaces:organisation_list"))
    assert len(many) == len(few)


def test_the_need_list_filters_by_free_places(client: Client, coordinator) -> None:
    full = PlacementFactory(active=True, need__places=1, need__title="Fullt behov").need
    NeedFactory(title="Ledigt behov", start_date=dt.date.today(), end_date=dt.date.today() + dt.timedelta(days=30))
    client.force_login(coordinator)
    page = client.get(reverse("workplaces:need_list"), {"free_places": "true"}).content.decode()
    assert "Ledigt behov" in page and full.title not in page


def test_the_need_list_filters_by_the_occupation_group(client: Client, coordinator) -> None:
    # The SSYK the migrations load: 5321 Undersköterskor..., 5322 ... and 7411 Installations- och serviceelektriker.
    NeedFactory(title="Undersköterska natt", occupation=OccupationFactory(code="5321"))
    NeedFactory(title="Skötare", occupation=OccupationFactory(code="5322"))
    NeedFactory(title="Elektriker", occupation=OccupationFactory(code="7411"))
    client.force_login(coordinator)
    page = client.get(reverse("workplaces:need_list"), {"occupation": "5321"}).content.decode()
    assert "Undersköterska natt" in page and "Skötare" in page and "Elektriker" not in page
    assert '<option value="5321" selected' in page
    # Only unit groups are choices: a minor group or an unknown code is a field error, and the list is whole.
    for bogus in ("532", "9999", "x" * 500):
        response = client.get(reverse("workplaces:need_list"), {"occupation": bogus})
        assert response.status_code == 200
        form = response.context["filter"].form
        assert "occupation" in form.errors, bogus
        assert "Elektriker" in response.content.decode()


def test_the_organisation_list_filters_by_kind_and_contract(client: Client, coordinator) -> None:
    from workplaces.tests.factories import OrganisationFactory, ProcurementContractFactory

    supplier = ProcurementContractFactory(organisation__name="Leverantören AB").organisation
    OrganisationFactory(name="Kulturförvaltningen")
    client.force_login(coordinator)
    page = client.get(reverse("workplaces:organisation_list"), {"contract": "true"}).content.decode()
    assert supplier.name in page and "Kulturförvaltningen" not in page
    page = client.get(reverse("workplaces:organisation_list"), {"kind": "municipal_department"}).content.decode()
    assert "Kulturförvaltningen" in page and supplier.name not in page
