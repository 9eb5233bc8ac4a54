"""Municipalities: the model, the rule that a team member's municipality is the team's, and the
migration that puts the data of a single-municipality installation into one municipality."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from accounts.models import Municipality, Role, Team, User
from accounts.services import role_grant_approve, role_grant_request
from accounts.tests.factories import (
    AdministratorFactory,
    CoordinatorFactory,
    MunicipalityFactory,
    TeamFactory,
    UserFactory,
)
from participants.models import Participant

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["238", "23800", "23a0", "0280", "9980"])
def test_a_municipality_code_is_scbs_four_digits(code: str) -> None:
    municipality = Municipality(name="Någon kommun", code=code)
    with pytest.raises(ValidationError) as excinfo:
        municipality.full_clean()
    assert "code" in excinfo.value.message_dict


def test_a_valid_code_and_the_letterhead_as_the_documents_read_it() -> None:
    municipality = Municipality(
        name="Stockholms stad", code="0180", letterhead_unit="Jobbtorg", letterhead_phone="08-1"
    )
    municipality.full_clean()
    assert municipality.letterhead == {"unit": "Jobbtorg", "address": "", "phone": "08-1", "email": "", "web": ""}


def test_the_factories_build_one_municipality_by_default() -> None:
    coordinator = CoordinatorFactory()
    manager = UserFactory(role=Role.MANAGER)
    assert coordinator.municipality == coordinator.team.municipality == manager.municipality
    assert Municipality.objects.count() == 1


def test_a_team_members_municipality_is_the_teams() -> None:
    other = MunicipalityFactory(code="0180")
    user = UserFactory(team=TeamFactory(), municipality=other)
    with pytest.raises(ValidationError) as excinfo:
        user.full_clean()
    assert excinfo.value.messages == ["Teamet hör till en annan kommun."]
    unset = User(username="ny", team=TeamFactory(municipality=other))
    unset.clean()
    assert unset.municipality_id == other.pk  # set from the team


def test_a_role_grant_moves_no_one_into_another_municipalitys_team() -> None:
    requester = AdministratorFactory()
    user = UserFactory()
    elsewhere = TeamFactory(municipality=MunicipalityFactory(code="0180"))
    with pytest.raises(ValidationError) as excinfo:
        role_grant_request(user=user, role=Role.COORDINATOR, team=elsewhere, reason="Ny koordinator", by=requester)
    assert excinfo.value.message_dict == {"team": ["Teamet hör till en annan kommun."]}
    grant = role_grant_request(user=user, role=Role.COORDINATOR, team=TeamFactory(), reason="Ny", by=requester)
    role_grant_approve(grant=grant, by=AdministratorFactory())
    user.refresh_from_db()
    assert user.team is not None
    assert user.municipality_id == user.team.municipality_id


def test_only_a_superuser_adds_a_municipality_in_the_admin() -> None:
    administrator, superuser = Client(), Client()
    administrator.force_login(AdministratorFactory())
    superuser.force_login(UserFactory(is_superuser=True, is_staff=True))
    url = reverse("admin:accounts_municipality_add")
    data = {"name": "Stockholms stad", "code": "0180"}
    assert administrator.get(url).status_code == 403
    assert administrator.post(url, data).status_code == 403
    assert superuser.post(url, data).status_code == 302
    assert Municipality.objects.filter(code="0180").exists()


def test_an_administrator_lists_and_adds_teams_of_the_own_municipality_only() -> None:
    ours = TeamFactory(name="Vårt team")
    TeamFactory(name="Deras team", municipality=MunicipalityFactory(code="0180"))
    administrator = AdministratorFactory()
    client = Client()
    client.force_login(administrator)
    page = client.get(reverse("admin:accounts_team_changelist")).content.decode()
    assert "Vårt team" in page and "Deras team" not in page
    assert client.post(reverse("admin:accounts_team_add"), {"name": "Nytt team"}).status_code == 302
    assert Team.objects.get(name="Nytt team").municipality_id == ours.municipality_id == administrator.municipality_id


def test_the_data_migration_puts_existing_teams_and_users_into_one_municipality_from_the_settings(settings) -> None:
    """accounts 0014's function, on users that have no municipality yet (teams cannot lack one any
    more under the final schema: the test below runs the migrations themselves for those)."""
    settings.PLATSA_MUNICIPALITY_NAME = "Östersunds kommun"
    settings.PLATSA_MUNICIPALITY_CODE = "2380"
    settings.PLATSA_LETTERHEAD = {"unit": "AME", "address": "Rådhusgatan 1", "phone": "063-14 30 00", "email": "a@b.se"}
    users = [UserFactory(municipality=None), UserFactory(municipality=None, is_superuser=True)]
    migration = importlib.import_module("accounts.migrations.0014_existing_data_into_one_municipality")
    migration.into_one_municipality(apps, None)
    municipality = Municipality.objects.get(code="2380")
    assert (municipality.name, municipality.letterhead_unit, municipality.letterhead_phone) == (
        "Östersunds kommun",
        "AME",
        "063-14 30 00",
    )
    assert set(User.objects.filter(pk__in=[u.pk for u in users]).values_list("municipality", flat=True)) == {
        municipality.pk
    }
    migration.into_one_municipality(apps, None)  # again: nothing new
    assert Municipality.objects.filter(code="2380").count() == 1


def _state(executor: MigrationExecutor, targets: list[tuple[str, str]]) -> Any:
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migrating_a_single_municipality_installation_loses_nothing(settings) -> None:
    """From before municipalities: every team, user and case file ends in the one municipality."""
    settings.PLATSA_MUNICIPALITY_NAME = "Exempelkommun"
    settings.PLATSA_MUNICIPALITY_CODE = "2380"
    before = [("accounts", "0013_municipalities"), ("participants", "0019_text_message_superseded")]
    old = _state(MigrationExecutor(connection), before)
    team = old.get_model("accounts", "Team").objects.create(name="Etableringsteamet")
    lone = old.get_model("accounts", "Team").objects.create(name="Tomt team")
    coordinator = old.get_model("accounts", "User").objects.create(username="koordinator", team_id=team.pk)
    manager = old.get_model("accounts", "User").objects.create(username="chef")
    district = old.get_model("taxonomy", "District").objects.create(name="Centrum")
    participant = old.get_model("participants", "Participant").objects.create(
        first_name="Amina",
        last_name="Hassan",
        identity_number="198112189876",
        home_district_id=district.pk,
        target_group="youth",
        referral_source="employment_service",
        referral_date="2026-09-01",
        hours_per_day=4,
        team_id=team.pk,
        coordinator_id=coordinator.pk,
    )
    try:
        executor = MigrationExecutor(connection)
        _state(executor, executor.loader.graph.leaf_nodes())
        municipality = Municipality.objects.get()
        assert (municipality.name, municipality.code) == ("Exempelkommun", "2380")
        assert set(Team.objects.values_list("pk", "municipality")) == {
            (team.pk, municipality.pk),
            (lone.pk, municipality.pk),
        }
        assert set(User.objects.values_list("pk", "municipality", "team")) == {
            (coordinator.pk, municipality.pk, team.pk),
            (manager.pk, municipality.pk, None),
        }
        moved = Participant.objects.get()
        assert (moved.pk, moved.team_id, moved.municipality_id) == (participant.pk, team.pk, municipality.pk)
    finally:
        call_command("migrate", verbosity=0)
