from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accounts.tests.factories import CoordinatorFactory, MunicipalityFactory, TeamFactory
from participants.models import Participant, ParticipantStatus, ReferralSource, StatusChange, TargetGroup
from participants.services import participant_change_status, participant_place_in_team, participant_register
from participants.tests.factories import ParticipantFactory
from taxonomy.tests.factories import LanguageFactory

pytestmark = pytest.mark.django_db


def _register(**overrides):
    coordinator = CoordinatorFactory()
    fields = {
        "by": coordinator,
        "identity_number": "811218-9876",
        "first_name": "Amina",
        "last_name": "Hassan",
        "target_group": TargetGroup.NEWCOMER,
        "referral_source": ReferralSource.EMPLOYMENT_SERVICE,
        "referral_date": dt.date(2026, 9, 1),
        "residence_permit_date": dt.date(2026, 2, 1),
        "team": coordinator.team,
        "coordinator": coordinator,
    }
    fields.update(overrides)
    return participant_register(**fields)


def test_registering_normalizes_the_number_and_starts_the_history() -> None:
    language = LanguageFactory(code="ar")
    participant = _register(languages=[language])
    assert participant.identity_number == "198112189876"
    assert participant.establishment_programme_end == dt.date(2028, 2, 1)
    assert list(participant.languages.all()) == [language]
    assert participant.status_changes.get().to_status == ParticipantStatus.REFERRED


def test_registering_with_an_invalid_number_saves_nothing() -> None:
    with pytest.raises(ValidationError) as excinfo:
        _register(identity_number="811218-9875")
    assert excinfo.value.code == "identity_number_check_digit"
    assert Participant.objects.count() == 0
    assert StatusChange.objects.count() == 0


def test_registering_a_number_twice_is_refused() -> None:
    _register()
    with pytest.raises(ValidationError) as excinfo:
        _register(identity_number="19811218-9876")
    assert "identity_number" in excinfo.value.message_dict
    assert Participant.objects.count() == 1


def test_a_status_change_follows_the_rules_and_is_recorded() -> None:
    participant = ParticipantFactory(status=ParticipantStatus.REFERRED)
    participant_change_status(participant=participant, to_status=ParticipantStatus.MAPPED, by=None)
    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.MAPPED
    change = participant.status_changes.get()
    assert (change.from_status, change.to_status) == (ParticipantStatus.REFERRED, ParticipantStatus.MAPPED)


def test_a_refused_status_change_changes_nothing() -> None:
    participant = ParticipantFactory(status=ParticipantStatus.REFERRED)
    with pytest.raises(ValidationError):
        participant_change_status(participant=participant, to_status=ParticipantStatus.PLACED, by=None)
    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.REFERRED
    assert not participant.status_changes.exists()


def test_a_registered_case_file_belongs_to_the_municipality_of_its_team() -> None:
    coordinator = CoordinatorFactory(team__municipality=MunicipalityFactory(code="0180"))
    participant = _register(by=coordinator, team=coordinator.team, coordinator=coordinator)
    assert participant.municipality.code == "0180"
    assert participant.municipality_id == coordinator.team.municipality_id


def test_a_case_file_whose_municipality_is_not_its_teams_is_refused() -> None:
    participant = ParticipantFactory()
    participant.municipality = MunicipalityFactory(code="0180")
    with pytest.raises(ValidationError) as excinfo:
        participant.full_clean()
    assert excinfo.value.error_dict["__all__"][0].code == "other_municipality"


def test_placing_a_case_file_in_a_team_of_another_municipality_moves_its_municipality_too() -> None:
    participant = ParticipantFactory()
    elsewhere = TeamFactory(municipality=MunicipalityFactory(code="0180"))
    participant_place_in_team(participant, team=elsewhere)
    participant.coordinator = None
    participant.full_clean()
    assert participant.municipality_id == elsewhere.municipality_id
