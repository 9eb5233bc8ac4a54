"""Factories for organisations, workplaces and needs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from accounts.tests.factories import MunicipalityFactory, RegionFactory
from taxonomy.models import Weekday
from taxonomy.tests.factories import DistrictFactory, OccupationFactory, PlacementTypeFactory
from workplaces.models import (
    Need,
    NeedStatus,
    Organisation,
    OrganisationKind,
    ProcurementContract,
    WorkingHours,
    Workplace,
)


class OrganisationFactory(factory.django.DjangoModelFactory):
    """A local employer of the shared default municipality (accounts' factories), unless given one."""

    class Meta:
        model = Organisation
        # A name is unique per municipality or region only (the same name in two is two organisations).
        django_get_or_create = ("name", "municipality", "region")

    name = factory.Sequence(lambda n: f"Förvaltning {n}")
    kind = OrganisationKind.MUNICIPAL_DEPARTMENT
    organisation_number = "212000-2411"
    municipality = factory.SubFactory(MunicipalityFactory)
    region = None


class RegionalOrganisationFactory(OrganisationFactory):
    """A regional employer (a region's public body): no municipality of its own; its needs are
    published to municipalities of its region (`NeedFactory(published_to=[...])`)."""

    name = factory.Sequence(lambda n: f"Regionen {n}")
    kind = OrganisationKind.PUBLIC_BODY
    organisation_number = "232100-0214"
    municipality = None
    region = factory.SubFactory(RegionFactory)


class ProcurementContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcurementContract

    organisation = factory.SubFactory(
        OrganisationFactory, kind=OrganisationKind.COMPANY, organisation_number="556036-0793"
    )
    reference = factory.Sequence(lambda n: f"UH-{2026}-{n:03d}")
    subject = "Städtjänster"
    start_date = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=180))
    end_date = factory.LazyAttribute(lambda o: o.start_date + dt.timedelta(days=3 * 365))
    promised_placements = 4


class WorkplaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workplace

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Arbetsplats {n}")
    district = factory.SubFactory(DistrictFactory)
    city = "Östersund"


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need
        skip_postgeneration_save = True

    workplace = factory.SubFactory(WorkplaceFactory)
    title = factory.Sequence(lambda n: f"Praktikplats {n}")
    occupation = factory.SubFactory(OccupationFactory)
    placement_type = factory.SubFactory(PlacementTypeFactory)
    places = 2
    hours_per_day = Decimal("4.0")
    start_date = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=14))
    end_date = factory.LazyAttribute(lambda o: o.start_date + dt.timedelta(weeks=12))
    status = NeedStatus.OPEN

    @factory.post_generation
    def published_to(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        """NeedFactory(published_to=[a, b]): a regional employer's need offered to those municipalities."""
        if create and extracted:
            self.clean_published_to(extracted)
            self.published_to.set(extracted)


class WorkingHoursFactory(factory.django.DjangoModelFactory):
    """Tuesday afternoon, 13:00–17:00: the four hours a day beside morning SFI."""

    class Meta:
        model = WorkingHours

    need = factory.SubFactory(NeedFactory)
    weekday = Weekday.TUESDAY
    starts_at = dt.time(13, 0)
    ends_at = dt.time(17, 0)
