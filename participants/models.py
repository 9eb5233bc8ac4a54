"""Participants (deltagare): people referred to the labour-market unit, their competences,
requirement checks and status history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts import access
from accounts.models import Role, User, team_municipality_error
from sms.phone_numbers import phone_display, phone_tel_uri
from taxonomy.models import EducationLevel, SwedishLevel, Weekday, validate_whole_minutes

from .fields import FoldedSearchField
from .identity import (
    birth_date_of,
    format_identity_number,
    is_coordination_number,
    mask_identity_number,
    validate_identity_number,
)
from .tenancy import TenantKeyed

# The establishment programme covers the first 24 months after the residence permit.
ESTABLISHMENT_PROGRAMME_MONTHS = 24


def establishment_programme_end_for(residence_permit_date: dt.date) -> dt.date:
    return residence_permit_date + relativedelta(months=ESTABLISHMENT_PROGRAMME_MONTHS)


def record_number(pk: int | None) -> str:
    """A case file's record number, e.g. "D-000123"; "" for a case file not yet saved."""
    return f"D-{pk:06d}" if pk else ""


def tel_uri(phone: str) -> str:
    """A phone number as a `tel:` URI: E.164 when it is valid, the stored digits when not, "" when it
    holds none (sms.phone_numbers, the one home of reading phone numbers)."""
    return phone_tel_uri(phone)


class TargetGroup(models.TextChoices):
    NEWCOMER = "newcomer", _("Newcomer (establishment programme)")
    YOUTH = "youth", _("Young person")
    OTHER = "other", _("Other outside the labour market")


class ReferralSource(models.TextChoices):
    EMPLOYMENT_SERVICE = "employment_service", _("Swedish Public Employment Service")
    SOCIAL_SERVICES = "social_services", _("Social services")
    OTHER = "other", _("Other")


class Gender(models.TextChoices):
    """Recorded for gender-disaggregated statistics only; never used in matching."""

    FEMALE = "female", _("Woman")
    MALE = "male", _("Man")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Not stated")


class RegionOfBirth(models.TextChoices):
    """Region of birth, grouped as Statistics Sweden (SCB) groups country of birth in its population
    statistics ("Utrikes födda efter födelsevärldsdel"): Sweden, the Nordic countries except Sweden,
    the EU except the Nordic countries, Europe except the EU and the Nordic countries, then by
    continent. Recorded for statistics only (the fairness view); never read by matching."""

    SWEDEN = "sweden", _("Sweden")
    NORDIC = "nordic", _("Nordic countries except Sweden")
    EU = "eu", _("EU except the Nordic countries")
    EUROPE = "europe", _("Europe except the EU and the Nordic countries")
    AFRICA = "africa", _("Africa")
    ASIA = "asia", _("Asia")
    NORTH_AMERICA = "north_america", _("North America")
    SOUTH_AMERICA = "south_america", _("South America")
    OCEANIA = "oceania", _("Oceania")
    UNKNOWN = "unknown", _("Unknown")


class ParticipantStatus(models.TextChoices):
    REFERRED = "referred", _("Referred")
    MAPPED = "mapped", _("Mapped, waiting for a placement")
    PLACED = "placed", _("In a placement")
    ON_HOLD = "on_hold", _("On hold")
    EXITED = "exited", _("Left the programme")


class InformationLanguage(models.TextChoices):
    """The language a participant is told things in: their placement summary and text messages.

    Easy Swedish (lättläst) is the default; the others are the languages most people in the unit's
    target groups speak. Dari is written "fa-af" (Afghan Persian), so that Django knows it as a
    right-to-left language through Persian.
    """

    EASY_SWEDISH = "sv", _("Easy Swedish")
    ENGLISH = "en", format_lazy("{} (English)", _("English"))
    ARABIC = "ar", format_lazy("{} (العربية)", _("Arabic"))
    SOMALI = "so", format_lazy("{} (Soomaali)", _("Somali"))
    TIGRINYA = "ti", format_lazy("{} (ትግርኛ)", _("Tigrinya"))
    DARI = "fa-af", format_lazy("{} (دری)", _("Dari"))
    UKRAINIAN = "uk", format_lazy("{} (українська)", _("Ukrainian"))


# The code of the error when the identity number is registered in the case file's municipality already.
IDENTITY_NUMBER_TAKEN = "identity_number_registered"


# Mapped and ready, without a placement: whom matching looks for (`waiting`, placements.matching).
WAITING = ParticipantStatus.MAPPED


class ParticipantQuerySet(models.QuerySet["Participant"]):
    def visible_to(self, user: access.AnyUser) -> ParticipantQuerySet:
        return self.filter(access.participant_scope(user))

    def waiting(self) -> ParticipantQuerySet:
        """Mapped and ready, without a placement: who matching looks for."""
        return self.filter(status=WAITING)

    def in_establishment_programme(self, on: dt.date) -> ParticipantQuerySet:
        return self.filter(establishment_programme_end__gte=on, residence_permit_date__lte=on)


class Participant(models.Model):
    """A person outside the labour market, referred to the unit, whom a coordinator helps towards work."""

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    # Unique within the municipality (the constraint below), not across the register: each
    # municipality's register is its own, and a person who moved may have a case file in both.
    # Null only once the case file is pseudonymised (privacy app): NULL, not "", so the numbers stay
    # unique among the others (NULLs are distinct in a unique constraint, on PostgreSQL and SQLite).
    identity_number = models.CharField(  # noqa: DJ001
        _("personal identity number"),
        max_length=12,
        null=True,
        validators=[validate_identity_number],
        help_text=_("Personnummer or samordningsnummer, stored as twelve digits."),
    )
    gender = models.CharField(
        _("gender"),
        max_length=10,
        choices=Gender.choices,
        default=Gender.UNKNOWN,
        help_text=_("For statistics only."),
    )
    region_of_birth = models.CharField(
        _("region of birth"),
        max_length=20,
        choices=RegionOfBirth.choices,
        blank=True,
        help_text=_(
            "For statistics only: whether people born in different parts of the world are offered "
            "placements on equal terms. Matching never reads it."
        ),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    information_language = models.CharField(
        _("language for information"),
        max_length=5,
        choices=InformationLanguage.choices,
        default=InformationLanguage.EASY_SWEDISH,
        help_text=_("The language the participant is given their placement summary and text messages in."),
    )
    # Consent to text messages (reminders, the placement summary by SMS): given when and recorded by
    # whom, or withdrawn when. Changed only through participants.text_messages.participant_sms_consent_set.
    sms_consent_at = models.DateTimeField(_("consent to text messages given"), null=True, blank=True, editable=False)
    sms_consent_withdrawn_at = models.DateTimeField(
        _("consent to text messages withdrawn"), null=True, blank=True, editable=False
    )
    sms_consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("consent to text messages recorded by"),
    )
    home_district = models.ForeignKey(
        "taxonomy.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("home district"),
    )

    target_group = models.CharField(_("target group"), max_length=20, choices=TargetGroup.choices)
    receives_social_assistance = models.BooleanField(_("receives social assistance"), default=False)
    social_assistance_ended_on = models.DateField(
        _("left social assistance on"),
        null=True,
        blank=True,
        help_text=_("When the person stopped needing social assistance (self-sufficiency)."),
    )
    referral_source = models.CharField(_("referred by"), max_length=30, choices=ReferralSource.choices)
    referral_date = models.DateField(_("referral date"))
    residence_permit_date = models.DateField(_("residence permit date"), null=True, blank=True)
    establishment_programme_end = models.DateField(_("establishment programme ends"), null=True, blank=True)

    swedish_level = models.PositiveSmallIntegerField(
        _("Swedish level"), choices=SwedishLevel.choices, default=SwedishLevel.NONE
    )
    education_level = models.PositiveSmallIntegerField(
        _("education level"), choices=EducationLevel.choices, default=EducationLevel.COMPULSORY
    )
    has_driving_licence = models.BooleanField(_("driving licence (B)"), default=False)
    languages = models.ManyToManyField(
        "taxonomy.Language", blank=True, related_name="+", verbose_name=_("languages spoken")
    )
    hours_per_day = models.DecimalField(
        _("hours per day available"),
        max_digits=3,
        decimal_places=1,
        default=Decimal("4.0"),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("10"))],
    )
    job_track = models.ForeignKey(
        "taxonomy.JobTrack",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participants",
        verbose_name=_("job track"),
    )

    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="participants", verbose_name=_("team")
    )
    # The tenant key of the case file: always the team's (`clean`; set from the team by the services).
    # Carried on the row itself so that access and any later distribution by municipality need no join.
    municipality = models.ForeignKey(
        "accounts.Municipality",
        on_delete=models.PROTECT,
        related_name="participants",
        verbose_name=_("municipality"),
        editable=False,
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participants",
        verbose_name=_("responsible coordinator"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ParticipantStatus.choices, default=ParticipantStatus.REFERRED
    )
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    # Set when retention or an erasure request pseudonymised the case file: names, identity number,
    # contact details and free text are gone; what the reports count stays. The year of birth is
    # kept for the age bands of the statistics.
    pseudonymised_at = models.DateTimeField(_("pseudonymised"), null=True, blank=True, editable=False)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The names as the list's search compares them (participants.search); derived, set on every save.
    search_name = FoldedSearchField(_("name as searched"), sources=("first_name", "last_name"))

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            # Who is already registered is asked of the municipality's register only
            # (participants.duplicates); this is the database's own bound on it.
            models.UniqueConstraint(
                fields=["municipality", "identity_number"],
                name="participant_identity_number_unique_in_municipality",
                violation_error_code=IDENTITY_NUMBER_TAKEN,
                violation_error_message=_("This person is already registered in the municipality."),
            ),
            models.CheckConstraint(
                condition=Q(hours_per_day__gte=Decimal("0.5"), hours_per_day__lte=10),
                name="participant_hours_per_day_range",
            ),
            models.CheckConstraint(
                condition=Q(establishment_programme_end__isnull=True)
                | Q(residence_permit_date__isnull=True)
                | Q(establishment_programme_end__gt=F("residence_permit_date")),
                name="participant_programme_end_after_permit",
            ),
            models.CheckConstraint(
                condition=Q(identity_number__isnull=False) | Q(pseudonymised_at__isnull=False),
                name="participant_identity_unless_pseudonymised",
            ),
            models.CheckConstraint(
                condition=Q(sms_consent_at__isnull=True) | Q(sms_consent_withdrawn_at__isnull=True),
                name="participant_sms_consent_given_or_withdrawn",
            ),
        ]
        indexes = [
            models.Index(fields=["team", "status"], name="participant_team_status"),
            models.Index(fields=["status", "referral_date"], name="participant_status_referral"),
            models.Index(fields=["target_group"], name="participant_target_group"),
            models.Index(fields=["establishment_programme_end"], name="participant_programme_end"),
            # The list's order, carrying what every list filters on (scope and the folded name): a
            # search that few match walks this index in name order without reading a row per entry.
            models.Index(
                fields=["last_name", "first_name", "team", "pseudonymised_at", "search_name"],
                name="participant_name_search",
            ),
            # Matching checks whether its cached features are stale by the newest change.
            models.Index(fields=["updated_at"], name="participant_updated"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def record_number(self) -> str:
        """The case file's number: what tells namesakes apart and names the person where the name
        alone is too much (a calendar entry). Not sensitive: it is the case file's key, which the
        case file's own address already carries."""
        return record_number(self.pk)

    @property
    def phone_uri(self) -> str:
        """The phone number as a `tel:` link (RFC 3966), or "" when none is stored."""
        return tel_uri(self.phone)

    @property
    def phone_formatted(self) -> str:
        """The stored number as people read it ("070-123 45 67")."""
        return phone_display(self.phone)

    @property
    def has_sms_consent(self) -> bool:
        return self.sms_consent_at is not None

    @property
    def is_coordination_number(self) -> bool:
        return bool(self.identity_number and is_coordination_number(self.identity_number))

    @property
    def birth_date(self) -> dt.date | None:
        return birth_date_of(self.identity_number) if self.identity_number else None

    @property
    def masked_identity_number(self) -> str:
        return mask_identity_number(self.identity_number) if self.identity_number else "–"

    @property
    def formatted_identity_number(self) -> str:
        return format_identity_number(self.identity_number) if self.identity_number else "–"

    def months_left_in_programme(self, on: dt.date) -> int | None:
        """Whole months left in the establishment programme, or None outside it."""
        end = self.establishment_programme_end
        if end is None or end < on:
            return None
        return (end.year - on.year) * 12 + (end.month - on.month) - (1 if end.day < on.day else 0)

    def validate_constraints(self, exclude: Collection[str] | None = None) -> None:
        """The constraints, with a number already registered in the municipality said next to the
        identity number (Django puts the error of a constraint on two fields apart from both).

        The municipality is never a form field (editable=False), so a model form (the admin's) leaves
        it out of the checks, and with it the identity number's constraint: that one is checked
        whenever the number is."""
        if exclude and "municipality" in exclude and "identity_number" not in exclude and self.municipality_id:
            exclude = set(exclude) - {"municipality"}  # no other constraint names the municipality
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict({})
            general = errors.pop(NON_FIELD_ERRORS, [])
            taken = [e for e in general if getattr(e, "code", None) == IDENTITY_NUMBER_TAKEN]
            if taken:
                errors.setdefault("identity_number", []).extend(taken)
            if rest := [e for e in general if getattr(e, "code", None) != IDENTITY_NUMBER_TAKEN]:
                errors[NON_FIELD_ERRORS] = rest
            raise ValidationError(errors) from None

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        today = timezone.localdate()
        if self.referral_date and self.referral_date > today:
            errors.setdefault("referral_date", []).append(
                ValidationError(_("The referral date cannot be in the future."), code="future")
            )
        if (
            self.residence_permit_date
            and self.establishment_programme_end
            and self.establishment_programme_end <= self.residence_permit_date
        ):
            errors.setdefault("establishment_programme_end", []).append(
                ValidationError(_("The programme must end after the residence permit date."), code="end_before_start")
            )
        if self.social_assistance_ended_on and self.receives_social_assistance:
            errors.setdefault("social_assistance_ended_on", []).append(
                ValidationError(
                    _("Someone who still receives social assistance has not left it."), code="still_receiving"
                )
            )
        if self.social_assistance_ended_on and self.social_assistance_ended_on > today:
            errors.setdefault("social_assistance_ended_on", []).append(
                ValidationError(_("The date cannot be in the future."), code="future")
            )
        if self.target_group == TargetGroup.NEWCOMER and not self.residence_permit_date:
            errors.setdefault("residence_permit_date", []).append(
                ValidationError(_("Newcomers need the date of their residence permit."), code="required")
            )
        if self.team_id and (mismatch := team_municipality_error(team=self.team, municipality_id=self.municipality_id)):
            errors.setdefault(NON_FIELD_ERRORS, []).append(mismatch)
        if self.coordinator_id and self.team_id and self.coordinator.team_id != self.team_id:  # type: ignore[union-attr]  # coordinator_id is set
            errors.setdefault("coordinator", []).append(
                ValidationError(_("The responsible coordinator must belong to the participant's team."), code="team")
            )
        if errors:
            raise ValidationError(errors)


class WorkExperience(TenantKeyed):
    """Work experience in an occupation, from Sweden or the home country."""

    TENANT_PARENT = "participant"

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="work_experiences", verbose_name=_("participant")
    )
    occupation = models.ForeignKey(
        "taxonomy.Occupation", on_delete=models.PROTECT, related_name="+", verbose_name=_("occupation")
    )
    years = models.DecimalField(
        _("years"),
        max_digits=3,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("60"))],
    )
    country = models.CharField(_("country"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["-years"]
        verbose_name = _("work experience")
        verbose_name_plural = _("work experience")
        constraints = [
            models.CheckConstraint(condition=Q(years__gte=0, years__lte=60), name="workexperience_years_range"),
        ]
        indexes = [models.Index(fields=["occupation"], name="workexperience_occupation")]

    def __str__(self) -> str:
        return f"{self.occupation_id} ({self.years})"


class Interest(TenantKeyed):
    """An occupation or a field (any SSYK level) the person wants to work in."""

    TENANT_PARENT = "participant"

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="interests", verbose_name=_("participant")
    )
    occupation = models.ForeignKey(
        "taxonomy.Occupation", on_delete=models.PROTECT, related_name="+", verbose_name=_("occupation or field")
    )

    class Meta:
        verbose_name = _("interest")
        verbose_name_plural = _("interests")
        constraints = [
            models.UniqueConstraint(fields=["participant", "occupation"], name="interest_unique_per_participant"),
        ]

    def __str__(self) -> str:
        return str(self.occupation_id)


class StudyKind(models.TextChoices):
    """What the person studies at a time of their week: SFI, or some other education (Komvux, a course)."""

    SFI = "sfi", _("SFI")
    OTHER = "other", _("Other education")


class StudyTime(TenantKeyed):
    """A time of the person's week when they study (their timetable): SFI on Tuesday 08:30–12:00.
    A placement's working hours must not clash with it (placements.rules, `timetable_clash`).

    The timetable is weekly and has no dates: it is the one that holds now, changed when the term does.
    One person's times on one day do not overlap; touching ones (08:00–10:00, 10:00–12:00) may follow
    each other (participants.services.study_times_replace checks it).
    """

    TENANT_PARENT = "participant"

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="study_times", verbose_name=_("participant")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts_at = models.TimeField(_("from"), validators=[validate_whole_minutes])
    ends_at = models.TimeField(_("to"), validators=[validate_whole_minutes])
    kind = models.CharField(_("kind of studies"), max_length=10, choices=StudyKind.choices, default=StudyKind.SFI)
    school = models.CharField(_("school"), max_length=100, blank=True)

    class Meta:
        ordering = ["weekday", "starts_at", "pk"]
        verbose_name = _("study time")
        verbose_name_plural = _("study times")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="studytime_ends_after_start"),
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="studytime_weekday_range"),
        ]
        indexes = [models.Index(fields=["participant", "weekday"], name="studytime_participant_day")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"

    def clean(self) -> None:
        super().clean()  # the tenant key (TenantKeyed)
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must be after the start.")}, code="ends_before_start")


class RecordsExtractScope(models.TextChoices):
    """What a criminal-records extract (utdrag ur belastningsregistret) is for."""

    CHILDREN = "children", _("Work with children (school, preschool, LSS)")
    CARE = "care", _("Elderly care and home care")


class RecordsExtractResult(models.TextChoices):
    APPROVED = "approved", _("Checked, no obstacle")
    NOT_APPROVED = "not_approved", _("Checked, obstacle")


class RecordsExtractCheck(TenantKeyed):
    """That a criminal-records extract was checked: when, by whom, for what and the result.

    The extract itself, and anything it says, is never stored.
    """

    TENANT_PARENT = "participant"

    VALID_DAYS = 365  # An extract for work with children may be at most a year old.

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="records_checks", verbose_name=_("participant")
    )
    scope = models.CharField(_("for"), max_length=20, choices=RecordsExtractScope.choices)
    extract_date = models.DateField(_("date of the extract"))
    checked_on = models.DateField(_("checked on"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("checked by")
    )
    result = models.CharField(_("result"), max_length=20, choices=RecordsExtractResult.choices)

    class Meta:
        ordering = ["-checked_on"]
        verbose_name = _("criminal-records extract check")
        verbose_name_plural = _("criminal-records extract checks")
        constraints = [
            models.CheckConstraint(condition=Q(checked_on__gte=F("extract_date")), name="recordscheck_after_extract"),
        ]
        indexes = [models.Index(fields=["participant", "scope", "-extract_date"], name="recordscheck_lookup")]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {self.extract_date}"

    @property
    def valid_until(self) -> dt.date:
        return self.extract_date + dt.timedelta(days=self.VALID_DAYS)

    def clean(self) -> None:
        super().clean()  # the tenant key (TenantKeyed)
        if self.checked_on and self.checked_on > timezone.localdate():
            raise ValidationError({"checked_on": _("The check cannot be dated in the future.")})
        if self.extract_date and self.checked_on and self.checked_on < self.extract_date:
            raise ValidationError({"checked_on": _("The check cannot be made before the extract was issued.")})


class ParticipantPrerequisite(TenantKeyed):
    """That a person has a prerequisite a workplace may ask for (taxonomy.Prerequisite): since when,
    and until when it holds (empty: it does not expire)."""

    TENANT_PARENT = "participant"

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="prerequisites", verbose_name=_("participant")
    )
    prerequisite = models.ForeignKey(
        "taxonomy.Prerequisite", on_delete=models.PROTECT, related_name="+", verbose_name=_("prerequisite")
    )
    obtained_on = models.DateField(_("obtained on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["prerequisite__name", "-obtained_on"]
        verbose_name = _("prerequisite of a participant")
        verbose_name_plural = _("prerequisites of participants")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("obtained_on")),
                name="participantprerequisite_valid_after_obtained",
            ),
        ]
        indexes = [models.Index(fields=["participant", "prerequisite"], name="participantprereq_lookup")]

    def __str__(self) -> str:
        return f"{self.prerequisite_id} {self.obtained_on}"

    def holds_through(self, day: dt.date) -> bool:
        """Whether it is obtained and still valid on `day`."""
        return self.valid_until is None or self.valid_until >= day

    def clean(self) -> None:
        super().clean()  # the tenant key (TenantKeyed)
        if self.obtained_on and self.obtained_on > timezone.localdate():
            raise ValidationError({"obtained_on": _("It cannot be obtained in the future.")})
        if self.obtained_on and self.valid_until and self.valid_until < self.obtained_on:
            raise ValidationError({"valid_until": _("It cannot run out before it was obtained.")})


class StatusChange(TenantKeyed):
    """One step in a participant's status history."""

    TENANT_PARENT = "participant"

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("participant")
    )
    from_status = models.CharField(_("from"), max_length=20, choices=ParticipantStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=ParticipantStatus.choices)
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        indexes = [models.Index(fields=["participant", "-changed_at"], name="statuschange_participant")]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} → {self.to_status}"


class ReferralImport(TenantKeyed):
    """An uploaded referral list: waiting for the coordinator to confirm it, then imported.

    The file holds personal data, so it lives here under the same protection as the register. It
    is deleted when discarded; once imported the file itself is emptied and the row stays as the
    record of the import (who imported which file, and whom it registered), for the result page,
    until the retention rule for referral uploads removes it. The status makes confirming happen
    once: the confirm moves it from pending to imported in the import's own transaction.
    """

    # An upload's municipality is its team's, where the case files it registers go (a team always has
    # one; the uploader may later have none, or another).
    TENANT_PARENT = "team"

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        IMPORTED = "imported", _("Imported")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("uploaded by")
    )
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="+", verbose_name=_("team"))
    filename = models.CharField(_("file name"), max_length=200)
    content = models.BinaryField(_("content"))
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    imported_at = models.DateTimeField(_("imported"), null=True, blank=True)
    skipped = models.PositiveIntegerField(_("rows skipped"), default=0)
    participants = models.ManyToManyField(
        Participant, blank=True, related_name="referral_imports", verbose_name=_("participants registered")
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("referral list upload")
        verbose_name_plural = _("referral list uploads")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending", imported_at__isnull=True)
                | Q(status="imported", imported_at__isnull=False),
                name="referralimport_imported_at_iff_imported",
            ),
        ]

    def __str__(self) -> str:
        return self.filename


class ExitReason(models.TextChoices):
    """Why a person left the unit (or where they were 90 days after the establishment programme).

    The kinds are those the national statistics need: Kolada's measure of the municipal labour-market
    unit counts work on the ordinary labour market (regular or subsidised, lasting at least a month) and
    studies that qualify for student aid; a municipal labour-market job (e.g. extratjänst) is not work
    there. The other reasons say why someone left without work or studies.
    """

    WORK_REGULAR = "work_regular", _("Work: regular employment")
    WORK_SUBSIDISED = "work_subsidised", _("Work: subsidised employment (anställningsstöd)")
    WORK_MUNICIPAL = "work_municipal", _("Work: municipal labour-market job (e.g. extratjänst)")
    STUDIES = "studies", _("Studies")
    MOVED = "moved", _("Moved away")
    ILLNESS_OR_LEAVE = "illness_or_leave", _("Illness or parental leave")
    OTHER_MEASURE = "other_measure", _("Other measure at the Public Employment Service")
    NO_CONTACT = "no_contact", _("Unknown, no contact")
    OTHER = "other", _("Other reason")


WORK_REASONS = (ExitReason.WORK_REGULAR, ExitReason.WORK_SUBSIDISED, ExitReason.WORK_MUNICIPAL)


class WorkLength(models.TextChoices):
    """How long the work is expected to last: Kolada counts work of at least one continuous month."""

    UNDER_A_MONTH = "under_month", _("Less than one month")
    MONTH_OR_MORE = "month_or_more", _("At least one continuous month")


def _kind_constraints(prefix: str) -> list[models.BaseConstraint]:
    """Work has its expected length and nothing else does; studies say whether they qualify for student
    aid and nothing else does."""
    return [
        models.CheckConstraint(
            condition=(Q(reason__in=WORK_REASONS) & ~Q(work_length=""))
            | (~Q(reason__in=WORK_REASONS) & Q(work_length="")),
            name=f"{prefix}_work_length_for_work",
        ),
        models.CheckConstraint(
            condition=(Q(reason=ExitReason.STUDIES) & Q(student_aid__isnull=False))
            | (~Q(reason=ExitReason.STUDIES) & Q(student_aid__isnull=True)),
            name=f"{prefix}_student_aid_for_studies",
        ),
    ]


class ExitKind(models.Model):
    """What an exit and a later status have in common: the kind, and what the statistics need of it."""

    reason = models.CharField(_("reason"), max_length=20, choices=ExitReason.choices)
    work_length = models.CharField(
        _("expected length of the work"), max_length=20, choices=WorkLength.choices, blank=True
    )
    student_aid = models.BooleanField(
        _("studies qualify for student aid (CSN)"),
        null=True,
        blank=True,
        help_text=_("Komvux, folkhögskola, university and other studies that give the right to student aid."),
    )
    recorded_on = models.DateField(_("recorded on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        abstract = True

    @property
    def is_work(self) -> bool:
        return self.reason in WORK_REASONS

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        if self.reason in WORK_REASONS and not self.work_length:
            errors["work_length"] = ValidationError(
                _("Say how long the work is expected to last."), code="length_missing"
            )
        if self.reason and self.reason not in WORK_REASONS and self.work_length:
            errors["work_length"] = ValidationError(_("Only work has an expected length."), code="not_work")
        if self.reason == ExitReason.STUDIES and self.student_aid is None:
            errors["student_aid"] = ValidationError(
                _("Say whether the studies qualify for student aid."), code="student_aid_missing"
            )
        if self.reason and self.reason != ExitReason.STUDIES and self.student_aid is not None:
            errors["student_aid"] = ValidationError(_("Only studies qualify for student aid."), code="not_studies")
        if self.recorded_on and self.recorded_on > timezone.localdate():
            errors["recorded_on"] = ValidationError(_("The date cannot be in the future."), code="future")
        if errors:
            raise ValidationError(errors)


class Exit(TenantKeyed, ExitKind):
    """That the person left the unit: when and why. One for each time the case is closed (a person who
    comes back and leaves again has two)."""

    TENANT_PARENT = "participant"

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="exits", verbose_name=_("participant")
    )
    left_on = models.DateField(_("left on"))

    class Meta:
        ordering = ["-left_on", "-pk"]
        verbose_name = _("exit")
        verbose_name_plural = _("exits")
        constraints = [
            *_kind_constraints("exit"),
            models.UniqueConstraint(fields=["participant", "left_on"], name="exit_one_per_participant_day"),
            models.CheckConstraint(condition=Q(recorded_on__gte=F("left_on")), name="exit_recorded_after_left"),
        ]
        indexes = [models.Index(fields=["left_on"], name="exit_left_on")]

    def __str__(self) -> str:
        return f"{self.left_on} {self.get_reason_display()}"

    def clean(self) -> None:
        super().clean()
        today = timezone.localdate()
        if self.left_on and self.left_on > today:
            raise ValidationError({"left_on": _("The person cannot have left in the future.")}, code="future")
        referral = self.participant.referral_date if self.participant_id else None
        if self.left_on and referral and self.left_on < referral:
            raise ValidationError({"left_on": _("The person cannot have left before the referral.")}, code="early")


# Arbetsförmedlingen (and Kolada) measure where newcomers are 90 days after the establishment programme.
PROGRAMME_STATUS_DAYS = 90


class ProgrammeStatus(TenantKeyed, ExitKind):
    """Where a newcomer was 90 days after the establishment programme ended: one per person."""

    TENANT_PARENT = "participant"

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="programme_status", verbose_name=_("participant")
    )

    class Meta:
        verbose_name = _("status 90 days after the establishment programme")
        verbose_name_plural = _("statuses 90 days after the establishment programme")
        constraints = _kind_constraints("programmestatus")
        indexes = [models.Index(fields=["recorded_on"], name="programmestatus_recorded")]

    def __str__(self) -> str:
        return self.get_reason_display()

    @staticmethod
    def measured_on(participant: Participant) -> dt.date | None:
        """The day the status describes: 90 days after the programme's end."""
        end = participant.establishment_programme_end
        return end + dt.timedelta(days=PROGRAMME_STATUS_DAYS) if end else None


# --- The case journal: notes and tasks ------------------------------------------------------------------

NOTE_MAX_LENGTH = 5000
TASK_TITLE_MAX_LENGTH = 200
TASK_TEXT_MAX_LENGTH = 2000


class NoteKind(models.TextChoices):
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    MAPPING = "mapping", _("Mapping")
    OTHER = "other", _("Other")


def assignable_coordinators(*, team_id: int) -> models.QuerySet[User]:
    """Who a task on a case file of `team_id` may be assigned to: the team's active coordinators.
    The one rule the task's form, its service and the model's check share."""
    return User.objects.filter(team_id=team_id, groups__name=Role.COORDINATOR, is_active=True).order_by(
        "first_name", "last_name", "username"
    )


class CaseNoteQuerySet(models.QuerySet["CaseNote"]):
    def visible_to(self, user: access.AnyUser) -> CaseNoteQuerySet:
        return self.filter(access.journal_scope(user))


class CaseNote(TenantKeyed):
    """A dated entry in the coordinator's journal on a case file: a call, a meeting, a mapping talk.
    Personal data: read through the logging selectors, never shown to supervisors or managers."""

    TENANT_PARENT = "participant"

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="case_notes", verbose_name=_("participant")
    )
    noted_on = models.DateField(_("date"), default=timezone.localdate, help_text=_("The day the note describes."))
    kind = models.CharField(_("kind"), max_length=20, choices=NoteKind.choices)
    text = models.CharField(_("note"), max_length=NOTE_MAX_LENGTH)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CaseNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-noted_on", "-created_at", "-pk"]
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="casenote_has_text")]
        indexes = [models.Index(fields=["participant", "-noted_on"], name="casenote_participant_date")]

    def __str__(self) -> str:
        return f"{self.noted_on} {self.get_kind_display()}"

    def clean(self) -> None:
        super().clean()  # the tenant key (TenantKeyed)
        if self.noted_on and self.noted_on > timezone.localdate():
            raise ValidationError({"noted_on": _("A note cannot describe a day in the future.")}, code="future")
        if not (self.text or "").strip():
            raise ValidationError({"text": _("Write the note.")}, code="required")


class TaskQuerySet(models.QuerySet["Task"]):
    def visible_to(self, user: access.AnyUser) -> TaskQuerySet:
        return self.filter(access.journal_scope(user))

    def open(self) -> TaskQuerySet:
        return self.filter(done_on__isnull=True)

    def due_by(self, day: dt.date) -> TaskQuerySet:
        """Open and due on or before `day`."""
        return self.open().filter(due_on__lte=day)


class Task(TenantKeyed):
    """Something a coordinator of the person's team is to do by a day: open until closed with the
    action taken. A supervisor's concern in a follow-up becomes one (placements.FollowUp.concern_task)."""

    TENANT_PARENT = "participant"

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("participant")
    )
    title = models.CharField(_("task"), max_length=TASK_TITLE_MAX_LENGTH)
    detail = models.CharField(_("details"), max_length=TASK_TEXT_MAX_LENGTH, blank=True)
    due_on = models.DateField(_("due"))
    # Empty only for a task made from a concern when the placement has no coordinator: the team's
    # start pages show it until someone takes it.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_tasks",
        verbose_name=_("assigned to"),
    )
    # Empty for a task made from a concern a supervisor logged through a personal link.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    done_on = models.DateField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    action_taken = models.CharField(_("action taken"), max_length=TASK_TEXT_MAX_LENGTH, blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.CheckConstraint(
                condition=Q(done_on__isnull=True, done_by__isnull=True, action_taken="")
                | (Q(done_on__isnull=False) & ~Q(action_taken="")),
                name="task_done_with_action_taken",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="task_has_title"),
        ]
        indexes = [
            models.Index(fields=["assignee", "done_on", "due_on"], name="task_assignee_open_due"),
            models.Index(fields=["participant", "done_on"], name="task_participant_open"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.done_on is None

    def clean(self) -> None:
        super().clean()  # the tenant key (TenantKeyed)
        errors: dict[str, ValidationError] = {}
        if not (self.title or "").strip():
            errors["title"] = ValidationError(_("Say what is to be done."), code="required")
        if (
            self.assignee_id is not None
            and self.participant_id is not None
            and not assignable_coordinators(team_id=self.participant.team_id).filter(pk=self.assignee_id).exists()
        ):
            errors["assignee"] = ValidationError(
                _("A task is assigned to a coordinator in the participant's team."), code="not_in_team"
            )
        if self.done_on is not None:
            if not (self.action_taken or "").strip():
                errors["action_taken"] = ValidationError(_("Say what was done."), code="required")
            if self.done_on > timezone.localdate():
                errors["done_on"] = ValidationError(_("A task cannot be done in the future."), code="future")
        if errors:
            raise ValidationError(errors)


class TextMessageKind(models.TextChoices):
    FIRST_DAY = "first_day", _("Reminder before the first day")
    MEETING = "meeting", _("Reminder before a meeting")
    COORDINATOR = "coordinator", _("Message from the coordinator")


class TextMessageFailure(models.TextChoices):
    NO_CONSENT = "no_consent", _("No consent to text messages")
    NO_NUMBER = "no_number", _("No mobile number")
    REJECTED = "rejected", _("Refused by the SMS provider")
    UNCERTAIN = "uncertain", _("The SMS provider did not answer: it may have been sent")
    UNAVAILABLE = "unavailable", _("The SMS provider could not be reached in time")
    SUPERSEDED = "superseded", _("Superseded: the meeting or first day changed")


class TextMessage(TenantKeyed):
    """A text message (SMS) to a participant, queued and then sent by a Celery task through the sms
    backend (participants.text_messages). `key` makes one message per reminder: a second reminder
    run queues nothing. `claimed_at` makes one send per message: a task delivered twice sends once.
    The text is kept only until the message is sent or given up: afterwards the row says what kind
    of message went to which number and when, never what it said."""

    TENANT_PARENT = "participant"

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="text_messages", verbose_name=_("participant")
    )
    kind = models.CharField(_("kind of message"), max_length=12, choices=TextMessageKind.choices)
    key = models.CharField(_("uniqueness key"), max_length=100, unique=True)
    text = models.TextField(_("text until sent"), blank=True)
    created_at = models.DateTimeField(_("queued"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("queued by"),
    )
    claimed_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sent_to = models.CharField(_("sent to"), max_length=16, blank=True)
    provider_id = models.CharField(_("the SMS provider's id"), max_length=100, blank=True)
    parts = models.PositiveSmallIntegerField(_("SMS parts"), default=0)
    failure = models.CharField(_("not sent because"), max_length=12, choices=TextMessageFailure.choices, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        constraints = [
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(failure=""), name="textmessage_sent_or_failed"
            ),
        ]
        indexes = [models.Index(fields=["participant", "created_at"], name="textmessage_participant")]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.kind} {self.key}"
