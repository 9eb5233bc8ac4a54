from typing import Any, cast

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from accounts.access import municipality_scope
from accounts.admin import ReadOnlyAdmin
from accounts.models import Role, User
from participants.admin import TenantKeyedAdmin

from .models import (
    Acknowledgement,
    AgreementTerms,
    FollowUp,
    LaterOutcome,
    MatchingWeights,
    Placement,
    PlacementEvent,
)


class FollowUpInline(admin.TabularInline):
    model = FollowUp
    extra = 0
    fields = ["due_date", "done_on", "cancelled_on", "concern"]


class EventInline(admin.TabularInline):
    model = PlacementEvent
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "at", "by", "note"]


@admin.register(Placement)
class PlacementAdmin(TenantKeyedAdmin):
    list_display = ["participant", "need", "supervisor", "status", "planned_start", "planned_end", "outcome"]
    list_filter = ["status", "placement_type", "outcome"]
    raw_id_fields = ["participant", "need", "supervisor", "coordinator"]
    inlines = [EventInline, FollowUpInline]


@admin.register(FollowUp)
class FollowUpAdmin(TenantKeyedAdmin):
    list_display = ["placement", "due_date", "done_on", "cancelled_on", "concern"]
    raw_id_fields = ["placement", "author"]


@admin.register(LaterOutcome)
class LaterOutcomeAdmin(TenantKeyedAdmin):
    list_display = ["placement", "days_after", "outcome", "recorded_on"]
    raw_id_fields = ["placement", "recorded_by"]


@admin.register(PlacementEvent)
class PlacementEventAdmin(TenantKeyedAdmin):
    list_display = ["placement", "from_status", "to_status", "at"]
    raw_id_fields = ["placement", "by"]


@admin.register(Acknowledgement)
class AcknowledgementAdmin(ReadOnlyAdmin):
    """Typed-name acknowledgements from before the parties signed: kept, read only."""

    list_display = ["placement", "party", "name", "at"]
    raw_id_fields = ["placement", "recorded_by"]


def _is_administrator(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and (user.is_superuser or user.has_role(Role.ADMINISTRATOR)))


@admin.register(AgreementTerms)
class AgreementTermsAdmin(admin.ModelAdmin):
    """Administrators edit the standard terms of their own municipality (`municipality_scope`): they
    list and open only its versions, and a version they save is its. A superuser sees every
    municipality's and chooses whose a version is. Saving always makes a new version: an agreement
    already sent or signed keeps the text it was made with. Versions are never deleted."""

    list_display = ["__str__", "municipality", "created_at", "created_by"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AgreementTerms]:
        return super().get_queryset(request).filter(municipality_scope(request.user)).select_related("municipality")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("municipality", *AgreementTerms.SECTIONS) if request.user.is_superuser else AgreementTerms.SECTIONS

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_administrator(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return _is_administrator(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # An administrator's version is their municipality's: without one they have none to add to.
        by = cast(User, request.user)  # the admin requires a staff login
        return _is_administrator(request) and bool(by.is_superuser or by.municipality_id)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return _is_administrator(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: AgreementTerms, form: ModelForm, change: bool) -> None:
        obj.pk = None  # a new version, never an edit of one in use
        obj._state.adding = True
        by = cast(User, request.user)  # the admin requires a staff login
        if not by.is_superuser and by.municipality_id is not None:  # without one they add none (above)
            obj.municipality_id = by.municipality_id
        obj.created_by = request.user  # type: ignore[assignment]  # the admin requires a logged-in user
        obj.save()


@admin.register(MatchingWeights)
class MatchingWeightsAdmin(admin.ModelAdmin):
    """Administrators change their own municipality's weights (`municipality_scope`): they list and
    open only its row, and the row they add is its (one each; until then it ranks with the defaults).
    A superuser sees every municipality's and chooses whose a new row is."""

    list_display = ["__str__", "municipality", "updated_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[MatchingWeights]:
        return super().get_queryset(request).filter(municipality_scope(request.user)).select_related("municipality")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("municipality", *MatchingWeights.CRITERIA) if request.user.is_superuser else MatchingWeights.CRITERIA

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("municipality",) if obj is not None and request.user.is_superuser else ()  # whose a row is stays

    def has_add_permission(self, request: HttpRequest) -> bool:
        if not super().has_add_permission(request):
            return False
        by = cast(User, request.user)  # the admin requires a staff login
        if by.is_superuser:
            return True  # the form refuses a second row of a municipality
        # One row each: an administrator without a municipality has none to add, one with a row changes it.
        return bool(by.municipality_id) and not MatchingWeights.objects.filter(municipality=by.municipality_id).exists()

    def save_model(self, request: HttpRequest, obj: MatchingWeights, form: ModelForm, change: bool) -> None:
        by = cast(User, request.user)  # the admin requires a staff login
        if not change and not by.is_superuser and by.municipality_id is not None:  # without one they add none
            obj.municipality_id = by.municipality_id
        super().save_model(request, obj, form, change)
