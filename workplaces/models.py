"""Organisations, their workplaces, and the needs (openings) workplaces offer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from accounts import access
from accounts.models import Municipality
from taxonomy.models import EducationLevel, SwedishLevel, Weekday, validate_whole_minutes

from .organisation_numbers import validate_organisation_number


class OrganisationKind(models.TextChoices):
    MUNICIPAL_DEPARTMENT = "municipal_department", _("Municipal department")
    COMPANY = "company", _("Company")
    PUBLIC_BODY = "public_body", _("Region or other public body")
    NGO = "ngo", _("Non-profit organisation")


# The code of every "the name is taken" error: the constraints' and clean()'s, all on the name field.
NAME_TAKEN = "name_taken"


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def local_to(self, municipality_id: int) -> OrganisationQuerySet:
        return self.filter(municipality_id=municipality_id)

    def visible_to(self, user: access.AnyUser) -> OrganisationQuerySet:
        return self.filter(access.organisation_scope(user))

    def departments(self) -> OrganisationQuerySet:
        return self.filter(kind=OrganisationKind.MUNICIPAL_DEPARTMENT)

    def with_social_procurement_contract(self, on: dt.date) -> OrganisationQuerySet:
        return self.filter(contracts__start_date__lte=on, contracts__end_date__gte=on).distinct()


class Organisation(models.Model):
    """An employer: a municipal department (förvaltning), a company, a public body or an NGO.

    Departments are rows of this table, not an enumeration: municipalities reorganise.

    Local (`municipality`: one municipality's employer) or regional (`region`: an employer whose needs
    are published to chosen municipalities of the region, `Need.published_to`), exactly one of the
    two (a database constraint). Which municipalities may use a need: `Need.municipality_ids`.

    A name is unique among its municipality's local employers, or its region's regional ones (database
    constraints), and a local one's differs from the regional employers' of the municipality's region
    (`clean`), in either case whatever the case of its letters: a municipality's list of employers never
    shows one name twice.
    """

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    organisation_number = models.CharField(
        _("organisation number"),
        max_length=11,
        blank=True,
        validators=[validate_organisation_number],
        help_text=_("NNNNNN-NNNN. A municipal department has the municipality's number."),
    )
    active = models.BooleanField(_("active"), default=True)
    municipality = models.ForeignKey(
        "accounts.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("municipality"),
        help_text=_("A local employer's municipality. Empty for a regional employer."),
    )
    region = models.ForeignKey(
        "accounts.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("region"),
        help_text=_(
            "A regional employer's region: its needs are published to chosen municipalities of the region. "
            "Empty for a local employer."
        ),
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [models.Index(fields=["kind"], name="organisation_kind")]
        constraints = [
            models.CheckConstraint(
                condition=Q(municipality__isnull=False, region__isnull=True)
                | Q(municipality__isnull=True, region__isnull=False),
                name="organisation_local_or_regional",
                # Said by full_clean too (the admin, the services): the coordinators' form has
                # neither field, and organisation_save gives a new one its creator's municipality.
                violation_error_message=_(
                    "An organisation is local to a municipality or regional: give the one or the other."
                ),
                violation_error_code="local_or_regional",
            ),
            # Whatever the case: "Region Jämtland" and "region jämtland" are one name (Lower; SQLite's
            # lower() folds ASCII letters only, PostgreSQL's every letter). Conditional, so that Django
            # checks them with these messages; NULLs are distinct on SQLite and PostgreSQL alike, so the
            # conditions change nothing in the database.
            models.UniqueConstraint(
                F("municipality"),
                Lower("name"),
                condition=Q(municipality__isnull=False),
                name="organisation_unique_name_per_municipality",
                violation_error_message=_("The municipality has an organisation of this name already."),
                violation_error_code=NAME_TAKEN,
            ),
            models.UniqueConstraint(
                F("region"),
                Lower("name"),
                condition=Q(region__isnull=False),
                name="organisation_unique_name_per_region",
                violation_error_message=_("The region has a regional employer of this name already."),
                violation_error_code=NAME_TAKEN,
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_regional(self) -> bool:
        return self.region_id is not None

    def clean(self) -> None:
        # A local employer's name against the regional employers of its municipality's region: the
        # municipality's coordinators see those already, so the refusal reveals nothing. (A regional
        # employer's name is not checked against the municipalities' local ones: any coordinator of the
        # region may rename it, and a refusal would tell them another municipality's employer.)
        if not self.name or self.municipality_id is None or self.region_id is not None:
            return
        regional = Organisation.objects.annotate(lower_name=Lower("name")).filter(
            lower_name=Lower(Value(self.name)), region__isnull=False, region__municipalities=self.municipality_id
        )
        if regional.exclude(pk=self.pk).exists():
            message = _("A regional employer of the municipality's region has this name already.")
            raise ValidationError({"name": ValidationError(message, code=NAME_TAKEN)})

    def validate_constraints(self, exclude: Collection[str] | None = None) -> None:
        """Django reports a conditional unique constraint for the whole object: the name's are the
        name's, next to the field on every form (the coordinators' page, the API, the admin)."""
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict({})
            whole = errors.pop(NON_FIELD_ERRORS, [])
            for error in whole:
                key = "name" if getattr(error, "code", None) == NAME_TAKEN else NON_FIELD_ERRORS
                errors.setdefault(key, []).append(error)
            raise ValidationError(errors) from exc


class ProcurementContract(models.Model):
    """A public procurement contract with social requirements (socialt ansvarsfull upphandling):
    the supplier has promised to offer placements."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contracts", verbose_name=_("supplier")
    )
    reference = models.CharField(_("contract reference"), max_length=100)
    subject = models.CharField(_("what is procured"), max_length=200)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    promised_placements = models.PositiveSmallIntegerField(
        _("placements promised per year"), default=0, validators=[MaxValueValidator(1000)]
    )

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("procurement contract with social requirements")
        verbose_name_plural = _("procurement contracts with social requirements")
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gt=F("start_date")), name="contract_end_after_start"),
            models.UniqueConstraint(fields=["organisation", "reference"], name="contract_unique_reference"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.organisation})"

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            raise ValidationError({"end_date": _("The end date must be after the start date.")})


class WorkplaceQuerySet(models.QuerySet["Workplace"]):
    def visible_to(self, user: access.AnyUser) -> WorkplaceQuerySet:
        return self.filter(access.workplace_scope(user)).distinct()


class Workplace(models.Model):
    """A unit of an organisation where people work: a care home, a preschool, a kitchen."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="workplaces", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=6, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    district = models.ForeignKey(
        "taxonomy.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    prerequisites = models.ManyToManyField(
        "taxonomy.Prerequisite",
        blank=True,
        related_name="+",
        verbose_name=_("prerequisites"),
        help_text=_("What every person placed here must have, whatever the need."),
    )
    active = models.BooleanField(_("active"), default=True)

    objects = WorkplaceQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "name"]
        verbose_name = _("workplace")
        verbose_name_plural = _("workplaces")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="workplace_unique_name_per_organisation"),
        ]
        indexes = [models.Index(fields=["district"], name="workplace_district")]

    def __str__(self) -> str:
        return f"{self.name}, {self.organisation}"


class NeedStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    FILLED = "filled", _("Filled")
    CLOSED = "closed", _("Closed")


class RecordsExtractRequirement(models.TextChoices):
    """Whether a criminal-records extract is required, and for what."""

    NONE = "", _("Not required")
    CHILDREN = "children", _("Required: work with children")
    CARE = "care", _("Required: elderly or home care")


class NeedQuerySet(models.QuerySet["Need"]):
    def visible_to(self, user: access.AnyUser) -> NeedQuerySet:
        scope = self.filter(access.need_scope(user))
        # Only a supervisor's scope joins (through the workplace's supervisors) and can repeat a need.
        # Staff's scope joins nothing that repeats (Need.offered_to): DISTINCT there would make every
        # list compare whole rows.
        return scope.distinct() if access.register_scope_repeats(user) else scope

    def open(self) -> NeedQuerySet:
        return self.filter(status=NeedStatus.OPEN)

    def for_municipality(self, municipality_id: int) -> NeedQuerySet:
        """The needs the municipality's coordinators may use (`Need.offered_to`)."""
        return self.filter(Need.offered_to(municipality_id))

    def overlapping(self, start: dt.date, end: dt.date) -> NeedQuerySet:
        return self.filter(start_date__lte=end, end_date__gte=start)


class Need(models.Model):
    """An opening a workplace offers (behov): what, how many places, when, and what it asks of a person."""

    workplace = models.ForeignKey(
        Workplace, on_delete=models.PROTECT, related_name="needs", verbose_name=_("workplace")
    )
    title = models.CharField(_("title"), max_length=200)
    occupation = models.ForeignKey(
        "taxonomy.Occupation", on_delete=models.PROTECT, related_name="+", verbose_name=_("occupation")
    )
    tasks = models.TextField(_("tasks"), blank=True)
    placement_type = models.ForeignKey(
        "taxonomy.PlacementType", on_delete=models.PROTECT, related_name="needs", verbose_name=_("placement type")
    )
    job_track = models.ForeignKey(
        "taxonomy.JobTrack",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="needs",
        verbose_name=_("job track"),
    )
    places = models.PositiveSmallIntegerField(_("places"), default=1, validators=[MinValueValidator(1)])
    hours_per_day = models.DecimalField(
        _("hours per day"),
        max_digits=3,
        decimal_places=1,
        default=Decimal("4.0"),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("10"))],
    )
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    min_swedish_level = models.PositiveSmallIntegerField(
        _("minimum Swedish level"), choices=SwedishLevel.choices, default=SwedishLevel.NONE
    )
    min_education_level = models.PositiveSmallIntegerField(
        _("minimum education"), choices=EducationLevel.choices, null=True, blank=True
    )
    requires_driving_licence = models.BooleanField(_("driving licence required"), default=False)
    records_extract = models.CharField(
        _("criminal-records extract"),
        max_length=20,
        choices=RecordsExtractRequirement.choices,
        default=RecordsExtractRequirement.NONE,
        blank=True,
    )
    prerequisites = models.ManyToManyField(
        "taxonomy.Prerequisite",
        blank=True,
        related_name="+",
        verbose_name=_("prerequisites"),
        help_text=_("What a person must have before starting, besides what the workplace asks of everyone."),
    )
    status = models.CharField(_("status"), max_length=20, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    published_to = models.ManyToManyField(
        "accounts.Municipality",
        blank=True,
        related_name="+",
        verbose_name=_("published to"),
        help_text=_(
            "A regional employer's need: the municipalities whose coordinators may propose their participants "
            "for it. A local employer's need is its municipality's only."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = NeedQuerySet.as_manager()

    # What a form is about to publish the need to, for clean() to check (not a field).
    published_to_chosen: Iterable[Municipality] | None = None

    class Meta:
        ordering = ["start_date", "title"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        constraints = [
            models.CheckConstraint(condition=Q(places__gte=1), name="need_places_at_least_one"),
            models.CheckConstraint(condition=Q(end_date__gt=F("start_date")), name="need_end_after_start"),
            models.CheckConstraint(
                condition=Q(hours_per_day__gte=Decimal("0.5"), hours_per_day__lte=10), name="need_hours_per_day_range"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "start_date"], name="need_status_start"),
            models.Index(fields=["occupation"], name="need_occupation"),
            models.Index(fields=["workplace", "status"], name="need_workplace_status"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.workplace})"

    # Which municipalities may use a need: the one definition, in two forms side by side (a filter and
    # the Python answer for one need; workplaces/tests/test_regional.py holds them equal). A local
    # organisation's need is its municipality's; a regional organisation's need is the municipalities
    # it is published to (none until it is). Its places and its supervisors' load are shared by all of
    # them (placements.occupancy counts every municipality's placements).

    @staticmethod
    def offered_to(municipality_id: int | None, *, prefix: str = "") -> Q:
        """The needs the municipality may use, as a filter; `prefix` leads to the need ("need__")."""
        if municipality_id is None:
            return Q(pk__in=[])
        published = Need.published_to.through.objects.filter(municipality_id=municipality_id).values("need_id")
        return Q(**{f"{prefix}workplace__organisation__municipality_id": municipality_id}) | Q(
            **{f"{prefix}workplace__organisation__region__isnull": False, f"{prefix}pk__in": published}
        )

    def municipality_ids(self) -> frozenset[int]:
        """The municipalities that may use the need (`offered_to`): reads the organisation, and the
        published municipalities of a regional one (prefetch `published_to` for many needs)."""
        organisation = self.workplace.organisation
        if organisation.municipality_id is not None:
            return frozenset({organisation.municipality_id})
        if self.pk is None:
            return frozenset()
        return frozenset(municipality.pk for municipality in self.published_to.all())

    def clean_published_to(self, municipalities: Iterable[Municipality]) -> None:
        """Refuse publishing a local organisation's need, or to a municipality outside the regional
        organisation's region (a many-to-many is set after the row is saved: the services and the
        admin's form call this with the municipalities chosen)."""
        chosen = list(municipalities)
        if not chosen or not self.workplace_id:
            return
        organisation = self.workplace.organisation
        if not organisation.is_regional:
            raise ValidationError(
                {"published_to": _("A local employer's need is its own municipality's: it is not published.")},
                code="published_local",
            )
        outside = sorted(m.name for m in chosen if m.region_id != organisation.region_id)
        if outside:
            raise ValidationError(
                {
                    "published_to": _("%(municipalities)s is not in the employer's region.")
                    % {"municipalities": ", ".join(outside)}
                },
                code="published_outside_region",
            )

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            errors["end_date"] = _("The end date must be after the start date.")
        if self.places is not None and self.places < 1:
            errors["places"] = _("A need has at least one place.")
        if self.placement_type_id:
            # The type's own rules, which placements.rules asks of every placement too. A need may run
            # longer than one placement of its type (consecutive placements fill it; a proposal's period
            # is clamped to the type's maximum), so only the hours are checked here.
            errors.update(self.placement_type.rule_violations(hours_per_day=self.hours_per_day))
            if self._state.adding and not self.placement_type.active:
                errors["placement_type"] = _("%(type)s takes no new placements.") % {
                    "type": self.placement_type.localised_name
                }
        if self.workplace_id and (self.published_to_chosen is not None or self.pk is not None):
            # The municipalities a form is about to set (a many-to-many is saved after the row), else
            # those published already (a change of the organisation may have made them wrong).
            chosen = self.published_to_chosen if self.published_to_chosen is not None else self.published_to.all()
            try:
                self.clean_published_to(chosen)
            except ValidationError as exc:
                errors.update(exc.message_dict)
        if errors:
            raise ValidationError(errors)


class WorkingHours(models.Model):
    """When a placement at the need works on one weekday: Monday 13:00–17:00. At most one span a day.

    A need without any keeps no hours: nothing then clashes with a person's studies. With them, a
    placement there must not clash with the person's study times (placements.rules, `timetable_clash`).
    """

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="working_hours", verbose_name=_("need"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts_at = models.TimeField(_("from"), validators=[validate_whole_minutes])
    ends_at = models.TimeField(_("to"), validators=[validate_whole_minutes])

    class Meta:
        ordering = ["weekday"]
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        constraints = [
            models.UniqueConstraint(fields=["need", "weekday"], name="workinghours_one_span_a_day"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="workinghours_ends_after_start"),
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="workinghours_weekday_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must be after the start.")}, code="ends_before_start")
