from django.contrib import admin

from accounts.search import BoundedSearchAdmin

from .models import Need, Organisation, ProcurementContract, Workplace


class ContractInline(admin.TabularInline):
    model = ProcurementContract
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(BoundedSearchAdmin):
    list_display = ["name", "kind", "organisation_number", "active"]
    list_filter = ["kind", "active"]
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


@admin.register(Need)
class NeedAdmin(BoundedSearchAdmin):
    list_display = ["title", "workplace", "occupation", "places", "start_date", "end_date", "status"]
    list_filter = ["status", "placement_type"]
    search_fields = ["title", "workplace__name"]
    raw_id_fields = ["occupation", "created_by"]
