import csv

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from .models import AccessLogEntry, Team, User

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: str) -> str:
    """Typed text as a spreadsheet shows it, never as a formula: a reason such as '=HYPERLINK(...)'
    opened in Excel would otherwise run (CSV formula injection). The leading quote marks text."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Administrators (accounts.access.ADMINISTRATOR_PERMISSIONS) add users, give them a team and a role
    (group) and deactivate them. Only superusers make superusers, grant single permissions or change a
    superuser's account: otherwise an administrator could make themselves one."""

    fieldsets = (*(DjangoUserAdmin.fieldsets or ()), (_("Platsa"), {"fields": ("team", "phone")}))
    list_display = ["username", "first_name", "last_name", "team", "is_active"]
    list_filter = ["team", "groups", "is_active"]
    SUPERUSER_ONLY_FIELDS = ("is_superuser", "user_permissions")

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> list[str] | tuple[str, ...]:
        readonly = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return readonly
        return (*readonly, *self.SUPERUSER_ONLY_FIELDS)

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)


@admin.register(AccessLogEntry)
class AccessLogAdmin(admin.ModelAdmin):
    """Searchable by person (participant id) and by user; read-only; exportable as CSV."""

    list_display = ["at", "username", "participant_id", "action", "reason"]
    list_filter = ["action", "at"]
    search_fields = ["=participant_id", "username"]
    date_hierarchy = "at"
    actions = ["export_csv"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AccessLogEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AccessLogEntry | None = None) -> bool:
        return False

    @admin.action(description=_("Export the chosen entries as CSV"))
    def export_csv(self, request: HttpRequest, queryset: QuerySet[AccessLogEntry]) -> HttpResponse:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="platsa-access-log.csv"'
        writer = csv.writer(response)
        writer.writerow(["at", "user", "participant_id", "action", "fields", "reason"])
        for entry in queryset.order_by("at"):
            writer.writerow(
                [
                    entry.at.isoformat(),
                    spreadsheet_text(entry.username),
                    entry.participant_id,
                    entry.action,
                    ";".join(entry.fields),
                    spreadsheet_text(entry.reason),
                ]
            )
        return response
