"""Reference data shared by every app: occupations (SSYK 2012), districts, languages, job tracks,
placement types, and the ordered scales for Swedish and education levels."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.numbers import number_text
from accounts.search import fold


def english_active() -> bool:
    """Whether the user has chosen English (Swedish is the default and the fallback)."""
    return (get_language() or "sv").startswith("en")


class NamedInTwoLanguages:
    """Reference data an administrator names: the Swedish `name`, and an optional `name_en` shown
    when the user has chosen English (without one, the Swedish name is shown)."""

    name: str
    name_en: str

    def __str__(self) -> str:
        return self.localised_name

    @property
    def localised_name(self) -> str:
        return self.name_en if english_active() and self.name_en else self.name


class SwedishLevel(models.IntegerChoices):
    """How far a person has come in Swedish. Ordered, so a need's minimum is a comparison.

    SFI courses A–D mean the same level on every study path (A ≈ CEFR A1, D ≈ B1); after SFI
    comes Swedish as a second language (SVA).
    """

    NONE = 0, _("No Swedish yet")
    SFI_A = 1, _("SFI course A")
    SFI_B = 2, _("SFI course B")
    SFI_C = 3, _("SFI course C")
    SFI_D = 4, _("SFI course D")
    SFI_COMPLETED = 5, _("SFI completed")
    SVA = 6, _("Swedish as a second language (SVA)")
    FLUENT = 7, _("Fluent Swedish")


class Weekday(models.IntegerChoices):
    """A day of the week, numbered as Python's `date.weekday()` (Monday 0). The labels are lower case
    nouns ("tisdag"): they stand inside sentences ("krockar med SFI tisdag 08:30–12:00")."""

    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


def validate_whole_minutes(value: dt.time) -> None:
    """Times of the week (study times, working hours) are whole minutes: what the pages show (HH:MM)
    is then all there is, and the timetable rule compares exactly what is shown."""
    if value.second or value.microsecond:
        raise ValidationError(_("Give the time in whole minutes (HH:MM)."), code="whole_minutes")


class EducationLevel(models.IntegerChoices):
    """Highest completed education, ordered (SCB's SUN levels, coarsened)."""

    NONE = 0, _("Less than compulsory school")
    COMPULSORY = 1, _("Compulsory school")
    UPPER_SECONDARY = 2, _("Upper-secondary school")
    POST_SECONDARY = 3, _("Post-secondary, less than three years")
    UNIVERSITY = 4, _("University, three years or more")


class OccupationQuerySet(models.QuerySet["Occupation"]):
    def units(self) -> OccupationQuerySet:
        """The 4-digit unit groups, the level work experience and needs are recorded at."""
        return self.filter(level=Occupation.Level.UNIT)


class Occupation(models.Model):
    """A group of SSYK 2012, Statistics Sweden's classification of occupations.

    The code is the key: codes are strings ("0110" is an armed-forces group), and a code's
    prefixes are its ancestors, which is what matching compares.
    """

    class Level(models.IntegerChoices):
        MAJOR = 1, _("Major group")
        SUB_MAJOR = 2, _("Sub-major group")
        MINOR = 3, _("Minor group")
        UNIT = 4, _("Unit group")

    code = models.CharField(_("code"), max_length=4, primary_key=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    name_sv = models.CharField(_("Swedish name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)

    objects = OccupationQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("occupation (SSYK)")
        verbose_name_plural = _("occupations (SSYK)")
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=4), name="occupation_level_1_to_4"),
            models.CheckConstraint(
                condition=Q(level=1, parent__isnull=True) | Q(level__gt=1, parent__isnull=False),
                name="occupation_parent_iff_not_major",
            ),
        ]
        indexes = [models.Index(fields=["level", "code"], name="occupation_level_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        """The name in the active language (Swedish unless English is chosen)."""
        return self.name_en if english_active() else self.name_sv


class District(NamedInTwoLanguages, models.Model):
    """A district (stadsdel, tätort) of the municipality; with a centre point for distances."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(
        _("English name"), max_length=100, blank=True, help_text=_("Shown when the user has chosen English.")
    )
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5, null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="district_coordinates_valid",
            ),
        ]


class Language(models.Model):
    """A language a participant speaks, by ISO 639-1 code."""

    code = models.CharField(_("code"), max_length=3, unique=True)
    name_sv = models.CharField(_("Swedish name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)

    class Meta:
        ordering = ["name_sv"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self) -> str:
        return self.name_en if english_active() else self.name_sv


class JobTrack(NamedInTwoLanguages, models.Model):
    """A job track (jobbspår): a route to work built from the employers' competence needs."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(
        _("English name"), max_length=200, blank=True, help_text=_("Shown when the user has chosen English.")
    )
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("job track")
        verbose_name_plural = _("job tracks")


class Prerequisite(NamedInTwoLanguages, models.Model):
    """Something a workplace may ask of a person before they start, from a list administrators keep:
    a signed confidentiality undertaking, a hygiene course, a vaccination, work clothes, a key card.

    `valid_months` is how long one lasts once obtained (empty: it does not expire)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(
        _("English name"), max_length=200, blank=True, help_text=_("Shown when the user has chosen English.")
    )
    valid_months = models.PositiveSmallIntegerField(
        _("valid for (months)"), null=True, blank=True, help_text=_("Empty: it does not expire.")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("prerequisite")
        verbose_name_plural = _("prerequisites")


class PlacementType(NamedInTwoLanguages, models.Model):
    """A kind of placement or measure with its own rules.

    Labour-market measures come and go with politics, so they are data an administrator keeps,
    not an enumeration: a type that takes no new decisions is marked inactive, never deleted.
    """

    class Funder(models.TextChoices):
        EMPLOYMENT_SERVICE = "employment_service", _("Swedish Public Employment Service")
        MUNICIPALITY = "municipality", _("Municipality")
        EMPLOYER = "employer", _("Employer")
        OTHER = "other", _("Other")

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(
        _("English name"), max_length=200, blank=True, help_text=_("Shown when the user has chosen English.")
    )
    description = models.TextField(_("description"), blank=True)
    max_weeks = models.PositiveSmallIntegerField(
        _("maximum length (weeks)"), null=True, blank=True, help_text=_("Empty means no limit.")
    )
    max_hours_per_day = models.DecimalField(
        _("maximum hours per day"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    funder = models.CharField(_("funder"), max_length=30, choices=Funder.choices, default=Funder.MUNICIPALITY)
    requires_decision_reference = models.BooleanField(
        _("requires a decision reference"),
        default=False,
        help_text=_("Whether the Public Employment Service's decision reference must be recorded."),
    )
    is_employment = models.BooleanField(
        _("counts as employment"), default=False, help_text=_("Paid work, subsidised or not.")
    )
    active = models.BooleanField(_("takes new placements"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("placement type")
        verbose_name_plural = _("placement types")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_weeks__isnull=True) | Q(max_weeks__gte=1), name="placementtype_max_weeks_positive"
            ),
            models.CheckConstraint(
                condition=Q(max_hours_per_day__isnull=True) | Q(max_hours_per_day__gt=0, max_hours_per_day__lte=24),
                name="placementtype_max_hours_valid",
            ),
        ]

    def rule_violations(
        self,
        *,
        hours_per_day: Decimal | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
        decision_reference: str | None = None,
    ) -> dict[str, str]:
        """What breaks this type's rules, keyed "hours_per_day", "period" and "decision_reference".

        Arguments left as None are not checked, so a need (which has no decision reference and
        may run longer than one placement) checks only the hours.
        """
        problems: dict[str, str] = {}
        if self.max_hours_per_day and hours_per_day and hours_per_day > self.max_hours_per_day:
            problems["hours_per_day"] = _("A %(type)s allows at most %(hours)s hours a day.") % {
                "type": self.localised_name,
                "hours": number_text(self.max_hours_per_day),
            }
        if self.max_weeks and start and end and end - start > dt.timedelta(weeks=self.max_weeks):
            problems["period"] = ngettext(
                "A %(type)s lasts at most %(weeks)s week.", "A %(type)s lasts at most %(weeks)s weeks.", self.max_weeks
            ) % {"type": self.localised_name, "weeks": number_text(self.max_weeks)}
        if decision_reference is not None and self.requires_decision_reference and not decision_reference.strip():
            problems["decision_reference"] = _("A %(type)s needs the decision reference.") % {
                "type": self.localised_name
            }
        return problems


class OccupationSynonym(models.Model):
    """A title people use for the work of a unit group ("undersköterska" for 5321, "elektriker" for
    7411): the occupation picker and the searches find the unit group by it too.

    `title_folded` is the title as searches compare it (`accounts.search.fold`); a title stands at
    most once per unit group in that form, so "Kock" and "kock" are one synonym."""

    class Language(models.TextChoices):
        SWEDISH = "sv", _("Swedish")
        ENGLISH = "en", _("English")

    occupation = models.ForeignKey(
        Occupation,
        on_delete=models.CASCADE,
        related_name="synonyms",
        limit_choices_to={"level": Occupation.Level.UNIT},
        verbose_name=_("occupation"),
    )
    title = models.CharField(_("title"), max_length=200)
    title_folded = models.CharField(max_length=200, editable=False)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.SWEDISH)

    class Meta:
        ordering = ["occupation", "title"]
        verbose_name = _("occupation synonym")
        verbose_name_plural = _("occupation synonyms")
        constraints = [
            models.UniqueConstraint(fields=["title_folded", "occupation"], name="occupationsynonym_unique_title"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.occupation_id})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.title_folded = fold(self.title.strip())
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.title = self.title.strip()
        self.title_folded = fold(self.title)
        if self.occupation_id is None:
            return
        if self.occupation.level != Occupation.Level.UNIT:
            raise ValidationError({"occupation": _("Synonyms belong to unit groups (four digits).")})
        duplicate = OccupationSynonym.objects.filter(title_folded=self.title_folded, occupation_id=self.occupation_id)
        if duplicate.exclude(pk=self.pk).exists():
            raise ValidationError({"title": _("This occupation already has this title.")})
