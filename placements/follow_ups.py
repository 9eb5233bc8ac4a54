"""When follow-ups fall due (the schedule that starts with a placement, on Swedish working days),
and when one may be logged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.municipal_settings import MIDPOINT, FollowUpPoint
from taxonomy.working_days import next_working_day, previous_working_day

from .models import ENDED_STATUSES, FollowUp, Placement, PlacementStatus


def due_dates(start: dt.date, end: dt.date, schedule: Iterable[FollowUpPoint]) -> list[dt.date]:
    """The working days on which follow-ups fall due for a placement from `start` to `end`.

    `schedule` holds the points a schedule is read into (accounts.municipal_settings, the one home of
    reading it; a placement's is `placement.municipality.follow_up_schedule_items()`): days after the
    start, the midpoint and the end. Dates that fall after the end or coincide are dropped.
    """
    last = previous_working_day(end)
    dates: set[dt.date] = set()
    for point in schedule:
        if isinstance(point, int):
            day = next_working_day(start + dt.timedelta(days=point))
        elif point == MIDPOINT:
            day = next_working_day(start + (end - start) / 2)
        else:
            day = last
        if start < day <= last:
            dates.add(day)
    return sorted(dates)


def log_refusal(*, placement: Placement, follow_up: FollowUp | None) -> ValidationError | None:
    """Why `follow_up` (None: a new, unscheduled one) cannot be logged for `placement`, or None.

    The one rule `follow_up_log`, the follow-up form, the portal and the personal links share.
    Follow-ups are logged once the placement has started. After it has ended, a scheduled one
    that fell due by the end can still be logged late (the supervisor often writes the last one
    the day after); no new one is, and one cancelled because the placement ended before it was
    due never is.
    """
    if placement.status not in (PlacementStatus.ACTIVE, *ENDED_STATUSES):
        return ValidationError(_("Follow-ups are logged for placements that have started."), code="not_started")
    if follow_up is None:
        if placement.status in ENDED_STATUSES:
            return ValidationError(
                _("The placement has ended: no new follow-up is logged for it."), code="placement_ended"
            )
        return None
    if follow_up.placement_id != placement.pk:
        return ValidationError(_("That follow-up belongs to another placement."), code="wrong_placement")
    if follow_up.cancelled_on is not None:
        return ValidationError(
            _("This follow-up was cancelled: the placement ended on %(date)s, before it was due.")
            % {"date": placement.actual_end.isoformat() if placement.actual_end else "–"},
            code="cancelled",
        )
    if follow_up.done_on is not None:
        return ValidationError(_("This follow-up is already logged."), code="already_logged")
    return None
