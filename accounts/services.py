"""Writes to users: sessions, break-glass, role grants, API tokens and password reset links.

Every act of an administrator on an account goes through one function here, in one transaction,
and writes its entry in the administration log (accounts.admin_audit)."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .access import account_scope, identity_lookup_scope
from .access_log import log_access
from .admin_audit import log_admin_action
from .forms import MunicipalPasswordResetForm
from .models import (
    ROLES_NEEDING_APPROVAL,
    ROLES_ONLY_A_SUPERUSER_GIVES,
    AccessAction,
    AdminAction,
    ApiToken,
    BreakGlassGrant,
    Municipality,
    Role,
    RoleGrant,
    Team,
    User,
    team_municipality_error,
)
from .tokens import PREFIX_LENGTH, key_hash, may_hold_a_token, new_key


@transaction.atomic
def municipality_from_settings() -> Municipality:
    """The municipality of a single-municipality installation as the settings describe it
    (PLATSA_MUNICIPALITY_NAME, PLATSA_MUNICIPALITY_CODE, PLATSA_LETTERHEAD), made if missing: what
    the demo and the benchmarks build their teams in. (Migration accounts 0014 repeats it on purpose.)"""
    letterhead = settings.PLATSA_LETTERHEAD
    municipality, _created = Municipality.objects.get_or_create(
        code=settings.PLATSA_MUNICIPALITY_CODE,
        defaults={
            "name": settings.PLATSA_MUNICIPALITY_NAME,
            **{f"letterhead_{key}": letterhead.get(key, "") for key in ("unit", "address", "phone", "email", "web")},
            "contact_email": letterhead.get("email", ""),
            "contact_phone": letterhead.get("phone", ""),
        },
    )
    return municipality


@transaction.atomic
def user_log_out_everywhere(*, user: User, by: User | None = None) -> None:
    """End every session of the user, on every device (the current one too), and revoke their API tokens."""
    now = timezone.now()
    user.sessions_valid_after = now
    user.save(update_fields=["sessions_valid_after"])
    user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=now)
    log_admin_action(by=by or user, action=AdminAction.LOGGED_OUT_EVERYWHERE, target=user)


@transaction.atomic
def break_glass_open(*, user: User, participant_id: int, reason: str) -> BreakGlassGrant:
    """Give a coordinator access to one participant outside their team, for a stated reason: only
    within the coordinator's municipality (the access rule holds to it as well, grant or not)."""
    if not user.has_role(Role.COORDINATOR):
        raise ValidationError(_("Only coordinators can open a case file outside their team."))
    participants = apps.get_model("participants", "Participant").objects  # a lower app: no import
    case_file = participants.filter(identity_lookup_scope(user), pk=participant_id).values("municipality_id").first()
    if case_file is None:
        raise ValidationError(_("A case file of another municipality cannot be opened, not even with a reason."))
    if len(reason.strip()) < 10:
        raise ValidationError({"reason": _("State the reason (at least ten characters).")})
    grant = BreakGlassGrant.objects.create(
        user=user,
        participant_id=participant_id,
        municipality_id=case_file["municipality_id"],
        reason=reason.strip()[:300],
        expires_at=timezone.now() + dt.timedelta(hours=BreakGlassGrant.HOURS),
    )
    log_access(user=user, participant_ids=[participant_id], action=AccessAction.BREAK_GLASS, reason=grant.reason)
    return grant


# Accounts: added, activated, deactivated, sent a reset link.


class _OneUserResetForm(MunicipalPasswordResetForm):
    """Django's reset machinery (token, templates, e-mail) for one chosen account. Django's own form
    skips accounts without a usable password, which is every new account here."""

    def __init__(self, *, user: User) -> None:
        super().__init__(data={"email": user.email})
        self.user = user

    def get_users(self, email: str) -> list[User]:
        return [self.user]


def _reset_link_check(user: User) -> None:
    if user.is_integration:
        raise ValidationError(_("An integration user signs in with API tokens only: it gets no reset link."))
    if not user.is_active or not user.email:
        raise ValidationError(_("A reset link needs an active account with an e-mail address."))


class _Templates(TypedDict, total=False):
    subject_template_name: str
    email_template_name: str


INVITATION_TEMPLATES: _Templates = {
    "subject_template_name": "registration/account_invitation_subject.txt",
    "email_template_name": "registration/account_invitation_email.txt",
}


@transaction.atomic
def user_send_password_reset(*, user: User, by: User, new: bool = False) -> None:
    """E-mail the user a link to choose their own password (after commit). Nobody else sets it.
    A `new` account gets the welcome text instead of Django's "you asked for a reset". The link begins
    with the site address of the user's municipality (MunicipalPasswordResetForm)."""
    _reset_link_check(user)
    log_admin_action(by=by, action=AdminAction.RESET_LINK_SENT, target=user)
    form = _OneUserResetForm(user=user)
    form.is_valid()
    templates: _Templates = INVITATION_TEMPLATES if new else {}  # {}: Django's own reset e-mail
    transaction.on_commit(lambda: form.save(**templates))


@transaction.atomic
def user_added(*, user: User, by: User, choose_own_password: bool = True) -> None:
    """After an account is added: an administrator's has no usable password and a person gets a reset
    link to choose one (a superuser's form may set a password instead: `choose_own_password=False`)."""
    if not choose_own_password and not user.is_integration:
        log_admin_action(by=by, action=AdminAction.USER_ADDED, target=user)
        return
    user.set_unusable_password()
    user.save(update_fields=["password"])
    log_admin_action(
        by=by, action=AdminAction.USER_ADDED, target=user, detail="integration" if user.is_integration else ""
    )
    if not user.is_integration and user.email:
        user_send_password_reset(user=user, by=by, new=True)


def user_active_changed(*, user: User, by: User) -> None:
    """Log an account activated or deactivated (the admin form saves the flag itself)."""
    action = AdminAction.USER_ACTIVATED if user.is_active else AdminAction.USER_DEACTIVATED
    log_admin_action(by=by, action=action, target=user)


def user_roles_given_directly(*, user: User, by: User, roles: set[Role], team: Team | None) -> None:
    """Log roles that need approval given directly in the user form; only a superuser can."""
    if not by.is_superuser:
        raise ValidationError(_("This role needs a second administrator's approval."))
    for role in sorted(roles):
        log_admin_action(by=by, action=AdminAction.ROLE_GIVEN, target=user, detail=_grant_detail(role, team))


# Roles that open case files: asked for by one administrator, decided by another.


def _grant_detail(role: str, team: Team | None) -> str:
    return f"{role} ({team.name})" if team else role


def _account_check(*, user: User, by: User) -> None:
    """An administrator acts on the accounts of their own municipality only (`access.account_scope`)."""
    if not User.objects.filter(account_scope(by), pk=user.pk).exists():
        raise ValidationError({"user": _("The account belongs to another municipality.")})


def role_grant_check(*, user: User, role: str, team: Team | None, by: User) -> None:
    """Whether `by` may ask for `role` (with `team`) for `user`; the request form shows the same messages."""
    if role not in ROLES_NEEDING_APPROVAL:
        raise ValidationError({"role": _("This role needs no approval: give it in the user form.")})
    if role in ROLES_ONLY_A_SUPERUSER_GIVES:
        raise ValidationError({"role": _("Only a superuser gives this role, in the user form.")})
    if role == Role.COORDINATOR and team is None:
        raise ValidationError({"team": _("A coordinator needs a team.")})
    if role != Role.COORDINATOR and team is not None:
        raise ValidationError({"team": _("Only a coordinator has a team.")})
    if user.is_superuser:
        raise ValidationError({"user": _("A superuser needs no role.")})
    if team is not None and (mismatch := team_municipality_error(team=team, municipality_id=user.municipality_id)):
        raise ValidationError({"team": mismatch})
    if user.has_role(Role(role)) and (role != Role.COORDINATOR or user.team_id == team.pk):  # type: ignore[union-attr]  # a coordinator's team is never None (checked above)
        raise ValidationError({"role": _("The user already has this role.")})
    if RoleGrant.objects.filter(user=user, role=role, status=RoleGrant.Status.PENDING).exists():
        raise ValidationError({"role": _("This role is already waiting for approval for the user.")})
    if not (by.is_superuser or by.has_role(Role.ADMINISTRATOR)):
        raise ValidationError(_("Only administrators ask for roles."))
    _account_check(user=user, by=by)


@transaction.atomic
def role_grant_request(*, user: User, role: str, team: Team | None, reason: str, by: User) -> RoleGrant:
    """Ask for a role that needs approval; nothing changes until another administrator approves."""
    role_grant_check(user=user, role=role, team=team, by=by)
    # The team's municipality for a coordinator (the user's once approved), otherwise the user's.
    municipality_id = team.municipality_id if team is not None else user.municipality_id
    grant = RoleGrant(
        user=user, role=role, team=team, reason=reason.strip(), requested_by=by, municipality_id=municipality_id
    )
    grant.full_clean()
    grant.save()
    log_admin_action(by=by, action=AdminAction.ROLE_REQUESTED, target=user, detail=_grant_detail(role, team))
    return grant


def _decision_check(grant: RoleGrant, by: User) -> None:
    if grant.status != RoleGrant.Status.PENDING:
        raise ValidationError(_("This request has already been decided."))
    if by.is_superuser:
        return
    if not by.has_role(Role.ADMINISTRATOR) or not by.is_active:
        raise ValidationError(_("Only another administrator decides a role request."))
    if by.pk in (grant.requested_by_id, grant.user_id):
        raise ValidationError(_("A second administrator decides: not the one who asked, nor the one it is for."))
    _account_check(user=grant.user, by=by)


def _locked_pending(grant: RoleGrant) -> RoleGrant:
    # Only the grant row is locked: PostgreSQL cannot lock the nullable side of the team join.
    return (
        RoleGrant.objects.select_for_update(of=("self",))
        .select_related("user", "team", "requested_by")
        .get(pk=grant.pk)
    )


def _record_decision(grant: RoleGrant, *, by: User, status: RoleGrant.Status, action: AdminAction) -> RoleGrant:
    grant.status = status
    grant.decided_by = by
    grant.decided_at = timezone.now()
    grant.save(update_fields=["status", "decided_by", "decided_at"])
    log_admin_action(by=by, action=action, target=grant.user, detail=_grant_detail(grant.role, grant.team))
    return grant


@transaction.atomic
def role_grant_approve(*, grant: RoleGrant, by: User) -> RoleGrant:
    """Give the role (and a coordinator's team): by a second administrator, or a superuser."""
    grant = _locked_pending(grant)
    _decision_check(grant, by)
    user = grant.user
    emails = {e.lower() for e in (grant.requested_by.email, by.email) if e}
    if user.email and user.email.lower() in emails:
        raise ValidationError(_("The account has the e-mail address of the administrator who asked or decides."))
    user.groups.add(Group.objects.get(name=grant.role))
    user.forget_roles()
    fields = []
    if grant.role == Role.COORDINATOR:
        user.team = grant.team
        user.municipality_id = grant.team.municipality_id  # type: ignore[union-attr]  # a coordinator's grant has a team
        fields += ["team", "municipality"]
    if grant.role == Role.ADMINISTRATOR and not user.is_staff:
        user.is_staff = True  # the admin is where administrators work
        fields.append("is_staff")
    if fields:
        user.save(update_fields=fields)
    return _record_decision(grant, by=by, status=RoleGrant.Status.APPROVED, action=AdminAction.ROLE_APPROVED)


@transaction.atomic
def role_grant_refuse(*, grant: RoleGrant, by: User) -> RoleGrant:
    grant = _locked_pending(grant)
    _decision_check(grant, by)
    return _record_decision(grant, by=by, status=RoleGrant.Status.REFUSED, action=AdminAction.ROLE_REFUSED)


# API tokens (rules in accounts.tokens).


def api_token_check(*, user: User) -> None:
    if not may_hold_a_token(user):
        raise ValidationError({"user": _("Only an active integration user holds API tokens.")})


@transaction.atomic
def api_token_create(*, user: User, name: str, by: User) -> tuple[ApiToken, str]:
    """A new token for an integration user of `by`'s municipality; returns it and its key, which is
    never shown again."""
    api_token_check(user=user)
    _account_check(user=user, by=by)
    key = new_key()
    token = ApiToken(
        user=user,
        name=name.strip(),
        prefix=key[:PREFIX_LENGTH],
        key_hash=key_hash(key),
        created_by=by,
        issued_by_superuser=by.is_superuser,
        municipality_id=user.municipality_id,
    )
    token.full_clean()
    token.save()
    log_admin_action(by=by, action=AdminAction.TOKEN_CREATED, target=user, detail=token.prefix)
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User) -> None:
    token = ApiToken.objects.select_for_update(of=("self",)).select_related("user").get(pk=token.pk)
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    log_admin_action(by=by, action=AdminAction.TOKEN_REVOKED, target=token.user, detail=token.prefix)
