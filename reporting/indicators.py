"""The indicators of the strategy, computed for a period by database aggregation.

Each indicator is one function from a Period to a Figure (a count, or a share with its numerator
and denominator). No Python loops over rows: every figure is one aggregate query. Breakdowns
are GROUP BY queries. Every figure here is raw: small numbers are withheld on the way out, by
reporting.disclosure, which every output calls.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from typing import cast

from django.db.models import Case, Count, DateField, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from participants.models import Participant, TargetGroup
from placements.models import (
    ENDED_STATUSES,
    WORK_OR_STUDIES,
    FollowUp,
    FollowUpQuerySet,
    LaterOutcome,
    Placement,
    PlacementStatus,
)
from placements.occupancy import period_start
from supervisors.models import Enrolment
from taxonomy.working_days import add_working_days
from workplaces.models import OrganisationKind

from . import outcomes
from .scope import EVERYWHERE, Scope, facts

StrOrPromise = str | Promise
STARTED = (PlacementStatus.ACTIVE, *ENDED_STATUSES)
FOLLOW_UP_WORKING_DAYS = 5  # "within five working days" of the due date


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


@dataclass(frozen=True)
class Period:
    """A stretch of days, the day its facts are read as of (None: today), and whose facts count
    (`scope`: the municipalities, reporting.scope; every indicator starts from `facts(Model, scope)`)."""

    start: dt.date
    end: dt.date
    label: str
    as_of: dt.date | None = None
    scope: Scope = EVERYWHERE

    @property
    def until(self) -> dt.date:
        """The last day whose facts count: the period's end, or the day it is read on, if earlier."""
        return min(self.end, self.as_of or timezone.localdate())

    def on(self, day: dt.date) -> Period:
        """The same period, read as things stood on `day`."""
        return replace(self, as_of=day)

    def within(self, scope: Scope) -> Period:
        """The same period, counting the facts of `scope`'s municipalities only."""
        return replace(self, scope=scope)

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


def placements(period: Period) -> QuerySet[Placement]:
    """The placements the period's figures count: those of its scope's participants."""
    return facts(Placement, period.scope)


def started_in(period: Period) -> QuerySet[Placement]:
    return placements(period).filter(status__in=STARTED, actual_start__range=(period.start, period.end))


def ended_in(period: Period) -> QuerySet[Placement]:
    return placements(period).filter(status__in=ENDED_STATUSES, actual_end__range=(period.start, period.end))


def active_during(period: Period) -> QuerySet[Placement]:
    return (
        placements(period)
        .filter(status__in=STARTED, actual_start__lte=period.end)
        .filter(Q(actual_end__isnull=True) | Q(actual_end__gte=period.start))
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
    """People in measures *in municipal services*: at a municipal department, not at any employer."""
    municipal = active_during(period).filter(need__workplace__organisation__kind=OrganisationKind.MUNICIPAL_DEPARTMENT)
    return _count(municipal.aggregate(n=Count("participant", distinct=True))["n"])


def work_or_studies_at_end(period: Period) -> Figure:
    figures = ended_in(period).aggregate(all=Count("pk"), good=Count("pk", filter=Q(outcome__in=WORK_OR_STUDIES)))
    return _share(figures["good"], figures["all"])


def _ninety_day_point_in(period: Period) -> QuerySet[Placement]:
    """Placements whose 90-day point (the day 90 days after the actual end) fell in the period."""
    return placements(period).filter(
        status__in=ENDED_STATUSES,
        actual_end__range=(period.start - dt.timedelta(days=90), period.end - dt.timedelta(days=90)),
    )


def work_or_studies_90_days(period: Period) -> Figure:
    """Of the placements whose 90-day point fell in the period and whose 90-day outcome was recorded by
    the period's end, the share then in work or studies."""
    as_of = period.until
    later = facts(LaterOutcome, period.scope).filter(
        days_after=90, recorded_on__lte=as_of, placement__in=_ninety_day_point_in(period)
    )
    figures = later.aggregate(all=Count("pk"), good=Count("pk", filter=Q(outcome__in=WORK_OR_STUDIES)))
    return _share(figures["good"], figures["all"])


def later_outcome_recorded(period: Period) -> Figure:
    """Of the placements whose 90-day point fell in the period (up to today, for a running one), the share
    whose 90-day outcome was recorded by the period's end."""
    as_of = period.until
    due = _ninety_day_point_in(period).filter(actual_end__lte=as_of - dt.timedelta(days=90))
    recorded = LaterOutcome.objects.filter(placement=OuterRef("pk"), days_after=90, recorded_on__lte=as_of)
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


def follow_ups_on_time(period: Period) -> Figure:
    """Of the scheduled follow-ups due in the period, the share done within five Swedish working days
    of the due date, as things stood at the period's end (or today, for a period still running).

    A follow-up whose five working days had not run out by then, and that was not done by then, is
    *pending*: neither on time nor late, so not counted. Follow-ups cancelled because the placement
    ended before they fell due were never due; extra ones a supervisor added are not due either. The
    working days are the follow-up schedule's (taxonomy.working_days, the `holidays` package): each due
    date of the period gets its deadline in Python, and SQL compares against it.
    """
    as_of = period.until
    if as_of < period.start:
        return _share(0, 0)
    days = [period.start + dt.timedelta(days=n) for n in range((as_of - period.start).days + 1)]
    deadlines = {day: add_working_days(day, FOLLOW_UP_WORKING_DAYS) for day in days}
    deadline = Case(
        *[When(due_date=day, then=Value(last)) for day, last in deadlines.items()], output_field=DateField()
    )
    due = (
        cast(FollowUpQuerySet, facts(FollowUp, period.scope))
        .not_cancelled()
        .filter(scheduled=True, due_date__range=(period.start, as_of))
    )
    on_time = Q(done_on__isnull=False, done_on__lte=deadline) & Q(done_on__lte=as_of)
    # Late: not done in time, and the five days ran out before the period's end.
    decided = on_time | Q(due_date__in=[day for day, last in deadlines.items() if last < as_of])
    figures = due.aggregate(all=Count("pk", filter=decided), good=Count("pk", filter=on_time))
    return _share(figures["good"], figures["all"])


def supervisors_trained(period: Period) -> Figure:
    """The scope's supervisors are those of its placements that had begun by the period's end (started,
    or not started and planned to start, on or before it): a placement proposed later, for a later start,
    does not add its supervisor to an earlier period."""
    begun = facts(Placement, period.scope).alias(start=period_start()).filter(start__lte=period.until)
    return _count(
        Enrolment.objects.filter(supervisor__in=begun.values("supervisor"))
        .filter(completed_on__range=(period.start, period.end))
        .aggregate(n=Count("supervisor", distinct=True))["n"]
    )


def newcomers_in_work_or_studies(period: Period) -> Figure:
    """Newcomers whose establishment programme ended in the period (up to today, for a running one), the
    share then in work or studies: a placement that had ended in work or studies by the programme's last
    day, or a paid job (an employment-type placement) running on that day. Read from the placements'
    dates, never from their status today: a job that has since ended still ran on that day."""
    as_of = period.until
    last_day = OuterRef("establishment_programme_end")
    ended_well = Placement.objects.filter(
        participant=OuterRef("pk"), status__in=ENDED_STATUSES, outcome__in=WORK_OR_STUDIES, actual_end__lte=last_day
    )
    working = Placement.objects.filter(
        Q(actual_end__isnull=True) | Q(actual_end__gte=last_day),
        participant=OuterRef("pk"),
        placement_type__is_employment=True,
        status__in=STARTED,
        actual_start__lte=last_day,
    )
    people = facts(Participant, period.scope).filter(
        target_group=TargetGroup.NEWCOMER, establishment_programme_end__range=(period.start, as_of)
    )
    figures = people.aggregate(all=Count("pk"), good=Count("pk", filter=Exists(ended_well) | Exists(working)))
    return _share(figures["good"], figures["all"])


def left_social_assistance(period: Period) -> Figure:
    """Participants who stopped needing social assistance in the period."""
    return _count(
        facts(Participant, period.scope).filter(social_assistance_ended_on__range=(period.start, period.end)).count()
    )


def left_social_assistance_by_source(period: Period) -> list[dict[str, object]]:
    """The same, per referral source (GROUP BY)."""
    rows = (
        facts(Participant, period.scope)
        .filter(social_assistance_ended_on__range=(period.start, period.end))
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
    # Defined as Kolada's KPIs (reporting/outcomes.py): people who left, by the kind of exit.
    "kolada-exits-work-or-studies-share": outcomes.exits_work_or_studies,
    "kolada-exits-work-share": outcomes.exits_work,
    "kolada-exits-studies-share": outcomes.exits_studies,
    "kolada-exits-people": outcomes.exits_people,
    "kolada-newcomers-work-or-studies-90-days-share": outcomes.newcomers_work_or_studies_90_days,
}


@dataclass(frozen=True)
class Definition:
    """The written definition of an indicator: what is counted, out of what, on which date, among whom.
    The methodology page and the report's appendix print it; a test per indicator holds code and text
    together with a hand-worked answer (reporting/tests/test_indicators.py)."""

    name: StrOrPromise
    numerator: StrOrPromise
    denominator: StrOrPromise | None  # None for a count
    measured: StrOrPromise  # the date the facts are read as of
    population: StrOrPromise
    unit: str  # "count" or "percent"

    @property
    def text(self) -> str:
        """The definition in one paragraph."""
        parts = [str(self.numerator)]
        if self.denominator is not None:
            parts.append(_("Out of: %(denominator)s") % {"denominator": self.denominator})
        parts.append(_("Measured: %(measured)s") % {"measured": self.measured})
        parts.append(_("Population: %(population)s") % {"population": self.population})
        return " ".join(part if part.endswith(".") else f"{part}." for part in parts)


AS_AT_END = gettext_lazy("as things stood at the period's end (or on the day it is read, for a period still running)")
STARTED_PLACEMENTS = gettext_lazy("placements of every type that have started (active, completed or ended early)")

# One definition per indicator. An installation may rename an indicator in its Indicator table; the
# definition is always this one, the one the code computes.
STANDARD: dict[str, Definition] = {
    "matched-per-year": Definition(
        gettext_lazy("Participants matched to a placement"),
        gettext_lazy("Distinct participants with a placement whose actual start falls in the period"),
        None,
        gettext_lazy("the placement's actual start date"),
        STARTED_PLACEMENTS,
        "count",
    ),
    "placements-started": Definition(
        gettext_lazy("Placements started"),
        gettext_lazy("Placements whose actual start falls in the period"),
        None,
        gettext_lazy("the placement's actual start date"),
        STARTED_PLACEMENTS,
        "count",
    ),
    "placements-active": Definition(
        gettext_lazy("Placements active"),
        gettext_lazy("Placements running on at least one day of the period (started by its end, not ended before it)"),
        None,
        gettext_lazy("the actual start and end dates"),
        STARTED_PLACEMENTS,
        "count",
    ),
    "placements-completed": Definition(
        gettext_lazy("Placements completed"),
        gettext_lazy("Placements completed as planned (not ended early) whose actual end falls in the period"),
        None,
        gettext_lazy("the placement's actual end date"),
        gettext_lazy("ended placements"),
        "count",
    ),
    "people-in-measures": Definition(
        gettext_lazy("People in labour-market measures in municipal services"),
        gettext_lazy(
            "Distinct participants with a placement at a municipal department running on at least one day of the period"
        ),
        None,
        gettext_lazy("the actual start and end dates"),
        gettext_lazy("started placements at the municipality's own departments; other employers are not counted"),
        "count",
    ),
    "completed-work-or-studies-share": Definition(
        gettext_lazy("Work or studies at the end of the placement (own measure)"),
        gettext_lazy("Placements whose outcome at the end was employment or studies"),
        gettext_lazy("placements (completed or ended early) whose actual end falls in the period"),
        gettext_lazy("the placement's last day, as recorded when it ended"),
        gettext_lazy("placements, not people: a person with two placements counts twice"),
        "percent",
    ),
    "later-outcome-90-share": Definition(
        gettext_lazy("Work or studies 90 days after the placement (own measure)"),
        gettext_lazy("Placements whose 90-day outcome was employment or studies"),
        gettext_lazy(
            "ended placements whose 90-day point (90 days after the actual end) falls in the period and whose "
            "90-day outcome was recorded by the period's end"
        ),
        AS_AT_END,
        gettext_lazy("placements, not people"),
        "percent",
    ),
    "later-outcome-recorded-share": Definition(
        gettext_lazy("Later outcomes recorded"),
        gettext_lazy("Placements whose 90-day outcome was recorded by the period's end"),
        gettext_lazy("ended placements whose 90-day point falls in the period"),
        AS_AT_END,
        gettext_lazy("placements, not people"),
        "percent",
    ),
    "trained-supervisor-share": Definition(
        gettext_lazy("Trained supervisors"),
        gettext_lazy("Placements whose supervisor had a completed, valid supervisor training on the start day"),
        gettext_lazy("placements running on at least one day of the period"),
        gettext_lazy("the placement's actual start date"),
        STARTED_PLACEMENTS,
        "percent",
    ),
    "follow-ups-on-time-share": Definition(
        gettext_lazy("Follow-ups on time"),
        gettext_lazy("Scheduled follow-ups done within five Swedish working days of their due date"),
        gettext_lazy(
            "scheduled follow-ups due in the period that were either done in time or whose five working days "
            "ran out by the period's end; those still inside their five days are pending and not counted, "
            "those cancelled at an early end and extra ones added by a supervisor are not due"
        ),
        AS_AT_END,
        gettext_lazy("follow-ups of every placement"),
        "percent",
    ),
    "supervisors-trained": Definition(
        gettext_lazy("Supervisors trained"),
        gettext_lazy("Distinct supervisors who completed the supervisor training in the period"),
        None,
        gettext_lazy("the date the training was completed"),
        gettext_lazy(
            "the supervisors of the municipality's placements that had begun by the period's end (started, or "
            "planned to start, on or before it; a proposed one too); a supervisor who supervises for several "
            "municipalities counts in each, and once in the region"
        ),
        "count",
    ),
    "left-social-assistance": Definition(
        gettext_lazy("Left social assistance"),
        gettext_lazy("Participants whose social assistance ended in the period"),
        None,
        gettext_lazy("the date the social assistance ended, as recorded on the case file"),
        gettext_lazy("every participant"),
        "count",
    ),
    "newcomers-work-or-studies-after-programme": Definition(
        gettext_lazy("Newcomers in work or studies at the end of the establishment programme (own measure)"),
        gettext_lazy(
            "Newcomers who, on the programme's last day, had a placement that ended in work or studies by then, "
            "or a paid job (an employment-type placement) running that day"
        ),
        gettext_lazy("newcomers whose establishment programme ended in the period"),
        gettext_lazy("the programme's last day, read from the placements' dates (not from their status today)"),
        gettext_lazy("participants in the target group newcomers"),
        "percent",
    ),
    "kolada-exits-work-or-studies-share": Definition(
        gettext_lazy("Left the unit for work or studies (as Kolada)"),
        gettext_lazy(
            "People who left for regular or subsidised employment on the ordinary labour market expected to last "
            "at least one continuous month (municipal labour-market jobs do not count), or for studies that "
            "qualify for student aid"
        ),
        gettext_lazy("people who left the unit in the period, each counted once"),
        gettext_lazy("the day the person left, as recorded by the period's end"),
        gettext_lazy("every participant whose case was closed"),
        "percent",
    ),
    "kolada-exits-work-share": Definition(
        gettext_lazy("Left the unit for work (as Kolada)"),
        gettext_lazy(
            "People who left for regular or subsidised employment on the ordinary labour market expected to last "
            "at least one continuous month"
        ),
        gettext_lazy("people who left the unit in the period, each counted once"),
        gettext_lazy("the day the person left, as recorded by the period's end"),
        gettext_lazy("every participant whose case was closed"),
        "percent",
    ),
    "kolada-exits-studies-share": Definition(
        gettext_lazy("Left the unit for studies (as Kolada)"),
        gettext_lazy("People who left for studies that qualify for student aid"),
        gettext_lazy("people who left the unit in the period, each counted once"),
        gettext_lazy("the day the person left, as recorded by the period's end"),
        gettext_lazy("every participant whose case was closed"),
        "percent",
    ),
    "kolada-exits-people": Definition(
        gettext_lazy("People who left the unit"),
        gettext_lazy("Distinct people who left the unit in the period, whatever the reason"),
        None,
        gettext_lazy("the day the person left, as recorded by the period's end"),
        gettext_lazy("every participant whose case was closed"),
        "count",
    ),
    "kolada-newcomers-work-or-studies-90-days-share": Definition(
        gettext_lazy("Newcomers in work or studies 90 days after the establishment programme (as Kolada)"),
        gettext_lazy(
            "Newcomers in work (of any kind, subsidised jobs included) or in studies that qualify for student aid "
            "90 days after their establishment programme ended"
        ),
        gettext_lazy(
            "newcomers whose 90th day after the programme falls in the period and whose status then was recorded "
            "by the period's end"
        ),
        gettext_lazy("the 90th day after the programme's end, as recorded by the period's end"),
        gettext_lazy("participants in the target group newcomers"),
        "percent",
    ),
}


# How the periods are read: one text, printed on the methodology page and in the report's appendix.
PERIOD_METHOD = gettext_lazy(
    "Every figure describes a period and is computed from dated facts as they stood at the period's end: "
    "placements by their actual start and end dates, follow-ups by their due and done dates, later outcomes by "
    "the day they were recorded, the participants' way to work by their status history. Nothing is read from "
    "today's status, so a report made again for a past quarter gives the same figures, unless a fact about that "
    "quarter was corrected; the list of reports then says which figures changed. A quarter that is still "
    "running is read as things stand today. The dashboard compares the year so far with the same days of the "
    "year before."
)


def compute(period: Period) -> dict[str, Figure]:
    """Every indicator for the period, as read on `period.as_of` (today if None), of its scope."""
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
        placements(period)
        .filter(status__in=STARTED)
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


def quarterly_series(year: int, scope: Scope = EVERYWHERE) -> dict[str, list[int | None]]:
    """Per quarter of the year: placements started, ended, ended in work or studies, and the people
    matched so far (cumulative), of the scope's participants. Two aggregate queries."""
    quarters = [Period.quarter(year, q) for q in range(1, 5)]
    started = (
        facts(Placement, scope)
        .filter(status__in=STARTED, actual_start__year=year)
        .aggregate(
            **{f"q{i}": Count("pk", filter=Q(actual_start__range=(p.start, p.end))) for i, p in enumerate(quarters, 1)},
            **{
                f"matched{i}": Count("participant", distinct=True, filter=Q(actual_start__lte=p.end))
                for i, p in enumerate(quarters, 1)
            },
        )
    )
    ended = (
        facts(Placement, scope)
        .filter(status__in=ENDED_STATUSES, actual_end__year=year)
        .aggregate(
            **{f"q{i}": Count("pk", filter=Q(actual_end__range=(p.start, p.end))) for i, p in enumerate(quarters, 1)},
            **{
                f"good{i}": Count("pk", filter=Q(actual_end__range=(p.start, p.end), outcome__in=WORK_OR_STUDIES))
                for i, p in enumerate(quarters, 1)
            },
        )
    )
    return {
        "started": [started[f"q{i}"] for i in range(1, 5)],
        "ended": [ended[f"q{i}"] for i in range(1, 5)],
        "work_or_studies": [ended[f"good{i}"] for i in range(1, 5)],
        "matched_cumulative": [started[f"matched{i}"] for i in range(1, 5)],
    }


def forecast(
    value: float | None,
    *,
    percent: bool,
    start: dt.date,
    today: dt.date,
    so_far: Figure | None = None,
    quarters: dict[int, Figure] | None = None,
) -> float | None:
    """The year's figure if things go on as they have so far.

    A count: the rate so far holds, so the count scales with the part of the year gone (half the year
    gone, 50 started: 100).

    A share (given the year so far, `so_far`, and ended quarters by number, `quarters`): the year's share
    is the pooled share of all its cases, so the forecast adds the cases still to come to those so
    far. The cases to come: as many a day as so far (the denominator so far scaled to the rest of the
    year, as for a count). Their share: the straight line fitted (least squares) through the shares
    of the ended quarters, each placed at its quarter's middle, read at the middle of the rest of the
    year, and kept within 0-100 %. Only quarters whose share may be shown (five or more cases) take
    part in the line; with fewer than two of them there is no trend to see, and the cases to come are
    expected at the share so far, which is then the forecast.

    Worked example: Q1 8 of 20 (40 %), Q2 12 of 20 (60 %), on 30 June (two quarters gone). The line
    rises 20 points a quarter: 40 % at 0.5, 60 % at 1.5, so 90 % at 3.0, the middle of Q3-Q4. The
    cases to come: 40 more (40 in two quarters, two quarters left), 36 of them in work. The year:
    (20 + 36) / (40 + 40) = 70 %.
    """
    if value is None:
        return None
    if not percent:
        elapsed = (today - start).days + 1
        days = (dt.date(start.year, 12, 31) - start).days + 1
        return round(value * days / max(elapsed, 1))
    if so_far is None or not so_far.denominator or quarters is None:
        return value
    numerator, denominator = so_far.numerator, so_far.denominator
    gone = _quarters_gone(today)
    if gone >= 4:
        return value
    points = [
        (number - 0.5, figure.value)
        for number, figure in sorted(quarters.items())
        if figure.value is not None  # a published figure: None when withheld
    ]
    to_come = denominator * (4 - gone) / gone
    share_to_come = numerator / denominator * 100
    if len(points) >= 2:
        mean_x = sum(x for x, _ in points) / len(points)
        mean_y = sum(y for _, y in points) / len(points)
        slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / sum((x - mean_x) ** 2 for x, _ in points)
        share_to_come = min(100.0, max(0.0, mean_y + slope * ((gone + 4) / 2 - mean_x)))
    return round(100 * (numerator + to_come * share_to_come / 100) / (denominator + to_come), 1)


def _quarters_gone(today: dt.date) -> float:
    """How much of the year has gone by the end of `today`, in quarters (30 June: 2.0)."""
    quarter = quarter_of(today)
    period = Period.quarter(today.year, quarter)
    length = (period.end - period.start).days + 1
    return quarter - 1 + ((today - period.start).days + 1) / length


__all__ = [
    "INDICATORS",
    "STANDARD",
    "Definition",
    "Figure",
    "Period",
    "breakdown",
    "compute",
    "forecast",
    "quarterly_series",
]
