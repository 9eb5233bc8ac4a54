"""Aggregate figures for managers. Everything is computed by the database; a figure that
describes fewer than five people is suppressed so that no individual can be identified."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q

from placements.models import ENDED_STATUSES, WORK_OR_STUDIES, Placement, PlacementStatus

from .models import Target

# Small-number suppression: a count below this is not shown.
SUPPRESSION_THRESHOLD = 5
MATCHED_INDICATOR = "matched-per-year"


def suppress(value: int | None) -> int | None:
    """None (shown as "fewer than 5") for counts that could identify someone."""
    if value is None or 0 < value < SUPPRESSION_THRESHOLD:
        return None
    return value


@dataclass(frozen=True)
class ManagerOverview:
    year: int
    matched: int | None
    matched_target: int | None
    active: int | None
    completed: int | None
    work_or_studies_share: float | None


def manager_overview(*, today: dt.date) -> ManagerOverview:
    """The key figures of the year so far, in one aggregate query."""
    year = today.year
    figures = Placement.objects.aggregate(
        matched=Count("participant", distinct=True, filter=Q(actual_start__year=year)),
        active=Count("pk", filter=Q(status=PlacementStatus.ACTIVE)),
        ended=Count("pk", filter=Q(status__in=ENDED_STATUSES, actual_end__year=year)),
        completed=Count("pk", filter=Q(status=PlacementStatus.COMPLETED, actual_end__year=year)),
        work_or_studies=Count(
            "pk", filter=Q(status__in=ENDED_STATUSES, actual_end__year=year, outcome__in=WORK_OR_STUDIES)
        ),
    )
    target = (
        Target.objects.filter(indicator__code=MATCHED_INDICATOR, year=year, quarter__isnull=True)
        .values_list("target_value", flat=True)
        .first()
    )
    ended = figures["ended"]
    share = None
    if ended >= SUPPRESSION_THRESHOLD and suppress(figures["work_or_studies"]) is not None:
        share = round(100 * figures["work_or_studies"] / ended, 1)
    return ManagerOverview(
        year=year,
        matched=suppress(figures["matched"]),
        matched_target=int(target) if target is not None else None,
        active=suppress(figures["active"]),
        completed=suppress(figures["completed"]),
        work_or_studies_share=share,
    )
