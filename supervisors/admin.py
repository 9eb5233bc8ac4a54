from django.contrib import admin

from accounts.search import BoundedSearchAdmin

from .models import Enrolment, Supervisor, TrainingCourse, TrainingSession


@admin.register(Supervisor)
class SupervisorAdmin(BoundedSearchAdmin):
    list_display = ["last_name", "first_name", "workplace", "max_participants", "active"]
    list_filter = ["active"]
    search_fields = ["last_name", "first_name", "email"]
    raw_id_fields = ["workplace", "user"]


@admin.register(TrainingCourse)
class TrainingCourseAdmin(admin.ModelAdmin):
    list_display = ["name", "validity_months", "active"]


class EnrolmentInline(admin.TabularInline):
    model = Enrolment
    extra = 0
    raw_id_fields = ["supervisor"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(admin.ModelAdmin):
    list_display = ["course", "starts_at", "location", "capacity"]
    inlines = [EnrolmentInline]


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["supervisor", "session", "status", "attended", "completed_on", "valid_until"]
    raw_id_fields = ["supervisor", "session"]
