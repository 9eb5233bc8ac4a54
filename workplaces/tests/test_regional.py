"""Regional employers: an organisation is local to one municipality or regional (a region's), and a
regional employer's need is published to chosen municipalities of its region. Who sees which
organisation, workplace and need (accounts.access), the one definition of which municipalities may
use a need (Need.offered_to and Need.municipality_ids), and who sets what."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.forms.models import model_to_dict
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.models import Municipality, Region, User
from accounts.tests.factories import (
    AdministratorFactory,
    CoordinatorFactory,
    ManagerFactory,
    MunicipalityFactory,
    RegionFactory,
    SupervisorUserFactory,
    TeamFactory,
    UserFactory,
)
from api.tests.conftest import token_client
from supervisors.services import supervisor_invite, supervisor_save
from supervisors.tests.factories import SupervisorFactory
from workplaces.models import Need, Organisation
from workplaces.services import organisation_save
from workplaces.tests.factories import (
    NeedFactory,
    OrganisationFactory,
    RegionalOrganisationFactory,
    WorkplaceFactory,
)
from workplaces.tests.test_views import _need_post

pytestmark = pytest.mark.django_db


@dataclass
class World:
    region: Region
    a: Municipality
    b: Municipality
    coordinator_a: User
    coordinator_b: User


def _municipality(code: str, region: Region) -> Municipality:
    """The municipality with the code (the factories' shared one too), in the region."""
    MunicipalityFactory(code=code)
    Municipality.objects.filter(code=code).update(region=region)
    return Municipality.objects.get(code=code)


@pytest.fixture
def world() -> World:
    region = RegionFactory()
    a, b = _municipality("2380", region), _municipality("0180", region)
    return World(
        region=region,
        a=a,
        b=b,
        coordinator_a=CoordinatorFactory(team=TeamFactory(municipality=a)),
        coordinator_b=CoordinatorFactory(team=TeamFactory(municipality=b)),
    )


def _regional_need(world: World, *published: Municipality) -> Need:
    workplace = WorkplaceFactory(organisation=RegionalOrganisationFactory(region=world.region))
    return NeedFactory(workplace=workplace, published_to=list(published))


def _local_need(municipality: Municipality) -> Need:
    return NeedFactory(workplace=WorkplaceFactory(organisation=OrganisationFactory(municipality=municipality)))


# --- the model ---------------------------------------------------------------------------------------


def test_the_database_refuses_an_organisation_both_local_and_regional_or_neither(world: World) -> None:
    for municipality, region in ((world.a, world.region), (None, None)):
        with pytest.raises(IntegrityError), transaction.atomic():
            Organisation.objects.create(name="Båda", kind="company", municipality=municipality, region=region)


def test_full_clean_says_an_organisation_is_local_or_regional(world: World) -> None:
    for municipality, region in ((world.a, world.region), (None, None)):
        with pytest.raises(ValidationError) as refused:
            Organisation(name="Fel", kind="company", municipality=municipality, region=region).full_clean()
        assert refused.value.messages == [
            "En organisation är antingen lokal för en kommun eller regional: ange det ena eller det andra."
        ]
    Organisation(name="Lokal", kind="company", municipality=world.a).full_clean()
    Organisation(name="Regional", kind="public_body", region=world.region).full_clean()


def test_a_local_need_cannot_be_published(world: World) -> None:
    need = _local_need(world.a)
    need.published_to_chosen = [world.b]
    with pytest.raises(ValidationError) as refused:
        need.full_clean()
    assert set(refused.value.message_dict) == {"published_to"}


def test_a_regional_need_is_published_only_within_its_region(world: World) -> None:
    elsewhere = _municipality("1480", RegionFactory())
    need = _regional_need(world, world.a)
    need.published_to_chosen = [world.a, elsewhere]
    with pytest.raises(ValidationError) as refused:
        need.full_clean()
    assert elsewhere.name in refused.value.message_dict["published_to"][0]
    need.published_to_chosen = [world.a, world.b]
    need.full_clean()


def test_what_is_published_already_is_checked_when_the_organisation_has_become_local(world: World) -> None:
    need = _regional_need(world, world.a)
    Organisation.objects.filter(pk=need.workplace.organisation_id).update(region=None, municipality=world.a)
    need = Need.objects.get(pk=need.pk)
    with pytest.raises(ValidationError) as refused:
        need.full_clean()
    assert set(refused.value.message_dict) == {"published_to"}


def test_the_filter_and_the_python_answer_name_the_same_municipalities(world: World) -> None:
    """Need.offered_to (the filter every scope uses) and Need.municipality_ids (what the rules and the
    matching arrays read) are the one definition in two forms: they agree on every kind of need."""
    other = _municipality("1480", world.region)
    needs = [
        _local_need(world.a),
        _local_need(world.b),
        _regional_need(world),
        _regional_need(world, world.a),
        _regional_need(world, world.a, world.b),
        _regional_need(world, world.b, other),
    ]
    for municipality in (world.a, world.b, other):
        by_filter = set(Need.objects.for_municipality(municipality.pk).values_list("pk", flat=True))
        by_python = {need.pk for need in needs if municipality.pk in Need.objects.get(pk=need.pk).municipality_ids()}
        assert by_filter == by_python, municipality
    assert [sorted(Need.objects.get(pk=n.pk).municipality_ids()) for n in needs] == [
        [world.a.pk],
        [world.b.pk],
        [],
        [world.a.pk],
        sorted([world.a.pk, world.b.pk]),
        sorted([world.b.pk, other.pk]),
    ]


# --- who sees what -----------------------------------------------------------------------------------


def _status(client: Client, user: User, url: str) -> int:
    client.force_login(user)
    return client.get(url).status_code


def test_a_local_need_of_one_municipality_is_404_for_the_other(client: Client, world: World) -> None:
    need = _local_need(world.a)
    workplace, organisation = need.workplace, need.workplace.organisation
    for url in (
        reverse("workplaces:need_detail", args=[need.pk]),
        reverse("workplaces:workplace_detail", args=[workplace.pk]),
        reverse("workplaces:organisation_detail", args=[organisation.pk]),
    ):
        assert _status(client, world.coordinator_a, url) == 200, url
        assert _status(client, world.coordinator_b, url) == 404, url
    client.force_login(world.coordinator_b)
    assert need.title not in client.get(reverse("workplaces:need_list")).content.decode()
    assert organisation.name not in client.get(reverse("workplaces:organisation_list")).content.decode()


def test_a_regional_need_published_to_both_is_seen_by_both(client: Client, world: World) -> None:
    need = _regional_need(world, world.a, world.b)
    for coordinator in (world.coordinator_a, world.coordinator_b):
        assert _status(client, coordinator, reverse("workplaces:need_detail", args=[need.pk])) == 200
        assert need.title in client.get(reverse("workplaces:need_list")).content.decode()
    # The page says where it is published, and the employer's page that it is the region's.
    page = client.get(reverse("workplaces:need_detail", args=[need.pk])).content.decode()
    assert "publicerat för" in page and world.a.name in page and world.b.name in page
    organisation_url = reverse("workplaces:organisation_detail", args=[need.workplace.organisation_id])
    assert world.region.name in client.get(organisation_url).content.decode()


def test_a_regional_need_published_to_one_is_404_for_the_other(client: Client, world: World) -> None:
    need = _regional_need(world, world.a)
    assert _status(client, world.coordinator_a, reverse("workplaces:need_detail", args=[need.pk])) == 200
    assert _status(client, world.coordinator_b, reverse("workplaces:need_detail", args=[need.pk])) == 404
    assert need.title not in client.get(reverse("workplaces:need_list")).content.decode()
    # The employer and its workplace are the region's: B's coordinator finds them, not the need.
    workplace = need.workplace
    assert _status(client, world.coordinator_b, reverse("workplaces:workplace_detail", args=[workplace.pk])) == 200
    organisation_url = reverse("workplaces:organisation_detail", args=[workplace.organisation_id])
    assert _status(client, world.coordinator_b, organisation_url) == 200


def test_a_regional_employer_of_another_region_is_no_ones_here(client: Client, world: World) -> None:
    elsewhere = _municipality("1480", RegionFactory())
    need = NeedFactory(
        workplace=WorkplaceFactory(organisation=RegionalOrganisationFactory(region=elsewhere.region)),
        published_to=[elsewhere],
    )
    for url in (
        reverse("workplaces:need_detail", args=[need.pk]),
        reverse("workplaces:workplace_detail", args=[need.workplace_id]),
        reverse("workplaces:organisation_detail", args=[need.workplace.organisation_id]),
    ):
        assert _status(client, world.coordinator_a, url) == 404, url


def test_managers_and_administrators_see_their_municipalitys_register_only(world: World) -> None:
    ours = _local_need(world.a)
    theirs = _local_need(world.b)
    shared = _regional_need(world, world.a, world.b)
    for user in (ManagerFactory(municipality=world.a), AdministratorFactory(municipality=world.a)):
        assert set(Need.objects.visible_to(user)) == {ours, shared}
        organisations = set(Organisation.objects.visible_to(user))
        assert organisations == {ours.workplace.organisation, shared.workplace.organisation}
    assert set(Need.objects.visible_to(UserFactory(municipality=None, is_superuser=True))) >= {ours, theirs, shared}
    assert not Need.objects.visible_to(ManagerFactory(municipality=None)).exists()


def test_a_supervisor_still_sees_their_own_workplaces_needs_whatever_is_published(world: World) -> None:
    need = _regional_need(world, world.b)
    user = SupervisorUserFactory(municipality=world.a)
    SupervisorFactory(workplace=need.workplace, user=user)
    assert list(Need.objects.visible_to(user)) == [need]
    _local_need(world.a)
    assert list(Need.objects.visible_to(user)) == [need]


# --- who sets what -----------------------------------------------------------------------------------


def test_a_coordinators_new_organisation_is_local_to_their_municipality(client: Client, world: World) -> None:
    client.force_login(world.coordinator_b)
    data = {"name": "Städbolaget AB", "kind": "company", "organisation_number": "556036-0793", "active": "on"}
    response = client.post(reverse("workplaces:organisation_create"), data)
    organisation = Organisation.objects.get(name="Städbolaget AB")
    assert response.status_code == 302
    assert (organisation.municipality, organisation.region) == (world.b, None)
    # Neither field is the coordinator's to choose: posted, they are ignored.
    data.update(name="Annat AB", region=str(world.region.pk), municipality=str(world.a.pk))
    client.post(reverse("workplaces:organisation_create"), data)
    assert Organisation.objects.get(name="Annat AB").municipality == world.b


def test_a_user_without_a_municipality_is_told_on_the_page(client: Client) -> None:
    superuser = UserFactory(municipality=None, is_superuser=True)
    client.force_login(superuser)
    data = {"name": "Städbolaget AB", "kind": "company", "organisation_number": "", "active": "on"}
    response = client.post(reverse("workplaces:organisation_create"), data)
    assert response.status_code == 200
    assert "lokal för en kommun eller regional" in response.content.decode()
    assert not Organisation.objects.filter(name="Städbolaget AB").exists()


def test_a_coordinator_cannot_add_a_need_to_a_regional_employer(client: Client, world: World) -> None:
    workplace = WorkplaceFactory(organisation=RegionalOrganisationFactory(region=world.region))
    client.force_login(world.coordinator_a)
    response = client.post(reverse("workplaces:need_create", args=[workplace.pk]), _need_post(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("workplaces:workplace_detail", args=[workplace.pk])
    page = response.content.decode()
    assert "En regional arbetsgivare, dess arbetsplatser och dess behov" in page
    assert reverse("workplaces:need_create", args=[workplace.pk]) not in page  # no "New need" button
    assert not Need.objects.filter(workplace=workplace).exists()


def test_a_coordinator_it_is_published_to_neither_changes_nor_closes_a_regional_need(
    client: Client, world: World
) -> None:
    """A's coordinator closing the need, or cutting its places, would take them from B's: a regional
    employer's needs are the system administrator's, on the page, the form and the API alike."""
    need = _regional_need(world, world.a, world.b)
    places, status = need.places, need.status
    client.force_login(world.coordinator_a)
    page = client.get(reverse("workplaces:need_detail", args=[need.pk])).content.decode()
    assert reverse("workplaces:need_edit", args=[need.pk]) not in page
    assert reverse("workplaces:need_status", args=[need.pk]) not in page
    response = client.post(reverse("workplaces:need_edit", args=[need.pk]), _need_post(places="1"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("workplaces:need_detail", args=[need.pk])
    assert "En regional arbetsgivare, dess arbetsplatser och dess behov" in response.content.decode()
    response = client.post(reverse("workplaces:need_status", args=[need.pk]), {"status": "closed"}, follow=True)
    assert "En regional arbetsgivare, dess arbetsplatser och dess behov" in response.content.decode()
    api = token_client(world.coordinator_a)
    assert api.patch(f"/api/v1/needs/{need.pk}/", {"places": 1}).status_code == 400
    assert api.post(f"/api/v1/needs/{need.pk}/status/", {"status": "closed"}).status_code == 400
    need.refresh_from_db()
    assert (need.places, need.status) == (places, status)
    # A local need of their own they change as before.
    own = _local_need(world.a)
    client.post(reverse("workplaces:need_status", args=[own.pk]), {"status": "closed"})
    own.refresh_from_db()
    assert own.status == "closed"


def _admin_need_form(need: Need, **changes: Any) -> forms.ModelForm:
    superuser = UserFactory(municipality=None, is_superuser=True)
    request = RequestFactory().post("/")
    request.user = superuser
    model_admin = admin.site._registry[Need]
    form_class = model_admin.get_form(request, need)
    data = model_to_dict(need)
    data.update(changes)
    data = {k: v for k, v in data.items() if v is not None}
    data["published_to"] = [m.pk for m in changes.get("published_to", [])]
    data["prerequisites"] = []
    return form_class(data=data, instance=need)


def test_the_admin_publishes_a_regional_need_and_says_why_not_next_to_the_field(world: World) -> None:
    need = _regional_need(world)
    elsewhere = _municipality("1480", RegionFactory())
    refused = _admin_need_form(need, published_to=[world.a, elsewhere])
    assert not refused.is_valid()
    assert list(refused.errors) == ["published_to"]
    accepted = _admin_need_form(need, published_to=[world.a, world.b])
    assert accepted.is_valid(), accepted.errors
    accepted.save()
    assert need.municipality_ids() == {world.a.pk, world.b.pk}


def test_administrators_have_no_permission_on_the_register() -> None:
    """Local or regional, and publishing, are a superuser's (in the admin), as regions are."""
    administrator = AdministratorFactory()
    assert not any(
        administrator.has_perm(f"workplaces.{action}_{model}")
        for action in ("add", "change")
        for model in ("organisation", "need")
    )


# --- the migration -----------------------------------------------------------------------------------


def _migrated_to(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migrating_puts_existing_organisations_into_the_first_municipality() -> None:
    """workplaces 0006: an organisation from before is local to the installation's municipality (the
    first by id when there are several); one already regional stays so."""
    old = _migrated_to([("workplaces", "0005_organisation_municipality_region")])
    # The accounts tables stay at their latest migration (only workplaces went back): today's models.
    first = Municipality.objects.create(name="Första kommunen", code="2380")
    Municipality.objects.create(name="Andra kommunen", code="0180")
    region = Region.objects.create(name="Regionen", code="regionen")
    organisations = old.get_model("workplaces", "Organisation")
    before = organisations.objects.create(name="Vård- och omsorgsförvaltningen", kind="municipal_department")
    regional = organisations.objects.create(name="Regionen", kind="public_body", region_id=region.pk)
    try:
        executor = MigrationExecutor(connection)
        _migrated_to(executor.loader.graph.leaf_nodes())
        assert Organisation.objects.get(pk=before.pk).municipality_id == first.pk
        assert (Organisation.objects.get(pk=regional.pk).municipality_id, regional.region_id) == (None, region.pk)
    finally:
        call_command("migrate", verbosity=0)


def test_a_coordinator_neither_renames_a_regional_employer_nor_adds_or_changes_its_workplaces(
    client: Client, world: World
) -> None:
    """The rule of the needs holds for the employer and its workplaces: renaming it, or a workplace
    of it, would change it for every municipality of the region."""
    workplace = WorkplaceFactory(organisation=RegionalOrganisationFactory(region=world.region, name="Regionen"))
    organisation = workplace.organisation
    names = (organisation.name, workplace.name)
    client.force_login(world.coordinator_a)
    page = client.get(reverse("workplaces:organisation_detail", args=[organisation.pk])).content.decode()
    assert reverse("workplaces:organisation_edit", args=[organisation.pk]) not in page
    assert reverse("workplaces:workplace_create", args=[organisation.pk]) not in page
    page = client.get(reverse("workplaces:workplace_detail", args=[workplace.pk])).content.decode()
    assert reverse("workplaces:workplace_edit", args=[workplace.pk]) not in page
    for url in (
        reverse("workplaces:organisation_edit", args=[organisation.pk]),
        reverse("workplaces:workplace_create", args=[organisation.pk]),
        reverse("workplaces:workplace_edit", args=[workplace.pk]),
    ):
        response = client.post(url, {"name": "Omdöpt", "kind": "company", "active": "on"}, follow=True)
        assert "En regional arbetsgivare, dess arbetsplatser och dess behov" in response.content.decode(), url
    api = token_client(world.coordinator_a)
    assert api.patch(f"/api/v1/organisations/{organisation.pk}/", {"name": "Omdöpt"}).status_code == 400
    assert api.patch(f"/api/v1/workplaces/{workplace.pk}/", {"name": "Omdöpt"}).status_code == 400
    organisation.refresh_from_db()
    workplace.refresh_from_db()
    assert (organisation.name, workplace.name) == names
    assert list(organisation.workplaces.all()) == [workplace]
    # A superuser changes it.
    superuser = UserFactory(municipality=None, is_superuser=True)
    organisation_save(organisation=organisation, by=superuser, name="Region Omdöpt")
    organisation.refresh_from_db()
    assert organisation.name == "Region Omdöpt"


def test_a_regional_workplace_shows_each_municipality_only_the_needs_published_to_it(
    client: Client, world: World
) -> None:
    """The workplace and employer pages of a regional employer are the whole region's; the needs on
    them, and the count of open ones, only those offered to the viewer's municipality."""
    for_a = _regional_need(world, world.a)
    for_both = NeedFactory(workplace=for_a.workplace, published_to=[world.a, world.b], title="Till båda")
    Need.objects.filter(pk__in=[for_a.pk, for_both.pk]).update(status="open")
    organisation = for_a.workplace.organisation
    for user, shown in ((world.coordinator_a, {for_a, for_both}), (world.coordinator_b, {for_both})):
        client.force_login(user)
        page = client.get(reverse("workplaces:workplace_detail", args=[for_a.workplace_id]))
        assert {
            need
            for need in Need.objects.all()
            if reverse("workplaces:need_detail", args=[need.pk]) in page.content.decode()
        } == shown, user
        listed = client.get(reverse("workplaces:organisation_list"))
        row = next(o for o in listed.context["table"].data if o.pk == organisation.pk)
        assert row.open_needs == len(shown), user


def test_a_coordinator_neither_registers_nor_changes_nor_invites_a_regional_employers_supervisor(
    world: World,
) -> None:
    workplace = WorkplaceFactory(organisation=RegionalOrganisationFactory(region=world.region))
    supervisor = SupervisorFactory(workplace=workplace, phone="070-111 11 11")
    with pytest.raises(ValidationError, match="system"):
        supervisor_save(supervisor=supervisor, by=world.coordinator_b, phone="070-999 99 99")
    with pytest.raises(ValidationError, match="system"):
        supervisor_save(by=world.coordinator_b, workplace=workplace, first_name="Ny", last_name="Handledare")
    with pytest.raises(ValidationError, match="system"):
        supervisor_invite(supervisor=supervisor, by=world.coordinator_b)
    supervisor.refresh_from_db()
    assert supervisor.phone == "070-111 11 11" and supervisor.user_id is None
