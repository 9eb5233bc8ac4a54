"""Factories for strategy goals, indicators, targets and reports."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.utils import timezone

from accounts.tests.factories import MunicipalityFactory
from reporting.models import DashboardSummary, Indicator, QuarterlyReport, StrategyGoal, Target


class StrategyGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategyGoal
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Mål {n + 1}")


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"indicator-{n}")
    name = factory.LazyAttribute(lambda o: f"Indikator {o.code}")
    definition = "Antal deltagare som började en praktik under perioden."
    goal = factory.SubFactory(StrategyGoalFactory)


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    municipality = factory.SubFactory(MunicipalityFactory)
    indicator = factory.SubFactory(IndicatorFactory)
    year = 2026
    target_value = Decimal("100")


class QuarterlyReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuarterlyReport

    municipality = factory.SubFactory(MunicipalityFactory)  # a region's report: region=..., municipality=None
    year = 2026
    quarter = 3
    version = factory.Sequence(lambda n: n + 1)


class DashboardSummaryFactory(factory.django.DjangoModelFactory):
    """A stored summary; its figures are empty unless given (the service computes real ones)."""

    class Meta:
        model = DashboardSummary
        django_get_or_create = ("municipality", "region", "year")

    municipality = factory.SubFactory(MunicipalityFactory)
    region = None
    year = 2026
    computed_on = factory.LazyFunction(timezone.localdate)
    started_at = factory.LazyFunction(timezone.now)
    computed_at = factory.LazyFunction(timezone.now)
