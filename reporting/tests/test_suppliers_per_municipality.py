"""The suppliers' contracts on the dashboard (and in the reports) are those of the figures' own
register: a municipality's own suppliers and its region's regional ones, for a region's figures
those of every municipality of it; never another municipality's (issue 19, point 1)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Municipality
from accounts.tests.factories import ManagerFactory, MunicipalityFactory, RegionalManagerFactory, RegionFactory
from reporting.indicators import Period
from reporting.scope import EVERYWHERE, Scope
from reporting.services import suppliers
from workplaces.models import OrganisationKind
from workplaces.tests.factories import OrganisationFactory, ProcurementContractFactory, RegionalOrganisationFactory

pytestmark = pytest.mark.django_db

YEAR = dt.date.today().year


@pytest.fixture
def world() -> dict[str, Municipality]:
    region = RegionFactory()
    a = MunicipalityFactory(code="2380", name="Alfa")
    b = MunicipalityFactory(code="0180", name="Beta")
    elsewhere = MunicipalityFactory(code="1480", name="Gamma")  # no region
    Municipality.objects.filter(pk__in=[a.pk, b.pk]).update(region=region)
    for municipality, name in ((a, "Alfa Städ AB"), (b, "Beta Bygg AB"), (elsewhere, "Gamma Kök AB")):
        ProcurementContractFactory(
            organisation=OrganisationFactory(municipality=municipality, name=name, kind=OrganisationKind.COMPANY),
            start_date=dt.date(YEAR, 1, 1),
            end_date=dt.date(YEAR + 2, 12, 31),
        )
    ProcurementContractFactory(
        organisation=RegionalOrganisationFactory(region=region, name="Regionens Tvätt"),
        start_date=dt.date(YEAR, 1, 1),
        end_date=dt.date(YEAR + 2, 12, 31),
    )
    return {"a": Municipality.objects.get(pk=a.pk), "b": Municipality.objects.get(pk=b.pk), "elsewhere": elsewhere}


def _names(rows: list[dict[str, object]]) -> set[object]:
    return {row["name"] for row in rows}


def test_a_scopes_suppliers_are_its_registers(world: dict[str, Municipality]) -> None:
    def of(*municipalities: Municipality) -> set[object]:
        scope = Scope.of(m.pk for m in municipalities)
        return _names(suppliers(Period(dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31), str(YEAR), scope=scope)))

    assert of(world["a"]) == {"Alfa Städ AB", "Regionens Tvätt"}
    assert of(world["b"]) == {"Beta Bygg AB", "Regionens Tvätt"}
    assert of(world["elsewhere"]) == {"Gamma Kök AB"}
    assert of(world["a"], world["b"]) == {"Alfa Städ AB", "Beta Bygg AB", "Regionens Tvätt"}
    everything = _names(suppliers(Period(dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31), str(YEAR), scope=EVERYWHERE)))
    assert everything == {"Alfa Städ AB", "Beta Bygg AB", "Gamma Kök AB", "Regionens Tvätt"}


def _dashboard_suppliers(client: Client, user: object) -> set[object]:
    client.force_login(user)  # type: ignore[arg-type]  # a user from a factory
    response = client.get(reverse("reporting:dashboard"))
    assert response.status_code == 200
    return _names(response.context["figures"]["suppliers"])


def test_the_dashboard_shows_the_viewers_municipalitys_suppliers_and_a_regional_managers_regions(
    client: Client, world: dict[str, Municipality]
) -> None:
    assert _dashboard_suppliers(client, ManagerFactory(municipality=world["b"])) == {"Beta Bygg AB", "Regionens Tvätt"}
    assert _dashboard_suppliers(client, ManagerFactory(municipality=world["elsewhere"])) == {"Gamma Kök AB"}
    regional = RegionalManagerFactory(region=world["a"].region)
    assert _dashboard_suppliers(client, regional) == {"Alfa Städ AB", "Beta Bygg AB", "Regionens Tvätt"}
