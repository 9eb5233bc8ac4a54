"""Writes to users."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .access_log import log_access
from .models import AccessAction, BreakGlassGrant, Role, User


def user_log_out_everywhere(*, user: User) -> None:
    """End every session of the user, on every device (the current one too)."""
    user.sessions_valid_after = timezone.now()
    user.save(update_fields=["sessions_valid_after"])


@transaction.atomic
def break_glass_open(*, user: User, participant_id: int, reason: str) -> BreakGlassGrant:
    """Give a coordinator access to one participant outside their team, for a stated reason."""
    if not user.has_role(Role.COORDINATOR):
        raise ValidationError(_("Only coordinators can open a case file outside their team."))
    if len(reason.strip()) < 10:
        raise ValidationError({"reason": _("State the reason (at least ten characters).")})
    grant = BreakGlassGrant.objects.create(
        user=user,
        participant_id=participant_id,
        reason=reason.strip()[:300],
        expires_at=timezone.now() + dt.timedelta(hours=BreakGlassGrant.HOURS),
    )
    log_access(user=user, participant_ids=[participant_id], action=AccessAction.BREAK_GLASS, reason=grant.reason)
    return grant
