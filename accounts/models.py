"""Users, the teams they work in, and the roles that decide what they may see."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, TypeVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .municipal_settings import FollowUpPoint, follow_up_schedule_parse, site_url_check

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Role(models.TextChoices):
    """The roles of Platsa. Each is a Django group of the same name, created by a data migration."""

    COORDINATOR = "Coordinator", _("Coordinator")
    SUPERVISOR = "Supervisor", _("Supervisor")
    MANAGER = "Manager", _("Manager")
    ADMINISTRATOR = "Administrator", _("Administrator")
    # The aggregated figures of every municipality of a region, side by side: no case file, no register.
    REGIONAL_MANAGER = "RegionalManager", _("Regional manager")


# Roles an administrator cannot give on their own: Coordinator and Supervisor open case files (and a
# coordinator's team decides whose), Administrator could approve its holder's requests. Each needs a
# second administrator's approval of a RoleGrant, or a superuser. Regional manager reaches past the
# administrator's own municipality (the figures of the whole region): only a superuser gives it
# (`accounts.services.role_grant_check` refuses a request for it).
ROLES_NEEDING_APPROVAL = frozenset({Role.COORDINATOR, Role.SUPERVISOR, Role.ADMINISTRATOR, Role.REGIONAL_MANAGER})
ROLES_ONLY_A_SUPERUSER_GIVES = frozenset({Role.REGIONAL_MANAGER})


# SCB's municipality codes: two digits of the county (län), two of the municipality within it.
COUNTY_CODES = frozenset(f"{n:02d}" for n in (1, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, *range(17, 26)))


def validate_municipality_code(value: str) -> None:
    """A municipality code as SCB gives it: four digits, the first two a county's (\"0180\", \"2380\")."""
    if len(value) != 4 or not value.isdigit() or value[:2] not in COUNTY_CODES:
        raise ValidationError(
            _("Give the municipality code as SCB has it: four digits, beginning with the county code."),
            code="municipality_code",
        )


class Region(models.Model):
    """Municipalities that report together (a county's, or those one placement service serves): a
    regional manager sees their figures side by side and the region's totals, never a case file.
    Added in the admin by a superuser only."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    code = models.SlugField(
        _("code"), max_length=30, unique=True, help_text=_("A short name for files and links, for example norrbotten.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    """The outer boundary of Platsa: a municipality whose teams, case files and reports are its own.
    Need-to-know holds across municipalities: no one outside it (but a superuser) sees its case files.
    Added in the admin by a superuser only. The letterhead is what its documents carry."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    code = models.CharField(
        _("municipality code"),
        max_length=4,
        unique=True,
        validators=[RegexValidator(r"^[0-9]{4}$"), validate_municipality_code],
        help_text=_("SCB code of the municipality, four digits (for example 2380)."),
    )
    letterhead_unit = models.CharField(_("unit on the letterhead"), max_length=150, blank=True)
    letterhead_address = models.CharField(_("address on the letterhead"), max_length=300, blank=True)
    letterhead_phone = models.CharField(_("phone on the letterhead"), max_length=30, blank=True)
    letterhead_email = models.EmailField(_("e-mail on the letterhead"), blank=True)
    letterhead_web = models.CharField(_("web address on the letterhead"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="municipalities",
        verbose_name=_("region"),
        help_text=_("The region whose figures the municipality's are part of, if any."),
    )
    # Its own settings; blank: the installation's (settings.FOLLOW_UP_SCHEDULE, settings.SITE_URL).
    # Read through follow_up_schedule_items() and municipal_settings.site_url_for, nowhere directly.
    follow_up_schedule = models.CharField(
        _("follow-up schedule"),
        max_length=200,
        blank=True,
        help_text=_(
            "When follow-ups fall due after a placement starts: days after the start (14d), mid and end, "
            "separated by commas, for example “14d, mid, end”. Empty: the installation's default."
        ),
    )
    site_url = models.CharField(
        _("site address"),
        max_length=200,
        blank=True,
        help_text=_(
            "The address the links in e-mail and text messages about its placements begin with, for example "
            "https://platsa.kommun.se. Empty: the installation's address."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        # Checked here rather than as field validators, so that the migration needs no app code.
        errors: dict[str, ValidationError] = {}
        if self.follow_up_schedule.strip():
            try:
                follow_up_schedule_parse(self.follow_up_schedule)
            except ValidationError as error:
                errors["follow_up_schedule"] = error
        if self.site_url:
            try:
                self.site_url = site_url_check(self.site_url)
            except ValidationError as error:
                errors["site_url"] = error
        if errors:
            raise ValidationError(errors)

    def follow_up_schedule_items(self) -> list[FollowUpPoint]:
        """When the follow-ups of its placements fall due: its own schedule, or when blank the
        installation's (settings.FOLLOW_UP_SCHEDULE, which must be readable)."""
        if self.follow_up_schedule.strip():
            return follow_up_schedule_parse(self.follow_up_schedule)
        try:
            return follow_up_schedule_parse(settings.FOLLOW_UP_SCHEDULE)
        except ValidationError as error:
            raise ImproperlyConfigured(f"FOLLOW_UP_SCHEDULE: {'; '.join(error.messages)}") from error

    @property
    def letterhead(self) -> dict[str, str]:
        """The letterhead as settings.PLATSA_LETTERHEAD has it (unit, address, phone, email, web)."""
        return {
            "unit": self.letterhead_unit,
            "address": self.letterhead_address,
            "phone": self.letterhead_phone,
            "email": self.letterhead_email,
            "web": self.letterhead_web,
        }


class Team(models.Model):
    """A unit of the labour-market department; coordinators see their own team's participants."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="teams", verbose_name=_("municipality")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who logs in to Platsa: staff of the labour-market unit, a supervisor or a manager."""

    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="members", verbose_name=_("team")
    )
    # The user's municipality: a team member's is the team's (`clean`); a manager's, an administrator's
    # or a supervisor's is given. Empty: no municipality's case files or figures (a superuser sees all).
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("municipality"),
        help_text=_("A team member belongs to the municipality of the team."),
    )
    # A regional manager's region: whose municipalities' figures they see. Not a team member's.
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("region"),
        help_text=_("For a regional manager: the region whose figures they see."),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    sessions_valid_after = models.DateTimeField(
        _("sessions valid after"),
        null=True,
        blank=True,
        help_text=_("Set by “log out everywhere”: sessions begun before this are ended."),
    )
    is_integration = models.BooleanField(
        _("integration"),
        default=False,
        help_text=_("An account for a machine client: it signs in with API tokens only, never on the pages."),
    )

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined, misc]  # django-stubs has no AbstractUser.Meta
        verbose_name = _("user")
        verbose_name_plural = _("users")
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def clean(self) -> None:
        super().clean()
        error = team_municipality_error(team=self.team, municipality_id=self.municipality_id)
        if error:
            raise error  # not on a field: the user forms do not all show both
        if self.team is not None:
            self.municipality_id = self.team.municipality_id
        if self.region_id and self.team_id:
            raise ValidationError(
                _("A regional manager's region is not a team's: a user with a region has no team."), code="region_team"
            )
        if self.pk and Role.REGIONAL_MANAGER in self.roles and not self.region_id:
            raise ValidationError(_("A regional manager needs a region."), code="regional_manager_region")

    @property
    def roles(self) -> frozenset[Role]:
        """The user's roles, read once per request object."""
        cached = getattr(self, "_roles_cache", None)
        if cached is None:
            names = set(self.groups.values_list("name", flat=True)) if self.pk else set()
            cached = frozenset(Role(n) for n in names if n in Role.values)
            self._roles_cache = cached
        return cached

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    def forget_roles(self) -> None:
        """After the user's groups change: `roles` reads them again."""
        self.__dict__.pop("_roles_cache", None)


def team_municipality_error(*, team: Team | None, municipality_id: int | None) -> ValidationError | None:
    """The one rule for anything that has a team and a municipality (a user, a case file): the
    municipality is the team's. None when they agree or the municipality is still to be set from the team."""
    if team is None or municipality_id is None or team.municipality_id == municipality_id:
        return None
    return ValidationError(_("The team belongs to another municipality."), code="other_municipality")


class AccessAction(models.TextChoices):
    VIEW = "view", _("Opened the case file")
    LIST = "list", _("Shown in a list or search")
    CHANGE = "change", _("Changed")
    CREATE = "create", _("Registered")
    REVEAL = "reveal", _("Revealed the identity number")
    EXPORT = "export", _("Exported")
    LOOKUP = "lookup", _("Looked up by identity number")
    BREAK_GLASS = "break_glass", _("Opened outside the team, with a reason")
    ERASE = "erase", _("Erased or pseudonymised on request")
    SMS = "sms", _("Sent a text message")


_Row = TypeVar("_Row", bound="AppendOnlyModel")


class AppendOnlyQuerySet(models.QuerySet[_Row]):
    """Rows written once and never changed: bulk updates and deletes are refused here, and on
    PostgreSQL also by a trigger in the database (migrations 0005 and 0010)."""

    def update(self, **kwargs: object) -> int:
        raise PermissionError(f"{self.model.APPEND_ONLY} is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError(f"{self.model.APPEND_ONLY} is append-only")


class AppendOnlyModel(models.Model):
    """A log whose entries are written once. (Not domain logic: a storage guarantee.)"""

    APPEND_ONLY: ClassVar[str] = "the log"

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise PermissionError(f"{self.APPEND_ONLY} is append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]  # Model.save's own keywords, passed on

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError(f"{self.APPEND_ONLY} is append-only")


def _tenant_key(*, help_text: StrOrPromise, null: bool) -> models.ForeignKey[Municipality | None, Municipality | None]:
    """The municipality key of an accounts row that belongs to one (README, "Municipalities"): set by
    the one function that writes the row, never in a form, and never deleted from under it."""
    return models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=null,
        blank=null,
        editable=False,
        db_index=True,
        related_name="+",
        verbose_name=_("municipality"),
        help_text=help_text,
    )


class AccessLogEntry(AppendOnlyModel):
    """One access to a participant's personal data: who, when, whose record, what, which fields, why.

    The participant is kept as a plain id, not a foreign key, so the log outlives an erased record
    and a lower app need not know the participant model.

    `municipality` is the case file's, taken from it as the entry is written (`access_log._write`,
    the one place entries are written), whoever read it: a supervisor or a link holder, who belong
    to no municipality, too. Never null: every entry is about a case file. It stays when the case
    file is erased, so the entry stays in its municipality's log (`access.access_log_scope`)."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # No database constraint: the log keeps a user's entries (and name) after the account is deleted.
    user = models.ForeignKey(
        User,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    username = models.CharField(_("user name"), max_length=150)
    participant_id = models.BigIntegerField(_("participant"), db_index=True)
    municipality = _tenant_key(help_text=_("The municipality of the case file."), null=False)
    action = models.CharField(_("action"), max_length=20, choices=AccessAction.choices)
    fields = models.JSONField(_("fields changed"), default=list, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    APPEND_ONLY = "the access log"

    objects = AppendOnlyQuerySet["AccessLogEntry"].as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [models.Index(fields=["user", "-at"], name="accesslog_user_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.participant_id}"


class BreakGlassGrant(models.Model):
    """A coordinator's stated-reason access to one participant outside their team, for a few hours.
    Logged in the access log and flagged for the log review.

    `municipality` is the case file's (never null), set by `services.break_glass_open`, which grants
    only within the coordinator's municipality; a grant counts only within its own
    (`access.participant_reach`)."""

    HOURS = 4

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="break_glass_grants", verbose_name=_("user"))
    participant_id = models.BigIntegerField(_("participant"))
    municipality = _tenant_key(help_text=_("The municipality of the case file."), null=False)
    reason = models.CharField(_("reason"), max_length=300)
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        ordering = ["-granted_at"]
        verbose_name = _("access outside the team")
        verbose_name_plural = _("accesses outside the team")
        indexes = [models.Index(fields=["user", "expires_at"], name="breakglass_user_expires")]

    def __str__(self) -> str:
        return f"{self.user} {self.participant_id} {self.granted_at:%Y-%m-%d %H:%M}"


class LogReview(models.Model):
    """The monthly review of the access log, signed off by an administrator or the data protection officer.

    One a month per municipality: each reviews its own log (`access.access_log_scope`). A sign-off by
    someone of no municipality (a superuser) is the installation's, also one a month."""

    month = models.DateField(_("month"), help_text=_("The first day of the month reviewed."))
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
        help_text=_("Whose access log was reviewed: the reviewer's municipality."),
    )
    reviewed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed"), default=timezone.now)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("access log review")
        verbose_name_plural = _("access log reviews")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "month"], name="log_review_one_a_month"),
            models.UniqueConstraint(
                fields=["month"],
                condition=models.Q(municipality__isnull=True),
                name="log_review_one_a_month_installation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class AdminAction(models.TextChoices):
    USER_ADDED = "user_added", _("Added the user")
    USER_ACTIVATED = "user_activated", _("Activated the user")
    USER_DEACTIVATED = "user_deactivated", _("Deactivated the user")
    RESET_LINK_SENT = "reset_link_sent", _("Sent a password reset link")
    LOGGED_OUT_EVERYWHERE = "logged_out_everywhere", _("Ended every session and token")
    ROLE_REQUESTED = "role_requested", _("Requested a role")
    ROLE_APPROVED = "role_approved", _("Approved a role")
    ROLE_REFUSED = "role_refused", _("Refused a role")
    ROLE_GIVEN = "role_given", _("Gave a role directly (superuser)")
    TOKEN_CREATED = "token_created", _("Created an API token")
    TOKEN_REVOKED = "token_revoked", _("Revoked an API token")


class AdminAuditEntry(AppendOnlyModel):
    """One administrative act on an account: who, when, on whose account, what. Append-only.

    Nothing personal beyond the account names: the detail holds a role, a team or a token's prefix,
    never an e-mail address, a password or a key.

    `municipality` is that of the account acted on, or if it has none (a supervisor's, a superuser's)
    that of the account that acted, as they were when the entry was written (`admin_audit.log_admin_action`,
    the one place entries are written). Null: the installation's, an act of and on accounts of no
    municipality (a superuser's), which only superusers read (`access.admin_audit_scope`)."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        User,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    username = models.CharField(_("by (user name)"), max_length=150)
    action = models.CharField(_("action"), max_length=30, choices=AdminAction.choices)
    target_user_id = models.BigIntegerField(_("account"), null=True, blank=True, db_index=True)
    target_username = models.CharField(_("account (user name)"), max_length=150, blank=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    municipality = _tenant_key(
        help_text=_("Whose administration it is: the account's municipality, or the acting account's."), null=True
    )

    APPEND_ONLY = "the audit log"

    objects = AppendOnlyQuerySet["AdminAuditEntry"].as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("administration log entry")
        verbose_name_plural = _("administration log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.target_username}"


class RoleGrant(models.Model):
    """A request to give a user a role that needs a second administrator (ROLES_NEEDING_APPROVAL),
    with the team for a coordinator. Another administrator, never the requester or the grantee,
    approves or refuses it (accounts.services.role_grant_*).

    `municipality` is the team's for a coordinator, otherwise the user's, set by
    `services.role_grant_request` (an administrator asks only for their own municipality's accounts).
    Null only where neither has one: a superuser's request for an account of no municipality (a
    supervisor's), which only superusers see (`access.account_record_scope`)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
        help_text=_("For a coordinator: the team whose case files they will see."),
    )
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    municipality = _tenant_key(help_text=_("The municipality of the team, or of the user."), null=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        permissions = [("decide_rolegrant", _("Can approve or refuse role grants"))]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role"], condition=models.Q(status="pending"), name="rolegrant_one_pending_per_role"
            ),
            models.CheckConstraint(
                condition=~models.Q(role="Coordinator") | models.Q(team__isnull=False),
                name="rolegrant_coordinator_has_team",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} ({self.get_status_display()})"


class ApiToken(models.Model):
    """An API key of an integration user (accounts.tokens). Only a SHA-256 of the key is stored; the
    key itself is shown once, when it is created.

    `municipality` is its user's when it was issued (`services.api_token_create`). Null only for an
    integration user of no municipality, which only a superuser issues and sees
    (`access.account_record_scope`)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(_("what it is for"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=8, db_index=True)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )
    issued_by_superuser = models.BooleanField(_("issued by a superuser"), default=False, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    municipality = _tenant_key(help_text=_("The municipality of the integration user."), null=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"
