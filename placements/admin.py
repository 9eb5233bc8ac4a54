from django.contrib import admin

from .models import Acknowledgement, FollowUp, LaterOutcome, MatchingWeights, Placement, PlacementEvent


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
class PlacementAdmin(admin.ModelAdmin):
    list_display = ["participant", "need", "supervisor", "status", "planned_start", "planned_end", "outcome"]
    list_filter = ["status", "placement_type", "outcome"]
    raw_id_fields = ["participant", "need", "supervisor", "coordinator"]
    inlines = [EventInline, FollowUpInline]


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["placement", "due_date", "done_on", "cancelled_on", "concern"]
    raw_id_fields = ["placement", "author"]


@admin.register(LaterOutcome)
class LaterOutcomeAdmin(admin.ModelAdmin):
    list_display = ["placement", "days_after", "outcome", "recorded_on"]
    raw_id_fields = ["placement", "recorded_by"]


@admin.register(PlacementEvent)
class PlacementEventAdmin(admin.ModelAdmin):
    list_display = ["placement", "from_status", "to_status", "at"]
    raw_id_fields = ["placement", "by"]


@admin.register(Acknowledgement)
class AcknowledgementAdmin(admin.ModelAdmin):
    list_display = ["placement", "party", "name", "at"]
    raw_id_fields = ["placement", "recorded_by"]


@admin.register(MatchingWeights)
class MatchingWeightsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "updated_at"]

    def has_add_permission(self, request):
        # One row only: the weights in force.
        return not MatchingWeights.objects.exists()
