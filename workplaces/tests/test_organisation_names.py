"""An organisation's name is unique among its municipality's local employers and its region's regional
ones, and a local one's differs from the regional employers' of its region; the error is the name
field's, and a name of another municipality's is never an error (nor told)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.models import Municipality, Region, User
from accounts.tests.factories import CoordinatorFactory, RegionFactory, TeamFactory, UserFactory
from workplaces.models import Organisation
from workplaces.tests.factories import OrganisationFactory, RegionalOrganisationFactory
from workplaces.tests.test_regional import _municipality

pytestmark = pytest.mark.django_db

NAME = "Vård- och omsorgsförvaltningen"
TAKEN_HERE = "Kommunen har redan en organisation med det här namnet."
TAKEN_IN_REGION = "Regionen har redan en regional arbetsgivare med det här namnet."
TAKEN_BY_REGIONAL = "En regional arbetsgivare i kommunens region har redan det här namnet."


@pytest.fixture
def region() -> Region:
    return RegionFactory()


@pytest.fixture
def a(region: Region) -> Municipality:
    return _municipality("2380", region)


@pytest.fixture
def b(region: Region) -> Municipality:
    return _municipality("0180", region)


def _coordinator(municipality: Municipality) -> User:
    return CoordinatorFactory(team=TeamFactory(municipality=municipality))


def _post(client: Client, name: str, organisation: Organisation | None = None):
    data = {"name": name, "kind": "municipal_department", "organisation_number": "", "active": "on"}
    if organisation is None:
        return client.post(reverse("workplaces:organisation_create"), data)
    return client.post(reverse("workplaces:organisation_edit", args=[organisation.pk]), data)


def test_the_same_name_is_saved_in_two_municipalities(client: Client, a: Municipality, b: Municipality) -> None:
    for municipality in (a, b):
        client.force_login(_coordinator(municipality))
        assert _post(client, NAME).status_code == 302
    assert sorted(Organisation.objects.filter(name=NAME).values_list("municipality__code", flat=True)) == [
        "0180",
        "2380",
    ]


def test_a_name_twice_in_one_municipality_is_refused_next_to_the_name(client: Client, a: Municipality) -> None:
    OrganisationFactory(name=NAME, municipality=a)
    client.force_login(_coordinator(a))
    response = _post(client, NAME)
    assert response.status_code == 200
    assert response.context["form"].errors == {"name": [TAKEN_HERE]}
    assert Organisation.objects.filter(name=NAME).count() == 1
    # Renaming another of the municipality's organisations to it is refused the same way.
    other = OrganisationFactory(name="Kultur- och fritidsförvaltningen", municipality=a)
    assert _post(client, NAME, other).context["form"].errors == {"name": [TAKEN_HERE]}


def test_a_name_of_another_municipalitys_is_no_error_and_not_told(
    client: Client, a: Municipality, b: Municipality
) -> None:
    OrganisationFactory(name=NAME, municipality=b)
    client.force_login(_coordinator(a))
    response = _post(client, NAME)
    assert response.status_code == 302
    assert Organisation.objects.get(name=NAME, municipality=a)
    renamed = OrganisationFactory(name="Kultur- och fritidsförvaltningen", municipality=a)
    Organisation.objects.filter(name=NAME, municipality=a).delete()
    assert _post(client, NAME, renamed).status_code == 302


def test_the_database_holds_the_name_per_municipality(a: Municipality, b: Municipality) -> None:
    Organisation.objects.create(name=NAME, kind="company", municipality=a)
    Organisation.objects.create(name=NAME, kind="company", municipality=b)
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name=NAME, kind="company", municipality=a)


def test_regional_names_are_unique_per_region(region: Region) -> None:
    RegionalOrganisationFactory(name="Region Jämtland Härjedalen", region=region)
    with pytest.raises(ValidationError) as refused:
        Organisation(name="Region Jämtland Härjedalen", kind="public_body", region=region).full_clean()
    assert refused.value.message_dict == {"name": [TAKEN_IN_REGION]}
    Organisation(name="Region Jämtland Härjedalen", kind="public_body", region=RegionFactory()).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="Region Jämtland Härjedalen", kind="public_body", region=region)


def test_a_local_name_may_not_be_a_regional_employers_of_the_region(
    client: Client, region: Region, a: Municipality
) -> None:
    RegionalOrganisationFactory(name="Region Jämtland Härjedalen", region=region)
    client.force_login(_coordinator(a))
    response = _post(client, "Region Jämtland Härjedalen")
    assert response.context["form"].errors == {"name": [TAKEN_BY_REGIONAL]}
    assert not Organisation.objects.filter(municipality=a).exists()
    # In a municipality of another region the name is free.
    elsewhere = _municipality("1480", RegionFactory())
    Organisation(name="Region Jämtland Härjedalen", kind="company", municipality=elsewhere).full_clean()


def test_a_regional_employer_renamed_to_another_of_the_regions_is_refused_on_the_page(
    client: Client, region: Region, a: Municipality
) -> None:
    RegionalOrganisationFactory(name="Region Jämtland Härjedalen", region=region)
    other = RegionalOrganisationFactory(name="Regionens tandvård", region=region)
    # A regional employer is renamed by the system administrator only (workplaces.services).
    client.force_login(UserFactory(municipality=None, is_superuser=True))
    assert _post(client, "Region Jämtland Härjedalen", other).context["form"].errors == {"name": [TAKEN_IN_REGION]}


def test_the_admin_says_it_next_to_the_name(region: Region, a: Municipality) -> None:
    RegionalOrganisationFactory(name="Region Jämtland Härjedalen", region=region)
    request = RequestFactory().post("/")
    request.user = UserFactory(municipality=None, is_superuser=True)
    form_class = admin.site._registry[Organisation].get_form(request, None)
    data = {"name": "Region Jämtland Härjedalen", "kind": "public_body", "organisation_number": "", "active": "on"}
    regional = form_class(data={**data, "region": str(region.pk)})
    assert not regional.is_valid()
    assert regional.errors == {"name": [TAKEN_IN_REGION]}
    local = form_class(data={**data, "municipality": str(a.pk)})
    assert local.errors == {"name": [TAKEN_BY_REGIONAL]}


# --- whatever the case (workplaces 0009) ---------------------------------------------------------------


def test_a_name_differing_only_in_case_is_refused_in_one_municipality_and_free_in_another(
    client: Client, a: Municipality, b: Municipality
) -> None:
    OrganisationFactory(name="Region Jämtland Vård", municipality=a)
    client.force_login(_coordinator(a))
    response = _post(client, "region jämtland vård")
    assert response.status_code == 200
    assert response.context["form"].errors == {"name": [TAKEN_HERE]}
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="REGION Jämtland vård", kind="company", municipality=a)
    client.force_login(_coordinator(b))
    assert _post(client, "region jämtland vård").status_code == 302


def test_a_regional_name_differing_only_in_case_is_refused_in_the_region(region: Region) -> None:
    RegionalOrganisationFactory(name="Region Jämtland Härjedalen", region=region)
    with pytest.raises(ValidationError) as refused:
        Organisation(name="region jämtland härjedalen", kind="public_body", region=region).full_clean()
    assert refused.value.message_dict == {"name": [TAKEN_IN_REGION]}
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="region jämtland härjedalen", kind="public_body", region=region)


def test_a_local_name_differing_only_in_case_from_a_regional_employers_is_refused_next_to_the_name(
    client: Client, region: Region, a: Municipality
) -> None:
    RegionalOrganisationFactory(name="Region Jämtland Härjedalen", region=region)
    client.force_login(_coordinator(a))
    response = _post(client, "region jämtland härjedalen")
    assert response.context["form"].errors == {"name": [TAKEN_BY_REGIONAL]}
    assert not Organisation.objects.filter(municipality=a).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's lower() folds ASCII letters only")
def test_on_postgresql_swedish_capitals_are_folded_too(a: Municipality) -> None:
    """(On SQLite "ÖSTERSUNDS" and "östersunds" stay two names: its lower() leaves Å, Ä and Ö as they are.)"""
    OrganisationFactory(name="Östersunds Åkeri", municipality=a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="ÖSTERSUNDS ÅKERI", kind="company", municipality=a)


def _migrated_to(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


BEFORE = ("workplaces", "0008_organisation_names_per_municipality_and_region")
AFTER = ("workplaces", "0009_organisation_names_unique_whatever_the_case")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_stops_with_a_message_naming_names_that_differ_only_in_case() -> None:
    old = _migrated_to([BEFORE])
    try:
        municipality = Municipality.objects.create(name="Kommunen", code="2380")
        region = Region.objects.create(name="Regionen", code="regionen")
        organisations = old.get_model("workplaces", "Organisation")
        kept = organisations.objects.create(name="Gällö Trä AB", kind="company", municipality_id=municipality.pk)
        clash = organisations.objects.create(name="gällö trä ab", kind="company", municipality_id=municipality.pk)
        organisations.objects.create(name="Regionen", kind="public_body", region_id=region.pk)
        organisations.objects.create(name="REGIONEN", kind="public_body", region_id=region.pk)
        with pytest.raises(RuntimeError) as stopped:
            _migrated_to([AFTER])
        message = str(stopped.value)
        assert f"'Gällö Trä AB' (id {kept.pk}), 'gällö trä ab' (id {clash.pk})" in message
        assert "'Regionen'" in message and "'REGIONEN'" in message and "Nothing was changed" in message
        # Renamed, it migrates; and the database then holds the name whatever the case.
        organisations.objects.filter(pk=clash.pk).update(name="Gällö Trä, verkstaden")
        organisations.objects.filter(name="REGIONEN").delete()
        _migrated_to([AFTER])
        with pytest.raises(IntegrityError), transaction.atomic():
            Organisation.objects.create(name="gällö trä, VERKSTADEN", kind="company", municipality=municipality)
    finally:
        call_command("migrate", verbosity=0)
