"""Administrators manage users, teams, reference data, integration users' API tokens and lock-outs in
Django's admin, and search the access log; case files stay out of their reach there, and they cannot
make anyone a superuser (the ways to a case-file role: test_admin_escalation)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from accounts.access import ADMINISTRATOR_PERMISSIONS
from accounts.access_log import review_sign_off
from accounts.apps import _sync_role_permissions
from accounts.models import Role, Team, User
from accounts.tests.factories import CoordinatorFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator() -> User:
    return UserFactory(role=Role.ADMINISTRATOR, is_staff=True)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_administrator_group_holds_exactly_the_stated_permissions() -> None:
    group = Group.objects.get(name=Role.ADMINISTRATOR)
    held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
    assert held == set(ADMINISTRATOR_PERMISSIONS)


def test_each_migrate_puts_the_group_back_in_step_with_the_list() -> None:
    group = Group.objects.get(name=Role.ADMINISTRATOR)
    group.permissions.clear()
    _sync_role_permissions(using="default")
    assert group.permissions.count() == len(ADMINISTRATOR_PERMISSIONS)


def test_a_misspelt_permission_stops_the_migrate_with_its_name(monkeypatch) -> None:
    monkeypatch.setattr("accounts.access.ADMINISTRATOR_PERMISSIONS", ("accounts.view_user", "taxonomy.fly_occupation"))
    with pytest.raises(RuntimeError, match=re.escape("taxonomy.fly_occupation")):
        _sync_role_permissions(using="default")


@pytest.mark.parametrize(
    "page",
    [
        "admin:accounts_user_changelist",
        "admin:accounts_user_add",
        "admin:accounts_team_add",
        "admin:accounts_accesslogentry_changelist",
        "admin:accounts_apitoken_changelist",
        "admin:accounts_rolegrant_add",
        "admin:accounts_adminauditentry_changelist",
        "admin:axes_accessattempt_changelist",
        "admin:taxonomy_occupation_changelist",
        "admin:taxonomy_placementtype_add",
        "admin:taxonomy_prerequisite_add",
        "admin:taxonomy_prerequisite_changelist",
        "admin:placements_matchingweights_changelist",
        "admin:supervisors_trainingcourse_add",
    ],
)
def test_an_administrator_reaches_users_teams_reference_data_tokens_and_the_access_log(administrator, page) -> None:
    assert _client(administrator).get(reverse(page)).status_code == 200


@pytest.mark.parametrize(
    "page",
    [
        "admin:participants_participant_changelist",
        "admin:placements_placement_changelist",
        "admin:placements_followup_changelist",
        "admin:auth_group_changelist",
    ],
)
def test_case_files_and_the_roles_themselves_stay_out_of_reach(administrator, page) -> None:
    assert _client(administrator).get(reverse(page)).status_code == 403


def test_an_administrator_adds_a_team_and_gives_a_user_a_team_and_a_role_that_opens_no_case_file(administrator) -> None:
    client = _client(administrator)
    assert client.post(reverse("admin:accounts_team_add"), {"name": "Ungdomsteamet"}).status_code == 302
    team = Team.objects.get(name="Ungdomsteamet")
    user = UserFactory(username="nyanstalld")
    page = client.get(reverse("admin:accounts_user_change", args=[user.pk])).content.decode()
    assert 'name="is_superuser"' not in page and 'name="user_permissions"' not in page

    response = client.post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        {
            "username": "nyanstalld",
            "first_name": "Ny",
            "last_name": "Anställd",
            "email": "ny@example.org",
            "is_active": "on",
            "is_superuser": "on",  # ignored: read-only for administrators
            "groups": [Group.objects.get(name=Role.MANAGER).pk],  # a case-file role needs a second administrator
            "team": team.pk,
            "phone": "",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-11-22",
            "date_joined_1": "09:00:00",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert user.team == team and user.has_role(Role.MANAGER)
    assert not user.is_superuser


def test_an_administrator_cannot_change_a_superusers_account_or_password(administrator) -> None:
    root = UserFactory(is_superuser=True, is_staff=True)
    client = _client(administrator)
    assert client.post(reverse("admin:accounts_user_change", args=[root.pk]), {"username": "x"}).status_code == 403
    assert client.get(reverse("admin:auth_user_password_change", args=[root.pk])).status_code == 403
    root.refresh_from_db()
    assert root.username != "x"


def test_a_coordinator_with_staff_status_gets_none_of_it() -> None:
    coordinator = CoordinatorFactory(is_staff=True, team=TeamFactory())
    assert _client(coordinator).get(reverse("admin:accounts_user_changelist")).status_code == 403


def test_the_start_page_tells_an_administrator_whether_last_months_log_review_is_signed_off(administrator) -> None:
    client = _client(administrator)
    with time_machine.travel("2026-11-22 09:00 +01:00"):
        page = client.get(reverse("home")).content.decode()
        assert "Granskning av loggen för 2026-10" in page and "Inte godkänd ännu." in page
        assert "ingen roll" not in page  # not the "no role yet" text
        assert 'href="/access-log/review/?month=2026-10"' in page

        review_sign_off(month=dt.date(2026, 10, 1), user=administrator, notes="")
        page = client.get(reverse("home")).content.decode()
    assert f"Godkänd av {administrator.get_full_name()} den 2026-11-22." in page


def test_an_administrator_keeps_the_list_of_prerequisites(administrator) -> None:
    client = _client(administrator)
    response = client.post(
        reverse("admin:taxonomy_prerequisite_add"),
        {"code": "korkort-c", "name": "Körkort C", "name_en": "", "valid_months": "60", "active": "on"},
    )
    assert response.status_code == 302
    assert (
        "Körkort C" in client.get(reverse("admin:taxonomy_prerequisite_changelist"), {"q": "körkort"}).content.decode()
    )
