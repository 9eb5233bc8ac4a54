"""Administrators edit the retention rules and read the runs and erasure records here (the erasure
records of their municipality only); nobody else sees them (the admin also requires staff status).
Rules are seeded, one per record type: they are changed, never added or deleted. Runs and erasure
records are written by the services only."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.access import municipality_scope
from accounts.admin import ReadOnlyAdmin
from accounts.models import Role

from .models import ErasureRecord, RetentionRule, RetentionRun


def _is_administrator(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and (user.is_superuser or user.has_role(Role.ADMINISTRATOR)))


class AdministratorsOnly(ReadOnlyAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_administrator(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return _is_administrator(request)


@admin.register(RetentionRule)
class RetentionRuleAdmin(AdministratorsOnly):
    list_display = ["record_type", "trigger", "period", "unit", "action", "updated_at"]
    fields = ["record_type", "help", "trigger", "period", "unit", "action", "rationale"]
    readonly_fields = ["record_type", "help"]

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return _is_administrator(request)

    @admin.display(description=_("What it covers"))
    def help(self, obj: RetentionRule) -> str:
        return obj.help


@admin.register(RetentionRun)
class RetentionRunAdmin(AdministratorsOnly):
    list_display = ["run_on", "status", "started_at", "finished_at", "counts"]
    readonly_fields = ["run_on", "status", "started_at", "finished_at", "counts", "error"]


@admin.register(ErasureRecord)
class ErasureRecordAdmin(AdministratorsOnly):
    """An administrator lists and opens the erasures of their municipality's case files only
    (`municipality_scope`; a superuser all): another municipality's former record numbers, reasons and
    erasers are none of theirs."""

    list_display = ["at", "reference", "participant_id", "method", "by", "reason"]
    search_fields = ["=participant_id", "reference"]
    readonly_fields = ["at", "reference", "participant_id", "municipality", "method", "by", "reason", "counts"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ErasureRecord]:
        return super().get_queryset(request).filter(municipality_scope(request.user)).select_related("by")
