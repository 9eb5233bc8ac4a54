"""A case file with everything one can hold, for the privacy tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from participants.models import Gender, Participant, ParticipantStatus
from participants.tests.factories import (
    CaseNoteFactory,
    ParticipantFactory,
    ParticipantPrerequisiteFactory,
    RecordsExtractCheckFactory,
    StatusChangeFactory,
    StudyTimeFactory,
    TaskFactory,
    TextMessageFactory,
    WorkExperienceFactory,
)
from placements.models import Party
from placements.tests.factories import (
    AcknowledgementFactory,
    AgreementDocumentFactory,
    CertificateFactory,
    FollowUpFactory,
    LaterOutcomeFactory,
    MeetingFactory,
    PlacementFactory,
    SignatureFactory,
)
from taxonomy.tests.factories import LanguageFactory, PrerequisiteFactory

GENDERS = [Gender.FEMALE, Gender.MALE, Gender.FEMALE, Gender.MALE, Gender.FEMALE, Gender.OTHER, Gender.FEMALE]


def full_case_file(n: int, *, exited: bool = True) -> Participant:
    """Someone who did a placement that ended in employment, with everything a case file can hold."""
    participant = ParticipantFactory(
        gender=GENDERS[n % len(GENDERS)],
        phone="070-123 45 67",
        email=f"person{n}@example.org",
        sms_consent_at=timezone.now() - dt.timedelta(days=40),
        status=ParticipantStatus.EXITED if exited else ParticipantStatus.MAPPED,
        status_changed_at=timezone.now() - dt.timedelta(days=30),
    )
    participant.languages.add(LanguageFactory())
    WorkExperienceFactory(participant=participant, country="Syrien", description="Undersköterska i Aleppo")
    StatusChangeFactory(participant=participant, note="Flyttar till sin syster i Umeå")
    RecordsExtractCheckFactory(participant=participant)
    StudyTimeFactory(participant=participant, school="Komvux Östersund")
    ParticipantPrerequisiteFactory(participant=participant, prerequisite=PrerequisiteFactory(code="vaccination"))
    placement = PlacementFactory(
        participant=participant, completed=True, assessment="Mycket noggrann", decision_reference="AF-123456"
    )
    start = placement.actual_start
    FollowUpFactory(
        placement=placement,
        due_date=start + dt.timedelta(days=14),
        done_on=start + dt.timedelta(days=15),
        days_present=9,
        days_absent=1,
        tasks_done="Dukade i matsalen",
        concern=n % 2 == 0,
        concern_text="Sover dåligt, oroar sig för sin son" if n % 2 == 0 else "",
        next_steps="Prata med SFI-läraren",
    )
    LaterOutcomeFactory(placement=placement)
    AcknowledgementFactory(placement=placement, name=participant.full_name)
    MeetingFactory(placement=placement, interpreter_needed=True, interpreter_language=LanguageFactory())
    CaseNoteFactory(participant=participant, text="Ringde om sonens skola")
    TextMessageFactory(participant=participant, sent_at=timezone.now(), sent_to="+46701234567", text="")
    TaskFactory(participant=participant, done=True, detail="Prata med handledaren")
    document = AgreementDocumentFactory(placement=placement)
    SignatureFactory(document=document, party=Party.PARTICIPANT, name=participant.full_name)
    CertificateFactory(placement=placement, approved=True, assessment="Mycket noggrann")
    return participant
