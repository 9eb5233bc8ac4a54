"""The administration log: every act on an account that could widen someone's access (a role asked
for, approved or refused, a token created or revoked, a reset link sent, an account added, activated
or deactivated) writes an entry here. Called from accounts.services (never copied); append-only."""

from __future__ import annotations

from .models import AdminAction, AdminAuditEntry, User


def log_admin_action(*, by: User, action: AdminAction, target: User | None = None, detail: str = "") -> AdminAuditEntry:
    """The one place entries are written. The entry is the administration's of the account acted on,
    or if that has no municipality (a supervisor's, a superuser's) of the account that acted; neither:
    the installation's (AdminAuditEntry.municipality)."""
    municipality_id = (target.municipality_id if target is not None else None) or by.municipality_id
    return AdminAuditEntry.objects.create(
        municipality_id=municipality_id,
        user=by,
        username=by.get_username(),
        action=action,
        target_user_id=target.pk if target else None,
        target_username=target.get_username() if target else "",
        detail=detail[:200],
    )
