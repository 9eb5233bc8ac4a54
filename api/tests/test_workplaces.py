"""/api/v1/organisations/, workplaces/, needs/ (with status and candidates) and supervisors/."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AccessAction, AccessLogEntry, Municipality
from accounts.tests.factories import MunicipalityFactory, RegionFactory
from participants.models import ParticipantStatus
from participants.tests.factories import ParticipantFactory
from supervisors.models import Supervisor
from supervisors.tests.factories import SupervisorFactory
from taxonomy.tests.factories import OccupationFactory, PlacementTypeFactory
from workplaces.models import Need, NeedStatus, Organisation, Workplace
from workplaces.tests.factories import NeedFactory, OrganisationFactory, RegionalOrganisationFactory, WorkplaceFactory

from .conftest import session_client, token_client

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


@pytest.mark.parametrize("url", ["organisations", "workplaces", "needs", "supervisors"])
@pytest.mark.parametrize(
    ("role", "expected"),
    [("coordinator", 200), ("superuser", 200), ("manager", 403), ("supervisor_user", 403), ("administrator", 403)],
)
def test_the_register_is_for_coordinators_as_on_the_pages(request, url, role, expected) -> None:
    client = session_client(request.getfixturevalue(role))
    assert client.get(f"/api/v1/{url}/").status_code == expected
    if expected == 403:
        assert client.post(f"/api/v1/{url}/", {}).status_code == 403


def test_creating_and_changing_an_organisation(coordinator) -> None:
    client = session_client(coordinator)
    response = client.post("/api/v1/organisations/", {"name": "Snickeri och service", "kind": "municipal_department"})
    assert response.status_code == 201, response.json()
    organisation = Organisation.objects.get()
    assert response.json()["id"] == organisation.pk and response.json()["workplace_count"] == 0
    response = client.patch(f"/api/v1/organisations/{organisation.pk}/", {"active": False})
    assert response.status_code == 200
    organisation.refresh_from_db()
    assert organisation.active is False and organisation.name == "Snickeri och service"


def test_a_new_organisation_is_local_to_the_coordinators_municipality(coordinator) -> None:
    """Local or regional is not the API's to choose: posted, municipality and region are ignored."""
    other = MunicipalityFactory(code="0180")
    region = RegionFactory()
    response = session_client(coordinator).post(
        "/api/v1/organisations/",
        {"name": "Städbolaget AB", "kind": "company", "municipality": other.pk, "region": region.pk},
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["municipality"], response.json()["region"]) == (coordinator.municipality_id, None)
    organisation = Organisation.objects.get(name="Städbolaget AB")
    assert (organisation.municipality_id, organisation.region_id) == (coordinator.municipality_id, None)


def test_organisation_errors_are_the_forms(coordinator) -> None:
    response = session_client(coordinator).post(
        "/api/v1/organisations/", {"name": "", "kind": "nonsense", "organisation_number": "123"}
    )
    assert response.status_code == 400
    assert set(response.json()) == {"name", "kind", "organisation_number"}
    assert not Organisation.objects.exists()


def test_a_name_taken_in_the_municipality_is_a_400_on_the_name(coordinator) -> None:
    """The service's error (the form does not know the municipality of a new organisation), on the field."""
    OrganisationFactory(name="Arenabyn", municipality=coordinator.municipality)
    response = session_client(coordinator).post("/api/v1/organisations/", {"name": "Arenabyn", "kind": "company"})
    assert response.status_code == 400
    assert response.json() == {"name": ["Kommunen har redan en organisation med det här namnet."]}
    assert Organisation.objects.count() == 1


def test_a_name_of_another_municipalitys_is_saved(coordinator) -> None:
    OrganisationFactory(name="Arenabyn", municipality=MunicipalityFactory(code="0180"))
    response = session_client(coordinator).post("/api/v1/organisations/", {"name": "Arenabyn", "kind": "company"})
    assert response.status_code == 201, response.json()
    assert response.json()["municipality"] == coordinator.municipality_id
    assert Organisation.objects.filter(name="Arenabyn").count() == 2


def test_the_organisation_list_uses_the_pages_filter(coordinator) -> None:
    OrganisationFactory(name="Biblioteket")
    OrganisationFactory(name="Arenabyn")
    response = session_client(coordinator).get("/api/v1/organisations/", {"q": "bibl"})
    assert [row["name"] for row in response.json()["results"]] == ["Biblioteket"]


def test_a_workplace_is_created_under_a_visible_organisation(coordinator) -> None:
    organisation = OrganisationFactory()
    client = session_client(coordinator)
    response = client.post("/api/v1/workplaces/", {"organisation": organisation.pk, "name": "Måltidsservice"})
    assert response.status_code == 201, response.json()
    assert Workplace.objects.get().organisation == organisation
    response = client.post("/api/v1/workplaces/", {"organisation": 999999, "name": "X"})
    assert response.status_code == 400 and list(response.json()) == ["organisation"]
    response = client.post("/api/v1/workplaces/", {"organisation": organisation.pk, "contact_email": "nope"})
    assert response.status_code == 400 and set(response.json()) == {"name", "contact_email"}


def _need_data(workplace: Workplace, **overrides):
    data = {
        "workplace": workplace.pk,
        "title": "Köksbiträde",
        "occupation": OccupationFactory(code="9412").code,
        "placement_type": PlacementTypeFactory().pk,
        "places": 2,
        "hours_per_day": "4.0",
        "start_date": TODAY.isoformat(),
        "end_date": (TODAY + dt.timedelta(days=90)).isoformat(),
        "min_swedish_level": 1,
        "records_extract": "",
    }
    data.update(overrides)
    return data


def test_creating_a_need_and_moving_its_status(coordinator) -> None:
    client = session_client(coordinator)
    response = client.post("/api/v1/needs/", _need_data(WorkplaceFactory()), format="json")
    assert response.status_code == 201, response.json()
    need = Need.objects.get()
    assert need.created_by == coordinator and response.json()["taken"] == 0
    response = client.post(f"/api/v1/needs/{need.pk}/status/", {"status": NeedStatus.CLOSED})
    assert response.status_code == 200 and response.json()["status"] == "closed"
    response = client.post(f"/api/v1/needs/{need.pk}/status/", {"status": NeedStatus.FILLED})
    assert response.status_code == 400
    assert "Ett behov kan inte gå från" in response.json()["non_field_errors"][0]
    assert client.post(f"/api/v1/needs/{need.pk}/status/", {}).json() == {
        "status": ["Det här fältet är obligatoriskt."]
    }


def test_a_need_ending_before_it_starts_is_refused(coordinator) -> None:
    data = _need_data(WorkplaceFactory(), end_date=(TODAY - dt.timedelta(days=1)).isoformat(), places=0)
    response = session_client(coordinator).post("/api/v1/needs/", data, format="json")
    assert response.status_code == 400
    assert set(response.json()) >= {"places"}
    assert not Need.objects.exists()


def test_fewer_places_than_are_taken_is_the_services_400(coordinator) -> None:
    from placements.tests.factories import PlacementFactory

    need = NeedFactory(places=2)
    PlacementFactory(need=need, status="agreed")
    PlacementFactory(need=need, status="agreed")
    response = session_client(coordinator).patch(f"/api/v1/needs/{need.pk}/", {"places": 1})
    assert response.status_code == 400
    assert "2 platser är tagna samtidigt" in response.json()["places"][0]


def test_the_need_list_filters_and_costs_the_same_queries_for_more_rows(coordinator) -> None:
    client = session_client(coordinator)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/needs/").status_code == 200
        return len(captured)

    NeedFactory.create_batch(2)
    few = queries()
    NeedFactory.create_batch(6, status=NeedStatus.CLOSED)
    assert queries() == few
    assert client.get("/api/v1/needs/", {"status": "closed"}).json()["count"] == 6
    assert client.get("/api/v1/needs/", {"free_places": "true"}).json()["count"] == 8


def test_the_need_list_shows_the_municipalities_a_need_is_published_to(coordinator) -> None:
    region = RegionFactory()
    Municipality.objects.filter(pk=coordinator.municipality_id).update(region=region)
    here = Municipality.objects.get(pk=coordinator.municipality_id)
    there = MunicipalityFactory(code="0180", region=region)
    workplace = WorkplaceFactory(organisation=RegionalOrganisationFactory(region=region))
    regional = NeedFactory(workplace=workplace, published_to=[here, there])
    local = NeedFactory(workplace=WorkplaceFactory(organisation=OrganisationFactory(municipality=here)))
    rows = {row["id"]: row for row in session_client(coordinator).get("/api/v1/needs/").json()["results"]}
    assert sorted(rows[regional.pk]["published_to"]) == ["0180", here.code]
    assert rows[local.pk]["published_to"] == []
    detail = session_client(coordinator).get(f"/api/v1/needs/{regional.pk}/").json()
    assert sorted(detail["published_to"]) == ["0180", here.code]


def test_candidates_are_ranked_with_contributions_and_the_excluded_with_reasons(coordinator, other_coordinator) -> None:
    need = NeedFactory(start_date=TODAY, end_date=TODAY + dt.timedelta(days=60), min_swedish_level=2)
    fitting = ParticipantFactory(team=coordinator.team, swedish_level=4)
    weaker = ParticipantFactory(team=coordinator.team, swedish_level=2)
    no_swedish = ParticipantFactory(team=coordinator.team, swedish_level=0)
    on_hold = ParticipantFactory(team=coordinator.team, status=ParticipantStatus.ON_HOLD)
    ParticipantFactory(team=other_coordinator.team, swedish_level=4)  # not the coordinator's to see
    response = session_client(coordinator).get(f"/api/v1/needs/{need.pk}/candidates/")
    assert response.status_code == 200
    body = response.json()
    assert [c["participant"]["id"] for c in body["candidates"]] == [fitting.pk, weaker.pk]
    assert body["eligible_count"] == 2
    top = body["candidates"][0]
    assert top["score"] == pytest.approx(sum(c["points"] for c in top["contributions"]), abs=0.01)
    assert {c["criterion"] for c in top["contributions"]} >= {"experience", "swedish_margin", "distance"}
    excluded = {e["participant"]["id"]: e["reasons"] for e in body["excluded"]}
    assert set(excluded) == {no_swedish.pk, on_hold.pk}
    assert excluded[no_swedish.pk] == ["Svenska under behovets lägsta nivå"]
    assert {row["reason"] for row in body["excluded_counts"]} >= {"Svenska under behovets lägsta nivå"}
    assert "identity_number" not in response.content.decode()
    logged = AccessLogEntry.objects.filter(user=coordinator, action=AccessAction.LIST)
    assert set(logged.values_list("participant_id", flat=True)) == {fitting.pk, weaker.pk, no_swedish.pk, on_hold.pk}


def test_candidates_for_a_missing_need_is_404(coordinator) -> None:
    assert session_client(coordinator).get("/api/v1/needs/999999/candidates/").status_code == 404


def test_supervisors_are_created_at_a_workplace_and_the_unique_email_holds(coordinator) -> None:
    workplace = WorkplaceFactory()
    client = token_client(coordinator)  # an integration: no CSRF for a token
    data = {"workplace": workplace.pk, "first_name": "Eva", "last_name": "Berg", "email": "eva@example.org"}
    response = client.post("/api/v1/supervisors/", {**data, "max_participants": 2}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["trained_until"] is None
    response = client.post("/api/v1/supervisors/", {**data, "max_participants": 2}, format="json")
    assert response.status_code == 400
    assert Supervisor.objects.count() == 1
    response = client.post("/api/v1/supervisors/", {**data, "max_participants": 99}, format="json")
    assert response.status_code == 400 and "max_participants" in response.json()


def test_the_supervisor_list_searches_like_the_page(coordinator) -> None:
    SupervisorFactory(first_name="Karin", last_name="Ek")
    SupervisorFactory(first_name="Per", last_name="Ås")
    response = session_client(coordinator).get("/api/v1/supervisors/", {"q": "karin"})
    assert [row["first_name"] for row in response.json()["results"]] == ["Karin"]


def test_a_nul_character_in_the_search_is_no_error(coordinator) -> None:
    SupervisorFactory(first_name="Karin")
    assert session_client(coordinator).get("/api/v1/supervisors/", {"q": "ka\x00rin"}).status_code == 200
