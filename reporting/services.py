"""Quarterly reports: request, generate (figures, PDF, XLSX), and keep one current version."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Count, Exists, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone, translation

from accounts import access
from accounts.models import Municipality, Region, User
from config.db_router import reading_from_replica
from outbox.services import outbox_enqueue
from participants.models import Participant, ParticipantStatus, StatusChange
from placements.models import ENDED_STATUSES, WORK_OR_STUDIES, Placement

from .disclosure import protect_report
from .documents import report_pdf, report_xlsx
from .indicators import (
    BREAKDOWNS,
    INDICATORS,
    STANDARD,
    STARTED,
    Period,
    breakdown,
    left_social_assistance_by_source,
    quarter_of,
)
from .models import Indicator, QuarterlyReport, Target
from .scope import Owner, facts, owner_filter, owners, scope_of, sole_municipality
from .status import status

logger = logging.getLogger(__name__)


def quarter_unfinished(*, year: int, quarter: int, today: dt.date | None = None) -> bool:
    """Whether the quarter is still running (or has not begun): today is on or before its last day.
    Its report can only be preliminary."""
    return (today or timezone.localdate()) <= Period.quarter(year, quarter).end


def previous_quarter(today: dt.date) -> tuple[int, int]:
    quarter = quarter_of(today)
    return (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)


def _owner(owner: Owner | None) -> Owner:
    return owner if owner is not None else sole_municipality()


@transaction.atomic
def quarterly_report_request(
    *, year: int, quarter: int, by: User | None, owner: Owner | None = None
) -> QuarterlyReport:
    """A new version of the owner's (a municipality's or a region's) report of the quarter, waiting to
    be generated (the earlier ones are kept). No owner: the installation's only municipality."""
    owned = owner_filter(_owner(owner))
    latest = (
        QuarterlyReport.objects.select_for_update()
        .filter(year=year, quarter=quarter, **owned)
        .aggregate(v=Max("version"))
    )
    report = QuarterlyReport(
        **owned,
        year=year,
        quarter=quarter,
        version=(latest["v"] or 0) + 1,
        requested_by=by,
        preliminary=quarter_unfinished(year=year, quarter=quarter),
    )
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def quarterly_report_queue(*, year: int, quarter: int, by: User | None, owner: Owner | None = None) -> QuarterlyReport:
    """Request a new version and queue its generation; the work is kept if the broker is down."""
    report = quarterly_report_request(year=year, quarter=quarter, by=by, owner=owner)
    outbox_enqueue(
        task_name="reporting.tasks.generate_quarterly_report",
        args=[report.year, report.quarter, report.pk],
        key=f"quarterly-report:{report.pk}",
        municipality_id=report.municipality_id,  # None for a region's report
    )
    return report


def unfinished_or_new(*, year: int, quarter: int, owner: Owner | None = None) -> QuarterlyReport:
    """The version a (re)run should work on: an unfinished one if a run was interrupted, else a new one."""
    owner = _owner(owner)
    unfinished = (
        QuarterlyReport.objects.filter(year=year, quarter=quarter, **owner_filter(owner))
        .exclude(status=QuarterlyReport.Status.DONE)
        .order_by("-version")
        .first()
    )
    return unfinished or quarterly_report_request(year=year, quarter=quarter, by=None, owner=owner)


def scheduled_or_new(*, year: int, quarter: int, owner: Owner | None = None) -> QuarterlyReport:
    """The version the schedule works on: the one it made before (a second run, or a retry after
    a crash, continues it), else a new one."""
    owner = _owner(owner)
    scheduled = (
        QuarterlyReport.objects.filter(year=year, quarter=quarter, requested_by__isnull=True, **owner_filter(owner))
        .order_by("-version")
        .first()
    )
    return scheduled or quarterly_report_request(year=year, quarter=quarter, by=None, owner=owner)


def scheduled_reports(*, year: int, quarter: int) -> list[QuarterlyReport]:
    """The versions the schedule works on, one per municipality and one per region (`scheduled_or_new`).
    The municipalities' come first: a region's report is protected against theirs."""
    return [scheduled_or_new(year=year, quarter=quarter, owner=owner) for owner in owners()]


def quarterly_report_generate(*, report: QuarterlyReport) -> QuarterlyReport:
    """Compute every figure, render the PDF and the workbook, and make this version the current one.

    A quarter that has not ended (today is on or before its last day) gives a preliminary version,
    marked so in the archive, the PDF and the workbook; it never becomes current, so the current
    version stays the last final one. Whether a version is preliminary is decided when its figures
    are computed: one requested on the quarter's last day and made the day after is final.

    Safe to run again on the same version (a retry): a finished version is returned as it is.
    """
    report.refresh_from_db()
    if report.status == QuarterlyReport.Status.DONE:
        return report
    QuarterlyReport.objects.filter(pk=report.pk).update(status=QuarterlyReport.Status.RUNNING, error="")
    try:
        preliminary = quarter_unfinished(year=report.year, quarter=report.quarter)
        # The figures are read on the replica when there is one that keeps up (config/db_router.py);
        # the version is written on the primary.
        with translation.override("sv"), reading_from_replica():  # the snapshot is the Swedish report
            figures = report_figures_published(year=report.year, quarter=report.quarter, owner=report.owner)
        figures["preliminary"] = preliminary
        # Whose report it is, as the PDF's and the workbook's title names it (the municipality's or the
        # region's name, not the installation's).
        figures["owner_name"] = report.owner.name
        pdf = report_pdf(figures)
        xlsx = report_xlsx(figures)
    except Exception as exc:
        QuarterlyReport.objects.filter(pk=report.pk).update(
            status=QuarterlyReport.Status.FAILED, error=type(exc).__name__[:300]
        )
        logger.exception("quarterly report %s failed", report.pk)
        raise
    owned = owner_filter(report.owner)
    earlier = (
        QuarterlyReport.objects.filter(
            year=report.year,
            quarter=report.quarter,
            status=QuarterlyReport.Status.DONE,
            version__lt=report.version,
            **owned,
        )
        .order_by("-version")
        .first()
    )
    changes = figure_changes(earlier.figures, figures) if earlier else []
    name = report_file_name(report, preliminary=preliminary)
    with transaction.atomic():
        locked = QuarterlyReport.objects.select_for_update().get(pk=report.pk)
        locked.figures = figures
        locked.changes = changes
        locked.pdf.save(f"{name}.pdf", ContentFile(pdf), save=False)
        locked.xlsx.save(f"{name}.xlsx", ContentFile(xlsx), save=False)
        locked.generated_at = timezone.now()
        locked.status = QuarterlyReport.Status.DONE
        locked.preliminary = preliminary
        if not preliminary:
            QuarterlyReport.objects.filter(year=locked.year, quarter=locked.quarter, is_current=True, **owned).update(
                is_current=False
            )
            locked.is_current = True
        locked.full_clean()
        locked.save()
    return locked


def report_file_name(report: QuarterlyReport, *, preliminary: bool) -> str:
    """The report's file name without the extension: the owner's code, the quarter and the version."""
    owner = report.owner
    draft = "-preliminar" if preliminary else ""
    return f"platsa-{owner.code}-{report.year}-q{report.quarter}-v{report.version}{draft}"


# The parts of a snapshot that are figures; the rest (when it was computed, names, definitions) is not.
FIGURE_TABLES = ("breakdowns", "funnel", "suppliers", "left_social_assistance", "municipalities")


def figure_changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Which figures differ between two snapshots of the same quarter: the codes of the indicators whose
    counts differ, and the names of the tables that differ. Empty when the facts were unchanged."""

    def counts(snapshot: dict[str, Any]) -> dict[str, object]:
        return {
            row["code"]: [
                {k: row[period].get(k) for k in ("numerator", "denominator")} for period in ("quarter", "year_to_date")
            ]
            for row in snapshot.get("indicators", [])
        }

    old, new = counts(before), counts(after)
    changed = sorted(code for code in old.keys() | new.keys() if old.get(code) != new.get(code))
    changed += [table for table in FIGURE_TABLES if before.get(table) != after.get(table)]
    return changed


def report_figures(
    year: int,
    quarter: int,
    today: dt.date | None = None,
    *,
    year_to_date_only: bool = False,
    owner: Owner | None = None,
) -> dict[str, object]:
    """Every figure of the owner's report as plain data, raw: what is stored and shown is
    `reporting.disclosure.protect_report` of it. The dashboard shows the year to date only and
    leaves the quarter out. `owner`: the municipality, or the region (the facts of every municipality
    of it, and no targets: targets are a municipality's); None counts the whole database, with the
    targets of a single-municipality installation."""
    today = today or timezone.localdate()
    scope = scope_of(owner)
    periods = {
        "quarter": Period.quarter(year, quarter).on(today).within(scope),
        "year_to_date": Period.year_to_date(year, quarter).on(today).within(scope),
    }
    if year_to_date_only:
        del periods["quarter"]
    part_of_year = {"quarter": 0.25, "year_to_date": quarter / 4}
    indicators = {i.code: i for i in Indicator.objects.all()}
    targets: dict[str, Target] = {}
    quarter_targets: dict[str, Target] = {}
    for t in (
        _targets_of(owner)
        .filter(year=year)
        .filter(Q(quarter__isnull=True) | Q(quarter=quarter))
        .select_related("indicator")
    ):
        (targets if t.quarter is None else quarter_targets)[t.indicator.code] = t
    rows = []
    for code, function in INDICATORS.items():
        indicator = indicators.get(code)
        target = targets.get(code)
        quarter_target = quarter_targets.get(code)
        definition = STANDARD[code]
        percent = definition.unit == Indicator.Unit.PERCENT
        kolada_kpi = indicator.kolada_kpi if indicator else ""
        entry: dict[str, object] = {
            "code": code,
            "name": indicator.localised_name if indicator else str(definition.name),
            # The definition is the code's, whatever an installation calls the indicator.
            "definition": definition.text,
            "unit": "percent" if percent else "count",
            "target": float(target.target_value) if target else None,
            "quarter_target": float(quarter_target.target_value) if quarter_target else None,
            "baseline": float(target.baseline) if target and target.baseline is not None else None,
            # The comparison (the national figure) only beside a measure defined the same way: a Kolada KPI.
            "kolada_kpi": kolada_kpi,
            "comparison": float(target.comparison_value)
            if kolada_kpi and target and target.comparison_value is not None
            else None,
        }
        for key, period in periods.items():
            figure = function(period)
            value = figure.value  # raw: reporting.disclosure withholds it (and its status) on the way out
            # The quarter is measured against its own target when one is set (not pro-rated: it is
            # the quarter's), else against the year's, pro-rated; the year to date always the year's.
            own = quarter_target if key == "quarter" else None
            goal = own or target
            entry[key] = {
                **figure.as_dict(),
                "shown": value,
                "status": status(
                    value=value,
                    target=goal.target_value if goal else None,
                    percent=percent,
                    part_of_year=1.0 if own else part_of_year[key],
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


def _targets_of(owner: Owner | None) -> QuerySet[Target]:
    """The owner's targets: a municipality's own; a region has none (its municipalities' are theirs)."""
    if owner is None:
        return Target.objects.all()
    if isinstance(owner, Region):
        return Target.objects.none()
    return Target.objects.filter(municipality=owner)


def quarter_figures(
    *, codes: list[str], year: int, until: int, owner: Owner | None = None
) -> dict[str, dict[int, dict[str, object]]]:
    """The given indicators' figure in each ended quarter of the year before quarter `until`, as the
    quarter's current (final) report holds it: code -> {quarter: figure}. For the forecast of a share
    (its trend over the quarters). One query, and no indicator is computed again: a quarter without
    a current report is left out."""
    if until < 2:
        return {}
    wanted = set(codes)
    found: dict[str, dict[int, dict[str, object]]] = {}
    rows = QuarterlyReport.objects.filter(
        year=year, quarter__lt=until, is_current=True, **owner_filter(_owner(owner))
    ).values_list("quarter", "figures__indicators")
    for quarter, indicators in rows:
        for row in indicators or []:
            if row.get("code") in wanted and isinstance(row.get("quarter"), dict):
                found.setdefault(row["code"], {})[quarter] = row["quarter"]
    return found


def report_figures_published(
    *, year: int, quarter: int, today: dt.date | None = None, owner: Owner | None = None
) -> dict[str, object]:
    """The report's figures as they may be published (stored, printed, served by the API): small
    numbers withheld, and further cells so that none can be worked out, also against the published
    reports of the quarters before and after (their year-to-date difference is this quarter).

    A region's report also has the table of its municipalities side by side (`regional_table`), each
    as that municipality's own report publishes it, and the region's figures are protected against
    it: a figure withheld for a small municipality cannot be worked out as the total minus the others."""
    owner = _owner(owner)
    published = QuarterlyReport.objects.filter(
        year=year, is_current=True, status=QuarterlyReport.Status.DONE, **owner_filter(owner)
    )
    neighbours = {
        r.quarter: r.figures
        for r in published.filter(quarter__in=(quarter - 1, quarter, quarter + 1)).only("quarter", "figures")
    }
    # The following quarter was protected against this one's published version, if there is one:
    # leaving it out then makes a regeneration on unchanged facts give the stored figures exactly.
    following = None if quarter in neighbours else neighbours.get(quarter + 1)
    raw = report_figures(year, quarter, today, owner=owner)
    municipalities = None
    if isinstance(owner, Region):
        municipalities = regional_table(
            owner,
            published=lambda municipality: report_figures_published(
                year=year, quarter=quarter, today=today, owner=municipality
            ),
        )
    return protect_report(raw, previous=neighbours.get(quarter - 1), following=following, municipalities=municipalities)


def regional_table(region: Region, *, published: Callable[[Municipality], dict[str, Any]]) -> list[dict[str, Any]]:
    """Each municipality of the region with its indicators as its own publication has them
    (`published`: its report's, or its dashboard's, figures as shown): the columns of the regional
    table. The same definitions and the same disclosure control as the municipality's own. Its
    published breakdowns come along for the disclosure control only (which municipalities a region's
    breakdown row is made of: reporting.disclosure); the table does not print them."""
    table = []
    for municipality in region.municipalities.order_by("name"):
        figures = published(municipality)
        periods = list(figures["periods"])
        table.append(
            {
                "id": municipality.pk,
                "code": municipality.code,
                "name": municipality.name,
                "indicators": [
                    {"code": row["code"], "unit": row["unit"], **{period: row[period] for period in periods}}
                    for row in figures["indicators"]
                ],
                "breakdowns": figures.get("breakdowns") or {},
            }
        )
    return table


def funnel(period: Period) -> list[dict[str, object]]:
    """Of the people referred in the period: how far they had come by its end (each step counts those
    who reached it), read from the status history and the placements' dates, not from today's status."""
    until = period.until
    end_of_day = timezone.make_aware(dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min))
    mapped = StatusChange.objects.filter(
        participant=OuterRef("pk"),
        changed_at__lt=end_of_day,
        to_status__in=(ParticipantStatus.MAPPED, ParticipantStatus.PLACED),
    )
    placements = Placement.objects.filter(participant=OuterRef("pk"), status__in=STARTED)
    placed = placements.filter(actual_start__lte=until)
    ended = placements.filter(status__in=ENDED_STATUSES, actual_end__lte=until)
    referred = facts(Participant, period.scope).filter(referral_date__range=(period.start, until))
    figures = referred.aggregate(
        referred=Count("pk"),
        mapped=Count("pk", filter=Exists(mapped) | Exists(placed)),
        placed=Count("pk", filter=Exists(placed)),
        completed=Count("pk", filter=Exists(ended)),
        work_or_studies=Count("pk", filter=Exists(ended.filter(outcome__in=WORK_OR_STUDIES))),
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
def targets_save(
    *,
    year: int,
    values: dict[int, tuple[Decimal | None, Decimal | None]],
    quarters: dict[int, dict[int, Decimal | None]] | None = None,
    by: User | None,
    municipality: Municipality | None = None,
) -> int:
    """Set the municipality's yearly target and baseline of each indicator (id -> (target,
    baseline)), and its target for each quarter (id -> {quarter: target}); an empty target removes
    it. All or nothing. Returns how many yearly targets the year has afterwards. No municipality: the
    installation's only one."""
    municipality = municipality or sole_municipality()
    for indicator_id, (target_value, baseline) in values.items():
        _target_set(
            municipality=municipality,
            indicator_id=indicator_id,
            year=year,
            quarter=None,
            value=target_value,
            baseline=baseline,
        )
    for indicator_id, per_quarter in (quarters or {}).items():
        for quarter, target_value in per_quarter.items():
            _target_set(
                municipality=municipality,
                indicator_id=indicator_id,
                year=year,
                quarter=quarter,
                value=target_value,
                baseline=None,
            )
    return Target.objects.filter(municipality=municipality, year=year, quarter__isnull=True).count()


def _target_set(
    *,
    municipality: Municipality,
    indicator_id: int,
    year: int,
    quarter: int | None,
    value: Decimal | None,
    baseline: Decimal | None,
) -> None:
    existing = Target.objects.filter(
        municipality=municipality, indicator_id=indicator_id, year=year, quarter=quarter
    )  # None: IS NULL
    if value is None:
        existing.delete()
        return
    target = existing.first() or Target(
        municipality=municipality, indicator_id=indicator_id, year=year, quarter=quarter
    )
    target.target_value, target.baseline = value, baseline
    target.full_clean()
    target.save()


def data_version() -> tuple[object, ...]:
    """Where the data reports read from stands: one query over indexed columns (tens of milliseconds
    at a million placements: the dashboard's worker and beat check read it, the page does not). Any
    change to placements, participants, follow-ups, outcomes, training, contracts or targets moves
    it, and so does erasing a case file (the counts: deleting rows that are not the newest moves no
    maximum). A bulk update that leaves `updated_at` alone is not seen."""
    from participants.models import Participant as ParticipantModel
    from participants.models import StatusChange
    from placements.models import FollowUp, LaterOutcome, Placement, PlacementEvent
    from supervisors.models import Enrolment
    from workplaces.models import ProcurementContract

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
        # The dated facts the indicators are computed from, and the suppliers' contracts.
        (PlacementEvent._meta.db_table, "MAX(id)"),
        (StatusChange._meta.db_table, "MAX(id)"),
        (ProcurementContract._meta.db_table, "MAX(id)"),
        (ProcurementContract._meta.db_table, "COUNT(*)"),
        (Target._meta.db_table, "MAX(id)"),
        (Target._meta.db_table, "SUM(target_value)"),
    ]
    sql = "SELECT " + ", ".join(f"(SELECT {expression} FROM {table})" for table, expression in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(cursor.fetchone())


def suppliers(period: Period) -> list[dict[str, object]]:
    """Each social-procurement contract running in the period of a supplier in the scope's registers
    (accounts.access.employers_of: the municipalities' own employers and their region's regional
    ones; every contract for EVERYWHERE): the placements its supplier promised a year, and the
    placements of the scope's participants that started at the supplier's workplaces while the
    contract ran (within both the contract's and the period's dates). One query."""
    from workplaces.models import ProcurementContract

    delivered = (
        facts(Placement, period.scope)
        .filter(
            need__workplace__organisation=OuterRef("organisation"),
            status__in=STARTED,
            actual_start__gte=Greatest(OuterRef("start_date"), Value(period.start)),
            actual_start__lte=Least(OuterRef("end_date"), Value(period.until)),
        )
        .order_by()
        .values("need__workplace__organisation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    contracts = ProcurementContract.objects.filter(start_date__lte=period.end, end_date__gte=period.start)
    if period.scope.municipality_ids is not None:
        contracts = contracts.filter(access.employers_of(period.scope.municipality_ids, prefix="organisation__"))
    rows = (
        contracts.annotate(delivered=Coalesce(Subquery(delivered, output_field=IntegerField()), 0))
        .values("organisation__name", "reference", "start_date", "end_date", "promised_placements", "delivered")
        .order_by("organisation__name", "start_date", "reference")
    )
    return [
        {
            "name": r["organisation__name"],
            "reference": r["reference"],
            "start": str(r["start_date"]),
            "end": str(r["end_date"]),
            "promised": r["promised_placements"],
            # Shown as it is, even below 5: see reporting.disclosure.DISCLOSURE_METHOD.
            "delivered": r["delivered"],
        }
        for r in rows
    ]
