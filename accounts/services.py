"""Writes to users."""

from __future__ import annotations

from django.utils import timezone

from .models import User


def user_log_out_everywhere(*, user: User) -> None:
    """End every session of the user, on every device (the current one too)."""
    user.sessions_valid_after = timezone.now()
    user.save(update_fields=["sessions_valid_after"])
