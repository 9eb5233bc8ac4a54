from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.forms import BaseModelFormSet, ModelForm
from django.http import HttpRequest

from accounts.search import BoundedSearchAdmin

from .forms import IdsModelMultipleChoiceField
from .models import Interest, Participant, RecordsExtractCheck, StatusChange, WorkExperience
from .tenancy import TenantKeyed


class TenantKeyedAdmin(admin.ModelAdmin):
    """A row added or changed here, or in one of the page's inlines, gets its parent's municipality
    (participants.tenancy), as through the services: the form has no municipality field."""

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool) -> None:
        if isinstance(obj, TenantKeyed):
            obj.key_from_parent()
        super().save_model(request, obj, form, change)

    def save_formset(
        self, request: HttpRequest, form: ModelForm[Any], formset: BaseModelFormSet[Any, Any], change: bool
    ) -> None:
        instances = formset.save(commit=False)
        for gone in formset.deleted_objects:
            gone.delete()
        for instance in instances:
            if isinstance(instance, TenantKeyed):
                instance.key_from_parent()
            instance.save()
        formset.save_m2m()


class WorkExperienceInline(admin.TabularInline):
    model = WorkExperience
    extra = 0
    raw_id_fields = ["occupation"]


class InterestInline(admin.TabularInline):
    model = Interest
    extra = 0
    raw_id_fields = ["occupation"]


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    readonly_fields = ["from_status", "to_status", "changed_at", "changed_by", "note"]
    can_delete = False


@admin.register(Participant)
class ParticipantAdmin(TenantKeyedAdmin, BoundedSearchAdmin):
    list_display = ["last_name", "first_name", "target_group", "status", "team", "coordinator"]
    list_filter = ["status", "target_group", "team", "referral_source"]
    search_fields = ["last_name", "first_name"]
    raw_id_fields = ["coordinator"]
    inlines = [WorkExperienceInline, InterestInline, StatusChangeInline]

    def formfield_for_manytomany(
        self, db_field: models.ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField[Any] | None:
        # An id beyond 64 bits in the languages choice is a form error, not a database error (a 500).
        kwargs.setdefault("form_class", IdsModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(RecordsExtractCheck)
class RecordsExtractCheckAdmin(TenantKeyedAdmin):
    list_display = ["participant", "scope", "extract_date", "checked_on", "result"]
    raw_id_fields = ["participant", "checked_by"]


@admin.register(WorkExperience)
class WorkExperienceAdmin(TenantKeyedAdmin):
    list_display = ["participant", "occupation", "years"]
    raw_id_fields = ["participant", "occupation"]


@admin.register(StatusChange)
class StatusChangeAdmin(TenantKeyedAdmin):
    list_display = ["participant", "from_status", "to_status", "changed_at"]
    raw_id_fields = ["participant", "changed_by"]


@admin.register(Interest)
class InterestAdmin(TenantKeyedAdmin):
    list_display = ["participant", "occupation"]
    raw_id_fields = ["participant", "occupation"]
