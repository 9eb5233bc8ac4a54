"""Placements (praktikperioder): a participant at a workplace need with a supervisor, its life
cycle and outcomes, and the follow-ups logged during it."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import access
from participants.tenancy import TenantKeyed
from supervisors.models import ReminderChannel

if TYPE_CHECKING:
    from accounts.models import Municipality


class PlacementStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    AGREED = "agreed", _("Agreed")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    ENDED_EARLY = "ended_early", _("Ended early")
    CANCELLED = "cancelled", _("Cancelled")


# Statuses that hold a place of the need and a slot of the supervisor.
HOLDING_STATUSES = (PlacementStatus.AGREED, PlacementStatus.ACTIVE)
# The placements PlacementHold shows: those that hold (above) and the pending proposals, which the
# allocation leaves room for. Frozen in placements 0027's triggers; a test holds the two equal.
HOLD_VIEW_STATUSES = (*HOLDING_STATUSES, PlacementStatus.PROPOSED)
ENDED_STATUSES = (PlacementStatus.COMPLETED, PlacementStatus.ENDED_EARLY)


class Outcome(models.TextChoices):
    EMPLOYMENT = "employment", _("Employment")
    STUDIES = "studies", _("Studies")
    CONTINUED_MEASURE = "continued_measure", _("Continued labour-market measure")
    UNEMPLOYED = "unemployed", _("Unemployed")
    UNKNOWN = "unknown", _("Unknown")


# Work or studies: what the public outcome measure counts.
WORK_OR_STUDIES = (Outcome.EMPLOYMENT, Outcome.STUDIES)


class PlacementQuerySet(models.QuerySet["Placement"]):
    def visible_to(self, user: access.AnyUser) -> PlacementQuerySet:
        return self.filter(access.placement_scope(user))

    def holding(self) -> PlacementQuerySet:
        """Agreed or active: these take a place of the need and a slot of the supervisor."""
        return self.filter(status__in=HOLDING_STATUSES)

    def overlapping(self, start: dt.date, end: dt.date) -> PlacementQuerySet:
        """Placements whose planned period overlaps [start, end]."""
        return self.filter(planned_start__lte=end, planned_end__gte=start)

    def active_on(self, day: dt.date) -> PlacementQuerySet:
        return self.filter(status=PlacementStatus.ACTIVE, planned_start__lte=day, planned_end__gte=day)


class Placement(TenantKeyed):
    """A period a participant spends at a workplace need, with a supervisor."""

    # The participant's municipality, never the workplace's: a regional employer takes placements
    # from several municipalities.
    TENANT_PARENT = "participant"

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="placements", verbose_name=_("participant")
    )
    need = models.ForeignKey(
        "workplaces.Need", on_delete=models.PROTECT, related_name="placements", verbose_name=_("need")
    )
    supervisor = models.ForeignKey(
        "supervisors.Supervisor", on_delete=models.PROTECT, related_name="placements", verbose_name=_("supervisor")
    )
    placement_type = models.ForeignKey(
        "taxonomy.PlacementType", on_delete=models.PROTECT, related_name="placements", verbose_name=_("placement type")
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinated_placements",
        verbose_name=_("coordinator"),
    )
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    actual_start = models.DateField(_("started"), null=True, blank=True)
    actual_end = models.DateField(_("ended"), null=True, blank=True)
    hours_per_day = models.DecimalField(
        _("hours per day"),
        max_digits=3,
        decimal_places=1,
        default=Decimal("4.0"),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("10"))],
    )
    decision_reference = models.CharField(
        _("decision reference"), max_length=50, blank=True, help_text=_("The Public Employment Service's decision.")
    )
    untrained_supervisor_confirmed = models.BooleanField(
        _("proposed with an untrained supervisor"),
        default=False,
        help_text=_("The coordinator knew the supervisor's training was not valid through the period and went ahead."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PlacementStatus.choices, default=PlacementStatus.PROPOSED
    )
    end_reason = models.TextField(_("reason for ending early"), blank=True)
    outcome = models.CharField(_("outcome at the end"), max_length=30, choices=Outcome.choices, blank=True)
    assessment = models.TextField(
        _("supervisor's assessment"),
        blank=True,
        help_text=_("For the placement certificate: what the participant did and how it went."),
    )
    first_day_notes = models.TextField(
        _("what to bring on the first day"),
        max_length=300,
        blank=True,
        help_text=_("Shown to the participant in their placement summary: clothes, shoes, lunch, papers."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        ordering = ["-planned_start"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__gt=F("planned_start")), name="placement_planned_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True) | Q(actual_start__isnull=False, actual_end__gte=F("actual_start")),
                name="placement_actual_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(hours_per_day__gte=Decimal("0.5"), hours_per_day__lte=10),
                name="placement_hours_per_day_range",
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(status__in=["completed", "ended_early"]),
                name="placement_outcome_only_when_ended",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["active", "completed", "ended_early"]) | Q(actual_start__isnull=False),
                name="placement_started_has_actual_start",
            ),
        ]
        indexes = [
            models.Index(fields=["need", "status"], name="placement_need_status"),
            models.Index(fields=["participant", "status"], name="placement_participant_status"),
            models.Index(fields=["supervisor", "status"], name="placement_supervisor_status"),
            models.Index(fields=["status", "planned_start"], name="placement_status_start"),
            models.Index(fields=["actual_end"], name="placement_actual_end"),
            models.Index(fields=["updated_at"], name="placement_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.participant} @ {self.need}"

    @property
    def starts_on(self) -> dt.date:
        """The first day: the actual start once it has started, the planned start before."""
        return self.actual_start or self.planned_start

    @property
    def ends_on(self) -> dt.date:
        """The last day: the actual end once it has ended, the planned end before."""
        return self.actual_end or self.planned_end

    @property
    def runs_as_planned(self) -> bool:
        return (self.starts_on, self.ends_on) == (self.planned_start, self.planned_end)

    def clean(self) -> None:
        super().clean()  # the tenant key (TenantKeyed)
        errors: dict[str, Any] = {}
        if self.planned_start and self.planned_end and self.planned_end <= self.planned_start:
            errors["planned_end"] = _("The end date must be after the start date.")
        if self.actual_start and self.actual_end and self.actual_end < self.actual_start:
            errors["actual_end"] = _("A placement cannot end before it started.")
        if self.need_id and self.supervisor_id and self.supervisor.workplace_id != self.need.workplace_id:
            errors["supervisor"] = _("The supervisor must work at the need's workplace.")
        if self.placement_type_id:
            problems = self.placement_type.rule_violations(
                hours_per_day=self.hours_per_day,
                start=self.planned_start,
                end=self.planned_end,
                decision_reference=self.decision_reference,
            )
            if "period" in problems:
                problems["planned_end"] = problems.pop("period")
            errors.update(problems)
        if self.outcome and self.status not in ENDED_STATUSES:
            errors["outcome"] = _("An outcome is recorded when the placement has ended.")
        if errors:
            raise ValidationError(errors)


class PlacementHold(models.Model):
    """What a placement takes of a need and a supervisor, for the counts (placements.occupancy): the
    agreed, active and proposed placements of every municipality, with only the columns the counts
    read (no participant, no text: nothing personal, hence no row-level security on it).

    A table written by database triggers only, never by the application (placements 0027): every
    insert, update and delete of a placement puts its row here while its status is one of
    HOLD_VIEW_STATUSES, with the placement's id, and takes it out otherwise. A regional need's places
    and its supervisors' load are shared by the municipalities it is published to, and the counts,
    made in a coordinator's request bound to their municipality (accounts.tenancy), must see the
    others' placements, which the placements' row-level policy hides from every other read; the
    table is indexed by need and by supervisor for the counts' subqueries.

    On SQLite a migration that rebuilds the placements' table (most AlterField, RemoveField) drops
    its triggers silently and must create them again (placements 0027 has the statements;
    placements/tests/test_holds.py fails without them)."""

    id = models.BigIntegerField(primary_key=True)
    need = models.ForeignKey(
        "workplaces.Need", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", verbose_name=_("need")
    )
    supervisor = models.ForeignKey(
        "supervisors.Supervisor",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("supervisor"),
    )
    status = models.CharField(_("status"), max_length=20, choices=PlacementStatus.choices)
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    actual_start = models.DateField(_("started"), null=True, blank=True)

    class Meta:
        db_table = "placements_placementhold"
        indexes = [models.Index(fields=["need", "status"], name="placements_hold_need_status")]

    def __str__(self) -> str:
        return f"{self.pk}: {self.status}"


class PlacementEvent(TenantKeyed):
    """One step of a placement's life cycle, for the participant's timeline."""

    TENANT_PARENT = "placement"

    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, related_name="events", verbose_name=_("placement")
    )
    from_status = models.CharField(_("from"), max_length=20, choices=PlacementStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=PlacementStatus.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("placement event")
        verbose_name_plural = _("placement events")
        indexes = [models.Index(fields=["placement", "at"], name="placementevent_placement_at")]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} → {self.to_status}"


class Party(models.TextChoices):
    """The parties to a placement agreement."""

    PARTICIPANT = "participant", _("Participant")
    WORKPLACE = "workplace", _("Workplace (supervisor)")
    COORDINATOR = "coordinator", _("Labour-market unit (coordinator)")


class Acknowledgement(TenantKeyed):
    """That a party has acknowledged the placement agreement: who, for which party, and when."""

    TENANT_PARENT = "placement"

    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, related_name="acknowledgements", verbose_name=_("placement")
    )
    party = models.CharField(_("party"), max_length=20, choices=Party.choices)
    name = models.CharField(_("acknowledged by"), max_length=200)
    at = models.DateTimeField(_("when"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["at"]
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")
        constraints = [
            models.UniqueConstraint(fields=["placement", "party"], name="acknowledgement_once_per_party"),
        ]

    def __str__(self) -> str:
        return f"{self.get_party_display()}: {self.name}"


class LaterOutcome(TenantKeyed):
    """The person's situation some days after the placement ended (90 days is the public measure)."""

    TENANT_PARENT = "placement"

    class Checkpoint(models.IntegerChoices):
        DAYS_90 = 90, _("90 days after")
        DAYS_180 = 180, _("180 days after")

    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, related_name="later_outcomes", verbose_name=_("placement")
    )
    days_after = models.PositiveSmallIntegerField(_("checkpoint"), choices=Checkpoint.choices)
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices)
    recorded_on = models.DateField(_("recorded on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["days_after"]
        verbose_name = _("later outcome")
        verbose_name_plural = _("later outcomes")
        constraints = [
            models.UniqueConstraint(fields=["placement", "days_after"], name="lateroutcome_once_per_checkpoint"),
        ]

    def __str__(self) -> str:
        return f"{self.days_after}: {self.outcome}"


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    def visible_to(self, user: access.AnyUser) -> FollowUpQuerySet:
        return self.filter(access.follow_up_scope(user))

    def not_cancelled(self) -> FollowUpQuerySet:
        """Follow-ups that count: logged or still to be done. A follow-up cancelled because the
        placement ended before it fell due is kept for the history, never counted as due."""
        return self.filter(cancelled_on__isnull=True)

    def outstanding(self) -> FollowUpQuerySet:
        """Still to be done: neither logged nor cancelled."""
        return self.not_cancelled().filter(done_on__isnull=True)

    def overdue(self, on: dt.date) -> FollowUpQuerySet:
        """Outstanding and due before `on`."""
        return self.outstanding().filter(due_date__lt=on)

    def concern_open(self) -> FollowUpQuerySet:
        """Concerns whose task is still open: not yet handled by the coordinator."""
        return self.filter(concern=True, concern_task__isnull=False, concern_task__done_on__isnull=True)


class FollowUp(TenantKeyed):
    """A scheduled or logged follow-up of a placement: attendance, progress, concerns, next steps."""

    TENANT_PARENT = "placement"

    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("placement")
    )
    due_date = models.DateField(_("due"))
    done_on = models.DateField(_("done"), null=True, blank=True)
    cancelled_on = models.DateField(
        _("cancelled"),
        null=True,
        blank=True,
        help_text=_("The placement ended before this follow-up fell due: it is kept, never counted as due."),
    )
    scheduled = models.BooleanField(
        _("scheduled"),
        default=True,
        help_text=_("Scheduled when the placement started; an extra follow-up a supervisor adds is never due."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logged by"),
    )
    days_present = models.PositiveSmallIntegerField(_("days present"), null=True, blank=True)
    days_absent = models.PositiveSmallIntegerField(_("days absent"), null=True, blank=True)
    tasks_done = models.TextField(_("tasks done"), blank=True)
    progress_work = models.PositiveSmallIntegerField(
        _("progress: work tasks"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    progress_swedish = models.PositiveSmallIntegerField(
        _("progress: Swedish"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    progress_cooperation = models.PositiveSmallIntegerField(
        _("progress: cooperation"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    concern = models.BooleanField(_("concern"), default=False)
    concern_text = models.TextField(_("what the concern is"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    # The coordinator's task that a concern becomes (participants.Task knows nothing of follow-ups, so
    # the link lives here): the concern is handled when the task is closed with the action taken.
    concern_task = models.OneToOneField(
        "participants.Task",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="concern_follow_up",
        verbose_name=_("concern task"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_date"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.CheckConstraint(
                condition=Q(progress_work__isnull=True) | Q(progress_work__gte=1, progress_work__lte=5),
                name="followup_progress_work_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(progress_swedish__isnull=True) | Q(progress_swedish__gte=1, progress_swedish__lte=5),
                name="followup_progress_swedish_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(progress_cooperation__isnull=True)
                | Q(progress_cooperation__gte=1, progress_cooperation__lte=5),
                name="followup_progress_cooperation_1_to_5",
            ),
            models.CheckConstraint(condition=Q(concern=False) | ~Q(concern_text=""), name="followup_concern_has_text"),
            models.CheckConstraint(
                condition=Q(cancelled_on__isnull=True) | Q(done_on__isnull=True), name="followup_cancelled_not_done"
            ),
        ]
        indexes = [
            models.Index(fields=["placement", "due_date"], name="followup_placement_due"),
            models.Index(fields=["done_on", "due_date"], name="followup_done_due"),
        ]

    def __str__(self) -> str:
        return f"{self.placement_id} {self.due_date}"

    def clean(self) -> None:
        super().clean()  # the tenant key (TenantKeyed)
        errors: dict[str, Any] = {}
        if self.done_on:
            if self.done_on > timezone.localdate():
                errors["done_on"] = _("A follow-up cannot be dated in the future.")
            elif self.placement_id and self.placement.actual_start and self.done_on < self.placement.actual_start:
                errors["done_on"] = _("A follow-up cannot be dated before the placement started.")
        if self.concern and not self.concern_text.strip():
            errors["concern_text"] = _("Describe the concern.")
        if self.done_on and self.cancelled_on:
            errors["done_on"] = _("This follow-up was cancelled when the placement ended before it was due.")
        if errors:
            raise ValidationError(errors)


class MatchingWeights(models.Model):
    """How much each soft criterion of matching counts: a municipality's own setting, at most one row
    each, which its administrator changes in the admin without a deploy. A municipality without a row
    ranks with the defaults, the field defaults below (`current`). A participant is always scored with
    their municipality's weights (placements.matching.weights_in_force): the candidates a coordinator
    ranks are their municipality's, so its weights; a superuser's ranking of several municipalities'
    participants scores each with their own. Every criterion's term lies in [0, 1] (history in
    [-1, 1]), so a weight is the most that criterion can add to a candidate's score.

    Defaults: occupation experience 4, interest 1, job track 1, Swedish margin 0.5, education
    0.5, distance 1, establishment-programme urgency 1, waiting time 1, earlier placements at the
    workplace 1, a trained supervisor with free capacity 1.

    Why these: what a person has done predicts how a placement goes better than what they would like
    to do, and an employer asks first whether someone has done the work. So years in a closely
    related occupation (the same SSYK minor group, three digits: experience term at least
    0.75 x 0.75 = 0.56, see matching.scoring) are worth at least 4 x 0.56 = 2.25, more than the most an
    interest alone and the establishment programme's urgency can add together (1 x 1 + 1 x 1 = 2): a
    candidate with related experience ranks above one with only an interest, whatever their time left
    in the programme. Urgency still counts fully between otherwise similar candidates: with the same
    experience (or none), the one whose programme ends sooner comes first. A test holds the defaults
    to this; an administrator who changes them changes the balance on purpose.
    """

    municipality = models.OneToOneField(
        "accounts.Municipality",
        on_delete=models.PROTECT,
        related_name="matching_weights",
        verbose_name=_("municipality"),
    )
    experience = models.DecimalField(_("occupation experience"), max_digits=4, decimal_places=2, default=Decimal("4"))
    interest = models.DecimalField(_("occupation interest"), max_digits=4, decimal_places=2, default=Decimal("1"))
    job_track = models.DecimalField(_("job track"), max_digits=4, decimal_places=2, default=Decimal("1"))
    swedish_margin = models.DecimalField(
        _("Swedish above the minimum"), max_digits=4, decimal_places=2, default=Decimal("0.5")
    )
    education = models.DecimalField(_("education asked for"), max_digits=4, decimal_places=2, default=Decimal("0.5"))
    distance = models.DecimalField(_("near home"), max_digits=4, decimal_places=2, default=Decimal("1"))
    programme_urgency = models.DecimalField(
        _("little time left in the establishment programme"), max_digits=4, decimal_places=2, default=Decimal("1")
    )
    waiting_time = models.DecimalField(_("time waiting"), max_digits=4, decimal_places=2, default=Decimal("1"))
    history = models.DecimalField(
        _("earlier placements at the workplace"), max_digits=4, decimal_places=2, default=Decimal("1")
    )
    supervisor = models.DecimalField(
        _("trained supervisor with free capacity"), max_digits=4, decimal_places=2, default=Decimal("1")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    CRITERIA = (
        "experience",
        "interest",
        "job_track",
        "swedish_margin",
        "education",
        "distance",
        "programme_urgency",
        "waiting_time",
        "history",
        "supervisor",
    )

    class Meta:
        verbose_name = _("matching weights")
        verbose_name_plural = _("matching weights")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    experience__gte=0,
                    interest__gte=0,
                    job_track__gte=0,
                    swedish_margin__gte=0,
                    education__gte=0,
                    distance__gte=0,
                    programme_urgency__gte=0,
                    waiting_time__gte=0,
                    history__gte=0,
                    supervisor__gte=0,
                ),
                name="matchingweights_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls, municipality: Municipality | int) -> MatchingWeights:
        """The weights in force in `municipality`: its row, or the defaults (unsaved) while it has none."""
        municipality_id = municipality if isinstance(municipality, int) else municipality.pk
        return cls.objects.filter(municipality_id=municipality_id).first() or cls(municipality_id=municipality_id)

    def as_dict(self) -> dict[str, float]:
        return {name: float(getattr(self, name)) for name in self.CRITERIA}


class Reminder(TenantKeyed):
    """A reminder to a supervisor or a coordinator: about a follow-up (or the alert about a concern in
    it), at most one per follow-up, stage and recipient however often the task runs; or, to a
    supervisor who prefers text messages, the day before a placement's first day and before each
    meeting, at most one per `key` (the placement and its first day, or the meeting and its start).

    An e-mail is sent by the run that claims the row (`sent_at` is then set with it). A text message is
    queued through the outbox with the row and sent by placements.tasks.send_supervisor_text_message,
    which claims it (`claimed_at`) so it goes at most once; a follow-up reminder the provider refuses
    goes by e-mail instead (`channel` says how it went, `failure` why not by SMS)."""

    TENANT_PARENT = "follow_up"  # or the placement or the meeting: tenant_parent

    class Stage(models.TextChoices):
        DUE = "due", _("Due soon")
        OVERDUE = "overdue", _("Overdue")
        CONCERN = "concern", _("Concern reported")
        FIRST_DAY = "first_day", _("Before the first day")
        MEETING = "meeting", _("Before a meeting")

    class Recipient(models.TextChoices):
        SUPERVISOR = "supervisor", _("Supervisor")
        COORDINATOR = "coordinator", _("Coordinator")

    class Failure(models.TextChoices):
        REJECTED = "rejected", _("Refused by the SMS provider")
        UNAVAILABLE = "unavailable", _("The SMS provider was unavailable")
        UNCERTAIN = "uncertain", _("The SMS provider did not answer (perhaps sent)")
        OBSOLETE = "obsolete", _("No longer due when it was to be sent")
        NOT_BY_SMS = "not_by_sms", _("The supervisor no longer gets text messages")

    follow_up = models.ForeignKey(
        FollowUp,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("follow-up"),
    )
    placement = models.ForeignKey(
        Placement,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("placement"),
    )
    meeting = models.ForeignKey(
        "Meeting",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("meeting"),
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    recipient = models.CharField(_("recipient"), max_length=12, choices=Recipient.choices)
    key = models.CharField(_("key"), max_length=80, blank=True, editable=False)
    channel = models.CharField(
        _("sent by"),
        max_length=5,
        choices=ReminderChannel.choices,
        default=ReminderChannel.EMAIL,
        blank=True,
        help_text=_("Empty for reminders sent before this was recorded."),
    )
    # Set when an e-mail is claimed (it is sent right away); None while a text message is queued.
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, default=timezone.now)
    claimed_at = models.DateTimeField(_("being sent since"), null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0, editable=False)
    failure = models.CharField(_("not sent by SMS"), max_length=12, choices=Failure.choices, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["follow_up", "stage", "recipient"], name="reminder_once_per_stage"),
            models.UniqueConstraint(fields=["key"], condition=~Q(key=""), name="reminder_once_per_key"),
            models.CheckConstraint(
                condition=Q(stage__in=["due", "overdue", "concern"], follow_up__isnull=False)
                | Q(stage="first_day", placement__isnull=False, key__gt="")
                | Q(stage="meeting", meeting__isnull=False, key__gt=""),
                name="reminder_has_its_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.follow_up_id or self.key} {self.stage} {self.recipient}"

    def tenant_parent(self) -> Any | None:
        """A reminder is about a follow-up, a placement's first day or a meeting: that row's municipality."""
        for name in ("follow_up", "placement", "meeting"):
            if getattr(self, f"{name}_id") is not None:
                return getattr(self, name)
        return None


class FollowUpLink(TenantKeyed):
    """A personal link for a supervisor without an account to log one follow-up: signed, for that
    follow-up only, valid for 14 days and usable once. The URL carries a signed id, nothing personal."""

    TENANT_PARENT = "follow_up"

    VALID_DAYS = 14

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="links", verbose_name=_("follow-up"))
    nonce = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up link")
        verbose_name_plural = _("follow-up links")

    def __str__(self) -> str:
        return f"{self.follow_up_id} {self.created_at:%Y-%m-%d}"


class MeetingKind(models.TextChoices):
    START = "start", _("Start meeting")
    MIDPOINT = "midpoint", _("Midpoint meeting")
    FINAL = "final", _("Final meeting")
    OTHER = "other", _("Other meeting")


# Placements a meeting may be booked or changed for: not yet over.
MEETING_STATUSES = (PlacementStatus.PROPOSED, PlacementStatus.AGREED, PlacementStatus.ACTIVE)
# A meeting is a meeting, not a working day: longer than this is a typing mistake.
MEETING_MAX_DURATION = dt.timedelta(hours=8)

https_only = URLValidator(
    schemes=["https"], message=_("Enter a web address that starts with https://."), code="https_only"
)


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def visible_to(self, user: access.AnyUser) -> MeetingQuerySet:
        """Meetings belong to placements: the placement's rule, one step further."""
        return self.filter(placement__in=Placement.objects.visible_to(user))

    def not_cancelled(self) -> MeetingQuerySet:
        return self.filter(cancelled_at__isnull=True)

    def between(self, start: dt.datetime, end: dt.datetime) -> MeetingQuerySet:
        """Meetings that start in [start, end)."""
        return self.filter(starts_at__gte=start, starts_at__lt=end)


class Meeting(TenantKeyed):
    """A meeting about a placement (the start meeting, the midpoint, the three-party final meeting):
    when, where, who takes part and whether an interpreter is needed. The invitation sent to the
    supervisor and the participant is an iCalendar event with this `uid`; each change raises
    `sequence` (RFC 5545 SEQUENCE), so calendar programs update the event instead of adding one."""

    TENANT_PARENT = "placement"

    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("placement")
    )
    kind = models.CharField(_("kind of meeting"), max_length=10, choices=MeetingKind.choices)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200, blank=True, help_text=_("An address or a room."))
    video_link = models.URLField(
        _("video link"), max_length=500, blank=True, validators=[https_only], help_text=_("https:// only.")
    )
    with_participant = models.BooleanField(_("the participant takes part"), default=True)
    with_supervisor = models.BooleanField(_("the supervisor takes part"), default=True)
    with_coordinator = models.BooleanField(_("the coordinator takes part"), default=True)
    other_attendees = models.CharField(
        _("others taking part"), max_length=300, blank=True, help_text=_("For example an SFI teacher.")
    )
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)
    interpreter_language = models.ForeignKey(
        "taxonomy.Language",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("interpreter's language"),
    )
    uid = models.CharField(_("calendar id"), max_length=255, unique=True, editable=False)
    sequence = models.PositiveIntegerField(_("version"), default=0, editable=False)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("booked by"),
    )
    cancelled_at = models.DateTimeField(_("meeting cancelled"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_start"),
            models.CheckConstraint(condition=~Q(place="") | ~Q(video_link=""), name="meeting_place_or_video"),
            models.CheckConstraint(
                condition=Q(interpreter_needed=False) | Q(interpreter_language__isnull=False),
                name="meeting_interpreter_has_language",
            ),
        ]
        indexes = [
            models.Index(fields=["placement", "starts_at"], name="meeting_placement_start"),
            models.Index(fields=["starts_at"], name="meeting_start"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def clean(self) -> None:
        super().clean()  # the tenant key (TenantKeyed)
        errors: dict[str, Any] = {}
        if self.starts_at and self.ends_at:
            if self.ends_at <= self.starts_at:
                errors["ends_at"] = _("The meeting must end after it starts.")
            elif self.ends_at - self.starts_at > MEETING_MAX_DURATION:
                errors["ends_at"] = _("A meeting can be at most 8 hours long.")
        if not self.place.strip() and not self.video_link.strip():
            errors["place"] = _("Give a place or a video link.")
        if self.interpreter_needed and self.interpreter_language_id is None:
            errors["interpreter_language"] = _("Choose the language the interpreter is needed for.")
        if errors:
            raise ValidationError(errors)


class CalendarFeed(models.Model):
    """A user's personal calendar subscription: the secret in its URL is stored only as a SHA-256
    hash, so the URL cannot be read back from the database. Renewing replaces the hash, and the old
    URL stops working at once. Lives in placements (not accounts): what it serves is meetings and
    follow-ups, and accounts imports no higher app."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed", verbose_name=_("user")
    )
    token_hash = models.CharField(_("hash of the secret"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"


def _private_pdf_name(instance: models.Model, filename: str) -> str:
    """A stored agreement's name: random, so no name or number can be guessed from it. The files are
    served only through permission-checked views, never from MEDIA_URL."""
    return f"agreements/{secrets.token_hex(20)}.pdf"


def _private_scan_name(instance: models.Model, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"agreements/scans/{secrets.token_hex(20)}.{extension[:5]}"


class AgreementTerms(models.Model):
    """A municipality's standard terms, printed in every agreement of its placements: one text per
    section. Versioned, one chain per municipality: an administrator's change saves a new version of
    their municipality's, and an agreement document keeps the version it was made with. The newest
    version of the placement's municipality is the one in force; a municipality with none yet makes
    no agreement (signing asks an administrator to add them)."""

    SECTIONS = ("insurance", "confidentiality", "sick_reporting", "working_hours", "no_wage", "contacts")

    municipality = models.ForeignKey(
        "accounts.Municipality",
        on_delete=models.PROTECT,
        related_name="agreement_terms",
        verbose_name=_("municipality"),
    )
    insurance = models.TextField(_("insurance"))
    confidentiality = models.TextField(_("confidentiality and the undertaking"))
    sick_reporting = models.TextField(_("reporting sick and absence"))
    working_hours = models.TextField(_("working hours"))
    no_wage = models.TextField(_("no wage"))
    contacts = models.TextField(_("contacts"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("agreement terms")
        verbose_name_plural = _("agreement terms")

    def __str__(self) -> str:
        return _("Version %(number)s, %(date)s") % {"number": self.pk, "date": f"{self.created_at:%Y-%m-%d}"}

    @classmethod
    def current(cls, municipality: Municipality | int) -> AgreementTerms | None:
        """The terms in force in `municipality` (a placement's, the key of its case file; never the
        user's): its newest version, or None while it has none."""
        return cls.objects.filter(municipality=municipality).order_by("-pk").first()

    def sections(self) -> list[tuple[str, str]]:
        """(heading, text) of each section, in the agreement's order."""
        fields = [self._meta.get_field(name) for name in self.SECTIONS]
        return [(str(f.verbose_name), getattr(self, f.name)) for f in fields]  # type: ignore[union-attr]  # concrete fields


class AgreementDocument(TenantKeyed):
    """A placement's agreement as sent for signing: the PDF frozen when signing starts (its bytes in
    storage and their SHA-256). A change to the proposal voids it and its outstanding signatures.
    Once every required party has signed, the signed PDF (the document and a signature page) is
    stored beside it and is what is served from then on."""

    TENANT_PARENT = "placement"

    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, related_name="agreement_documents", verbose_name=_("placement")
    )
    terms = models.ForeignKey(
        AgreementTerms, on_delete=models.PROTECT, related_name="documents", verbose_name=_("standard terms")
    )
    pdf = models.FileField(_("document"), upload_to=_private_pdf_name, max_length=200)
    sha256 = models.CharField(_("SHA-256 of the document"), max_length=64)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    voided_at = models.DateTimeField(_("void since"), null=True, blank=True)
    signed_pdf = models.FileField(_("signed document"), upload_to=_private_pdf_name, max_length=200, blank=True)
    signed_sha256 = models.CharField(_("SHA-256 of the signed document"), max_length=64, blank=True)
    signed_at = models.DateTimeField(_("signed by every party"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("agreement document")
        verbose_name_plural = _("agreement documents")
        constraints = [
            models.UniqueConstraint(
                fields=["placement"],
                condition=Q(voided_at__isnull=True),
                name="agreementdocument_one_current_per_placement",
            ),
            models.CheckConstraint(
                condition=Q(signed_sha256="") | Q(signed_at__isnull=False), name="agreementdocument_signed_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.placement_id} {self.sha256[:12]}"


class SignatureMethod(models.TextChoices):
    LINK = "link", _("Personal link")
    IN_APP = "in_app", _("In Platsa, logged in")
    PAPER = "paper", _("On paper (scan)")


class Signature(TenantKeyed):
    """One party's signature of an agreement document: who, when, how, and the SHA-256 of the exact
    document they signed."""

    TENANT_PARENT = "document"

    document = models.ForeignKey(
        AgreementDocument, on_delete=models.CASCADE, related_name="signatures", verbose_name=_("document")
    )
    party = models.CharField(_("party"), max_length=20, choices=Party.choices)
    name = models.CharField(_("signed by"), max_length=200)
    method = models.CharField(_("how"), max_length=10, choices=SignatureMethod.choices)
    signed_at = models.DateTimeField(_("when"), default=timezone.now)
    document_sha256 = models.CharField(_("SHA-256 of the signed document"), max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed or recorded by"),
    )
    scan = models.FileField(_("scan of the paper"), upload_to=_private_scan_name, max_length=200, blank=True)

    class Meta:
        ordering = ["signed_at", "pk"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            models.UniqueConstraint(fields=["document", "party"], name="signature_once_per_party"),
            models.CheckConstraint(condition=~Q(method="paper") | ~Q(scan=""), name="signature_paper_has_scan"),
        ]

    def __str__(self) -> str:
        return f"{self.get_party_display()}: {self.name}"


class SigningLink(TenantKeyed):
    """A personal link for one party to sign one agreement document: signed, valid for 14 days and
    usable once. The URL carries a signed id, nothing personal."""

    TENANT_PARENT = "document"

    VALID_DAYS = 14

    document = models.ForeignKey(
        AgreementDocument, on_delete=models.CASCADE, related_name="links", verbose_name=_("document")
    )
    party = models.CharField(_("party"), max_length=20, choices=Party.choices)
    nonce = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("signing link")
        verbose_name_plural = _("signing links")

    def __str__(self) -> str:
        return f"{self.document_id} {self.party} {self.created_at:%Y-%m-%d}"


class CertificateStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted to the coordinator")
    RETURNED = "returned", _("Sent back to the supervisor")
    APPROVED = "approved", _("Approved")


class Certificate(TenantKeyed):
    """The placement certificate's content, written by the supervisor in the portal (the assessment,
    and the attendance summed from the follow-ups when it is submitted) and approved by the
    coordinator, who may send it back."""

    TENANT_PARENT = "placement"

    placement = models.OneToOneField(
        Placement, on_delete=models.CASCADE, related_name="certificate", verbose_name=_("placement")
    )
    assessment = models.TextField(_("supervisor's assessment"), blank=True)
    days_present = models.PositiveIntegerField(_("days present"), null=True, blank=True)
    days_absent = models.PositiveIntegerField(_("days absent"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CertificateStatus.choices, default=CertificateStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    decided_at = models.DateTimeField(_("approved or sent back"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved or sent back by"),
    )
    return_note = models.TextField(_("why it was sent back"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "returned"]) | Q(submitted_at__isnull=False),
                name="certificate_submitted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.placement_id} {self.status}"
