"""Every write to placements: one function per step of the life cycle, each atomic and holding
its rules. Views, the API and the matching service call these and nothing else.

Life cycle: proposed → agreed → active → completed | ended early; a proposal or an agreed
placement can be cancelled. Agreed and active placements hold a place of the need and a slot of
the supervisor; those rows are locked (SELECT ... FOR UPDATE) while the rule is checked, so two
coordinators taking the last place at the same moment cannot both succeed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.models import User
from accounts.numbers import number_text
from outbox.services import outbox_enqueue
from participants.models import (
    TASK_TEXT_MAX_LENGTH,
    TASK_TITLE_MAX_LENGTH,
    Participant,
    ParticipantStatus,
    Task,
    assignable_coordinators,
)
from participants.services import participant_change_status, task_create
from participants.tenancy import tenant_key
from supervisors.models import Supervisor
from taxonomy.models import PlacementType
from taxonomy.working_days import add_working_days
from workplaces.models import Need

from . import meetings, rules, signing
from .follow_ups import due_dates, log_refusal
from .models import (
    ENDED_STATUSES,
    WORK_OR_STUDIES,
    FollowUp,
    FollowUpLink,
    LaterOutcome,
    Outcome,
    Placement,
    PlacementEvent,
    PlacementStatus,
)

READY_STATUSES = rules.READY_STATUSES


def _record(placement: Placement, *, from_status: str, by: User | None, note: str = "") -> None:
    PlacementEvent.objects.create(
        placement=placement,
        **tenant_key(placement),
        from_status=from_status,
        to_status=placement.status,
        by=by,
        note=note[:300],
    )


def _require_status(placement: Placement, allowed: tuple[str, ...], action: str) -> None:
    if placement.status not in allowed:
        raise ValidationError(
            _("A placement that is “%(status)s” cannot be %(action)s.")
            % {"status": placement.get_status_display(), "action": action},
            code="invalid_transition",
        )


def _lock(placement: Placement) -> Placement:
    """Reload the placement and lock it, so concurrent transitions of it run one at a time."""
    # of=("self",): lock only the placement row, not the shared placement type joined in.
    return Placement.objects.select_for_update(of=("self",)).select_related("placement_type").get(pk=placement.pk)


def _lock_holders(*, need_pk: int, supervisor_pk: int | None, participant_pk: int) -> None:
    """Lock the need, the supervisor and the participant, so the rules' answer about places, load
    and the participant's time still holds when the caller writes. Lock order is always need →
    supervisor → participant, so two transactions cannot deadlock."""
    Need.objects.select_for_update().filter(pk=need_pk).first()
    if supervisor_pk is not None:
        Supervisor.objects.select_for_update().filter(pk=supervisor_pk).first()
    Participant.objects.select_for_update().filter(pk=participant_pk).first()


def _placing(placement: Placement, *, start: dt.date | None = None) -> rules.Placing:
    """The placement as the rules see it, from `start` (the actual start when it starts) to its end."""
    return rules.Placing(
        participant=Participant.objects.get(pk=placement.participant_id),
        need=Need.objects.select_related("placement_type", "workplace").get(pk=placement.need_id),
        supervisor=Supervisor.objects.get(pk=placement.supervisor_id),
        start=start or placement.planned_start,
        end=placement.planned_end,
        hours_per_day=placement.hours_per_day,
        placement_type=placement.placement_type,
        decision_reference=placement.decision_reference,
        confirm_untrained=placement.untrained_supervisor_confirmed,
        exclude_pk=placement.pk,
    )


def _after_leaving(placement: Placement, *, by: User | None) -> None:
    """Set the participant's status once a placement no longer holds them."""
    participant = placement.participant
    if Placement.objects.holding().filter(participant=participant).exclude(pk=placement.pk).exists():
        return
    if participant.status != ParticipantStatus.PLACED:
        return
    # In work or studies: the person leaves the programme; otherwise they wait for the next step.
    target = ParticipantStatus.EXITED if placement.outcome in WORK_OR_STUDIES else ParticipantStatus.MAPPED
    participant_change_status(participant=participant, to_status=target, by=by, note=str(placement.need))


@transaction.atomic
def placement_propose(
    *,
    participant: Participant,
    need: Need,
    supervisor: Supervisor,
    start: dt.date,
    end: dt.date,
    hours_per_day: Decimal,
    by: User | None,
    placement_type: PlacementType | None = None,
    decision_reference: str = "",
    confirm_untrained: bool = False,
) -> Placement:
    """Propose a placement of a participant at a need, with a supervisor at its workplace. Every rule
    (placements.rules) is checked, and every broken one reported at once."""
    rules.require(
        rules.Placing(
            participant=participant,
            need=need,
            supervisor=supervisor,
            start=start,
            end=end,
            hours_per_day=hours_per_day,
            placement_type=placement_type,
            decision_reference=decision_reference,
            confirm_untrained=confirm_untrained,
        ),
        stage=rules.Stage.PROPOSE,
    )
    placement = Placement(
        participant=participant,
        **tenant_key(participant),
        need=need,
        supervisor=supervisor,
        placement_type=placement_type or need.placement_type,
        coordinator=by if by is not None and by.team_id == participant.team_id else participant.coordinator,
        planned_start=start,
        planned_end=end,
        hours_per_day=hours_per_day,
        decision_reference=decision_reference,
        untrained_supervisor_confirmed=confirm_untrained,
        status=PlacementStatus.PROPOSED,
    )
    placement.full_clean()
    placement.save()
    _record(placement, from_status="", by=by)
    return placement


PROPOSAL_FIELDS = ("supervisor", "start", "end", "hours_per_day", "decision_reference", "confirm_untrained")


@transaction.atomic
def placement_change_proposal(
    *,
    placement: Placement,
    by: User | None,
    supervisor: Supervisor,
    start: dt.date,
    end: dt.date,
    hours_per_day: Decimal,
    decision_reference: str = "",
    confirm_untrained: bool = False,
) -> Placement:
    """Change a proposal before it is agreed: the supervisor, the period, the hours, the decision."""
    locked = _lock(placement)
    _require_status(locked, (PlacementStatus.PROPOSED,), pgettext("placement action", "changed"))
    participant = Participant.objects.get(pk=locked.participant_id)
    rules.require(
        rules.Placing(
            participant=participant,
            need=Need.objects.select_related("placement_type", "workplace").get(pk=locked.need_id),
            supervisor=supervisor,
            start=start,
            end=end,
            hours_per_day=hours_per_day,
            placement_type=locked.placement_type,
            decision_reference=decision_reference,
            confirm_untrained=confirm_untrained,
            exclude_pk=locked.pk,
        ),
        stage=rules.Stage.PROPOSE,
    )
    locked.supervisor = supervisor
    locked.planned_start, locked.planned_end, locked.hours_per_day = start, end, hours_per_day
    locked.decision_reference = decision_reference
    locked.untrained_supervisor_confirmed = confirm_untrained
    locked.full_clean()
    locked.save()
    _record(locked, from_status=PlacementStatus.PROPOSED, by=by, note=_("Proposal changed"))
    # The document sent for signing no longer says what was agreed: its signatures are void.
    signing.signing_void(placement=locked)
    return locked


@transaction.atomic
def placement_agree(*, placement: Placement, by: User | None) -> Placement:
    """Agree a proposal: it now holds a place, a supervisor slot and the participant's time. Every
    required party must have signed the agreement (placements.signing). The rules are checked
    again with the need, supervisor and participant locked; missing prerequisites block here. The
    signed PDF is stored: it is what is served from now on."""
    locked = _lock(placement)
    _require_status(locked, (PlacementStatus.PROPOSED,), pgettext("placement action", "agreed"))
    signing.require_signatures(placement=locked)
    _lock_holders(need_pk=locked.need_id, supervisor_pk=locked.supervisor_id, participant_pk=locked.participant_id)
    rules.require(_placing(locked), stage=rules.Stage.AGREE)
    locked.status = PlacementStatus.AGREED
    locked.full_clean()
    locked.save(update_fields=["status", "updated_at"])
    _record(locked, from_status=PlacementStatus.PROPOSED, by=by)
    signing.signed_document_store(placement=locked)
    participant = Participant.objects.get(pk=locked.participant_id)
    if participant.status != ParticipantStatus.PLACED:
        participant_change_status(
            participant=participant, to_status=ParticipantStatus.PLACED, by=by, note=str(locked.need)
        )
    return locked


@transaction.atomic
def placement_activate(*, placement: Placement, by: User | None, on: dt.date | None = None) -> Placement:
    """The participant has started at the workplace, on the actual day. The placement now holds from
    that day to its planned end, so the rules are checked again for that period (places, the
    supervisor's load, the participant's other placements, the type's maximum length), with the
    need, supervisor and participant locked."""
    locked = _lock(placement)
    _require_status(locked, (PlacementStatus.AGREED,), pgettext("placement action", "started"))
    started = on or timezone.localdate()
    if started > timezone.localdate():
        raise ValidationError({"actual_start": _("A placement cannot start in the future.")})
    if started >= locked.planned_end:
        raise ValidationError({"actual_start": _("The start must be before the planned end.")})
    _lock_holders(need_pk=locked.need_id, supervisor_pk=locked.supervisor_id, participant_pk=locked.participant_id)
    problems = rules.blocking(rules.check(_placing(locked, start=started), stage=rules.Stage.ACTIVATE))
    if problems:
        # The form asks for the day only: every problem is about starting on it.
        raise ValidationError({"actual_start": [ValidationError(p.message, code=p.code) for p in problems]})
    locked.status = PlacementStatus.ACTIVE
    locked.actual_start = started
    locked.full_clean()
    locked.save(update_fields=["status", "actual_start", "updated_at"])
    _record(locked, from_status=PlacementStatus.AGREED, by=by)
    FollowUp.objects.bulk_create(
        [
            FollowUp(placement=locked, **tenant_key(locked), due_date=day)
            # The case file's municipality's schedule (the placement carries its key), never the user's.
            for day in due_dates(started, locked.planned_end, locked.municipality.follow_up_schedule_items())
            if not locked.follow_ups.filter(due_date=day).exists()
        ]
    )
    return locked


def _finish(
    placement: Placement, *, to_status: str, outcome: str, on: dt.date | None, by: User | None, reason: str = ""
) -> Placement:
    locked = _lock(placement)
    if to_status == PlacementStatus.COMPLETED:
        action = pgettext("placement action", "completed")
    else:
        action = pgettext("placement action", "ended early")
    _require_status(locked, (PlacementStatus.ACTIVE,), action)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome.")})
    ended = on or timezone.localdate()
    if ended > timezone.localdate():
        raise ValidationError({"actual_end": _("A placement cannot end in the future.")})
    if locked.actual_start and ended < locked.actual_start:
        raise ValidationError({"actual_end": _("A placement cannot end before it started.")})
    previous = locked.status
    locked.status, locked.outcome, locked.actual_end, locked.end_reason = to_status, outcome, ended, reason
    locked.full_clean()
    locked.save(update_fields=["status", "outcome", "actual_end", "end_reason", "updated_at"])
    _record(locked, from_status=previous, by=by, note=reason)
    # Follow-ups that would have fallen due after the end are cancelled: kept, never counted as due.
    locked.follow_ups.outstanding().filter(due_date__gt=ended).update(cancelled_on=timezone.localdate())
    _after_leaving(locked, by=by)
    return locked


@transaction.atomic
def placement_complete(*, placement: Placement, outcome: str, by: User | None, on: dt.date | None = None) -> Placement:
    """The placement ran its course; the outcome at the end is recorded."""
    return _finish(placement, to_status=PlacementStatus.COMPLETED, outcome=outcome, on=on, by=by)


@transaction.atomic
def placement_end_early(
    *, placement: Placement, reason: str, outcome: str, by: User | None, on: dt.date | None = None
) -> Placement:
    """The placement stopped before its planned end; the reason is required."""
    if not reason.strip():
        raise ValidationError({"end_reason": _("Say why the placement ended early.")})
    return _finish(placement, to_status=PlacementStatus.ENDED_EARLY, outcome=outcome, on=on, by=by, reason=reason)


@transaction.atomic
def placement_cancel(*, placement: Placement, reason: str, by: User | None) -> Placement:
    """Withdraw a proposal or an agreed placement that has not started."""
    locked = _lock(placement)
    _require_status(
        locked, (PlacementStatus.PROPOSED, PlacementStatus.AGREED), pgettext("placement action", "cancelled")
    )
    previous = locked.status
    locked.status = PlacementStatus.CANCELLED
    locked.end_reason = reason
    locked.save(update_fields=["status", "end_reason", "updated_at"])
    _record(locked, from_status=previous, by=by, note=reason)
    meetings.meetings_cancel_with_placement(placement=locked)
    if previous == PlacementStatus.PROPOSED:
        signing.signing_void(placement=locked)
    if previous == PlacementStatus.AGREED:
        _after_leaving(locked, by=by)
    return locked


@transaction.atomic
def placement_record_later_outcome(
    *, placement: Placement, days_after: int, outcome: str, by: User | None
) -> LaterOutcome:
    """Record the person's situation 90 or 180 days after the placement ended."""
    if placement.status not in ENDED_STATUSES or placement.actual_end is None:
        raise ValidationError(_("A later outcome is recorded after the placement has ended."))
    due = placement.actual_end + dt.timedelta(days=days_after)
    today = timezone.localdate()
    if today < due:
        raise ValidationError(
            _("The %(days)s-day outcome can be recorded from %(date)s.") % {"days": days_after, "date": due}
        )
    later = LaterOutcome(
        placement=placement,
        **tenant_key(placement),
        days_after=days_after,
        outcome=outcome,
        recorded_on=today,
        recorded_by=by,
    )
    later.full_clean()
    later.save()
    return later


@transaction.atomic
def placement_record_assessment(*, placement: Placement, assessment: str, by: User | None) -> Placement:
    """The supervisor's assessment, printed on the placement certificate."""
    if placement.status not in ENDED_STATUSES:
        raise ValidationError(_("The assessment is written when the placement has ended."), code="not_ended")
    placement.assessment = assessment.strip()
    placement.save(update_fields=["assessment", "updated_at"])
    return placement


FOLLOW_UP_FIELDS = (
    "days_present",
    "days_absent",
    "tasks_done",
    "progress_work",
    "progress_swedish",
    "progress_cooperation",
    "concern",
    "concern_text",
    "next_steps",
)


@transaction.atomic
def follow_up_log(
    *, placement: Placement, by: User | None, done_on: dt.date, follow_up: FollowUp | None = None, **fields: object
) -> FollowUp:
    """Log a follow-up of a running placement (the one that was due, or a new one), or late, after
    the end, one that fell due by then (see follow_ups.log_refusal)."""
    unknown = set(fields) - set(FOLLOW_UP_FIELDS)
    if unknown:
        raise ValueError(f"not follow-up fields: {sorted(unknown)}")
    locked = Placement.objects.select_for_update(of=("self",)).get(pk=placement.pk)
    if follow_up is not None:
        # Reread under the placement's lock: ending the placement may just have cancelled it.
        follow_up.refresh_from_db()
    refusal = log_refusal(placement=locked, follow_up=follow_up)
    if refusal is not None:
        raise refusal
    if follow_up is None:
        follow_up = FollowUp(placement=locked, **tenant_key(locked), due_date=done_on, scheduled=False)  # ad hoc
    follow_up.placement = locked
    follow_up.done_on = done_on
    follow_up.author = by
    for name, value in fields.items():
        setattr(follow_up, name, value)
    if not follow_up.concern:
        follow_up.concern_text = ""
    follow_up.full_clean()
    follow_up.save()
    if follow_up.concern and follow_up.concern_task_id is None:
        follow_up.concern_task = _concern_task_open(placement=locked, follow_up=follow_up, by=by)
        follow_up.save(update_fields=["concern_task"])
    if follow_up.concern and locked.coordinator_id is not None and locked.coordinator_id != getattr(by, "pk", None):
        # The responsible coordinator hears of a concern at once, also if the broker is down now.
        outbox_enqueue(
            task_name="placements.tasks.send_concern_alert",
            args=[follow_up.pk],
            key=f"concern-alert:{follow_up.pk}",
            municipality_id=follow_up.municipality_id,
        )
    return follow_up


CONCERN_TASK_WORKING_DAYS = 3  # a concern's task falls due this many working days after it is logged


def _concern_task_open(*, placement: Placement, follow_up: FollowUp, by: User | None) -> Task:
    """The task a supervisor's concern becomes, for the placement's coordinator (or, failing that, the
    participant's responsible one; unassigned if neither is a coordinator in the team, and the team's
    start pages show it): closed with the action taken, the concern is handled."""
    participant = placement.participant
    team = assignable_coordinators(team_id=participant.team_id)
    candidates = [pk for pk in (placement.coordinator_id, participant.coordinator_id) if pk is not None]
    allowed = set(team.filter(pk__in=candidates).values_list("pk", flat=True))
    assignee_id = next((pk for pk in candidates if pk in allowed), None)
    supervisor = placement.supervisor
    return task_create(
        participant=participant,
        by=by,
        title=(_("Concern from %(supervisor)s") % {"supervisor": supervisor.full_name})[:TASK_TITLE_MAX_LENGTH],
        detail=follow_up.concern_text[:TASK_TEXT_MAX_LENGTH],
        due_on=add_working_days(follow_up.done_on or timezone.localdate(), CONCERN_TASK_WORKING_DAYS),
        assignee=team.filter(pk=assignee_id).first() if assignee_id else None,
    )


@transaction.atomic
def follow_up_log_by_link(*, link: FollowUpLink, done_on: dt.date, **fields: object) -> FollowUp:
    """Log the follow-up of a personal link and use the link up, both or neither."""
    locked = FollowUpLink.objects.select_for_update().select_related("follow_up").get(pk=link.pk)
    if locked.used_at is not None:
        raise ValidationError(_("This link has already been used."), code="link_used")
    follow_up = follow_up_log(
        placement=locked.follow_up.placement, follow_up=locked.follow_up, by=None, done_on=done_on, **fields
    )
    locked.used_at = timezone.now()
    locked.save(update_fields=["used_at"])
    return follow_up


# The summary ("Din praktik") is prepared from the proposal until the placement has started.
FIRST_DAY_NOTES_STATUSES = (PlacementStatus.PROPOSED, PlacementStatus.AGREED, PlacementStatus.ACTIVE)
FIRST_DAY_NOTES_MAX_LENGTH = 300


@transaction.atomic
def placement_set_first_day_notes(*, placement: Placement, notes: str, by: User | None) -> Placement:
    """What the participant should bring on the first day, for their summary. Apart from the proposal
    form on purpose: changing it must not void the agreement sent for signing."""
    locked = _lock(placement)
    _require_status(locked, FIRST_DAY_NOTES_STATUSES, pgettext("placement action", "changed"))
    notes = notes.strip()
    if len(notes) > FIRST_DAY_NOTES_MAX_LENGTH:
        # A TextField's max_length bounds only its form: the service bounds every caller.
        raise ValidationError(
            _("Write at most %(limit)s characters.") % {"limit": number_text(FIRST_DAY_NOTES_MAX_LENGTH)},
            code="max_length",
        )
    locked.first_day_notes = notes
    locked.full_clean()
    locked.save(update_fields=["first_day_notes", "updated_at"])
    return locked
