"""Writes of the privacy app: applying the retention rules, and erasure on request.

Pseudonymising a case file removes everything that identifies the person (names, identity number,
contact details, languages, free text, criminal-records checks, prerequisites such as a vaccination,
the study timetable)
and keeps what the reports count (gender, year of birth, district, target group, referral source and
date, programme dates, social assistance, statuses, placements with their dates and outcomes,
follow-up dates and grades, later outcomes), so that every report figure computed before and after is
the same. Erasing deletes the case file with its placements: past report figures then change.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import IntegerField, Q, QuerySet
from django.db.models.functions import Cast, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access_log import log_access
from accounts.models import AccessAction, AccessLogEntry, BreakGlassGrant, User
from participants.models import (
    CaseNote,
    Participant,
    ParticipantPrerequisite,
    ParticipantStatus,
    RecordsExtractCheck,
    ReferralImport,
    StatusChange,
    StudyTime,
    Task,
    TextMessage,
    WorkExperience,
)
from placements.matching.features import forget_features
from placements.models import (
    ENDED_STATUSES,
    HOLDING_STATUSES,
    Acknowledgement,
    Certificate,
    FollowUp,
    FollowUpLink,
    Meeting,
    Placement,
    PlacementEvent,
    PlacementStatus,
)
from placements.signing import agreement_documents_delete

from .models import Action, ErasureMethod, ErasureRecord, RecordType, RetentionRule, RetentionRun, Trigger

logger = logging.getLogger(__name__)

# Stands in for a removed text where the database requires one (an acknowledgement's name, the
# text of a follow-up flagged as a concern).
REMOVED = "–"
BATCH = 500


def _start_of_day_after(day: dt.date) -> dt.datetime:
    """The first moment after `day` in Swedish time: "on or before day" for a timestamp is "< this"."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


# --- Pseudonymising and erasing case files -------------------------------------------------------------


def _placement_texts_clear(placements: QuerySet[Placement], *, now: dt.datetime) -> int:
    """Empty the free text of placements, their events and acknowledgements, and the certificate's
    text; delete the agreement documents (the PDFs, signatures and scans name the people). Returns
    placements changed."""
    changed = placements.exclude(end_reason="", assessment="", decision_reference="").update(
        end_reason="", assessment="", decision_reference="", updated_at=now
    )
    PlacementEvent.objects.filter(placement__in=placements).exclude(note="").update(note="")
    Acknowledgement.objects.filter(placement__in=placements).exclude(name=REMOVED).update(name=REMOVED)
    Certificate.objects.filter(placement__in=placements).exclude(assessment="", return_note="").update(
        assessment="", return_note=""
    )
    agreement_documents_delete(placements=placements)
    return changed


def _follow_up_texts_clear(follow_ups: QuerySet[FollowUp]) -> int:
    """Empty the free text of follow-ups; dates, attendance and grades stay. Returns how many changed."""
    with_text = follow_ups.filter(
        ~Q(tasks_done="") | ~Q(next_steps="") | (~Q(concern_text="") & ~Q(concern_text=REMOVED))
    )
    # Two disjoint UPDATEs (the database requires a text where a concern is flagged), no id lists.
    concerns = with_text.filter(concern=True).update(tasks_done="", next_steps="", concern_text=REMOVED)
    others = with_text.filter(concern=False).update(tasks_done="", next_steps="", concern_text="")
    return concerns + others


def _tasks_delete(tasks: QuerySet[Task]) -> int:
    """Delete tasks; a follow-up whose concern task goes keeps its concern (handled or not is then unknown,
    and the start page no longer shows it)."""
    return tasks.delete()[1].get(Task._meta.label, 0)


def case_files_pseudonymise(*, participant_ids: Iterable[int], now: dt.datetime) -> dict[str, int]:
    """Pseudonymise the case files (see the module docstring). Already pseudonymised ones are left as
    they are, so running it twice changes nothing. Returns counts per kind of record."""
    people = Participant.objects.filter(pk__in=list(participant_ids), pseudonymised_at__isnull=True)
    ids = list(people.values_list("pk", flat=True))
    if not ids:
        return {}
    placements = Placement.objects.filter(participant_id__in=ids)
    counts = {
        "placements": _placement_texts_clear(placements, now=now),
        "follow_ups": _follow_up_texts_clear(FollowUp.objects.filter(placement__in=placements)),
        "records_checks": RecordsExtractCheck.objects.filter(participant_id__in=ids).delete()[0],
        "prerequisites": ParticipantPrerequisite.objects.filter(participant_id__in=ids).delete()[0],
        # The journal is free text about the person through and through: nothing of it is kept.
        "case_notes": CaseNote.objects.filter(participant_id__in=ids).delete()[0],
        "tasks": _tasks_delete(Task.objects.filter(participant_id__in=ids)),
        # The timetable names a school and when the person is there; no report counts it.
        "study_times": StudyTime.objects.filter(participant_id__in=ids).delete()[0],
        # Text messages say which number got what kind of message when; no report counts them.
        "text_messages": TextMessage.objects.filter(participant_id__in=ids).delete()[0],
    }
    FollowUpLink.objects.filter(follow_up__placement__in=placements).delete()
    # Meetings are arrangements (where, who, which interpreter language), no use to statistics.
    counts["meetings"] = Meeting.objects.filter(placement__in=placements).delete()[0]
    WorkExperience.objects.filter(participant_id__in=ids).update(description="", country="")
    StatusChange.objects.filter(participant_id__in=ids).exclude(note="").update(note="")
    BreakGlassGrant.objects.filter(participant_id__in=ids).delete()
    Participant.languages.through.objects.filter(participant_id__in=ids).delete()
    # One UPDATE: the year of birth is read from the identity number before it is removed.
    counts["case_files"] = Participant.objects.filter(pk__in=ids).update(
        birth_year=Cast(Substr("identity_number", 1, 4), IntegerField()),
        identity_number=None,
        first_name="",
        last_name="",
        search_name="",  # the names folded for the search go with the names
        phone="",
        email="",
        pseudonymised_at=now,
        updated_at=now,
    )
    return counts


def case_files_erase(*, participant_ids: Iterable[int]) -> dict[str, int]:
    """Delete the case files with everything hanging on them, placements included. The access log
    keeps its entries (a record number only, no name). Returns counts per kind of record."""
    ids = list(participant_ids)
    if not ids:
        return {}
    placements = Placement.objects.filter(participant_id__in=ids)
    counts = {
        "placements": placements.count(),
        "follow_ups": FollowUp.objects.filter(placement__in=placements).count(),
    }
    agreement_documents_delete(placements=placements)
    placements.delete()
    BreakGlassGrant.objects.filter(participant_id__in=ids).delete()
    counts["case_files"] = Participant.objects.filter(pk__in=ids).delete()[1].get(Participant._meta.label, 0)
    return counts


# --- The retention rules -----------------------------------------------------------------------------------


def _due_case_files(rule: RetentionRule, cutoff: dt.date) -> QuerySet[Participant]:
    holding = Placement.objects.filter(status__in=HOLDING_STATUSES).values("participant_id")
    return Participant.objects.filter(
        status=ParticipantStatus.EXITED,
        status_changed_at__lt=_start_of_day_after(cutoff),
        pseudonymised_at__isnull=True,
    ).exclude(pk__in=holding)


def _ended_placements(cutoff: dt.date) -> QuerySet[Placement]:
    return Placement.objects.filter(
        Q(status__in=ENDED_STATUSES, actual_end__lte=cutoff)
        | Q(status=PlacementStatus.CANCELLED, planned_end__lte=cutoff)
    )


def _due_follow_ups(rule: RetentionRule, cutoff: dt.date) -> QuerySet[FollowUp]:
    if rule.trigger == Trigger.RECORDED:
        recorded = Q(done_on__lte=cutoff) | Q(done_on__isnull=True, due_date__lte=cutoff)
        return FollowUp.objects.filter(recorded)
    return FollowUp.objects.filter(placement__in=_ended_placements(cutoff))


def _apply(rule: RetentionRule, today: dt.date, now: dt.datetime) -> int:
    """Apply one rule; returns how many records it changed (for "keep": how many are past the period)."""
    cutoff = rule.cutoff(today)
    keep = rule.action == Action.KEEP
    match rule.record_type:
        case RecordType.CASE_FILE:
            due = _due_case_files(rule, cutoff)
            if keep:
                return due.count()
            ids = list(due.values_list("pk", flat=True))
            done = 0
            # In batches: an id list stays far below the databases' limits on query parameters.
            for start in range(0, len(ids), BATCH):
                batch = ids[start : start + BATCH]
                if rule.action == Action.ERASE:
                    done += case_files_erase(participant_ids=batch).get("case_files", 0)
                else:
                    done += case_files_pseudonymise(participant_ids=batch, now=now).get("case_files", 0)
            return done
        case RecordType.FOLLOW_UP_NOTES:
            due_follow_ups = _due_follow_ups(rule, cutoff)
            if keep:
                return due_follow_ups.count()
            return _follow_up_texts_clear(due_follow_ups)
        case RecordType.PLACEMENT_DOCUMENTS:
            ended = _ended_placements(cutoff)
            if keep:
                return ended.count()
            return _placement_texts_clear(ended, now=now)
        case RecordType.RECORDS_CHECKS:
            checks = RecordsExtractCheck.objects.filter(checked_on__lte=cutoff)
            return checks.count() if keep else checks.delete()[0]
        case RecordType.REFERRAL_UPLOADS:
            uploads = ReferralImport.objects.filter(created_at__lt=_start_of_day_after(cutoff))
            return uploads.count() if keep else uploads.delete()[0]
        case RecordType.ACCESS_LOG:
            return AccessLogEntry.objects.filter(at__lt=_start_of_day_after(cutoff)).count()
        case RecordType.CASE_NOTES:
            notes = CaseNote.objects.filter(_journal_due(rule, cutoff, recorded=Q(noted_on__lte=cutoff)))
            return notes.count() if keep else notes.delete()[0]
        case RecordType.TASKS:
            tasks = Task.objects.filter(_journal_due(rule, cutoff, recorded=Q(done_on__lte=cutoff)))
            return tasks.count() if keep else _tasks_delete(tasks)
    return 0


def _journal_due(rule: RetentionRule, cutoff: dt.date, *, recorded: Q) -> Q:
    """Notes and tasks due under `rule`: those of people who left by the cutoff, or recorded by it."""
    if rule.trigger == Trigger.RECORDED:
        return recorded
    left = Participant.objects.filter(
        status=ParticipantStatus.EXITED, status_changed_at__lt=_start_of_day_after(cutoff)
    ).exclude(pk__in=Placement.objects.filter(status__in=HOLDING_STATUSES).values("participant_id"))
    return Q(participant__in=left)


def retention_apply(*, today: dt.date) -> RetentionRun:
    """Apply every retention rule for `today`, all or nothing, and record the counts.

    The day is the uniqueness key: once a day's run is done, running it again returns it unchanged.
    Every rule also skips what it has already handled, so a run on a later day changes only what
    has become due since. Logs counts per record type and action, never content or names.
    """
    with transaction.atomic():
        run, _created = RetentionRun.objects.select_for_update().get_or_create(run_on=today)
        if run.status == RetentionRun.Status.DONE:
            return run
    now = timezone.now()
    try:
        with transaction.atomic():
            run = RetentionRun.objects.select_for_update().get(pk=run.pk)
            if run.status == RetentionRun.Status.DONE:  # another worker finished it while this one waited
                return run
            counts = []
            for rule in RetentionRule.objects.order_by("record_type"):
                count = _apply(rule, today, now)
                counts.append({"record_type": rule.record_type, "action": rule.action, "count": count})
                logger.info("retention %s %s %d", rule.record_type, rule.action, count)
            run.counts, run.status, run.finished_at, run.error = counts, RetentionRun.Status.DONE, timezone.now(), ""
            run.save()
            # Matching caches participants' arrays per process; deleted people must not stay in it.
            transaction.on_commit(forget_features)
    except Exception as exc:
        RetentionRun.objects.filter(pk=run.pk).update(status=RetentionRun.Status.FAILED, error=type(exc).__name__)
        logger.exception("retention run %s failed", today)
        raise
    return run


# --- Erasure on request (GDPR art. 17) -----------------------------------------------------------------


@transaction.atomic
def participant_erase_on_request(
    *, participant: Participant, method: ErasureMethod, reason: str, by: User
) -> ErasureRecord:
    """Erase (or pseudonymise) one person's case file on their request, in one transaction, and keep a
    record of who, when and why that itself holds no personal data.

    Only someone who has left the programme: a person still in it has placements and matching that
    would be cut off half-way, and their status must first be changed by their coordinator.
    """
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    if locked.pseudonymised_at is not None:
        raise ValidationError(_("This case file is already pseudonymised."), code="already_pseudonymised")
    if locked.status != ParticipantStatus.EXITED:
        raise ValidationError(
            _("Only the case file of someone who has left the programme can be erased. Change the status first."),
            code="not_exited",
        )
    if Placement.objects.filter(participant=locked, status__in=HOLDING_STATUSES).exists():
        raise ValidationError(_("End or cancel the ongoing placement first."), code="placement_ongoing")
    if not reason.strip():
        raise ValidationError({"reason": _("State the reason.")}, code="required")
    pk = locked.pk
    record = ErasureRecord(
        participant_id=pk,
        municipality_id=locked.municipality_id,  # the case file's, read before it is erased
        method=method,
        reason=reason.strip(),
        by=by,
    )
    # Logged while the case file is still there, in the same transaction: the entry takes its
    # municipality from it (AccessLogEntry.municipality), and so stays in that municipality's log.
    log_access(user=by, participant_ids=[pk], action=AccessAction.ERASE, reason=f"{method} {record.reference}")
    if method == ErasureMethod.ERASE:
        record.counts = case_files_erase(participant_ids=[pk])
    else:
        record.counts = case_files_pseudonymise(participant_ids=[pk], now=timezone.now())
    record.full_clean()
    record.save()
    logger.info("erasure on request %s %s", record.reference, method)
    transaction.on_commit(forget_features)
    return record
