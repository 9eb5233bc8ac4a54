from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.tests.factories import CoordinatorFactory, TeamFactory
from participants.models import Participant, TargetGroup
from participants.tests.factories import ParticipantFactory, RecordsExtractCheckFactory, WorkExperienceFactory

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_second_participant_with_the_same_number() -> None:
    first = ParticipantFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipantFactory(identity_number=first.identity_number)
    assert Participant.objects.count() == 1


def test_full_clean_reports_a_duplicate_number_next_to_the_field() -> None:
    first = ParticipantFactory()
    duplicate = ParticipantFactory.build(identity_number=first.identity_number, team=first.team, coordinator=None)
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert "identity_number" in excinfo.value.message_dict


def test_an_invalid_number_is_an_error_on_the_field() -> None:
    participant = ParticipantFactory.build(identity_number="198112189875", coordinator=None, team=TeamFactory())
    participant.home_district.save()
    with pytest.raises(ValidationError) as excinfo:
        participant.full_clean()
    assert "identity_number" in excinfo.value.message_dict


def test_the_programme_cannot_end_before_the_residence_permit() -> None:
    participant = ParticipantFactory(newcomer=True)
    participant.establishment_programme_end = participant.residence_permit_date - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as excinfo:
        participant.full_clean()
    assert "establishment_programme_end" in excinfo.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        participant.save()


def test_a_newcomer_needs_a_residence_permit_date() -> None:
    participant = ParticipantFactory(target_group=TargetGroup.NEWCOMER)
    with pytest.raises(ValidationError) as excinfo:
        participant.full_clean()
    assert "residence_permit_date" in excinfo.value.message_dict


def test_hours_per_day_are_bounded_in_the_database() -> None:
    participant = ParticipantFactory()
    participant.hours_per_day = Decimal("0")
    with pytest.raises(IntegrityError), transaction.atomic():
        participant.save()


def test_the_coordinator_must_belong_to_the_participants_team() -> None:
    participant = ParticipantFactory()
    participant.coordinator = CoordinatorFactory()  # another team
    with pytest.raises(ValidationError) as excinfo:
        participant.full_clean()
    assert "coordinator" in excinfo.value.message_dict


def test_months_left_in_the_programme() -> None:
    participant = ParticipantFactory.build(establishment_programme_end=dt.date(2027, 3, 15))
    assert participant.months_left_in_programme(dt.date(2026, 11, 22)) == 3
    assert participant.months_left_in_programme(dt.date(2027, 3, 16)) is None


def test_work_experience_years_are_bounded() -> None:
    experience = WorkExperienceFactory()
    experience.years = Decimal("-1")
    with pytest.raises(ValidationError):
        experience.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        experience.save()


def test_a_records_check_cannot_predate_the_extract() -> None:
    check = RecordsExtractCheckFactory()
    check.checked_on = check.extract_date - dt.timedelta(days=1)
    with pytest.raises(ValidationError):
        check.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        check.save()


def test_a_records_check_keeps_no_content_of_the_extract() -> None:
    stored = {f.name for f in RecordsExtractCheckFactory._meta.model._meta.get_fields()}
    assert stored == {
        "id",
        "participant",
        "municipality",
        "scope",
        "extract_date",
        "checked_on",
        "checked_by",
        "result",
    }


def test_leaving_social_assistance_means_no_longer_receiving_it() -> None:
    participant = ParticipantFactory(receives_social_assistance=True)
    participant.social_assistance_ended_on = dt.date.today() - dt.timedelta(days=3)
    with pytest.raises(ValidationError) as excinfo:
        participant.full_clean()
    assert "social_assistance_ended_on" in excinfo.value.message_dict
    participant.receives_social_assistance = False
    participant.full_clean()


@pytest.mark.parametrize(
    ("phone", "uri"),
    [
        ("070-123 45 67", "tel:+46701234567"),
        ("+46 70 123 45 67", "tel:+46701234567"),
        ("0046701234567", "tel:+46701234567"),
        ("063-14 30 00", "tel:+4663143000"),
        # Read by phonenumbers: the "(0)" people write after the country code is not dialled, and a
        # number typed with its country code but no "+" still gets one.
        ("+46 (0)70-123 45 67", "tel:+46701234567"),
        ("46701234567", "tel:+46701234567"),
        ("+358 40 1234567", "tel:+358401234567"),
        # Not a valid number (left as typed by the data migration): its digits, as stored.
        ("070-12", "tel:+467012"),
        ("", ""),
        ("saknas", ""),
    ],
)
def test_a_phone_number_as_typed_becomes_a_tel_link(phone: str, uri: str) -> None:
    from participants.models import tel_uri

    assert tel_uri(phone) == uri


def test_the_record_number_is_the_case_files_key_padded() -> None:
    from participants.models import record_number

    assert record_number(123) == "D-000123"
    assert record_number(None) == ""
