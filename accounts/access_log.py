"""The access log: every read and change of a participant's personal data writes an entry here.
Called from the views (never copied); entries are append-only (see AccessLogEntry)."""

from __future__ import annotations

from collections.abc import Iterable

from .models import AccessAction, AccessLogEntry, User


def log_access(
    *, user: User, participant_ids: Iterable[int], action: AccessAction, fields: Iterable[str] = (), reason: str = ""
) -> int:
    """Write one entry per participant; returns how many."""
    entries = [
        AccessLogEntry(
            user=user,
            username=user.get_username(),
            participant_id=pk,
            action=action,
            fields=sorted(fields),
            reason=reason[:300],
        )
        for pk in dict.fromkeys(participant_ids)
    ]
    AccessLogEntry.objects.bulk_create(entries)
    return len(entries)
