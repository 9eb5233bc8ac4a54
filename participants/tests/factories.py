"""Factories for participants. Identity numbers are checksum-valid test numbers (serial 98x/99x)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory, TeamFactory
from participants.identity import make_test_identity_number
from participants.importing import COLUMNS
from participants.models import (
    CaseNote,
    Exit,
    ExitReason,
    Interest,
    NoteKind,
    Participant,
    ParticipantPrerequisite,
    ParticipantStatus,
    ProgrammeStatus,
    RecordsExtractCheck,
    RecordsExtractResult,
    RecordsExtractScope,
    ReferralImport,
    ReferralSource,
    RegionOfBirth,
    StatusChange,
    StudyKind,
    StudyTime,
    TargetGroup,
    Task,
    TextMessage,
    TextMessageKind,
    WorkExperience,
    WorkLength,
)
from taxonomy.models import SwedishLevel, Weekday
from taxonomy.tests.factories import DistrictFactory, OccupationFactory, PrerequisiteFactory


def _identity_number(n: int) -> str:
    birth = dt.date(1970, 1, 1) + dt.timedelta(days=(n * 37) % 12000)
    return make_test_identity_number(birth, 980 + n % 20)


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant
        skip_postgeneration_save = True

    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    identity_number = factory.Sequence(_identity_number)
    home_district = factory.SubFactory(DistrictFactory)
    target_group = TargetGroup.YOUTH
    referral_source = ReferralSource.EMPLOYMENT_SERVICE
    region_of_birth = RegionOfBirth.SWEDEN
    referral_date = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=60))
    swedish_level = SwedishLevel.SFI_C
    hours_per_day = Decimal("4.0")
    team = factory.SubFactory(TeamFactory)
    municipality = factory.SelfAttribute("team.municipality")
    coordinator = factory.SubFactory(CoordinatorFactory, team=factory.SelfAttribute("..team"))
    status = ParticipantStatus.MAPPED

    class Params:
        newcomer = factory.Trait(
            target_group=TargetGroup.NEWCOMER,
            residence_permit_date=factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=300)),
            establishment_programme_end=factory.LazyAttribute(
                lambda o: o.residence_permit_date + dt.timedelta(days=730)
            ),
        )
        # A mobile number and the consent to text messages, recorded by the coordinator.
        texts = factory.Trait(
            phone="+46701740605",
            sms_consent_at=factory.LazyFunction(timezone.now),
            sms_consent_recorded_by=factory.SelfAttribute("coordinator"),
        )


class WorkExperienceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkExperience

    participant = factory.SubFactory(ParticipantFactory)
    municipality = factory.SelfAttribute("participant.municipality")
    occupation = factory.SubFactory(OccupationFactory)
    years = Decimal("3.0")


class InterestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interest

    participant = factory.SubFactory(ParticipantFactory)
    municipality = factory.SelfAttribute("participant.municipality")
    occupation = factory.SubFactory(OccupationFactory)


class RecordsExtractCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecordsExtractCheck

    participant = factory.SubFactory(ParticipantFactory)
    municipality = factory.SelfAttribute("participant.municipality")
    scope = RecordsExtractScope.CHILDREN
    extract_date = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=10))
    checked_on = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=5))
    checked_by = factory.SubFactory(CoordinatorFactory)
    result = RecordsExtractResult.APPROVED


class ParticipantPrerequisiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParticipantPrerequisite

    participant = factory.SubFactory(ParticipantFactory)
    municipality = factory.SelfAttribute("participant.municipality")
    prerequisite = factory.SubFactory(PrerequisiteFactory)
    obtained_on = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=30))
    valid_until = None


class StatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatusChange

    participant = factory.SubFactory(ParticipantFactory)
    municipality = factory.SelfAttribute("participant.municipality")
    from_status = ParticipantStatus.REFERRED
    to_status = ParticipantStatus.MAPPED


class ReferralImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReferralImport

    created_by = factory.SubFactory(CoordinatorFactory)
    team = factory.SelfAttribute("created_by.team")
    municipality = factory.SelfAttribute("team.municipality")
    filename = "anvisningar.csv"
    # A stored import always parses: the upload refuses a file without the columns.
    content = factory.LazyFunction(lambda: ";".join(c.header for c in COLUMNS).encode() + b"\n")


class ExitFactory(factory.django.DjangoModelFactory):
    """Left for regular work of at least a month, a week ago (after the referral, 60 days ago)."""

    class Meta:
        model = Exit

    participant = factory.SubFactory(ParticipantFactory, status=ParticipantStatus.EXITED)
    municipality = factory.SelfAttribute("participant.municipality")
    left_on = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=7))
    reason = ExitReason.WORK_REGULAR
    work_length = WorkLength.MONTH_OR_MORE
    student_aid = None
    recorded_on = factory.LazyAttribute(lambda o: o.left_on)
    recorded_by = factory.SubFactory(CoordinatorFactory, team=factory.SelfAttribute("..participant.team"))


class ProgrammeStatusFactory(factory.django.DjangoModelFactory):
    """A newcomer whose programme ended 100 days ago, in studies with student aid 90 days later."""

    class Meta:
        model = ProgrammeStatus

    participant = factory.SubFactory(
        ParticipantFactory,
        target_group=TargetGroup.NEWCOMER,
        referral_date=factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=700)),
        residence_permit_date=factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=830)),
        establishment_programme_end=factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=100)),
    )
    municipality = factory.SelfAttribute("participant.municipality")
    reason = ExitReason.STUDIES
    work_length = ""
    student_aid = True
    recorded_on = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=5))
    recorded_by = factory.SubFactory(CoordinatorFactory, team=factory.SelfAttribute("..participant.team"))


class CaseNoteFactory(factory.django.DjangoModelFactory):
    """A note in the case journal, written by a coordinator of the participant's team."""

    class Meta:
        model = CaseNote

    participant = factory.SubFactory(ParticipantFactory)
    municipality = factory.SelfAttribute("participant.municipality")
    noted_on = factory.LazyFunction(dt.date.today)
    kind = NoteKind.CALL
    text = factory.Sequence(lambda n: f"Ringde om praktiken ({n})")
    author = factory.LazyAttribute(lambda o: CoordinatorFactory(team=o.participant.team))


class TaskFactory(factory.django.DjangoModelFactory):
    """An open task on the case file, for a coordinator of the participant's team."""

    class Meta:
        model = Task

    participant = factory.SubFactory(ParticipantFactory)
    municipality = factory.SelfAttribute("participant.municipality")
    title = factory.Sequence(lambda n: f"Boka möte med SFI ({n})")
    due_on = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=2))
    assignee = factory.LazyAttribute(lambda o: CoordinatorFactory(team=o.participant.team))
    created_by = factory.SelfAttribute("assignee")

    class Params:
        done = factory.Trait(
            done_on=factory.LazyFunction(dt.date.today),
            done_by=factory.SelfAttribute("assignee"),
            action_taken="Ringde och bokade ett möte",
        )


class StudyTimeFactory(factory.django.DjangoModelFactory):
    """SFI on Tuesday morning, 08:30–12:00."""

    class Meta:
        model = StudyTime

    participant = factory.SubFactory(ParticipantFactory)
    municipality = factory.SelfAttribute("participant.municipality")
    weekday = Weekday.TUESDAY
    starts_at = dt.time(8, 30)
    ends_at = dt.time(12, 0)
    kind = StudyKind.SFI
    school = "SFI Östersund"


class TextMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TextMessage

    participant = factory.SubFactory(ParticipantFactory, texts=True)
    municipality = factory.SelfAttribute("participant.municipality")
    kind = TextMessageKind.COORDINATOR
    key = factory.Sequence(lambda n: f"test:{n}")
    text = "Hej! Välkommen till praktiken."
    created_by = factory.SelfAttribute("participant.coordinator")
