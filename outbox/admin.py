from django.contrib import admin
from django.http import HttpRequest

from accounts.search import BoundedSearchAdmin

from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(BoundedSearchAdmin):
    """Read-only: administrators see what is queued and whether the broker has taken it."""

    list_display = ["task_name", "key", "created_at", "sent_at", "attempts", "last_error"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter), "task_name"]
    search_fields = ["key", "task_name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OutboxMessage | None = None) -> bool:
        return False
