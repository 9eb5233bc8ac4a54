"""Users, the teams they work in, and the roles that decide what they may see."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of Platsa. Each is a Django group of the same name, created by a data migration."""

    COORDINATOR = "Coordinator", _("Coordinator")
    SUPERVISOR = "Supervisor", _("Supervisor")
    MANAGER = "Manager", _("Manager")
    ADMINISTRATOR = "Administrator", _("Administrator")


class Team(models.Model):
    """A unit of the labour-market department; coordinators see their own team's participants."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)

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
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    sessions_valid_after = models.DateTimeField(
        _("sessions valid after"),
        null=True,
        blank=True,
        help_text=_("Set by “log out everywhere”: sessions begun before this are ended."),
    )

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined, misc]  # django-stubs has no AbstractUser.Meta
        verbose_name = _("user")
        verbose_name_plural = _("users")
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.get_full_name() or self.username

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


class AccessLogEntryQuerySet(models.QuerySet["AccessLogEntry"]):
    """Entries are written once and never changed: bulk updates and deletes are refused here, and
    on PostgreSQL also by a trigger in the database."""

    def update(self, **kwargs: object) -> int:
        raise PermissionError("the access log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("the access log is append-only")


class AccessLogEntry(models.Model):
    """One access to a participant's personal data: who, when, whose record, what, which fields, why.

    The participant is kept as a plain id, not a foreign key, so the log outlives an erased record
    and a lower app need not know the participant model."""

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
    action = models.CharField(_("action"), max_length=20, choices=AccessAction.choices)
    fields = models.JSONField(_("fields changed"), default=list, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    objects = AccessLogEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [models.Index(fields=["user", "-at"], name="accesslog_user_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.participant_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        # Append-only: an entry is written once. (Not domain logic: a storage guarantee.)
        if self.pk is not None:
            raise PermissionError("the access log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("the access log is append-only")


class BreakGlassGrant(models.Model):
    """A coordinator's stated-reason access to one participant outside their team, for a few hours.
    Logged in the access log and flagged for the log review."""

    HOURS = 4

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="break_glass_grants", verbose_name=_("user"))
    participant_id = models.BigIntegerField(_("participant"))
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
    """The monthly review of the access log, signed off by an administrator or the data protection officer."""

    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the month reviewed."))
    reviewed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed"), default=timezone.now)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("access log review")
        verbose_name_plural = _("access log reviews")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"
