"""The administration log: every act on an account that could widen someone's access (a role asked
for, approved or refused, a token created or revoked, a reset link sent, an account added, activated
or deactivated) writes an entry here. Called from accounts.services (never copied); append-only."""

from __future__ import annotations

from .models import AdminAction, AdminAuditEntry, User


def log_admin_action(*, by: User, action: AdminAction, target: User | None = None, detail: str = "") -> AdminAuditEntry:
    return AdminAuditEntry.objects.create(
        user=by,
        username=by.get_username(),
        action=action,
        target_user_id=target.pk if target else None,
        target_username=target.get_username() if target else "",
        detail=detail[:200],
    )
