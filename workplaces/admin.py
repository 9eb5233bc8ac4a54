from typing import Any

from django import forms
from django.contrib import admin

from accounts.search import BoundedSearchAdmin

from .models import Need, Organisation, ProcurementContract, Workplace


class ContractInline(admin.TabularInline):
    model = ProcurementContract
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(BoundedSearchAdmin):
    # Local (a municipality) or regional (a region): set here, by a superuser only (administrators have
    # no permission on the register), as regions and municipalities are.
    list_display = ["name", "kind", "organisation_number", "municipality", "region", "active"]
    list_filter = ["kind", "active", "municipality", "region"]
    search_fields = ["name", "organisation_number"]
    inlines = [ContractInline]


@admin.register(ProcurementContract)
class ProcurementContractAdmin(admin.ModelAdmin):
    list_display = ["reference", "organisation", "start_date", "end_date", "promised_placements"]


@admin.register(Workplace)
class WorkplaceAdmin(BoundedSearchAdmin):
    list_display = ["name", "organisation", "district", "active"]
    list_filter = ["organisation", "district", "active"]
    search_fields = ["name", "organisation__name"]


class NeedAdminForm(forms.ModelForm):
    """The need with the municipalities it is published to, checked as the model says (a regional
    employer's need only, to municipalities of its region)."""

    # No Meta: the admin makes the form of this class with the need's fields.

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Need.clean (run next, by the model form) checks what is chosen here, beside the field.
        self.instance.published_to_chosen = list(data.get("published_to") or [])
        return data


@admin.register(Need)
class NeedAdmin(BoundedSearchAdmin):
    form = NeedAdminForm
    list_display = ["title", "workplace", "occupation", "places", "start_date", "end_date", "status"]
    list_filter = ["status", "placement_type"]
    search_fields = ["title", "workplace__name"]
    raw_id_fields = ["occupation", "created_by"]
    filter_horizontal = ["published_to"]
