"""Retention rules (gallring), the record of each nightly run, and the record of each erasure on request."""

from __future__ import annotations

import datetime as dt
import uuid

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RecordType(models.TextChoices):
    """What a rule applies to. Each has a help text in RECORD_TYPE_HELP."""

    CASE_FILE = "case_file", _("Participant's case file")
    FOLLOW_UP_NOTES = "follow_up_notes", _("Follow-up notes (free text)")
    PLACEMENT_DOCUMENTS = "placement_documents", _("Placement agreement and certificate texts")
    RECORDS_CHECKS = "records_checks", _("Criminal-records extract checks")
    REFERRAL_UPLOADS = "referral_uploads", _("Referral lists (the upload, and whom an import registered)")
    ACCESS_LOG = "access_log", _("Access log entries")
    CASE_NOTES = "case_notes", _("Case notes (the coordinator's journal)")
    TASKS = "tasks", _("Tasks on case files")


class Trigger(models.TextChoices):
    """Which date starts the clock."""

    EXIT = "exit", _("The participant left the programme")
    PLACEMENT_END = "placement_end", _("The placement ended")
    RECORDED = "recorded", _("The entry was recorded")


class Action(models.TextChoices):
    ERASE = "erase", _("Erase")
    PSEUDONYMISE = "pseudonymise", _("Pseudonymise")
    KEEP = "keep", _("Keep")


class PeriodUnit(models.TextChoices):
    DAYS = "days", _("days")
    MONTHS = "months", _("months")


# Which triggers and actions make sense for each record type.
SUPPORTED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    RecordType.CASE_FILE: ((Trigger.EXIT,), (Action.PSEUDONYMISE, Action.ERASE, Action.KEEP)),
    RecordType.FOLLOW_UP_NOTES: ((Trigger.PLACEMENT_END, Trigger.RECORDED), (Action.PSEUDONYMISE, Action.KEEP)),
    RecordType.PLACEMENT_DOCUMENTS: ((Trigger.PLACEMENT_END,), (Action.PSEUDONYMISE, Action.KEEP)),
    RecordType.RECORDS_CHECKS: ((Trigger.RECORDED,), (Action.ERASE, Action.KEEP)),
    RecordType.REFERRAL_UPLOADS: ((Trigger.RECORDED,), (Action.ERASE, Action.KEEP)),
    # The access log is append-only by design (and, on PostgreSQL, by a database trigger): the
    # application cannot thin it. The rule records the decided period; the nightly run counts the
    # entries past it, and thinning is a database task done under the archive decision.
    RecordType.ACCESS_LOG: ((Trigger.RECORDED,), (Action.KEEP,)),
    # Notes: from the day the person left (all their notes) or from the day a note describes.
    RecordType.CASE_NOTES: ((Trigger.EXIT, Trigger.RECORDED), (Action.ERASE, Action.KEEP)),
    # Tasks: from the day the person left (all their tasks), or from the day a task was done (open ones stay).
    RecordType.TASKS: ((Trigger.EXIT, Trigger.RECORDED), (Action.ERASE, Action.KEEP)),
}

RECORD_TYPE_HELP = {
    RecordType.CASE_FILE: _(
        "Name, identity number, contact details, free text, status notes and placement texts of a participant "
        "who has left the programme. Pseudonymising keeps gender, year of birth, district, target group, "
        "referral, dates, statuses and outcomes, so the reports' figures stay the same. Erasing deletes the "
        "case file with its placements and follow-ups: the reports' figures for past periods then change."
    ),
    RecordType.FOLLOW_UP_NOTES: _(
        "The free text of follow-ups (tasks, concerns, next steps). Pseudonymising empties the text and keeps "
        "dates, attendance and progress grades, which the reports count."
    ),
    RecordType.PLACEMENT_DOCUMENTS: _(
        "The signed agreement documents (the PDFs, the signatures and their scans), the names in "
        "acknowledgements of the placement agreement, the supervisor's assessment for the certificate, the "
        "reason for ending early and the decision reference. Pseudonymising deletes the documents and empties "
        "the texts; the placement itself, its dates and outcomes stay."
    ),
    RecordType.RECORDS_CHECKS: _(
        "That a criminal-records extract was checked, and the result. An extract is valid for a year; "
        "erasing does not change any report."
    ),
    RecordType.REFERRAL_UPLOADS: _(
        "Referral lists uploaded but neither imported nor discarded. They hold identity numbers; erasing "
        "does not change any report."
    ),
    RecordType.ACCESS_LOG: _(
        "The access log cannot be thinned by the application (it is append-only); the nightly run counts "
        "the entries past the period so the thinning can be done in the database under the archive decision."
    ),
    RecordType.CASE_NOTES: _(
        "The coordinator's notes on a case file (calls, meetings, mapping). Counted from the day the person "
        "left the programme, or from the day a note describes; erasing does not change any report."
    ),
    RecordType.TASKS: _(
        "Tasks on case files, with what was done (a supervisor's concern becomes one). Counted from the day "
        "the person left the programme, or from the day a task was done (open tasks are kept); erasing does "
        "not change any report."
    ),
}


class RetentionRule(models.Model):
    """How long one type of record is kept and what happens then. One row per record type, seeded with
    defaults by a migration and edited by administrators in the admin; the municipality's document
    management plan (dokumenthanteringsplan) decides the real periods."""

    record_type = models.CharField(_("record type"), max_length=30, choices=RecordType.choices, unique=True)
    trigger = models.CharField(_("counted from"), max_length=20, choices=Trigger.choices)
    period = models.PositiveIntegerField(_("period"), validators=[MinValueValidator(1), MaxValueValidator(1200)])
    unit = models.CharField(_("unit"), max_length=10, choices=PeriodUnit.choices, default=PeriodUnit.MONTHS)
    action = models.CharField(_("then"), max_length=20, choices=Action.choices)
    rationale = models.TextField(
        _("rationale"), blank=True, help_text=_("Why this period: the decision or rule it rests on.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["record_type"]
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        constraints = [
            models.CheckConstraint(condition=Q(period__gte=1, period__lte=1200), name="retentionrule_period_range"),
        ]

    def __str__(self) -> str:
        return str(self.get_record_type_display())

    @property
    def help(self) -> str:
        return str(RECORD_TYPE_HELP.get(self.record_type, ""))  # type: ignore[call-overload]  # record_type holds a RecordType value

    def cutoff(self, today: dt.date) -> dt.date:
        """Records whose trigger date is on or before this day are due."""
        if self.unit == PeriodUnit.DAYS:
            return today - relativedelta(days=self.period)
        return today - relativedelta(months=self.period)

    def clean(self) -> None:
        supported = SUPPORTED.get(self.record_type)
        if supported is None:
            return
        triggers, actions = supported
        errors = {}
        if self.trigger and self.trigger not in triggers:
            errors["trigger"] = _("For this record type the clock starts at: %(choices)s.") % {
                "choices": ", ".join(str(Trigger(t).label) for t in triggers)
            }
        if self.action and self.action not in actions:
            errors["action"] = _("For this record type the possible actions are: %(choices)s.") % {
                "choices": ", ".join(str(Action(a).label) for a in actions)
            }
        if errors:
            raise ValidationError(errors)


class RetentionRun(models.Model):
    """One night's application of the retention rules: the day (the uniqueness key: a second run the
    same day does nothing) and counts per record type and action. Never content or names."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    run_on = models.DateField(_("day"), unique=True)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    counts = models.JSONField(
        _("counts"), default=list, blank=True, help_text=_("Per record type and action: how many records.")
    )
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        ordering = ["-run_on"]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")

    def __str__(self) -> str:
        return f"{self.run_on}"


class ErasureMethod(models.TextChoices):
    PSEUDONYMISE = "pseudonymise", _("Pseudonymise (statistics stay the same)")
    ERASE = "erase", _("Erase everything (past statistics change)")


class ErasureRecord(models.Model):
    """That a case file was erased or pseudonymised on request (GDPR art. 17): who, when, why, how much.

    Holds no personal data: the participant's former record number (the access log's key, so the log
    entries about the person can be tied to this record) and a random reference to give the person.
    It is the erased case file's municipality's (`municipality`, set by the erasure service; privacy
    0009–0011 filled it for the records made before), and only its administrators list it."""

    reference = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True, editable=False)
    participant_id = models.BigIntegerField(_("participant (former record number)"), db_index=True)
    municipality = models.ForeignKey(
        "accounts.Municipality",
        on_delete=models.PROTECT,
        editable=False,
        related_name="erasure_records",
        verbose_name=_("municipality"),
    )
    method = models.CharField(_("method"), max_length=20, choices=ErasureMethod.choices)
    reason = models.CharField(
        _("reason"), max_length=300, help_text=_("Why the case file is erased. Write no names or identity numbers.")
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("erased by")
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    counts = models.JSONField(_("counts"), default=dict, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("erasure on request")
        verbose_name_plural = _("erasures on request")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.reference}"
