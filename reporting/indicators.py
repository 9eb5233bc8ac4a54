"""The indicators of the strategy, computed for a period by database aggregation.

Each indicator is one function from a Period to a Figure (a count, or a share with its numerator
and denominator). No Python loops over rows: every figure is one aggregate query. Breakdowns
are GROUP BY queries. Every figure here is raw: small numbers are withheld on the way out, by
reporting.disclosure, which every output calls.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.db.models import Case, Count, DateField, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy

from participants.models import Participant, TargetGroup
from placements.models import ENDED_STATUSES, WORK_OR_STUDIES, FollowUp, LaterOutcome, Placement, PlacementStatus
from supervisors.models import Enrolment
from taxonomy.working_days import add_working_days

STARTED = (PlacementStatus.ACTIVE, *ENDED_STATUSES)
FOLLOW_UP_WORKING_DAYS = 5  # "within five working days" of the due date


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    label: str

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first_month = 3 * (quarter - 1) + 1
        start = dt.date(year, first_month, 1)
        next_start = dt.date(year + (quarter == 4), 1 if quarter == 4 else first_month + 3, 1)
        return cls(start, next_start - dt.timedelta(days=1), f"{year} Q{quarter}")

    @classmethod
    def year_to_date(cls, year: int, quarter: int) -> Period:
        return cls(dt.date(year, 1, 1), cls.quarter(year, quarter).end, f"{year} Q1–Q{quarter}")


@dataclass(frozen=True)
class Figure:
    value: float | None  # the count, or the share in percent; None when there is nothing to divide
    numerator: int
    denominator: int | None = None  # None for counts

    def as_dict(self) -> dict[str, float | int | None]:
        return asdict(self)


def _count(value: int) -> Figure:
    return Figure(value=value, numerator=value)


def _share(numerator: int, denominator: int) -> Figure:
    value = round(100 * numerator / denominator, 1) if denominator else None
    return Figure(value=value, numerator=numerator, denominator=denominator)


def started_in(period: Period) -> QuerySet[Placement]:
    return Placement.objects.filter(status__in=STARTED, actual_start__range=(period.start, period.end))


def ended_in(period: Period) -> QuerySet[Placement]:
    return Placement.objects.filter(status__in=ENDED_STATUSES, actual_end__range=(period.start, period.end))


def active_during(period: Period) -> QuerySet[Placement]:
    return Placement.objects.filter(status__in=STARTED, actual_start__lte=period.end).filter(
        Q(actual_end__isnull=True) | Q(actual_end__gte=period.start)
    )


def matched(period: Period) -> Figure:
    return _count(started_in(period).aggregate(n=Count("participant", distinct=True))["n"])


def placements_started(period: Period) -> Figure:
    return _count(started_in(period).count())


def placements_active(period: Period) -> Figure:
    return _count(active_during(period).count())


def placements_completed(period: Period) -> Figure:
    return _count(ended_in(period).filter(status=PlacementStatus.COMPLETED).count())


def people_in_measures(period: Period) -> Figure:
    return _count(active_during(period).aggregate(n=Count("participant", distinct=True))["n"])


def work_or_studies_at_end(period: Period) -> Figure:
    figures = ended_in(period).aggregate(all=Count("pk"), good=Count("pk", filter=Q(outcome__in=WORK_OR_STUDIES)))
    return _share(figures["good"], figures["all"])


def work_or_studies_90_days(period: Period) -> Figure:
    later = LaterOutcome.objects.filter(days_after=90, placement__in=ended_in(period))
    figures = later.aggregate(all=Count("pk"), good=Count("pk", filter=Q(outcome__in=WORK_OR_STUDIES)))
    return _share(figures["good"], figures["all"])


def later_outcome_recorded(period: Period, today: dt.date | None = None) -> Figure:
    """Of the placements that ended in the period and reached their 90-day point, the share with it recorded."""
    today = today or timezone.localdate()
    due = ended_in(period).filter(actual_end__lte=today - dt.timedelta(days=90))
    recorded = LaterOutcome.objects.filter(placement=OuterRef("pk"), days_after=90)
    figures = due.aggregate(all=Count("pk"), done=Count("pk", filter=Exists(recorded)))
    return _share(figures["done"], figures["all"])


def trained_supervisor(period: Period) -> Figure:
    """Of the placements active in the period, the share whose supervisor was trained when it started."""
    valid = Enrolment.objects.filter(
        supervisor=OuterRef("supervisor"),
        completed_on__isnull=False,
        completed_on__lte=OuterRef("actual_start"),
        valid_until__gte=OuterRef("actual_start"),
    )
    figures = active_during(period).aggregate(all=Count("pk"), trained=Count("pk", filter=Exists(valid)))
    return _share(figures["trained"], figures["all"])


def follow_ups_on_time(period: Period, today: dt.date | None = None) -> Figure:
    """Of the scheduled follow-ups due in the period, the share done within five Swedish working days
    of the due date, as things stood at the period's end (or today, for a period still running).

    A follow-up whose five working days had not run out by then, and that was not done by then, is
    *pending*: neither on time nor late, so not counted. Follow-ups cancelled because the placement
    ended before they fell due were never due; extra ones a supervisor added are not due either. The
    working days are the follow-up schedule's (taxonomy.working_days, the `holidays` package): each due
    date of the period gets its deadline in Python, and SQL compares against it.
    """
    today = today or timezone.localdate()
    as_of = min(period.end, today)
    if as_of < period.start:
        return _share(0, 0)
    days = [period.start + dt.timedelta(days=n) for n in range((as_of - period.start).days + 1)]
    deadlines = {day: add_working_days(day, FOLLOW_UP_WORKING_DAYS) for day in days}
    deadline = Case(
        *[When(due_date=day, then=Value(last)) for day, last in deadlines.items()], output_field=DateField()
    )
    due = FollowUp.objects.not_cancelled().filter(scheduled=True, due_date__range=(period.start, as_of))
    on_time = Q(done_on__isnull=False, done_on__lte=deadline) & Q(done_on__lte=as_of)
    # Late: not done in time, and the five days ran out before the period's end.
    decided = on_time | Q(due_date__in=[day for day, last in deadlines.items() if last < as_of])
    figures = due.aggregate(all=Count("pk", filter=decided), good=Count("pk", filter=on_time))
    return _share(figures["good"], figures["all"])


def supervisors_trained(period: Period) -> Figure:
    return _count(
        Enrolment.objects.filter(completed_on__range=(period.start, period.end)).aggregate(
            n=Count("supervisor", distinct=True)
        )["n"]
    )


def newcomers_in_work_or_studies(period: Period) -> Figure:
    """Newcomers whose establishment programme ended in the period, the share then in work or studies:
    a placement that ended in work or studies before the end, or paid work running on the last day."""
    ended_well = Placement.objects.filter(
        participant=OuterRef("pk"), outcome__in=WORK_OR_STUDIES, actual_end__lte=OuterRef("establishment_programme_end")
    )
    working = Placement.objects.filter(
        participant=OuterRef("pk"),
        placement_type__is_employment=True,
        status=PlacementStatus.ACTIVE,
        actual_start__lte=OuterRef("establishment_programme_end"),
    )
    people = Participant.objects.filter(
        target_group=TargetGroup.NEWCOMER, establishment_programme_end__range=(period.start, period.end)
    )
    figures = people.aggregate(all=Count("pk"), good=Count("pk", filter=Exists(ended_well) | Exists(working)))
    return _share(figures["good"], figures["all"])


def left_social_assistance(period: Period) -> Figure:
    """Participants who stopped needing social assistance in the period."""
    return _count(Participant.objects.filter(social_assistance_ended_on__range=(period.start, period.end)).count())


def left_social_assistance_by_source(period: Period) -> list[dict[str, object]]:
    """The same, per referral source (GROUP BY)."""
    rows = (
        Participant.objects.filter(social_assistance_ended_on__range=(period.start, period.end))
        .values("referral_source")
        .annotate(left=Count("pk"))
        .order_by("referral_source")
    )
    return [{"key": row["referral_source"], "left": row["left"]} for row in rows]


INDICATORS: dict[str, Callable[[Period], Figure]] = {
    "matched-per-year": matched,
    "placements-started": placements_started,
    "placements-active": placements_active,
    "placements-completed": placements_completed,
    "people-in-measures": people_in_measures,
    "completed-work-or-studies-share": work_or_studies_at_end,
    "later-outcome-90-share": work_or_studies_90_days,
    "later-outcome-recorded-share": later_outcome_recorded,
    "trained-supervisor-share": trained_supervisor,
    "follow-ups-on-time-share": follow_ups_on_time,
    "supervisors-trained": supervisors_trained,
    "newcomers-work-or-studies-after-programme": newcomers_in_work_or_studies,
    "left-social-assistance": left_social_assistance,
}


# Name, definition and unit of each indicator for an installation that has not yet described it in
# its own Indicator table (which, where it exists, wins).
STANDARD: dict[str, tuple[object, object, str]] = {
    "matched-per-year": (
        gettext_lazy("Participants matched to a placement"),
        gettext_lazy("Distinct participants whose placement started (actual start) in the period."),
        "count",
    ),
    "placements-started": (
        gettext_lazy("Placements started"),
        gettext_lazy("Placements with an actual start in the period."),
        "count",
    ),
    "placements-active": (
        gettext_lazy("Placements active"),
        gettext_lazy("Placements running on at least one day of the period."),
        "count",
    ),
    "placements-completed": (
        gettext_lazy("Placements completed"),
        gettext_lazy("Placements completed (not ended early) in the period."),
        "count",
    ),
    "people-in-measures": (
        gettext_lazy("People in labour-market measures"),
        gettext_lazy("Distinct participants with a placement running on at least one day of the period."),
        "count",
    ),
    "completed-work-or-studies-share": (
        gettext_lazy("Work or studies at the end"),
        gettext_lazy("Of the placements that ended in the period, the share whose outcome was employment or studies."),
        "percent",
    ),
    "later-outcome-90-share": (
        gettext_lazy("Work or studies 90 days after the end"),
        gettext_lazy(
            "Of the placements that ended in the period and have a recorded 90-day outcome, the share in "
            "employment or studies."
        ),
        "percent",
    ),
    "later-outcome-recorded-share": (
        gettext_lazy("Later outcomes recorded"),
        gettext_lazy(
            "Of the placements that ended in the period and passed their 90-day point, the share with the "
            "90-day outcome recorded."
        ),
        "percent",
    ),
    "trained-supervisor-share": (
        gettext_lazy("Trained supervisors"),
        gettext_lazy(
            "Of the placements running in the period, the share whose supervisor had a valid training when "
            "the placement started."
        ),
        "percent",
    ),
    "follow-ups-on-time-share": (
        gettext_lazy("Follow-ups on time"),
        gettext_lazy(
            "Of the scheduled follow-ups due in the period, the share done within five Swedish working days of "
            "the due date, as at the period's end; those still inside their five days then are not counted."
        ),
        "percent",
    ),
    "supervisors-trained": (
        gettext_lazy("Supervisors trained"),
        gettext_lazy("Distinct supervisors who completed the supervisor training in the period."),
        "count",
    ),
    "left-social-assistance": (
        gettext_lazy("Left social assistance"),
        gettext_lazy("Participants who stopped needing social assistance in the period."),
        "count",
    ),
    "newcomers-work-or-studies-after-programme": (
        gettext_lazy("Newcomers in work or studies after the establishment programme"),
        gettext_lazy(
            "Of the newcomers whose establishment programme ended in the period, the share with a placement "
            "ended in work or studies before the end, or in paid work on its last day."
        ),
        "percent",
    ),
}


def compute(period: Period) -> dict[str, Figure]:
    return {code: function(period) for code, function in INDICATORS.items()}


BREAKDOWNS = {
    "department": "need__workplace__organisation__name",
    "job_track": "participant__job_track__name",
    "target_group": "participant__target_group",
    "gender": "participant__gender",
    "referral_source": "participant__referral_source",
}


def breakdown(period: Period, dimension: str) -> list[dict[str, object]]:
    """Placements started in the period, and their outcomes, per value of a dimension (GROUP BY)."""
    field = BREAKDOWNS[dimension]
    rows = (
        Placement.objects.filter(status__in=STARTED)
        .filter(Q(actual_start__range=(period.start, period.end)) | Q(actual_end__range=(period.start, period.end)))
        .values(key=F(field))
        .annotate(
            started=Count("pk", filter=Q(actual_start__range=(period.start, period.end))),
            ended=Count("pk", filter=Q(status__in=ENDED_STATUSES, actual_end__range=(period.start, period.end))),
            work_or_studies=Count(
                "pk",
                filter=Q(
                    status__in=ENDED_STATUSES,
                    actual_end__range=(period.start, period.end),
                    outcome__in=WORK_OR_STUDIES,
                ),
            ),
        )
        .order_by("key")
    )
    return [
        {
            "key": row["key"] or "",
            "started": row["started"],
            "ended": row["ended"],
            "work_or_studies": row["work_or_studies"],
        }
        for row in rows
    ]


def quarterly_series(year: int) -> dict[str, list[int | None]]:
    """Per quarter of the year: placements started, ended, ended in work or studies, and the people
    matched so far (cumulative). Two aggregate queries."""
    quarters = [Period.quarter(year, q) for q in range(1, 5)]
    started = Placement.objects.filter(status__in=STARTED, actual_start__year=year).aggregate(
        **{f"q{i}": Count("pk", filter=Q(actual_start__range=(p.start, p.end))) for i, p in enumerate(quarters, 1)},
        **{
            f"matched{i}": Count("participant", distinct=True, filter=Q(actual_start__lte=p.end))
            for i, p in enumerate(quarters, 1)
        },
    )
    ended = Placement.objects.filter(status__in=ENDED_STATUSES, actual_end__year=year).aggregate(
        **{f"q{i}": Count("pk", filter=Q(actual_end__range=(p.start, p.end))) for i, p in enumerate(quarters, 1)},
        **{
            f"good{i}": Count("pk", filter=Q(actual_end__range=(p.start, p.end), outcome__in=WORK_OR_STUDIES))
            for i, p in enumerate(quarters, 1)
        },
    )
    return {
        "started": [started[f"q{i}"] for i in range(1, 5)],
        "ended": [ended[f"q{i}"] for i in range(1, 5)],
        "work_or_studies": [ended[f"good{i}"] for i in range(1, 5)],
        "matched_cumulative": [started[f"matched{i}"] for i in range(1, 5)],
    }


def forecast(value: float | None, *, percent: bool, start: dt.date, today: dt.date) -> float | None:
    """The year's figure if the rate so far holds: counts scale with the part of the year gone, shares stay."""
    if value is None:
        return None
    if percent:
        return value
    elapsed = (today - start).days + 1
    days = (dt.date(start.year, 12, 31) - start).days + 1
    return round(value * days / max(elapsed, 1))


__all__ = [
    "INDICATORS",
    "Figure",
    "Period",
    "breakdown",
    "compute",
    "forecast",
    "quarterly_series",
]
