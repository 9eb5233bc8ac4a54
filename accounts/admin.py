"""Users, teams, role grants, API tokens, the access log and the administration log in Django's admin.

Administrators (the Administrator group, accounts.access.ADMINISTRATOR_PERMISSIONS) add users, give
them a team and the roles that open no case file, and deactivate them. They never:
- set a password: a new account has no usable password, and a person gets a reset link by e-mail
  (also an action here) to choose their own; the password pages are the superuser's;
- give a role that needs approval (Coordinator, Supervisor, Administrator) or move a coordinator to
  another team: they ask for it under *Role grants* and another administrator decides;
- change the e-mail address of someone holding such a role (or waiting for one): a reset link sent
  there would hand over the account;
- create a token for anyone but an integration user, nor see a key after its creation (accounts.tokens).
Only superusers make superusers, grant single permissions or change a superuser's account."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, cast

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog
from axes.models import AccessLog as AxesAccessLog
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from sms.phone_numbers import phone_normalise

from . import services
from .access import (
    access_log_scope,
    account_record_scope,
    account_scope,
    admin_audit_scope,
    login_lockout_scope,
    municipality_scope,
)
from .models import (
    ROLES_NEEDING_APPROVAL,
    ROLES_ONLY_A_SUPERUSER_GIVES,
    AccessLogEntry,
    AdminAuditEntry,
    ApiToken,
    Municipality,
    Region,
    Role,
    RoleGrant,
    Team,
    User,
)
from .request_types import AuthenticatedHttpRequest
from .search import BoundedSearchAdmin
from .spreadsheets import csv_response

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldsetSpec

    # What the mixin is mixed into; at run time it stays a plain class (see below).
    _UserFormBase = forms.ModelForm[User]
else:
    _UserFormBase = object


def _admin_user(request: HttpRequest) -> User:
    """The user of an admin request. Every admin view needs a staff login (AdminSite.admin_view), so
    it is a User, never the AnonymousUser django-stubs allows for; ModelAdmin's overrides must keep
    the HttpRequest of their signature, hence the cast."""
    return cast(User, request.user)


@admin.register(Region)
class RegionAdmin(BoundedSearchAdmin):
    """Regions, like municipalities, are a superuser's: no administrator holds a permission on them."""

    list_display = ["name", "code"]
    search_fields = ["name", "code"]

    def has_delete_permission(self, request: HttpRequest, obj: Region | None = None) -> bool:
        return False  # its municipalities and regional managers point to it


@admin.register(Municipality)
class MunicipalityAdmin(BoundedSearchAdmin):
    """Municipalities are added and changed by a superuser only: no administrator holds a permission
    on them (ADMINISTRATOR_PERMISSIONS), since a municipality is the outer boundary of every rule."""

    list_display = ["name", "code", "region"]
    search_fields = ["name", "code"]

    def has_delete_permission(self, request: HttpRequest, obj: Municipality | None = None) -> bool:
        return False  # its teams and case files point to it


class _OwnMunicipalityAdmin(BoundedSearchAdmin):
    """An administrator works within their own municipality: its teams and users are all they list,
    and what they add belongs to it (set here, not chosen). A superuser sees and chooses every one."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(municipality=_admin_user(request).municipality_id)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "team" and not request.user.is_superuser:
            kwargs["queryset"] = Team.objects.filter(municipality=_admin_user(request).municipality_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str] | tuple[str, ...]:
        readonly = super().get_readonly_fields(request, obj)
        return readonly if request.user.is_superuser else (*readonly, "municipality")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        by = _admin_user(request)
        if not by.is_superuser and obj.municipality_id is None:
            obj.municipality_id = by.municipality_id
        super().save_model(request, obj, form, change)


@admin.register(Team)
class TeamAdmin(_OwnMunicipalityAdmin):
    search_fields = ["name"]
    list_display = ["name", "municipality"]
    list_filter = ["municipality"]


class _AdministratorUserFormMixin(_UserFormBase):
    """What an administrator may not do in the user form: give a role that needs approval, or move a
    coordinator to another team. Taking a role away, or a coordinator's team, is always allowed."""

    def clean_phone(self) -> str:
        # The number coordinators give participants to call, and text messages name: E.164, as stored
        # everywhere (sms.phone_numbers).
        return phone_normalise(self.cleaned_data.get("phone") or "")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned is None:  # Django's own convention: None leaves cleaned_data as it is
            cleaned = self.cleaned_data
        old_roles = self.instance.roles if self.instance.pk else frozenset()
        groups = cleaned.get("groups")
        if groups is not None:
            new_roles = {Role(group.name) for group in groups if group.name in Role.values}
            added = (new_roles - old_roles) & ROLES_NEEDING_APPROVAL
            if added:
                self.add_error(
                    "groups",
                    gettext("%(roles)s needs a second administrator's approval: ask for it under Role grants.")
                    % {"roles": ", ".join(sorted(str(Role(r).label) for r in added))},
                )
        team = cleaned.get("team")
        if Role.COORDINATOR in old_roles and team is not None and team.pk != self.instance.team_id:
            self.add_error(
                "team",
                gettext("A coordinator's team decides whose case files they see: ask for the move under Role grants."),
            )
        return cleaned


class AdministratorUserAddForm(_AdministratorUserFormMixin, forms.ModelForm):
    """A new account without a password: the person chooses one from the reset link."""

    class Meta:
        model = User
        fields = [
            "username",
            "first_name",
            "last_name",
            "email",
            "is_integration",
            "team",
            "phone",
            "groups",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not cleaned.get("is_integration") and not cleaned.get("email"):
            self.add_error("email", gettext("A person needs an e-mail address for the link to choose a password."))
        return cleaned


class AdministratorUserChangeForm(_AdministratorUserFormMixin, UserChangeForm):
    pass


@admin.register(User)
class UserAdmin(_OwnMunicipalityAdmin, DjangoUserAdmin):
    fieldsets: ClassVar[_FieldsetSpec] = (
        *cast("_FieldsetSpec", DjangoUserAdmin.fieldsets),  # Django's UserAdmin sets them
        (_("Platsa"), {"fields": ("municipality", "team", "region", "phone", "is_integration")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
        (_("Platsa"), {"fields": ("is_integration",)}),
    )
    administrator_add_fieldsets: ClassVar[_FieldsetSpec] = (
        (None, {"fields": ("username", "first_name", "last_name", "email")}),
        (_("Platsa"), {"fields": ("team", "phone", "groups", "is_integration")}),
    )
    list_display = ["username", "first_name", "last_name", "municipality", "team", "is_active", "is_integration"]
    list_filter = ["municipality", "team", "groups", "is_active", "is_integration"]
    actions = ["send_password_reset", "log_out_everywhere"]
    # A region reaches past the administrator's municipality: a superuser's to set, as the role is.
    SUPERUSER_ONLY_FIELDS = ("is_superuser", "user_permissions", "is_staff", "region")

    def get_fieldsets(self, request: HttpRequest, obj: User | None = None) -> _FieldsetSpec:
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        if obj is None:
            return self.administrator_add_fieldsets
        # No password field: an administrator never sees or sets one.
        first, *rest = self.fieldsets
        return ((first[0], {**first[1], "fields": ("username",)}), *rest)

    def get_form(
        self, request: HttpRequest, obj: User | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[User]]:
        if not request.user.is_superuser:
            kwargs["form"] = AdministratorUserChangeForm if obj is not None else AdministratorUserAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> list[str] | tuple[str, ...]:
        readonly = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return readonly
        readonly = (*readonly, *self.SUPERUSER_ONLY_FIELDS)
        if obj is not None:
            readonly = (*readonly, "is_integration", "last_login", "date_joined")
            if obj.roles & ROLES_NEEDING_APPROVAL or obj.role_grants.filter(status=RoleGrant.Status.PENDING).exists():
                readonly = (*readonly, "email")
        return readonly

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def save_model(self, request: HttpRequest, obj: User, form: forms.ModelForm[User], change: bool) -> None:
        by = _admin_user(request)
        super().save_model(request, obj, form, change)
        if not change:
            services.user_added(user=obj, by=by, choose_own_password=not by.is_superuser)
        elif "is_active" in form.changed_data:
            services.user_active_changed(user=obj, by=by)

    def save_related(self, request: HttpRequest, form: forms.ModelForm[User], formsets: Any, change: bool) -> None:
        user = form.instance
        before = set(user.groups.values_list("name", flat=True))
        super().save_related(request, form, formsets, change)
        user.forget_roles()
        added = {Role(name) for name in set(user.groups.values_list("name", flat=True)) - before if name in Role.values}
        if added & ROLES_NEEDING_APPROVAL:
            # Only a superuser's form lets these through (the administrator's form refuses them).
            services.user_roles_given_directly(
                user=user, by=_admin_user(request), roles=added & ROLES_NEEDING_APPROVAL, team=user.team
            )

    @admin.action(description=_("Send a password reset link"), permissions=["change"])
    def send_password_reset(self, request: AuthenticatedHttpRequest, queryset: QuerySet[User]) -> None:
        sent = 0
        for user in queryset:
            try:
                services.user_send_password_reset(user=user, by=request.user)
                sent += 1
            except ValidationError as exc:
                self.message_user(request, f"{user}: {' '.join(exc.messages)}", messages.WARNING)
        if sent:
            reset = ngettext(
                "A reset link was sent to %(count)s user.", "Reset links were sent to %(count)s users.", sent
            )
            self.message_user(request, reset % {"count": sent}, messages.SUCCESS)

    @admin.action(description=_("Log out everywhere and revoke API tokens"), permissions=["change"])
    def log_out_everywhere(self, request: AuthenticatedHttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            if user.is_superuser and not request.user.is_superuser:
                continue
            services.user_log_out_everywhere(user=user, by=request.user)
        self.message_user(request, gettext("Sessions ended and tokens revoked."), messages.SUCCESS)


class RoleGrantForm(forms.ModelForm):
    acting_user: User

    class Meta:
        model = RoleGrant
        fields = ["user", "role", "team", "reason"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "role" in self.fields:  # not on the read-only view page
            cast(forms.ChoiceField, self.fields["role"]).choices = [
                c for c in Role.choices if c[0] in ROLES_NEEDING_APPROVAL - ROLES_ONLY_A_SUPERUSER_GIVES
            ]
            cast(forms.ModelChoiceField, self.fields["user"]).queryset = User.objects.filter(
                account_scope(self.acting_user), is_superuser=False, is_active=True
            )
            cast(forms.ModelChoiceField, self.fields["team"]).queryset = Team.objects.filter(
                municipality_scope(self.acting_user)
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned is None:  # Django's own convention: None leaves cleaned_data as it is
            cleaned = self.cleaned_data
        if not self.errors and cleaned.get("user") and cleaned.get("role"):
            try:
                services.role_grant_check(
                    user=cleaned["user"], role=cleaned["role"], team=cleaned.get("team"), by=self.acting_user
                )
            except ValidationError as exc:
                self.add_error(None, exc)
        return cleaned


def _copy_into(obj: Any, saved: Any) -> None:
    """Let the admin's add view carry on with the object a service created."""
    obj.__dict__.update({k: v for k, v in saved.__dict__.items() if k != "_state"})
    obj._state.adding = False


def _approved(count: int) -> str:
    return ngettext("%(count)s request approved.", "%(count)s requests approved.", count) % {"count": count}


def _refused(count: int) -> str:
    return ngettext("%(count)s request refused.", "%(count)s requests refused.", count) % {"count": count}


@admin.register(RoleGrant)
class RoleGrantAdmin(BoundedSearchAdmin):
    """One administrator asks (add), another approves or refuses (the actions on the list)."""

    form = RoleGrantForm
    list_display = [
        "user",
        "user_email",
        "role",
        "team",
        "status",
        "reason",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["status", "role"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    list_select_related = ["user", "team", "requested_by", "decided_by"]
    readonly_fields = ["status", "requested_by", "requested_at", "decided_by", "decided_at"]
    actions = ["approve", "refuse"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[RoleGrant]:
        return super().get_queryset(request).filter(account_record_scope(_admin_user(request)))

    def get_form(
        self, request: HttpRequest, obj: RoleGrant | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[RoleGrant]]:
        # A subclass of self.form, RoleGrantForm (modelform_factory).
        form = cast(type[RoleGrantForm], super().get_form(request, obj, change=change, **kwargs))
        form.acting_user = _admin_user(request)
        return form

    def save_model(self, request: HttpRequest, obj: RoleGrant, form: RoleGrantForm, change: bool) -> None:
        grant = services.role_grant_request(
            user=obj.user, role=obj.role, team=obj.team, reason=obj.reason, by=_admin_user(request)
        )
        _copy_into(obj, grant)

    @admin.display(description=_("email address"), ordering="user__email")
    def user_email(self, grant: RoleGrant) -> str:
        """Where the account's reset links go: the one deciding sees whose address it is."""
        return grant.user.email

    def has_change_permission(self, request: HttpRequest, obj: RoleGrant | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: RoleGrant | None = None) -> bool:
        return False

    def has_decide_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("accounts.decide_rolegrant")

    def _decide(
        self,
        request: AuthenticatedHttpRequest,
        queryset: QuerySet[RoleGrant],
        decide: Callable[..., RoleGrant],
        done: Callable[[int], str],
    ) -> None:
        count = 0
        for grant in queryset:
            try:
                decide(grant=grant, by=request.user)
                count += 1
            except ValidationError as exc:
                self.message_user(request, f"{grant}: {' '.join(exc.messages)}", messages.ERROR)
        if count:
            self.message_user(request, done(count), messages.SUCCESS)

    @admin.action(description=_("Approve the chosen requests"), permissions=["decide"])
    def approve(self, request: AuthenticatedHttpRequest, queryset: QuerySet[RoleGrant]) -> None:
        self._decide(request, queryset, services.role_grant_approve, _approved)

    @admin.action(description=_("Refuse the chosen requests"), permissions=["decide"])
    def refuse(self, request: AuthenticatedHttpRequest, queryset: QuerySet[RoleGrant]) -> None:
        self._decide(request, queryset, services.role_grant_refuse, _refused)


class ApiTokenForm(forms.ModelForm):
    acting_user: User

    class Meta:
        model = ApiToken
        fields = ["user", "name"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "user" in self.fields:  # not on the read-only view page
            cast(forms.ModelChoiceField, self.fields["user"]).queryset = User.objects.filter(
                account_scope(self.acting_user), is_active=True, is_integration=True
            )

    def clean_user(self) -> User:
        user: User = self.cleaned_data["user"]
        try:
            services.api_token_check(user=user)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["user"]) from exc
        return user


class _NewTokenRequest(HttpRequest):
    """The add view's request once save_model has made the token: it carries the key to response_add."""

    _platsa_new_key: str


@admin.register(ApiToken)
class ApiTokenAdmin(BoundedSearchAdmin):
    """Tokens of integration users. The key is shown once, on the page after *Save*; only its hash is kept."""

    form = ApiTokenForm
    list_display = ["name", "user", "prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__username"]
    list_select_related = ["user", "created_by"]
    readonly_fields = ["prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApiToken]:
        return super().get_queryset(request).filter(account_record_scope(_admin_user(request)))

    def get_form(
        self, request: HttpRequest, obj: ApiToken | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[ApiToken]]:
        form = cast(type[ApiTokenForm], super().get_form(request, obj, change=change, **kwargs))
        form.acting_user = _admin_user(request)
        return form

    def save_model(self, request: HttpRequest, obj: ApiToken, form: ApiTokenForm, change: bool) -> None:
        token, key = services.api_token_create(user=obj.user, name=obj.name, by=_admin_user(request))
        _copy_into(obj, token)
        cast(_NewTokenRequest, request)._platsa_new_key = key  # for response_add, this request only; never stored

    def response_add(self, request: HttpRequest, obj: ApiToken, post_url_continue: str | None = None) -> HttpResponse:
        # Not cached: the admin's views are never_cache, and NoStoreMiddleware marks every signed-in answer.
        return TemplateResponse(
            request,
            "admin/accounts/apitoken/created.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("API token created"),
                "token": obj,
                "key": cast(_NewTokenRequest, request)._platsa_new_key,
                "opts": self.opts,
                "changelist_url": reverse("admin:accounts_apitoken_changelist"),
            },
        )

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False  # revoked, not deleted: the list keeps who made it and when it was last used

    @admin.action(description=_("Revoke the chosen tokens"), permissions=["add"])
    def revoke(self, request: AuthenticatedHttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            services.api_token_revoke(token=token, by=request.user)
        self.message_user(request, gettext("Tokens revoked."), messages.SUCCESS)


class ReadOnlyAdmin(BoundedSearchAdmin):
    """Rows written by the code that acts, only read here: the logs, and privacy's runs and records."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(AccessLogEntry)
class AccessLogAdmin(ReadOnlyAdmin):
    """Searchable by person (participant id) and by user; read-only; exportable as CSV."""

    list_display = ["at", "username", "participant_id", "action", "reason"]
    list_filter = ["action", "at"]
    search_fields = ["=participant_id", "username"]
    date_hierarchy = "at"
    actions = ["export_csv"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AccessLogEntry]:
        # The export's entries come from here too: the admin takes the chosen rows from this queryset.
        return super().get_queryset(request).filter(access_log_scope(_admin_user(request)))

    @admin.action(description=_("Export the chosen entries as CSV"))
    def export_csv(self, request: HttpRequest, queryset: QuerySet[AccessLogEntry]) -> HttpResponse:
        return csv_response(
            filename="platsa-access-log.csv",
            header=["at", "user", "participant_id", "action", "fields", "reason"],
            rows=(
                [
                    entry.at.isoformat(),
                    entry.username,
                    entry.participant_id,
                    entry.action,
                    ",".join(entry.fields),
                    entry.reason,
                ]
                for entry in queryset.order_by("at")
            ),
        )


@admin.register(AdminAuditEntry)
class AdminAuditAdmin(ReadOnlyAdmin):
    """Who added, activated or deactivated an account, asked for or decided a role, sent a reset link,
    created or revoked a token. Searchable by either account; read-only; exportable as CSV."""

    list_display = ["at", "username", "action", "target_username", "detail"]
    list_filter = ["action", "at"]
    search_fields = ["username", "target_username", "=target_user_id"]
    date_hierarchy = "at"
    actions = ["export_csv"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AdminAuditEntry]:
        return super().get_queryset(request).filter(admin_audit_scope(_admin_user(request)))

    @admin.action(description=_("Export the chosen entries as CSV"))
    def export_csv(self, request: HttpRequest, queryset: QuerySet[AdminAuditEntry]) -> HttpResponse:
        return csv_response(
            filename="platsa-administration-log.csv",
            header=["at", "by", "action", "account", "detail"],
            rows=(
                [entry.at.isoformat(), entry.username, entry.action, entry.target_username, entry.detail]
                for entry in queryset.order_by("at")
            ),
        )


# Third-party admins with a search box get the same bounds (tests/test_hostile_input.py checks that every
# registered admin with search fields has them). Importing axes.admin registers its pages first.
class BoundedGroupAdmin(BoundedSearchAdmin, GroupAdmin):
    pass


class BoundedAccessAttemptAdmin(BoundedSearchAdmin, axes_admin.AccessAttemptAdmin):  # type: ignore[misc]  # django-axes ships no types
    def get_queryset(self, request: HttpRequest) -> QuerySet[AccessAttempt]:
        return super().get_queryset(request).filter(login_lockout_scope(_admin_user(request)))


class BoundedAxesAccessLogAdmin(BoundedSearchAdmin, axes_admin.AccessLogAdmin):  # type: ignore[misc]  # django-axes ships no types
    pass


class BoundedAccessFailureLogAdmin(BoundedSearchAdmin, axes_admin.AccessFailureLogAdmin):  # type: ignore[misc]  # django-axes ships no types
    pass


for _model, _bounded_admin in (
    (Group, BoundedGroupAdmin),
    (AccessAttempt, BoundedAccessAttemptAdmin),
    (AxesAccessLog, BoundedAxesAccessLogAdmin),
    (AccessFailureLog, BoundedAccessFailureLogAdmin),
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
        admin.site.register(_model, _bounded_admin)
