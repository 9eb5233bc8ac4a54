"""The strategy's goals, indicators with targets, and quarterly report snapshots."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from taxonomy.models import NamedInTwoLanguages, english_active

if TYPE_CHECKING:
    from accounts.models import Municipality, Region

# A report or a dashboard summary is one municipality's or one region's, never both or neither.
ONE_OWNER = Q(municipality__isnull=False, region__isnull=True) | Q(municipality__isnull=True, region__isnull=False)


class StrategyGoal(models.Model):
    """A long-term goal of the municipality's integration strategy."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("strategy goal")
        verbose_name_plural = _("strategy goals")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Indicator(NamedInTwoLanguages, models.Model):  # noqa: DJ008  # __str__ is the mixin's
    """A measured figure with a written definition, e.g. "participants matched to a placement"."""

    class Unit(models.TextChoices):
        COUNT = "count", _("Number")
        PERCENT = "percent", _("Percent")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(
        _("English name"), max_length=200, blank=True, help_text=_("Shown when the user has chosen English.")
    )
    definition = models.TextField(_("definition"))
    definition_en = models.TextField(_("English definition"), blank=True)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.COUNT)
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    goal = models.ForeignKey(
        StrategyGoal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("goal"),
    )
    # Set only when the indicator is computed the way that Kolada KPI is defined: then, and only then,
    # a comparison figure (the national average) may be shown beside it.
    kolada_kpi = models.CharField(
        _("Kolada KPI"),
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^[A-Z]\d{5}$", _("A Kolada KPI id is a capital letter and five digits."))],
        help_text=_(
            "The id of the Kolada KPI this indicator is defined as (e.g. U40455). Only such indicators show a "
            "comparison figure."
        ),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    @property
    def localised_definition(self) -> str:
        """The definition the code computes, for a standard indicator (one written definition per
        indicator, reporting.indicators.STANDARD); the installation's own text for any other."""
        from .indicators import STANDARD

        if self.code in STANDARD:
            return STANDARD[self.code].text
        return self.definition_en if english_active() and self.definition_en else self.definition


class Target(models.Model):
    """A municipality's target for an indicator (its strategy's), for a year or for one quarter of
    it, with a baseline. The indicator and its definition are shared by every municipality."""

    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.PROTECT, related_name="targets", verbose_name=_("municipality")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indicator")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), null=True, blank=True, help_text=_("Empty for the whole year.")
    )
    target_value = models.DecimalField(_("target"), max_digits=10, decimal_places=2)
    baseline = models.DecimalField(_("baseline"), max_digits=10, decimal_places=2, null=True, blank=True)
    comparison_value = models.DecimalField(
        _("comparison (e.g. national average)"), max_digits=10, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["municipality", "indicator", "year", "quarter"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.CheckConstraint(
                condition=Q(quarter__isnull=True) | Q(quarter__gte=1, quarter__lte=4), name="target_quarter_1_to_4"
            ),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="target_year_range"),
            models.CheckConstraint(condition=Q(target_value__gte=0), name="target_value_not_negative"),
            models.UniqueConstraint(
                fields=["municipality", "indicator", "year"],
                condition=Q(quarter__isnull=True),
                name="target_one_per_indicator_year",
            ),
            models.UniqueConstraint(
                fields=["municipality", "indicator", "year", "quarter"],
                condition=Q(quarter__isnull=False),
                name="target_one_per_indicator_quarter",
            ),
        ]

    def __str__(self) -> str:
        period = f"{self.year} Q{self.quarter}" if self.quarter else str(self.year)
        return f"{self.indicator} {period}: {self.target_value}"

    def clean(self) -> None:
        is_share = self.indicator_id and self.indicator.unit == Indicator.Unit.PERCENT
        if is_share and self.target_value is not None and self.target_value > 100:
            raise ValidationError({"target_value": _("A share cannot exceed 100 %.")})
        if self.comparison_value is not None and self.indicator_id and not self.indicator.kolada_kpi:
            raise ValidationError(
                {
                    "comparison_value": _(
                        "A comparison figure can only be set for an indicator defined as a Kolada KPI: other "
                        "measures are not defined the same way."
                    )
                }
            )


class QuarterlyReport(models.Model):
    """A snapshot of every indicator for a quarter. Regenerating keeps the earlier versions; only one
    version per quarter is current. A version made before the quarter ended is preliminary, and a
    preliminary version is never the current one."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being generated")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    # Whose figures: one municipality's, or a region's (every municipality of it, side by side).
    municipality = models.ForeignKey(
        "accounts.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    region = models.ForeignKey(
        "accounts.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    is_current = models.BooleanField(_("current"), default=False)
    preliminary = models.BooleanField(
        _("preliminary"), default=False, help_text=_("Made before the quarter ended; never the current version.")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    generated_at = models.DateTimeField(_("generated"), null=True, blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="reports/", blank=True)
    xlsx = models.FileField(_("Excel workbook"), upload_to="reports/", blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    changes = models.JSONField(
        _("changed since the version before"),
        default=list,
        blank=True,
        help_text=_("The figures that differ from the previous version of the quarter (a corrected fact)."),
    )

    class Meta:
        ordering = ["-year", "-quarter", "-version"]
        verbose_name = _("quarterly report")
        verbose_name_plural = _("quarterly reports")
        constraints = [
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="report_quarter_1_to_4"),
            models.CheckConstraint(condition=ONE_OWNER, name="report_of_a_municipality_or_a_region"),
            models.UniqueConstraint(
                fields=["municipality", "year", "quarter", "version"],
                condition=Q(municipality__isnull=False),
                name="report_unique_version",
            ),
            models.UniqueConstraint(
                fields=["region", "year", "quarter", "version"],
                condition=Q(region__isnull=False),
                name="report_unique_version_region",
            ),
            models.UniqueConstraint(
                fields=["municipality", "year", "quarter"],
                condition=Q(is_current=True, municipality__isnull=False),
                name="report_one_current_per_quarter",
            ),
            models.UniqueConstraint(
                fields=["region", "year", "quarter"],
                condition=Q(is_current=True, region__isnull=False),
                name="report_one_current_per_quarter_region",
            ),
            models.CheckConstraint(
                condition=~Q(preliminary=True, is_current=True), name="report_preliminary_never_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} Q{self.quarter} v{self.version}"

    @property
    def owner(self) -> Municipality | Region:
        """The municipality or the region whose report it is."""
        return self.municipality or self.region  # type: ignore[return-value]  # one is set (ONE_OWNER)


class DashboardSummary(models.Model):
    """The manager dashboard's figures for a year, computed in the background (reporting.dashboard)
    so that the page answers at once. `stale` marks a summary the data has moved on from since; the
    page then still shows it, says when it was computed, and a refresh is queued."""

    # Whose figures: one municipality's, or a region's (every municipality of it, side by side).
    municipality = models.ForeignKey(
        "accounts.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    region = models.ForeignKey(
        "accounts.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    format = models.PositiveSmallIntegerField(
        _("format"), default=0, help_text=_("The layout of the figures; a summary in an older layout is recomputed.")
    )
    data_version = models.CharField(_("data version"), max_length=64, blank=True)
    computed_on = models.DateField(_("figures as of"))
    started_at = models.DateTimeField(_("computation started"))
    computed_at = models.DateTimeField(_("computed"))
    duration_ms = models.PositiveIntegerField(_("computation time (ms)"), default=0)
    stale = models.BooleanField(_("outdated"), default=False)
    refresh_queued_at = models.DateTimeField(_("refresh queued"), null=True, blank=True)

    class Meta:
        verbose_name = _("dashboard summary")
        verbose_name_plural = _("dashboard summaries")
        constraints = [
            models.CheckConstraint(condition=ONE_OWNER, name="summary_of_a_municipality_or_a_region"),
            models.UniqueConstraint(
                fields=["municipality", "year"], condition=Q(municipality__isnull=False), name="summary_one_per_year"
            ),
            models.UniqueConstraint(
                fields=["region", "year"], condition=Q(region__isnull=False), name="summary_one_per_year_region"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} ({self.computed_at:%Y-%m-%d %H:%M})"
