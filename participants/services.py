"""Writes to participants: registration, status changes and the checks and prerequisites on the case
file, each one atomic use case."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.access_log import log_access
from accounts.models import AccessAction, Team, User
from accounts.numbers import number_text
from taxonomy.models import Prerequisite

from .duplicates import registered_by_identity_number
from .identity import normalize_identity_number
from .importing import ImportRow, build_participant
from .models import (
    CaseNote,
    Exit,
    Interest,
    Participant,
    ParticipantPrerequisite,
    ParticipantStatus,
    ProgrammeStatus,
    RecordsExtractCheck,
    ReferralImport,
    StatusChange,
    StudyKind,
    StudyTime,
    TargetGroup,
    Task,
    WorkExperience,
    assignable_coordinators,
    establishment_programme_end_for,
)
from .tenancy import tenant_key

# Which status may follow which. Placements move people into and out of PLACED through the
# placement services, which call participant_change_status.
ALLOWED_STATUS_CHANGES: dict[str, set[str]] = {
    ParticipantStatus.REFERRED: {ParticipantStatus.MAPPED, ParticipantStatus.ON_HOLD, ParticipantStatus.EXITED},
    ParticipantStatus.MAPPED: {ParticipantStatus.PLACED, ParticipantStatus.ON_HOLD, ParticipantStatus.EXITED},
    ParticipantStatus.PLACED: {ParticipantStatus.MAPPED, ParticipantStatus.ON_HOLD, ParticipantStatus.EXITED},
    ParticipantStatus.ON_HOLD: {ParticipantStatus.MAPPED, ParticipantStatus.REFERRED, ParticipantStatus.EXITED},
    ParticipantStatus.EXITED: {ParticipantStatus.REFERRED},
}


@dataclass(frozen=True)
class Experience:
    """One row of work experience as entered: an SSYK occupation code and years."""

    occupation_code: str
    years: Decimal
    country: str = ""
    description: str = ""


def _replace_competences(
    participant: Participant,
    *,
    languages: Iterable[Any] | None,
    interests: Iterable[Any] | None,
    experiences: Iterable[Experience] | None,
) -> None:
    """Set languages, interests and work experience; None leaves that part as it is."""
    if languages is not None:
        participant.languages.set(languages)
    if interests is not None:
        participant.interests.all().delete()
        Interest.objects.bulk_create(
            [Interest(participant=participant, occupation=o).key_from_parent() for o in dict.fromkeys(interests)]
        )
    if experiences is not None:
        participant.work_experiences.all().delete()
        rows = [
            WorkExperience(
                participant=participant,
                occupation_id=e.occupation_code,
                years=e.years,
                country=e.country,
                description=e.description,
            ).key_from_parent()
            for e in experiences
        ]
        for row in rows:
            row.full_clean(exclude=["participant"])
        WorkExperience.objects.bulk_create(rows)


def participant_place_in_team(participant: Participant, *, team: Team) -> None:
    """The one place a case file gets its team, and with it its municipality (the tenant key, which
    is always the team's: Participant.clean checks it). Unsaved: the caller saves."""
    participant.team = team
    participant.municipality_id = team.municipality_id


@transaction.atomic
def participant_register(
    *,
    by: User | None,
    identity_number: str,
    languages: Iterable[Any] = (),
    interests: Iterable[Any] = (),
    experiences: Iterable[Experience] = (),
    **fields: Any,
) -> Participant:
    """Register a referred participant with their competences, all or nothing.

    The identity number may be typed in any common format; it is stored in normal form.
    """
    team = fields.pop("team", None)
    participant = Participant(identity_number=normalize_identity_number(identity_number), **fields)
    if team is not None:  # without one, full_clean below says the team is required
        participant_place_in_team(participant, team=team)
    if participant.residence_permit_date and not participant.establishment_programme_end:
        participant.establishment_programme_end = establishment_programme_end_for(participant.residence_permit_date)
    participant.full_clean()
    participant.save()
    _replace_competences(participant, languages=languages, interests=interests, experiences=experiences)
    StatusChange.objects.create(
        participant=participant,
        **tenant_key(participant),
        from_status="",
        to_status=participant.status,
        changed_by=by,
        note=_("Registered"),
    )
    return participant


# Fields a profile edit may change; status moves only through participant_change_status.
EDITABLE_FIELDS = (
    "first_name",
    "last_name",
    "identity_number",
    "gender",
    "region_of_birth",
    "phone",
    "email",
    "information_language",
    "home_district",
    "target_group",
    "receives_social_assistance",
    "social_assistance_ended_on",
    "referral_source",
    "referral_date",
    "residence_permit_date",
    "establishment_programme_end",
    "swedish_level",
    "education_level",
    "has_driving_licence",
    "hours_per_day",
    "job_track",
    "coordinator",
)


@transaction.atomic
def participant_update(
    *,
    participant: Participant,
    by: User | None,
    languages: Iterable[Any] | None = None,
    interests: Iterable[Any] | None = None,
    experiences: Iterable[Experience] | None = None,
    **fields: Any,
) -> Participant:
    """Change a participant's profile and competences in one transaction."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    if "identity_number" in fields:
        fields["identity_number"] = normalize_identity_number(fields["identity_number"])
    for name, value in fields.items():
        setattr(participant, name, value)
    if participant.residence_permit_date and not participant.establishment_programme_end:
        participant.establishment_programme_end = establishment_programme_end_for(participant.residence_permit_date)
    participant.full_clean()
    participant.save()
    _replace_competences(participant, languages=languages, interests=interests, experiences=experiences)
    return participant


@transaction.atomic
def participant_change_status(
    *, participant: Participant, to_status: str, by: User | None, note: str = ""
) -> Participant:
    """Move a participant to another status, if the rules allow it, and record the step."""
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    if to_status not in ALLOWED_STATUS_CHANGES.get(locked.status, set()):
        raise ValidationError(
            _("A participant cannot go from “%(from)s” to “%(to)s”.")
            % {"from": locked.get_status_display(), "to": ParticipantStatus(to_status).label}
        )
    now = timezone.now()
    StatusChange.objects.create(
        participant=locked,
        **tenant_key(locked),
        from_status=locked.status,
        to_status=to_status,
        changed_by=by,
        changed_at=now,
        note=note,
    )
    locked.status = to_status
    locked.status_changed_at = now
    locked.save(update_fields=["status", "status_changed_at", "updated_at"])
    participant.status, participant.status_changed_at = locked.status, locked.status_changed_at
    return participant


@dataclass(frozen=True)
class ImportResult:
    created: int
    skipped: int


def _rows_with_errors(count: int) -> str:
    return ngettext(
        "%(count)s row has errors, so nothing was imported.",
        "%(count)s rows have errors, so nothing was imported.",
        count,
    ) % {"count": number_text(count)}


@transaction.atomic
def participants_import(*, rows: list[ImportRow], by: User, team: Team, all_or_nothing: bool) -> ImportResult:
    """Register every valid row of a checked referral list in one transaction.

    With `all_or_nothing`, one bad row stops the whole file and nothing is written.
    """
    created, skipped = _participants_write(rows=rows, by=by, team=team, all_or_nothing=all_or_nothing)
    return ImportResult(created=len(created), skipped=skipped)


def _participants_write(
    *, rows: list[ImportRow], by: User, team: Team, all_or_nothing: bool
) -> tuple[list[Participant], int]:
    invalid = [row for row in rows if not row.valid]
    if all_or_nothing and invalid:
        raise ValidationError(_rows_with_errors(len(invalid)), code="rows_invalid")
    valid = [row for row in rows if row.valid]
    participants = []
    for row in valid:
        participant = build_participant(row)
        participant_place_in_team(participant, team=team)
        participant.coordinator = by
        participants.append(participant)
    created = Participant.objects.bulk_create(participants, batch_size=500)
    now = timezone.now()
    StatusChange.objects.bulk_create(
        [
            StatusChange(
                participant=p, from_status="", to_status=p.status, changed_by=by, changed_at=now, note=_("Imported")
            ).key_from_parent()
            for p in created
        ],
        batch_size=500,
    )
    pairs = list(zip(created, valid, strict=True))
    WorkExperience.objects.bulk_create(
        [
            WorkExperience(
                participant=p, occupation_id=row.values["occupation"], years=row.values.get("years", Decimal("1"))
            ).key_from_parent()
            for p, row in pairs
            if row.values.get("occupation")
        ],
        batch_size=500,
    )
    Interest.objects.bulk_create(
        [
            Interest(participant=p, occupation_id=code).key_from_parent()
            for p, row in pairs
            for code in row.values.get("interests", ())
        ],
        batch_size=500,
    )
    speaks = Participant.languages.through
    speaks.objects.bulk_create(
        [speaks(participant_id=p.pk, language_id=pk) for p, row in pairs for pk in row.values.get("languages", ())],
        batch_size=500,
    )
    log_access(user=by, participant_ids=[p.pk for p in created], action=AccessAction.CREATE)
    return created, len(invalid)


class AlreadyImported(Exception):
    """The referral list was imported already (a second click, or a second tab)."""


@transaction.atomic
def referral_import_confirm(
    *, referral_import: ReferralImport, rows: list[ImportRow], by: User, all_or_nothing: bool
) -> ImportResult:
    """Import a pending referral list once, whoever confirms it how many times at once.

    The first statement moves the list from pending to imported, which only one transaction can
    do: a second confirm at the same moment waits for the first (a row lock on PostgreSQL, the
    write lock on SQLite), then finds nothing pending and raises AlreadyImported. If a person of
    the list was registered meanwhile by someone else (two coordinators whose lists share a
    person, confirmed at once), the identity number unique in the municipality stops the insert; the list stays
    pending and the ValidationError names the lines, never the person. A list with no row that can
    be imported is refused and stays pending (to be corrected and uploaded again, or discarded)."""
    if referral_import.team_id != by.team_id:
        # The people are registered in the list's team with `by` as their coordinator: both must agree
        # (bulk_create does not run the model's team check).
        raise ValidationError(_("The list was uploaded for another team."), code="other_team")
    if not all_or_nothing and not any(row.valid for row in rows):
        raise ValidationError(
            _("No row of the list can be imported: correct the file and upload it again, or discard it."),
            code="nothing_to_import",
        )
    claimed = ReferralImport.objects.filter(pk=referral_import.pk, status=ReferralImport.Status.PENDING).update(
        status=ReferralImport.Status.IMPORTED, imported_at=timezone.now()
    )
    if not claimed:
        raise AlreadyImported
    try:
        with transaction.atomic():  # a savepoint: the failed insert is undone, the transaction goes on
            created, skipped = _participants_write(
                rows=rows, by=by, team=referral_import.team, all_or_nothing=all_or_nothing
            )
    except IntegrityError as exc:
        numbers = {row.values["identity_number"]: row.line for row in rows if row.valid}
        # The one check of who is registered, in the municipality's register (the list's team's, which
        # is `by`'s): identity numbers are unique within it, so only a registration there stops the
        # insert, and of another municipality's register nothing is asked.
        taken = registered_by_identity_number(user=by, identity_numbers=list(numbers))
        lines = sorted(numbers[n] for n in taken)
        if not lines:
            raise
        raise ValidationError(
            ngettext(
                "Line %(lines)s was registered by someone else while the list was checked, so nothing was "
                "imported. The list is checked again below.",
                "Lines %(lines)s were registered by someone else while the list was checked, so nothing was "
                "imported. The list is checked again below.",
                len(lines),
            )
            % {"lines": ", ".join(str(line) for line in lines)},
            code="registered_meanwhile",
        ) from exc
    ReferralImport.objects.filter(pk=referral_import.pk).update(content=b"", skipped=skipped)
    referral_import.participants.add(*created)
    referral_import.refresh_from_db()
    return ImportResult(created=len(created), skipped=skipped)


@transaction.atomic
def participants_assign_coordinator(*, participant_ids: Collection[int], coordinator: User, by: User) -> int:
    """Make `coordinator` the responsible coordinator of the participants: all of them in `by`'s
    team, and `coordinator` an active coordinator of that team; otherwise nothing changes.
    Returns how many were assigned."""
    ids = set(participant_ids)
    if by.team_id is None or not assignable_coordinators(team_id=by.team_id).filter(pk=coordinator.pk).exists():
        raise ValidationError(_("Choose an active coordinator of your team."), code="coordinator_not_in_team")
    if not ids:
        raise ValidationError(_("Choose at least one participant."), code="no_participants")
    locked = list(Participant.objects.select_for_update().filter(pk__in=ids).values_list("pk", "team_id"))
    if len(locked) != len(ids) or any(team_id != by.team_id for _pk, team_id in locked):
        raise ValidationError(_("Only participants of your team can be assigned."), code="participant_not_in_team")
    Participant.objects.filter(pk__in=ids).update(coordinator=coordinator, updated_at=timezone.now())
    log_access(user=by, participant_ids=sorted(ids), action=AccessAction.CHANGE, fields=["coordinator"])
    return len(ids)


# --- Checks and prerequisites on the case file ----------------------------------------------------------
# Each write logs its access-log entry (a change of the case file, naming what changed) in the same
# transaction: the page and any other caller get it by calling the service. Each also moves the case
# file's `updated_at`: matching caches what it reads and reloads when the newest change moves, and a
# removed row alone would not move the version it watches.

RECORDS_CHECKS_FIELD = "records_checks"
PREREQUISITES_FIELD = "prerequisites"
EXITS_FIELD = "exits"
PROGRAMME_STATUS_FIELD = "programme_status"
STUDY_TIMES_FIELD = "study_times"


def _case_file_changed(*, by: User, participant_id: int, field: str) -> None:
    Participant.objects.filter(pk=participant_id).update(updated_at=timezone.now())
    log_access(user=by, participant_ids=[participant_id], action=AccessAction.CHANGE, fields=[field])


@transaction.atomic
def records_check_record(
    *,
    participant: Participant,
    by: User,
    scope: str,
    extract_date: dt.date,
    result: str,
    checked_on: dt.date | None = None,
) -> RecordsExtractCheck:
    """Record that the person's criminal-records extract was checked, by `by` (today unless `checked_on`).
    Only the check is recorded, never the extract or what it says."""
    check = RecordsExtractCheck(
        participant=participant,
        **tenant_key(participant),
        scope=scope,
        extract_date=extract_date,
        checked_on=checked_on or timezone.localdate(),
        checked_by=by,
        result=result,
    )
    check.full_clean()
    check.save()
    _case_file_changed(by=by, participant_id=participant.pk, field=RECORDS_CHECKS_FIELD)
    return check


@transaction.atomic
def records_check_remove(*, check: RecordsExtractCheck, by: User) -> None:
    """Remove a check recorded by mistake."""
    participant_id = check.participant_id
    RecordsExtractCheck.objects.filter(pk=check.pk).delete()
    _case_file_changed(by=by, participant_id=participant_id, field=RECORDS_CHECKS_FIELD)


def prerequisite_valid_until(*, prerequisite: Prerequisite, obtained_on: dt.date) -> dt.date | None:
    """How long a prerequisite obtained on `obtained_on` lasts: `valid_months` on, or None (no end)."""
    if prerequisite.valid_months is None:
        return None
    until: dt.date = obtained_on + relativedelta(months=prerequisite.valid_months)
    return until


@transaction.atomic
def participant_prerequisite_record(
    *,
    participant: Participant,
    by: User,
    prerequisite: Prerequisite,
    obtained_on: dt.date,
    valid_until: dt.date | None = None,
) -> ParticipantPrerequisite:
    """Record that the person has a prerequisite. Without `valid_until`, it lasts the prerequisite's
    `valid_months` from `obtained_on` (none: it does not expire). Only active prerequisites are recorded."""
    if not prerequisite.active:
        raise ValidationError({"prerequisite": _("This prerequisite is no longer in use.")}, code="inactive")
    held = ParticipantPrerequisite(
        participant=participant,
        **tenant_key(participant),
        prerequisite=prerequisite,
        obtained_on=obtained_on,
        valid_until=valid_until or prerequisite_valid_until(prerequisite=prerequisite, obtained_on=obtained_on),
        recorded_by=by,
    )
    held.full_clean()
    held.save()
    _case_file_changed(by=by, participant_id=participant.pk, field=PREREQUISITES_FIELD)
    return held


@transaction.atomic
def participant_prerequisite_end(
    *, held: ParticipantPrerequisite, by: User, on: dt.date | None = None
) -> ParticipantPrerequisite:
    """End a prerequisite the person no longer has (a key card handed back): it holds through `on`
    (today by default) and not after. One that has already run out is left as it is."""
    locked = ParticipantPrerequisite.objects.select_for_update().get(pk=held.pk)
    day = on or timezone.localdate()
    if locked.valid_until is not None and locked.valid_until <= day:
        raise ValidationError(_("It has already run out."), code="already_ended")
    if day < locked.obtained_on:
        raise ValidationError(_("It cannot run out before it was obtained."), code="before_obtained")
    locked.valid_until = day
    locked.recorded_by = by
    locked.full_clean()
    locked.save(update_fields=["valid_until", "recorded_by", "updated_at"])
    _case_file_changed(by=by, participant_id=locked.participant_id, field=PREREQUISITES_FIELD)
    return locked


@transaction.atomic
def participant_prerequisite_remove(*, held: ParticipantPrerequisite, by: User) -> None:
    """Remove a prerequisite recorded by mistake."""
    participant_id = held.participant_id
    ParticipantPrerequisite.objects.filter(pk=held.pk).delete()
    _case_file_changed(by=by, participant_id=participant_id, field=PREREQUISITES_FIELD)


# --- Exits and the status 90 days after the establishment programme ------------------------------------
# What the national statistics (Kolada) count: who left, when and why, and where newcomers were 90
# days after the programme. reporting/outcomes.py computes the measures from these rows.


@transaction.atomic
def exit_record(
    *,
    participant: Participant,
    by: User,
    left_on: dt.date,
    reason: str,
    work_length: str = "",
    student_aid: bool | None = None,
) -> Exit:
    """Record that the person left the unit on `left_on`, and why. Work needs its expected length;
    studies whether they qualify for student aid. The case is closed too: a participant not yet
    "left the programme" is moved there, with the step in the status history."""
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    exit_ = Exit(
        participant=locked,
        **tenant_key(locked),
        left_on=left_on,
        reason=reason,
        work_length=work_length or "",
        student_aid=student_aid,
        recorded_on=timezone.localdate(),
        recorded_by=by,
    )
    exit_.full_clean()
    exit_.save()
    if locked.status != ParticipantStatus.EXITED:
        participant_change_status(
            participant=participant, to_status=ParticipantStatus.EXITED, by=by, note=exit_.get_reason_display()
        )
    _case_file_changed(by=by, participant_id=participant.pk, field=EXITS_FIELD)
    return exit_


@transaction.atomic
def exit_remove(*, exit_: Exit, by: User) -> None:
    """Remove an exit recorded by mistake (the status stays as it is: change it on the case file)."""
    participant_id = exit_.participant_id
    Exit.objects.filter(pk=exit_.pk).delete()
    _case_file_changed(by=by, participant_id=participant_id, field=EXITS_FIELD)


def programme_status_due(*, participant: Participant, today: dt.date | None = None) -> bool:
    """Whether the status 90 days after the establishment programme can be recorded: a newcomer whose
    programme ended at least 90 days ago."""
    measured_on = ProgrammeStatus.measured_on(participant)
    return (
        participant.target_group == TargetGroup.NEWCOMER
        and measured_on is not None
        and measured_on <= (today or timezone.localdate())
    )


@transaction.atomic
def programme_status_record(
    *,
    participant: Participant,
    by: User,
    reason: str,
    work_length: str = "",
    student_aid: bool | None = None,
) -> ProgrammeStatus:
    """Record where a newcomer was 90 days after the establishment programme ended. Only for newcomers
    whose programme ended at least 90 days ago, and once (remove a mistaken one first)."""
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    if locked.target_group != TargetGroup.NEWCOMER or locked.establishment_programme_end is None:
        raise ValidationError(
            _("Only newcomers in the establishment programme have a status after it."), code="not_newcomer"
        )
    if not programme_status_due(participant=locked):
        raise ValidationError(
            _("The status can be recorded from %(date)s, 90 days after the programme ended.")
            % {"date": f"{ProgrammeStatus.measured_on(locked):%Y-%m-%d}"},
            code="too_early",
        )
    if ProgrammeStatus.objects.filter(participant=locked).exists():
        raise ValidationError(_("The status is already recorded."), code="exists")
    status = ProgrammeStatus(
        participant=locked,
        **tenant_key(locked),
        reason=reason,
        work_length=work_length or "",
        student_aid=student_aid,
        recorded_on=timezone.localdate(),
        recorded_by=by,
    )
    status.full_clean()
    status.save()
    _case_file_changed(by=by, participant_id=participant.pk, field=PROGRAMME_STATUS_FIELD)
    return status


@transaction.atomic
def programme_status_remove(*, status: ProgrammeStatus, by: User) -> None:
    """Remove a status recorded by mistake."""
    participant_id = status.participant_id
    ProgrammeStatus.objects.filter(pk=status.pk).delete()
    _case_file_changed(by=by, participant_id=participant_id, field=PROGRAMME_STATUS_FIELD)


# --- The case journal: notes and tasks --------------------------------------------------------------------

CASE_NOTES_FIELD = "case_notes"
TASKS_FIELD = "tasks"


@transaction.atomic
def case_note_record(
    *, participant: Participant, by: User, kind: str, text: str, noted_on: dt.date | None = None
) -> CaseNote:
    """Write a note in the case journal, by `by`, about `noted_on` (today unless given; never later)."""
    note = CaseNote(
        participant=participant,
        **tenant_key(participant),
        kind=kind,
        text=text.strip(),
        noted_on=noted_on or timezone.localdate(),
        author=by,
    )
    note.full_clean()
    note.save()
    _case_file_changed(by=by, participant_id=participant.pk, field=CASE_NOTES_FIELD)
    return note


@transaction.atomic
def task_create(
    *,
    participant: Participant,
    by: User | None,
    title: str,
    due_on: dt.date,
    assignee: User | None,
    detail: str = "",
) -> Task:
    """Open a task on the case file for a coordinator of the person's team (the model's check refuses
    anyone else). `by` is None for a task made from a concern a supervisor logged through a link."""
    task = Task(
        participant=participant,
        **tenant_key(participant),
        title=title.strip(),
        detail=detail.strip(),
        due_on=due_on,
        assignee=assignee,
        created_by=by,
    )
    task.full_clean()
    task.save()
    if by is not None:
        _case_file_changed(by=by, participant_id=participant.pk, field=TASKS_FIELD)
    return task


@transaction.atomic
def task_close(*, task: Task, by: User, action_taken: str, done_on: dt.date | None = None) -> Task:
    """Close an open task with what was done. A concern's task closed is the concern handled."""
    locked = Task.objects.select_for_update().select_related("participant").get(pk=task.pk)
    if locked.done_on is not None:
        raise ValidationError(_("This task is already done."), code="already_done")
    locked.done_on = done_on or timezone.localdate()
    locked.done_by = by
    locked.action_taken = action_taken.strip()
    locked.full_clean()
    locked.save(update_fields=["done_on", "done_by", "action_taken"])
    _case_file_changed(by=by, participant_id=locked.participant_id, field=TASKS_FIELD)
    return locked


# --- The study timetable ---------------------------------------------------------------------------------
# When the person studies (SFI, other education), week by week: placements.rules keeps a placement's
# working hours off these times (`timetable_clash`).

MAX_STUDY_TIMES = 14  # two a day, every day of the week: more is a mistake


@dataclass(frozen=True)
class StudySpan:
    """One study time as entered: weekday (Monday 0), from, to, SFI or other, the school (optional)."""

    weekday: int
    starts_at: dt.time
    ends_at: dt.time
    kind: str = StudyKind.SFI
    school: str = ""


def overlapping_study_times(times: Sequence[StudySpan]) -> list[tuple[int, int]]:
    """(earlier, later) positions of times on the same weekday that overlap. Spans are half-open, as in
    the timetable rule: one that ends when the next starts (08:00–10:00, 10:00–12:00) does not overlap."""
    found = []
    for later, time in enumerate(times):
        for earlier in range(later):
            other = times[earlier]
            if other.weekday == time.weekday and other.starts_at < time.ends_at and time.starts_at < other.ends_at:
                found.append((earlier, later))
                break
    return found


@transaction.atomic
def study_times_replace(*, participant: Participant, by: User, times: Sequence[StudySpan]) -> list[StudyTime]:
    """Set the person's study timetable to `times`, all or nothing: each time checked, none overlapping
    another on its day, at most MAX_STUDY_TIMES. An empty list clears it."""
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    if len(times) > MAX_STUDY_TIMES:
        raise ValidationError(
            ngettext("At most %(count)s study time.", "At most %(count)s study times.", MAX_STUDY_TIMES)
            % {"count": MAX_STUDY_TIMES},
            code="too_many_study_times",
        )
    rows = [StudyTime(participant=locked, **tenant_key(locked), **asdict(time)) for time in times]
    for row in rows:
        row.full_clean(exclude=["participant"])
    overlaps = overlapping_study_times(times)
    if overlaps:
        earlier, later = overlaps[0]
        raise ValidationError(
            _("%(later)s overlaps %(earlier)s.") % {"later": rows[later], "earlier": rows[earlier]},
            code="study_times_overlap",
        )
    StudyTime.objects.filter(participant=locked).delete()
    StudyTime.objects.bulk_create(rows)
    _case_file_changed(by=by, participant_id=locked.pk, field=STUDY_TIMES_FIELD)
    return rows
