"""Quarterly reports: request, generate (figures, PDF, XLSX), and keep one current version."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone, translation

from accounts.models import User
from outbox.services import outbox_enqueue
from participants.models import Participant, ParticipantStatus
from placements.models import ENDED_STATUSES, WORK_OR_STUDIES

from .disclosure import protect_report
from .documents import report_pdf, report_xlsx
from .indicators import (
    BREAKDOWNS,
    INDICATORS,
    STANDARD,
    Period,
    breakdown,
    left_social_assistance_by_source,
    quarter_of,
)
from .models import Indicator, QuarterlyReport, Target
from .status import status

logger = logging.getLogger(__name__)


def previous_quarter(today: dt.date) -> tuple[int, int]:
    quarter = quarter_of(today)
    return (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)


@transaction.atomic
def quarterly_report_request(*, year: int, quarter: int, by: User | None) -> QuarterlyReport:
    """A new version of the quarter's report, waiting to be generated (the earlier ones are kept)."""
    latest = QuarterlyReport.objects.select_for_update().filter(year=year, quarter=quarter).aggregate(v=Max("version"))
    report = QuarterlyReport(year=year, quarter=quarter, version=(latest["v"] or 0) + 1, requested_by=by)
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def quarterly_report_queue(*, year: int, quarter: int, by: User | None) -> QuarterlyReport:
    """Request a new version and queue its generation; the work is kept if the broker is down."""
    report = quarterly_report_request(year=year, quarter=quarter, by=by)
    outbox_enqueue(
        task_name="reporting.tasks.generate_quarterly_report",
        args=[report.year, report.quarter, report.pk],
        key=f"quarterly-report:{report.pk}",
    )
    return report


def unfinished_or_new(*, year: int, quarter: int) -> QuarterlyReport:
    """The version a (re)run should work on: an unfinished one if a run was interrupted, else a new one."""
    unfinished = (
        QuarterlyReport.objects.filter(year=year, quarter=quarter)
        .exclude(status=QuarterlyReport.Status.DONE)
        .order_by("-version")
        .first()
    )
    return unfinished or quarterly_report_request(year=year, quarter=quarter, by=None)


def scheduled_or_new(*, year: int, quarter: int) -> QuarterlyReport:
    """The version the schedule works on: the one it made before (a second run, or a retry after
    a crash, continues it), else a new one."""
    scheduled = (
        QuarterlyReport.objects.filter(year=year, quarter=quarter, requested_by__isnull=True)
        .order_by("-version")
        .first()
    )
    return scheduled or quarterly_report_request(year=year, quarter=quarter, by=None)


def quarterly_report_generate(*, report: QuarterlyReport) -> QuarterlyReport:
    """Compute every figure, render the PDF and the workbook, and make this version the current one.

    Safe to run again on the same version (a retry): a finished version is returned as it is.
    """
    report.refresh_from_db()
    if report.status == QuarterlyReport.Status.DONE:
        return report
    QuarterlyReport.objects.filter(pk=report.pk).update(status=QuarterlyReport.Status.RUNNING, error="")
    try:
        with translation.override("sv"):  # the snapshot is the Swedish report
            figures = report_figures_published(year=report.year, quarter=report.quarter)
        pdf = report_pdf(figures)
        xlsx = report_xlsx(figures)
    except Exception as exc:
        QuarterlyReport.objects.filter(pk=report.pk).update(
            status=QuarterlyReport.Status.FAILED, error=type(exc).__name__[:300]
        )
        logger.exception("quarterly report %s failed", report.pk)
        raise
    name = f"platsa-{report.year}-q{report.quarter}-v{report.version}"
    with transaction.atomic():
        locked = QuarterlyReport.objects.select_for_update().get(pk=report.pk)
        locked.figures = figures
        locked.pdf.save(f"{name}.pdf", ContentFile(pdf), save=False)
        locked.xlsx.save(f"{name}.xlsx", ContentFile(xlsx), save=False)
        locked.generated_at = timezone.now()
        locked.status = QuarterlyReport.Status.DONE
        QuarterlyReport.objects.filter(year=locked.year, quarter=locked.quarter, is_current=True).update(
            is_current=False
        )
        locked.is_current = True
        locked.save()
    return locked


def report_figures(
    year: int, quarter: int, today: dt.date | None = None, *, year_to_date_only: bool = False
) -> dict[str, object]:
    """Every figure of the report as plain data, raw: what is stored and shown is
    `reporting.disclosure.protect_report` of it. The dashboard shows the year to date only and
    leaves the quarter out."""
    today = today or timezone.localdate()
    periods = {"quarter": Period.quarter(year, quarter), "year_to_date": Period.year_to_date(year, quarter)}
    if year_to_date_only:
        del periods["quarter"]
    part_of_year = {"quarter": 0.25, "year_to_date": quarter / 4}
    indicators = {i.code: i for i in Indicator.objects.all()}
    targets = {
        t.indicator.code: t for t in Target.objects.filter(year=year, quarter__isnull=True).select_related("indicator")
    }
    rows = []
    for code, function in INDICATORS.items():
        indicator = indicators.get(code)
        target = targets.get(code)
        standard_name, standard_definition, standard_unit = STANDARD[code]
        percent = (indicator.unit if indicator else standard_unit) == Indicator.Unit.PERCENT
        entry: dict[str, object] = {
            "code": code,
            "name": indicator.localised_name if indicator else str(standard_name),
            "definition": indicator.localised_definition if indicator else str(standard_definition),
            "unit": "percent" if percent else "count",
            "target": float(target.target_value) if target else None,
            "baseline": float(target.baseline) if target and target.baseline is not None else None,
            "comparison": float(target.comparison_value) if target and target.comparison_value is not None else None,
        }
        for key, period in periods.items():
            figure = function(period)
            value = figure.value  # raw: reporting.disclosure withholds it (and its status) on the way out
            entry[key] = {
                **figure.as_dict(),
                "shown": value,
                "status": status(
                    value=value,
                    target=target.target_value if target else None,
                    percent=percent,
                    part_of_year=part_of_year[key],
                    higher_is_better=indicator.higher_is_better if indicator else True,
                ),
            }
        rows.append(entry)
    return {
        "year": year,
        "quarter": quarter,
        "periods": {key: {"start": str(p.start), "end": str(p.end), "label": p.label} for key, p in periods.items()},
        "indicators": rows,
        "breakdowns": {
            dimension: {key: breakdown(period, dimension) for key, period in periods.items()}
            for dimension in BREAKDOWNS
        },
        "funnel": funnel(periods["year_to_date"]),
        "suppliers": suppliers(periods["year_to_date"]),
        "left_social_assistance": left_social_assistance_by_source(periods["year_to_date"]),
        "computed_on": str(today),
    }


def report_figures_published(*, year: int, quarter: int, today: dt.date | None = None) -> dict[str, object]:
    """The report's figures as they may be published (stored, printed, served by the API): small
    numbers withheld, and further cells so that none can be worked out, also against the published
    reports of the quarters before and after (their year-to-date difference is this quarter)."""
    published = QuarterlyReport.objects.filter(year=year, is_current=True, status=QuarterlyReport.Status.DONE)
    neighbours = {
        r.quarter: r.figures
        for r in published.filter(quarter__in=(quarter - 1, quarter, quarter + 1)).only("quarter", "figures")
    }
    # The following quarter was protected against this one's published version, if there is one:
    # leaving it out then makes a regeneration on unchanged facts give the stored figures exactly.
    following = None if quarter in neighbours else neighbours.get(quarter + 1)
    raw = report_figures(year, quarter, today)
    return protect_report(raw, previous=neighbours.get(quarter - 1), following=following)


def funnel(period: Period) -> list[dict[str, object]]:
    """Of the people referred in the period: how far they have come (each step counts those beyond it)."""
    referred = Participant.objects.filter(referral_date__range=(period.start, period.end))
    figures = referred.aggregate(
        referred=Count("pk", distinct=True),
        mapped=Count("pk", distinct=True, filter=~Q(status=ParticipantStatus.REFERRED)),
        placed=Count("pk", distinct=True, filter=Q(placements__actual_start__isnull=False)),
        completed=Count("pk", distinct=True, filter=Q(placements__status__in=ENDED_STATUSES)),
        work_or_studies=Count(
            "pk",
            distinct=True,
            filter=Q(placements__status__in=ENDED_STATUSES, placements__outcome__in=WORK_OR_STUDIES),
        ),
    )
    return [{"step": step, "count": count} for step, count in figures.items()]


__all__ = [
    "previous_quarter",
    "quarterly_report_generate",
    "quarterly_report_request",
    "report_figures",
    "report_figures_published",
]


@transaction.atomic
def targets_save(*, year: int, values: dict[int, tuple[Decimal | None, Decimal | None]], by: User | None) -> int:
    """Set the yearly target and baseline of each indicator (id -> (target, baseline)); an empty
    target removes it. All or nothing. Returns how many targets the year has afterwards."""
    for indicator_id, (target_value, baseline) in values.items():
        if target_value is None:
            Target.objects.filter(indicator_id=indicator_id, year=year, quarter__isnull=True).delete()
            continue
        target = Target.objects.filter(indicator_id=indicator_id, year=year, quarter__isnull=True).first() or Target(
            indicator_id=indicator_id, year=year
        )
        target.target_value, target.baseline = target_value, baseline
        target.full_clean()
        target.save()
    return Target.objects.filter(year=year, quarter__isnull=True).count()


def data_version() -> tuple[object, ...]:
    """Where the data reports read from stands: one cheap query over indexed columns. Any change to
    placements, participants, follow-ups, outcomes, training or targets moves it, and so does erasing a
    case file (the counts: deleting rows that are not the newest moves no maximum)."""
    from participants.models import Participant as ParticipantModel
    from placements.models import FollowUp, LaterOutcome, Placement
    from supervisors.models import Enrolment

    tables = [
        (Placement._meta.db_table, "MAX(updated_at)"),
        (Placement._meta.db_table, "MAX(id)"),
        (Placement._meta.db_table, "COUNT(*)"),
        (ParticipantModel._meta.db_table, "MAX(updated_at)"),
        (ParticipantModel._meta.db_table, "COUNT(*)"),
        (FollowUp._meta.db_table, "MAX(id)"),
        (FollowUp._meta.db_table, "COUNT(done_on)"),
        (LaterOutcome._meta.db_table, "MAX(id)"),
        (Enrolment._meta.db_table, "COUNT(completed_on)"),
        (Target._meta.db_table, "MAX(id)"),
        (Target._meta.db_table, "SUM(target_value)"),
    ]
    sql = "SELECT " + ", ".join(f"(SELECT {expression} FROM {table})" for table, expression in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(cursor.fetchone())


def suppliers(period: Period) -> list[dict[str, object]]:
    """Employers with a social-procurement contract in the period: placements promised a year, and
    placements started at their workplaces in the period (one GROUP BY query)."""
    from workplaces.models import Organisation

    rows = (
        Organisation.objects.filter(contracts__start_date__lte=period.end, contracts__end_date__gte=period.start)
        .annotate(
            promised=Max("contracts__promised_placements"),
            delivered=Count(
                "workplaces__needs__placements",
                filter=Q(
                    workplaces__needs__placements__status__in=("active", *ENDED_STATUSES),
                    workplaces__needs__placements__actual_start__range=(period.start, period.end),
                ),
                distinct=True,
            ),
        )
        .values("name", "promised", "delivered")
        .order_by("name")
    )
    # "delivered" is shown as it is, even below 5: see reporting.disclosure.DISCLOSURE_METHOD.
    return [{"name": r["name"], "promised": r["promised"], "delivered": r["delivered"]} for r in rows]
