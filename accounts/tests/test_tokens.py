"""Who a token acts for (accounts.tokens), and that "log out everywhere" ends tokens too (finding 6)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from accounts.models import AdminAction, AdminAuditEntry, Role
from accounts.services import api_token_create
from accounts.tests.factories import (
    AdminAuditEntryFactory,
    AdministratorFactory,
    ApiTokenFactory,
    CoordinatorFactory,
    IntegrationUserFactory,
    UserFactory,
)
from accounts.tokens import api_token_authenticate, token_acts

pytestmark = pytest.mark.django_db


def test_a_token_acts_for_an_active_integration_user_only() -> None:
    token = ApiTokenFactory()
    assert token_acts(token)
    token.user.is_integration = False
    assert not token_acts(token)
    token.user.is_integration, token.user.is_active = True, False
    assert not token_acts(token)


def test_an_administrators_token_does_not_act_for_a_case_file_role_a_superusers_does() -> None:
    user = IntegrationUserFactory(role=Role.COORDINATOR)
    _token, by_administrator = api_token_create(user=user, name="Import", by=AdministratorFactory())
    _token, by_superuser = api_token_create(user=user, name="Import", by=UserFactory(is_superuser=True))
    assert api_token_authenticate(key=by_administrator) is None
    assert api_token_authenticate(key=by_superuser) is not None


def test_no_token_is_made_for_a_person() -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        api_token_create(user=CoordinatorFactory(), name="x", by=UserFactory(is_superuser=True))


def test_the_log_out_everywhere_page_revokes_the_users_tokens() -> None:
    user = IntegrationUserFactory()
    token = ApiTokenFactory(user=user)
    other = ApiTokenFactory()
    client = Client()
    client.force_login(user)
    client.post(reverse("logout_everywhere"))
    token.refresh_from_db()
    other.refresh_from_db()
    assert token.revoked_at is not None and other.revoked_at is None
    assert AdminAuditEntry.objects.filter(action=AdminAction.LOGGED_OUT_EVERYWHERE, target_user_id=user.pk).exists()


def test_the_administration_log_is_append_only() -> None:
    entry = AdminAuditEntryFactory()
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        AdminAuditEntry.objects.update(detail="x")
    with pytest.raises(PermissionError):
        AdminAuditEntry.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_the_database_refuses_changes_to_the_administration_log() -> None:
    AdminAuditEntryFactory()
    table = AdminAuditEntry._meta.db_table
    for sql in (f"UPDATE {table} SET detail = 'x'", f"DELETE FROM {table}"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AdminAuditEntry.objects.count() == 1


def test_the_upgrade_voids_the_old_clear_text_keys() -> None:
    """rest_framework.authtoken kept keys in clear and listed them to every administrator."""
    import importlib

    migration = importlib.import_module("accounts.migrations.0010_admin_audit_append_only_and_void_old_tokens")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id integer)")
        cursor.execute("INSERT INTO authtoken_token VALUES ('0123456789abcdef0123456789abcdef01234567', 1)")
        # The schema editor's part in the data step: its connection and execute().
        migration.void_clear_text_tokens(None, SimpleNamespace(connection=connection, execute=cursor.execute))
        cursor.execute("SELECT COUNT(*) FROM authtoken_token")
        assert cursor.fetchone() == (0,)
