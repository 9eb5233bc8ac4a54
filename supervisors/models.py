"""Supervisors (handledare) at workplaces, and the supervisor training programme."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import access


class SupervisorQuerySet(models.QuerySet["Supervisor"]):
    def visible_to(self, user: access.AnyUser) -> SupervisorQuerySet:
        return self.filter(access.supervisor_scope(user))

    def trained_on(self, day: dt.date) -> SupervisorQuerySet:
        """Supervisors with a completed training still valid on `day`."""
        return self.filter(
            enrolments__completed_on__isnull=False,
            enrolments__completed_on__lte=day,
            enrolments__valid_until__gte=day,
        ).distinct()


class LoginState(models.TextChoices):
    """Whether a supervisor can log in: no account (or a deactivated one), an invitation whose
    password is not chosen yet, or an account with a password."""

    NO = "no", _("No")
    INVITED = "invited", _("invited")
    YES = "yes", _("Yes")


class ReminderChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("Text message (SMS)")


class Supervisor(models.Model):
    """An employee at a workplace who supervises participants placed there."""

    workplace = models.ForeignKey(
        "workplaces.Workplace", on_delete=models.PROTECT, related_name="supervisors", verbose_name=_("workplace")
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    title = models.CharField(_("job title"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    reminders_by = models.CharField(
        _("reminders by"),
        max_length=5,
        choices=ReminderChannel.choices,
        default=ReminderChannel.EMAIL,
        help_text=_(
            "Text messages go to the phone number above, with a link to the pages for supervisors in Platsa; "
            "without a mobile number or a login to Platsa, reminders go by e-mail."
        ),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervisor_profile",
        verbose_name=_("login"),
    )
    max_participants = models.PositiveSmallIntegerField(
        _("maximum concurrent participants"), default=2, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    active = models.BooleanField(_("active"), default=True)

    objects = SupervisorQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("supervisor")
        verbose_name_plural = _("supervisors")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_participants__gte=1, max_participants__lte=20), name="supervisor_max_participants_range"
            ),
            models.UniqueConstraint(fields=["workplace", "email"], name="supervisor_unique_email_per_workplace"),
        ]
        indexes = [models.Index(fields=["workplace", "active"], name="supervisor_workplace_active")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class TrainingCourse(models.Model):
    """A supervisor training course (handledarutbildning): leadership, communication, support."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"),
        default=36,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("After this a refresher is due."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("training course")
        verbose_name_plural = _("training courses")
        constraints = [
            models.CheckConstraint(condition=Q(validity_months__gte=1), name="course_validity_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class TrainingSession(models.Model):
    """One occasion of a course: when, where, how many seats, who trains."""

    course = models.ForeignKey(
        TrainingCourse, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("course")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    location = models.CharField(_("place"), max_length=200)
    capacity = models.PositiveSmallIntegerField(_("seats"), validators=[MinValueValidator(1), MaxValueValidator(500)])
    trainer = models.CharField(_("trainer"), max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="session_capacity_positive"),
        ]
        indexes = [models.Index(fields=["starts_at"], name="session_starts_at")]

    def __str__(self) -> str:
        return f"{self.course} {timezone.localtime(self.starts_at):%Y-%m-%d}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The session must end after it starts.")})


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class Enrolment(models.Model):
    """A supervisor's place in a training session, with attendance and completion."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("session")
    )
    supervisor = models.ForeignKey(
        Supervisor, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("supervisor")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ENROLLED
    )
    enrolled_at = models.DateTimeField(_("enrolled"), default=timezone.now)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    completed_on = models.DateField(_("completed"), null=True, blank=True)
    valid_until = models.DateField(_("trained until"), null=True, blank=True)

    class Meta:
        ordering = ["enrolled_at"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["session", "supervisor"], name="enrolment_once_per_session"),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True)
                | Q(valid_until__isnull=False, valid_until__gt=F("completed_on")),
                name="enrolment_valid_after_completion",
            ),
            models.CheckConstraint(
                # NULL would pass a CHECK, so "attended" is tested for NULL explicitly.
                condition=Q(completed_on__isnull=True) | Q(status="enrolled", attended__isnull=False, attended=True),
                name="enrolment_completion_needs_attendance",
            ),
        ]
        indexes = [models.Index(fields=["supervisor", "valid_until"], name="enrolment_supervisor_valid")]

    def __str__(self) -> str:
        return f"{self.supervisor} – {self.session}"

    def clean(self) -> None:
        if self.completed_on and not self.attended:
            raise ValidationError({"completed_on": _("Only someone who attended can complete the course.")})
        if self.completed_on and self.valid_until and self.valid_until <= self.completed_on:
            raise ValidationError({"valid_until": _("The training must be valid after the completion date.")})
