from django.contrib import admin

from accounts.search import BoundedSearchAdmin

from .models import District, JobTrack, Language, Occupation, OccupationSynonym, PlacementType, Prerequisite


@admin.register(Occupation)
class OccupationAdmin(BoundedSearchAdmin):
    list_display = ["code", "level", "name_sv", "name_en"]
    list_filter = ["level"]
    search_fields = ["code", "name_sv", "name_en"]
    raw_id_fields = ["parent"]


@admin.register(OccupationSynonym)
class OccupationSynonymAdmin(BoundedSearchAdmin):
    """The titles people use for a unit group, which the occupation picker and searches also find it
    by. A synonym nothing points to may be deleted."""

    list_display = ["title", "occupation", "language"]
    list_filter = ["language"]
    search_fields = ["title", "occupation__code", "occupation__name_sv"]
    autocomplete_fields = ["occupation"]
    list_select_related = ["occupation"]


@admin.register(District)
class DistrictAdmin(BoundedSearchAdmin):
    list_display = ["name", "latitude", "longitude"]
    search_fields = ["name"]


@admin.register(Language)
class LanguageAdmin(BoundedSearchAdmin):
    list_display = ["code", "name_sv", "name_en"]
    search_fields = ["code", "name_sv", "name_en"]


@admin.register(JobTrack)
class JobTrackAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "active"]


@admin.register(PlacementType)
class PlacementTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "max_weeks", "max_hours_per_day", "funder", "requires_decision_reference", "active"]
    list_filter = ["active", "funder"]


@admin.register(Prerequisite)
class PrerequisiteAdmin(BoundedSearchAdmin):
    """What workplaces may ask of a person before they start. One no longer asked for is made inactive,
    not deleted: case files and needs point to it (and the administrators' permissions hold no delete)."""

    list_display = ["name", "name_en", "code", "valid_months", "active"]
    list_filter = ["active"]
    search_fields = ["name", "name_en", "code"]
