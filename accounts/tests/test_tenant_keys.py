"""The municipality key on the accounts rows that belong to a municipality (README, "Municipalities"):
each is set by the one function that writes the row, from the row's case file, team or account,
never by the caller; the scopes filter by it; and the migration gives existing rows theirs."""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.db.migrations.executor import MigrationExecutor

from accounts.access import account_record_scope, admin_audit_scope, participant_reach
from accounts.access_log import log_access, log_access_by_link
from accounts.admin_audit import log_admin_action
from accounts.models import (
    AccessAction,
    AccessLogEntry,
    AdminAction,
    AdminAuditEntry,
    ApiToken,
    BreakGlassGrant,
    Municipality,
    Role,
    RoleGrant,
)
from accounts.services import api_token_create, break_glass_open, role_grant_request
from accounts.tests.factories import (
    AccessLogEntryFactory,
    AdminAuditEntryFactory,
    AdministratorFactory,
    ApiTokenFactory,
    BreakGlassGrantFactory,
    CoordinatorFactory,
    IntegrationUserFactory,
    MunicipalityFactory,
    RoleGrantFactory,
    SupervisorUserFactory,
    TeamFactory,
    UserFactory,
)
from participants.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

# Whether a row may be of no municipality, and what that means.
KEYED = {
    AccessLogEntry: False,  # always about a case file
    BreakGlassGrant: False,  # always a case file's
    RoleGrant: True,  # a superuser's request for an account of no municipality
    ApiToken: True,  # an integration user of no municipality (a superuser's)
    AdminAuditEntry: True,  # the installation's: acts of and on accounts of no municipality
}


def _elsewhere() -> Municipality:
    MunicipalityFactory()  # the default one, first
    return MunicipalityFactory(code="0180", name="Stockholms stad")


@pytest.mark.parametrize("model", list(KEYED), ids=lambda m: m.__name__)
def test_the_key_is_protected_indexed_and_in_no_form(model: type[models.Model]) -> None:
    field = cast(models.ForeignKey[Any, Any], model._meta.get_field("municipality"))
    assert (field.related_model, field.null, field.editable) == (Municipality, KEYED[model], False)
    assert field.db_index  # type: ignore[attr-defined]  # django-stubs types no db_index on a ForeignKey
    assert field.remote_field.on_delete is models.PROTECT


def test_an_access_log_entry_takes_its_case_files_municipality_whoever_reads() -> None:
    person = ParticipantFactory(team=TeamFactory(municipality=_elsewhere()))
    log_access(user=SupervisorUserFactory(municipality=None), participant_ids=[person.pk], action=AccessAction.VIEW)
    log_access(user=AdministratorFactory(), participant_ids=[person.pk], action=AccessAction.VIEW)  # not theirs
    log_access_by_link(holder="follow-up-link:supervisor-1", participant_ids=[person.pk], action=AccessAction.VIEW)
    assert list(AccessLogEntry.objects.values_list("municipality_id", flat=True)) == [person.municipality_id] * 3


def test_an_entry_about_no_case_file_is_refused() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        log_access(user=CoordinatorFactory(), participant_ids=[987654], action=AccessAction.VIEW)
    assert not AccessLogEntry.objects.exists()


def test_a_break_glass_grant_is_its_case_files() -> None:
    coordinator = CoordinatorFactory()
    person = ParticipantFactory(team=TeamFactory(municipality=coordinator.municipality))
    grant = break_glass_open(user=coordinator, participant_id=person.pk, reason="Flyttat hit från Brunflo")
    assert grant.municipality_id == person.municipality_id
    elsewhere = ParticipantFactory(team=TeamFactory(municipality=_elsewhere()))
    with pytest.raises(ValidationError):
        break_glass_open(user=coordinator, participant_id=elsewhere.pk, reason="Flyttat hit från Brunflo")


def test_a_grant_keyed_to_another_municipality_opens_nothing() -> None:
    """A row no service writes: keyed elsewhere than the coordinator's municipality."""
    coordinator = CoordinatorFactory()
    person = ParticipantFactory(team=TeamFactory(municipality=coordinator.municipality))
    BreakGlassGrantFactory(user=coordinator, participant_id=person.pk, municipality=_elsewhere())
    assert person.pk not in participant_reach(coordinator).other_ids()


def test_a_role_request_is_its_teams_or_its_users_municipality() -> None:
    elsewhere = _elsewhere()
    superuser = UserFactory(is_superuser=True, is_staff=True, municipality=None)
    user = UserFactory(municipality=elsewhere)
    coordinator = role_grant_request(
        user=user, role=Role.COORDINATOR, team=TeamFactory(municipality=elsewhere), reason="Ny", by=superuser
    )
    administrator = role_grant_request(user=user, role=Role.ADMINISTRATOR, team=None, reason="Ny", by=superuser)
    supervisor = role_grant_request(
        user=UserFactory(municipality=None), role=Role.SUPERVISOR, team=None, reason="Ny", by=superuser
    )
    assert [coordinator.municipality_id, administrator.municipality_id] == [elsewhere.pk, elsewhere.pk]
    assert supervisor.municipality_id is None  # the installation's: only superusers see it
    assert set(RoleGrant.objects.filter(account_record_scope(AdministratorFactory(municipality=elsewhere)))) == {
        coordinator,
        administrator,
    }
    assert not RoleGrant.objects.filter(account_record_scope(AdministratorFactory())).exists()


def test_an_api_token_is_its_users_municipality() -> None:
    elsewhere = _elsewhere()
    integration = IntegrationUserFactory(municipality=elsewhere)
    token, _key = api_token_create(
        user=integration, name="Vuxenutbildningen", by=AdministratorFactory(municipality=elsewhere)
    )
    assert token.municipality_id == elsewhere.pk
    superuser = UserFactory(is_superuser=True, is_staff=True, municipality=None)
    installations, _key = api_token_create(user=IntegrationUserFactory(municipality=None), name="Drift", by=superuser)
    assert installations.municipality_id is None
    assert set(ApiToken.objects.filter(account_record_scope(AdministratorFactory(municipality=elsewhere)))) == {token}


def test_an_administration_log_entry_is_the_account_acted_ons_else_the_acting_accounts() -> None:
    elsewhere = _elsewhere()
    superuser = UserFactory(is_superuser=True, is_staff=True, municipality=None)
    administrator = AdministratorFactory(municipality=elsewhere)
    on_theirs = log_admin_action(
        by=superuser, action=AdminAction.USER_ADDED, target=UserFactory(municipality=elsewhere)
    )
    on_a_supervisor = log_admin_action(
        by=administrator, action=AdminAction.LOGGED_OUT_EVERYWHERE, target=SupervisorUserFactory(municipality=None)
    )
    installations = log_admin_action(by=superuser, action=AdminAction.LOGGED_OUT_EVERYWHERE, target=superuser)
    assert [on_theirs.municipality_id, on_a_supervisor.municipality_id] == [elsewhere.pk, elsewhere.pk]
    assert installations.municipality_id is None
    assert set(AdminAuditEntry.objects.filter(admin_audit_scope(administrator))) == {on_theirs, on_a_supervisor}
    assert not AdminAuditEntry.objects.filter(admin_audit_scope(AdministratorFactory())).exists()
    assert AdminAuditEntry.objects.filter(admin_audit_scope(superuser)).count() == 3


# --- The migration ------------------------------------------------------------------------------------


def _state(executor: MigrationExecutor, targets: list[tuple[str, str]]) -> Any:
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migrating_keys_every_existing_row_by_the_models_rules_and_loses_nothing() -> None:
    """Rows of the five tables, made with today's models, then back to before the key (accounts 0019:
    the columns are dropped; only accounts goes back) and forward again: each row gets the
    municipality the rules give it, an erased case file's entries too, and the logs stay append-only."""
    first = MunicipalityFactory()  # the installation's: the first by id
    other = MunicipalityFactory(code="0180", name="Stockholms stad")
    ours, theirs = (
        ParticipantFactory(team=TeamFactory(municipality=first)),
        ParticipantFactory(team=TeamFactory(municipality=other)),
    )
    their_coordinator = CoordinatorFactory(team=theirs.team)
    their_administrator = AdministratorFactory(municipality=other)
    supervisor = SupervisorUserFactory(municipality=None)
    superuser = UserFactory(is_superuser=True, is_staff=True, municipality=None)
    erased, forgotten = 900001, 900002  # record numbers of case files erased since
    expected: dict[tuple[str, int], int | None] = {}

    def expect(row: models.Model, municipality: Municipality | None) -> None:
        expected[(row._meta.label, row.pk)] = municipality.pk if municipality else None

    expect(AccessLogEntryFactory(user=supervisor, participant_id=theirs.pk), other)  # the case file's
    expect(AccessLogEntryFactory(user=their_coordinator, participant_id=ours.pk), first)
    expect(AccessLogEntryFactory(user=their_administrator, participant_id=erased), other)  # the user's
    expect(AccessLogEntryFactory(user=None, username="follow-up-link:supervisor-1", participant_id=erased), other)
    expect(AccessLogEntryFactory(user=supervisor, participant_id=forgotten), first)  # the installation's
    expect(BreakGlassGrantFactory(user=their_coordinator, participant_id=theirs.pk), other)
    expect(BreakGlassGrantFactory(user=their_coordinator, participant_id=erased), other)
    expect(RoleGrantFactory(user=UserFactory(municipality=first), team=theirs.team), other)  # the team's
    expect(RoleGrantFactory(user=UserFactory(municipality=other), role=Role.ADMINISTRATOR, team=None), other)
    expect(RoleGrantFactory(user=supervisor, role=Role.SUPERVISOR, team=None, requested_by=superuser), None)
    expect(ApiTokenFactory(user=IntegrationUserFactory(municipality=other)), other)
    expect(ApiTokenFactory(user=IntegrationUserFactory(municipality=None)), None)
    expect(AdminAuditEntryFactory(user=superuser, target_user_id=their_coordinator.pk), other)  # acted on
    expect(AdminAuditEntryFactory(user=their_administrator, target_user_id=supervisor.pk), other)  # the actor's
    expect(AdminAuditEntryFactory(user=superuser, target_user_id=None), None)
    assert {label for label, _pk in expected} == {model._meta.label for model in KEYED}
    try:
        executor = MigrationExecutor(connection)
        _state(executor, [("accounts", "0019_log_review_per_municipality")])
        executor = MigrationExecutor(connection)
        _state(executor, executor.loader.graph.leaf_nodes())
        found = {
            (label, pk): municipality_id
            for label in {label for label, _pk in expected}
            for pk, municipality_id in apps.get_model(label).objects.values_list("pk", "municipality_id")
        }
        assert found == expected
        if connection.vendor == "postgresql":  # the append-only triggers are on again
            for model in (AccessLogEntry, AdminAuditEntry):
                with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(f"UPDATE {model._meta.db_table} SET username = 'x'")
    finally:
        call_command("migrate", verbosity=0)
