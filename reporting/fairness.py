"""How proposals, placements and outcomes are spread over groups, against the waiting population.

Groups: gender, age band (from the year of birth in the identity number, computed in the
database) and referral source. The counts are raw; the view shows them through
reporting.disclosure.protect_fairness. This reads protected
attributes on purpose, to watch for unequal treatment; matching itself never reads them
(placements/matching/features.py).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Coalesce, Substr

from participants.models import Participant, ParticipantStatus
from placements.models import Placement

from .indicators import ENDED_STATUSES, STARTED, WORK_OR_STUDIES

AGE_BANDS = [(0, 24, "–24"), (25, 34, "25–34"), (35, 44, "35–44"), (45, 54, "45–54"), (55, 200, "55–")]
DIMENSIONS = ("gender", "age_band", "referral_source")
COUNTS = ("waiting", "proposed", "started", "work_or_studies")  # what reporting.disclosure protects


def _grouped(queryset: QuerySet, dimension: str, year: int, prefix: str) -> QuerySet:
    if dimension != "age_band":
        return queryset.annotate(group=F(f"{prefix}{dimension}"))
    # A pseudonymised case file has no identity number but keeps its year of birth.
    with_birth = queryset.annotate(
        birth_year_of=Coalesce(
            Cast(Substr(f"{prefix}identity_number", 1, 4), IntegerField()),
            F(f"{prefix}birth_year"),
            output_field=IntegerField(),
        )
    )
    bands = [
        When(birth_year_of__gte=year - high, birth_year_of__lte=year - low, then=Value(label))
        for low, high, label in AGE_BANDS
    ]
    return with_birth.annotate(group=Case(*bands, default=Value("?")))


def _counts(queryset: QuerySet, dimension: str, year: int, prefix: str, **measures: Count) -> dict[str, dict[str, int]]:
    rows = _grouped(queryset, dimension, year, prefix).values("group").annotate(**measures).order_by("group")
    return {str(row["group"]): {name: row[name] for name in measures} for row in rows}


def fairness(*, year: int, today: dt.date) -> dict[str, list[dict[str, object]]]:
    """Per dimension and group: waiting now, and proposed, started and ended in work or studies this year."""
    start, end = dt.date(year, 1, 1), min(today, dt.date(year, 12, 31))
    waiting = Participant.objects.filter(status=ParticipantStatus.MAPPED)
    placements = Placement.objects.filter(
        Q(created_at__year=year) | Q(actual_start__year=year) | Q(actual_end__year=year)
    )
    measures = {
        "proposed": Count("pk", filter=Q(created_at__year=year)),
        "started": Count("pk", filter=Q(status__in=STARTED, actual_start__range=(start, end))),
        "work_or_studies": Count(
            "pk", filter=Q(status__in=ENDED_STATUSES, actual_end__range=(start, end), outcome__in=WORK_OR_STUDIES)
        ),
    }
    result: dict[str, list[dict[str, object]]] = {}
    for dimension in DIMENSIONS:
        people = _counts(waiting, dimension, year, "", waiting=Count("pk"))
        flows = _counts(placements, dimension, year, "participant__", **measures)
        result[dimension] = [
            {
                "group": group,
                "waiting": people.get(group, {}).get("waiting", 0),
                **{name: flows.get(group, {}).get(name, 0) for name in measures},
            }
            for group in sorted(set(people) | set(flows))
        ]
    return result
