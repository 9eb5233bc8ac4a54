"""An Administrator cannot escalate: no case-file role or team without a second administrator, no
password of anyone else, no token but an integration user's, keys shown once. Findings 1 and 2 of
issue 13, and the walk over every page of Django's admin."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core import mail
from django.db import models
from django.forms import ModelChoiceField
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, get_resolver, reverse
from rest_framework.test import APIClient

from accounts.models import AdminAction, AdminAuditEntry, ApiToken, Role, RoleGrant, User
from accounts.services import api_token_create, role_grant_approve, role_grant_request
from accounts.tests.factories import (
    AccessLogEntryFactory,
    AdministratorFactory,
    ApiTokenFactory,
    CoordinatorFactory,
    IntegrationUserFactory,
    ManagerFactory,
    RoleGrantFactory,
    TeamFactory,
    UserFactory,
    api_key_for,
)
from participants.tests.factories import ParticipantFactory, WorkExperienceFactory
from placements.tests.factories import FollowUpFactory, PlacementFactory
from supervisors.tests.factories import TrainingSessionFactory
from taxonomy.tests.factories import DistrictFactory, OccupationFactory
from tests.test_anonymous_access import _walk

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _user_form(user: User, **changes: Any) -> dict[str, Any]:
    """The change form of `user` as the administrator's browser would post it back."""
    data: dict[str, Any] = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "groups": list(user.groups.values_list("pk", flat=True)),
        "team": user.team_id or "",
        "phone": user.phone,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def _group(role: Role) -> int:
    return Group.objects.get(name=role).pk


# Finding 1: tokens.


def test_an_administrator_cannot_create_a_token_for_the_superuser_or_a_coordinator() -> None:
    administrator = AdministratorFactory()
    root = UserFactory(is_superuser=True, is_staff=True)
    coordinator = CoordinatorFactory()
    client = _client(administrator)
    for user in (root, coordinator, administrator):
        response = client.post(reverse("admin:accounts_apitoken_add"), {"user": user.pk, "name": "x"})
        assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_token_an_administrator_issued_stops_acting_when_its_user_gets_a_case_file_role() -> None:
    administrator = AdministratorFactory()
    integration = IntegrationUserFactory(role=Role.MANAGER)
    key = api_key_for(integration, by=administrator)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/report-figures/").status_code == 200
    grant = role_grant_request(
        user=integration, role=Role.COORDINATOR, team=TeamFactory(), reason="Import", by=administrator
    )
    role_grant_approve(grant=grant, by=AdministratorFactory())
    assert client.get("/api/v1/participants/").status_code == 401


def test_the_token_list_shows_prefixes_never_keys() -> None:
    administrator = AdministratorFactory()
    _token, key = api_token_create(user=IntegrationUserFactory(), name="BI", by=administrator)
    page = _client(administrator).get(reverse("admin:accounts_apitoken_changelist")).content.decode()
    assert key[:8] in page and key not in page


def test_an_administrator_creates_a_token_for_an_integration_user_and_it_is_logged() -> None:
    administrator = AdministratorFactory()
    integration = IntegrationUserFactory(role=Role.MANAGER)
    response = _client(administrator).post(
        reverse("admin:accounts_apitoken_add"), {"user": integration.pk, "name": "BI"}
    )
    key = re.search(r'<code id="api-token-key">([^<]+)</code>', response.content.decode()).group(1)
    entry = AdminAuditEntry.objects.get(action=AdminAction.TOKEN_CREATED)
    assert entry.username == administrator.username and entry.target_user_id == integration.pk
    assert entry.detail == key[:8] and key not in entry.detail + entry.target_username


def test_the_revoke_action_revokes_and_logs() -> None:
    administrator = AdministratorFactory()
    token = ApiTokenFactory()
    _client(administrator).post(
        reverse("admin:accounts_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]}
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AdminAuditEntry.objects.filter(action=AdminAction.TOKEN_REVOKED, target_user_id=token.user_id).exists()


# Finding 2: roles, teams and passwords.


def test_an_administrator_cannot_make_themselves_a_coordinator() -> None:
    administrator = AdministratorFactory()
    team = TeamFactory()
    response = _client(administrator).post(
        reverse("admin:accounts_user_change", args=[administrator.pk]),
        _user_form(administrator, groups=[_group(Role.ADMINISTRATOR), _group(Role.COORDINATOR)], team=team.pk),
    )
    assert response.status_code == 200 and "andra administratör" in response.content.decode()
    assert not User.objects.get(pk=administrator.pk).has_role(Role.COORDINATOR)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.SUPERVISOR, Role.ADMINISTRATOR])
def test_an_administrator_cannot_give_anyone_a_role_that_needs_approval(role: Role) -> None:
    user = ManagerFactory(team=TeamFactory())
    response = _client(AdministratorFactory()).post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        _user_form(user, groups=[_group(Role.MANAGER), _group(role)]),
    )
    assert response.status_code == 200
    assert not User.objects.get(pk=user.pk).has_role(role)


def test_an_administrator_cannot_move_a_coordinator_to_another_team_but_gives_a_manager_a_team() -> None:
    coordinator = CoordinatorFactory()
    old_team, new_team = coordinator.team, TeamFactory()
    client = _client(AdministratorFactory())
    client.post(reverse("admin:accounts_user_change", args=[coordinator.pk]), _user_form(coordinator, team=new_team.pk))
    coordinator.refresh_from_db()
    assert coordinator.team == old_team
    manager = ManagerFactory()
    response = client.post(
        reverse("admin:accounts_user_change", args=[manager.pk]), _user_form(manager, team=new_team.pk)
    )
    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.team == new_team


def test_an_administrator_may_take_a_case_file_role_away() -> None:
    coordinator = CoordinatorFactory()
    response = _client(AdministratorFactory()).post(
        reverse("admin:accounts_user_change", args=[coordinator.pk]), _user_form(coordinator, groups=[])
    )
    assert response.status_code == 302
    assert not User.objects.get(pk=coordinator.pk).roles


def test_an_administrator_cannot_set_or_see_a_coordinators_password_nor_redirect_their_email() -> None:
    coordinator = CoordinatorFactory()
    client = _client(AdministratorFactory())
    assert client.get(reverse("admin:auth_user_password_change", args=[coordinator.pk])).status_code == 403
    response = client.post(
        reverse("admin:auth_user_password_change", args=[coordinator.pk]),
        {"password1": "Nytt-lösen-123", "password2": "Nytt-lösen-123", "usable_password": "true"},
    )
    assert response.status_code == 403
    page = client.get(reverse("admin:accounts_user_change", args=[coordinator.pk])).content.decode()
    assert 'name="password' not in page and "/password/" not in page and 'name="email"' not in page
    client.post(
        reverse("admin:accounts_user_change", args=[coordinator.pk]), _user_form(coordinator, email="me@example.org")
    )
    coordinator.refresh_from_db()
    assert coordinator.check_password("platsa-test") and coordinator.email != "me@example.org"


def test_a_new_user_gets_no_password_and_a_reset_link(django_capture_on_commit_callbacks) -> None:
    administrator = AdministratorFactory()
    client = _client(administrator)
    page = client.get(reverse("admin:accounts_user_add")).content.decode()
    assert 'type="password"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:accounts_user_add"),
            {"username": "nyanstalld", "first_name": "Ny", "last_name": "Anställd", "email": "ny@example.org"},
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="nyanstalld")
    assert not user.has_usable_password()
    assert [m.to for m in mail.outbox] == [["ny@example.org"]] and "/accounts/welcome/" in mail.outbox[0].body
    assert mail.outbox[0].subject == "Ditt konto i Platsa" and "nyanstalld" in mail.outbox[0].body
    actions = set(AdminAuditEntry.objects.filter(target_user_id=user.pk).values_list("action", flat=True))
    assert actions == {AdminAction.USER_ADDED, AdminAction.RESET_LINK_SENT}


def test_the_reset_link_action_sends_a_link_and_skips_integration_users(django_capture_on_commit_callbacks) -> None:
    person, machine = ManagerFactory(), IntegrationUserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _client(AdministratorFactory()).post(
            reverse("admin:accounts_user_changelist"),
            {"action": "send_password_reset", "_selected_action": [person.pk, machine.pk]},
        )
    assert [m.to for m in mail.outbox] == [[person.email]]
    assert AdminAuditEntry.objects.filter(action=AdminAction.RESET_LINK_SENT).count() == 1


def test_deactivating_and_activating_a_user_is_logged() -> None:
    user = ManagerFactory()
    client = _client(AdministratorFactory())
    client.post(reverse("admin:accounts_user_change", args=[user.pk]), _user_form(user, is_active=""))
    user.refresh_from_db()
    client.post(reverse("admin:accounts_user_change", args=[user.pk]), _user_form(user, is_active="on"))
    actions = list(AdminAuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions == [AdminAction.USER_DEACTIVATED, AdminAction.USER_ACTIVATED]


# The second administrator.


def _decide(client: Client, grant: RoleGrant, action: str) -> None:
    client.post(reverse("admin:accounts_rolegrant_changelist"), {"action": action, "_selected_action": [grant.pk]})


def test_a_role_grant_needs_another_administrator_than_the_requester_and_the_grantee() -> None:
    requester, grantee, second = AdministratorFactory(), AdministratorFactory(), AdministratorFactory()
    team = TeamFactory()
    response = _client(requester).post(
        reverse("admin:accounts_rolegrant_add"),
        {"user": grantee.pk, "role": Role.COORDINATOR, "team": team.pk, "reason": "Täcker upp under sommaren"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    grant = RoleGrant.objects.get()
    for refused in (requester, grantee):
        _decide(_client(refused), grant, "approve")
        grant.refresh_from_db()
        assert grant.status == RoleGrant.Status.PENDING
        assert not User.objects.get(pk=grantee.pk).has_role(Role.COORDINATOR)
    _decide(_client(second), grant, "approve")
    grant.refresh_from_db()
    approved = User.objects.get(pk=grantee.pk)
    assert grant.status == RoleGrant.Status.APPROVED and grant.decided_by == second
    assert approved.has_role(Role.COORDINATOR) and approved.team == team
    actions = list(AdminAuditEntry.objects.order_by("pk").values_list("action", "username"))
    assert actions == [(AdminAction.ROLE_REQUESTED, requester.username), (AdminAction.ROLE_APPROVED, second.username)]


def test_an_administrator_asks_for_their_own_role_and_another_refuses() -> None:
    administrator, second = AdministratorFactory(), AdministratorFactory()
    grant = role_grant_request(
        user=administrator, role=Role.COORDINATOR, team=TeamFactory(), reason="Vill se akter", by=administrator
    )
    _decide(_client(administrator), grant, "approve")
    _decide(_client(second), grant, "refuse")
    grant.refresh_from_db()
    assert grant.status == RoleGrant.Status.REFUSED
    assert not User.objects.get(pk=administrator.pk).has_role(Role.COORDINATOR)
    assert AdminAuditEntry.objects.filter(action=AdminAction.ROLE_REFUSED, username=second.username).exists()


def test_a_grant_for_an_account_with_the_requesters_email_is_refused() -> None:
    requester = AdministratorFactory(email="anna@example.org")
    puppet = UserFactory(email="ANNA@example.org")
    grant = RoleGrantFactory(user=puppet, requested_by=requester)
    _decide(_client(AdministratorFactory()), grant, "approve")
    grant.refresh_from_db()
    assert grant.status == RoleGrant.Status.PENDING


def test_a_superuser_gives_a_role_directly_and_it_is_logged() -> None:
    root = UserFactory(is_superuser=True, is_staff=True)
    user = UserFactory(team=TeamFactory())
    form = _user_form(user, groups=[_group(Role.COORDINATOR)])
    form.update({"date_joined_0": "2026-11-22", "date_joined_1": "09:00:00"})
    response = _client(root).post(reverse("admin:accounts_user_change", args=[user.pk]), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert User.objects.get(pk=user.pk).has_role(Role.COORDINATOR)
    assert AdminAuditEntry.objects.filter(action=AdminAction.ROLE_GIVEN, target_user_id=user.pk).exists()


# The walk: every page of the admin, as an Administrator.


def _reaches_a_case_file(model: type[models.Model], seen: frozenset[type[models.Model]] = frozenset()) -> bool:
    """A participant, or anything that points to one (a placement, a follow-up, ...)."""
    if model is apps.get_model("participants", "Participant"):
        return True
    return any(
        field.related_model not in seen and _reaches_a_case_file(field.related_model, seen | {model})  # type: ignore[arg-type]  # concrete relations name a model class, never "self"
        for field in model._meta.get_fields()
        if field.is_relation and field.concrete and field.related_model is not None
    )


def _world() -> dict[str, Any]:
    coordinator = CoordinatorFactory()
    participant = ParticipantFactory(team=coordinator.team, coordinator=coordinator)
    WorkExperienceFactory(participant=participant)
    placement = PlacementFactory(participant=participant)
    follow_up = FollowUpFactory(placement=placement)
    AccessLogEntryFactory(user=coordinator, participant_id=participant.pk)
    OccupationFactory()
    DistrictFactory()
    TrainingSessionFactory()
    RoleGrantFactory()
    _token, key = api_token_create(
        user=IntegrationUserFactory(role=Role.MANAGER), name="BI", by=UserFactory(is_superuser=True)
    )
    UserFactory(is_superuser=True, is_staff=True)
    return {"participant": participant, "placement": placement, "follow_up": follow_up, "key": key}


def _admin_url(model: type[models.Model], page: str, *args: object) -> str | None:
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)
    except NoReverseMatch:
        return None


def test_no_admin_page_gives_an_administrator_a_way_to_a_case_file() -> None:
    world = _world()
    administrator = AdministratorFactory()
    client = _client(administrator)
    request = RequestFactory().get("/")
    request.user = administrator
    walked = 0
    for model, model_admin in admin.site._registry.items():
        if _reaches_a_case_file(model):
            assert not model_admin.has_view_permission(request), model
            assert not model_admin.has_add_permission(request), model
            assert not model_admin.has_change_permission(request), model
            assert client.get(_admin_url(model, "changelist")).status_code == 403, model
            continue
        pages = [_admin_url(model, "changelist"), _admin_url(model, "add")]
        pages += [_admin_url(model, "change", obj.pk) for obj in model._default_manager.all()[:3]]
        for url in filter(None, pages):
            response = client.get(url)
            assert response.status_code in (200, 403), url
            if response.status_code != 200:
                continue
            walked += 1
            page = response.content.decode()
            assert 'type="password"' not in page and "/password/" not in page, url
            assert world["key"] not in page, url
            form = getattr(response.context.get("adminform"), "form", None)
            for name, field in form.fields.items() if form else ():
                if isinstance(field, ModelChoiceField):
                    assert not _reaches_a_case_file(field.queryset.model), (url, name)
                    if field.queryset.model is User and model._meta.label == "accounts.ApiToken":
                        assert all(u.is_integration for u in field.queryset), url
    assert walked > 20

    # A role in a form is refused on save, not hidden. Every way in tried, and nothing gained: the own
    # account, a grant approved by oneself, a token.
    own = _user_form(administrator, groups=[_group(Role.ADMINISTRATOR), _group(Role.COORDINATOR)])
    client.post(
        reverse("admin:accounts_user_change", args=[administrator.pk]), {**own, "team": world["participant"].team_id}
    )
    grant = role_grant_request(
        user=administrator, role=Role.COORDINATOR, team=world["participant"].team, reason="x", by=administrator
    )
    _decide(client, grant, "approve")
    for user in User.objects.exclude(is_integration=True):
        client.post(reverse("admin:accounts_apitoken_add"), {"user": user.pk, "name": "x"})
    assert ApiToken.objects.count() == 1

    after = User.objects.get(pk=administrator.pk)
    assert not after.roles & {Role.COORDINATOR, Role.SUPERVISOR} and not after.is_superuser
    _assert_no_case_file_page_or_endpoint(_client(after), world)


CASE_FILE_ROUTES = re.compile(
    r"^(participants/|placements/|api/v1/\^(participants|work-experience|placements|follow-ups|portal)/)"
)


def _assert_no_case_file_page_or_endpoint(client: Client, world: dict[str, Any]) -> None:
    ids = {
        "participant": world["participant"].pk,
        "placement": world["placement"].pk,
        "follow-up": world["follow_up"].pk,
    }
    checked = 0
    for name, route in _walk(get_resolver().url_patterns):
        if not CASE_FILE_ROUTES.match(route) or "format" in route:
            continue
        kind = next((k for k in ("follow-up", "placement", "participant") if k in route), "participant")
        url = "/" + re.sub(r"\(\?P<pk>[^)]*\)|<int:pk>", str(ids[kind]), route)
        url = re.sub(r"<slug:\w+>", "agree", url).replace("^", "").replace("$", "")
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code in (403, 404, 405), (name, url, response.status_code)
            checked += 1
    assert checked > 40
