"""Aggregate figures for managers. Everything is computed by the database; what is shown passes
through reporting.disclosure, so that no individual can be identified."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q

from accounts.access import municipality_scope
from accounts.models import User
from placements.models import ENDED_STATUSES, WORK_OR_STUDIES, Placement, PlacementStatus

from .disclosure import protect_overview
from .models import Target

MATCHED_INDICATOR = "matched-per-year"


@dataclass(frozen=True)
class ManagerOverview:
    year: int
    matched: int | None
    matched_target: int | None
    active: int | None
    completed: int | None
    work_or_studies_share: float | None


def manager_overview(*, user: User, today: dt.date) -> ManagerOverview:
    """The key figures of the year so far in the user's municipality, in one aggregate query, and
    its target for people matched."""
    year = today.year
    figures = Placement.objects.filter(municipality_scope(user, lookup="participant__municipality_id")).aggregate(
        matched=Count("participant", distinct=True, filter=Q(actual_start__year=year)),
        active=Count("pk", filter=Q(status=PlacementStatus.ACTIVE)),
        ended=Count("pk", filter=Q(status__in=ENDED_STATUSES, actual_end__year=year)),
        completed=Count("pk", filter=Q(status=PlacementStatus.COMPLETED, actual_end__year=year)),
        work_or_studies=Count(
            "pk", filter=Q(status__in=ENDED_STATUSES, actual_end__year=year, outcome__in=WORK_OR_STUDIES)
        ),
    )
    target = (
        Target.objects.filter(
            municipality_scope(user), indicator__code=MATCHED_INDICATOR, year=year, quarter__isnull=True
        )
        .values_list("target_value", flat=True)
        .first()
    )
    shown = protect_overview(figures)
    return ManagerOverview(
        year=year,
        matched=shown["matched"],  # type: ignore[arg-type]  # a count or None
        matched_target=int(target) if target is not None else None,
        active=shown["active"],  # type: ignore[arg-type]  # a count or None
        completed=shown["completed"],  # type: ignore[arg-type]  # a count or None
        work_or_studies_share=shown["work_or_studies_share"],
    )
