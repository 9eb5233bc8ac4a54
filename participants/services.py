"""Writes to participants: registration and status changes, each one atomic use case."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access_log import log_access
from accounts.models import AccessAction, Team, User

from .identity import normalize_identity_number
from .importing import ImportRow, build_participant
from .models import (
    Interest,
    Participant,
    ParticipantStatus,
    StatusChange,
    WorkExperience,
    establishment_programme_end_for,
)

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
            [Interest(participant=participant, occupation=o) for o in dict.fromkeys(interests)]
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
            )
            for e in experiences
        ]
        for row in rows:
            row.full_clean(exclude=["participant"])
        WorkExperience.objects.bulk_create(rows)


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
    participant = Participant(identity_number=normalize_identity_number(identity_number), **fields)
    if participant.residence_permit_date and not participant.establishment_programme_end:
        participant.establishment_programme_end = establishment_programme_end_for(participant.residence_permit_date)
    participant.full_clean()
    participant.save()
    _replace_competences(participant, languages=languages, interests=interests, experiences=experiences)
    StatusChange.objects.create(
        participant=participant, from_status="", to_status=participant.status, changed_by=by, note=_("Registered")
    )
    return participant


# Fields a profile edit may change; status moves only through participant_change_status.
EDITABLE_FIELDS = (
    "first_name",
    "last_name",
    "identity_number",
    "gender",
    "phone",
    "email",
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
        participant=locked, from_status=locked.status, to_status=to_status, changed_by=by, changed_at=now, note=note
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


@transaction.atomic
def participants_import(*, rows: list[ImportRow], by: User, team: Team, all_or_nothing: bool) -> ImportResult:
    """Register every valid row of a checked referral list in one transaction.

    With `all_or_nothing`, one bad row stops the whole file and nothing is written.
    """
    invalid = [row for row in rows if not row.valid]
    if all_or_nothing and invalid:
        raise ValidationError(
            _("%(count)s rows have errors, so nothing was imported.") % {"count": len(invalid)}, code="rows_invalid"
        )
    valid = [row for row in rows if row.valid]
    participants = []
    for row in valid:
        participant = build_participant(row)
        participant.team, participant.coordinator = team, by
        participants.append(participant)
    created = Participant.objects.bulk_create(participants, batch_size=500)
    now = timezone.now()
    StatusChange.objects.bulk_create(
        [
            StatusChange(
                participant=p, from_status="", to_status=p.status, changed_by=by, changed_at=now, note=_("Imported")
            )
            for p in created
        ],
        batch_size=500,
    )
    WorkExperience.objects.bulk_create(
        [
            WorkExperience(
                participant=p, occupation_id=row.values["occupation"], years=row.values.get("years", Decimal("1"))
            )
            for p, row in zip(created, valid, strict=True)
            if row.values.get("occupation")
        ],
        batch_size=500,
    )
    log_access(user=by, participant_ids=[p.pk for p in created], action=AccessAction.CREATE)
    return ImportResult(created=len(created), skipped=len(invalid))
