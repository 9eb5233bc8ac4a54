"""Celery tasks for reports: load what is needed and call the service. Arguments are ids only."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from accounts.models import Municipality, Region

from .dashboard import dashboard_summaries_check, dashboard_summary_refresh
from .models import QuarterlyReport
from .scope import Owner
from .services import previous_quarter, quarterly_report_generate, scheduled_reports, unfinished_or_new


@shared_task(
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_kwargs={"max_retries": 3},
)
def generate_quarterly_report(year: int, quarter: int, report_id: int | None = None) -> int:
    """Generate the quarter's report; a retry continues the version it started. Returns its id."""
    report = (
        QuarterlyReport.objects.get(pk=report_id)
        if report_id is not None
        else unfinished_or_new(year=year, quarter=quarter)
    )
    return quarterly_report_generate(report=report).pk


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, retry_kwargs={"max_retries": 3})
def generate_previous_quarter_report() -> list[int]:
    """Celery beat, the first day of each quarter: the reports of the quarter just ended, one per
    municipality and one per region (the municipalities' first). Returns their ids."""
    year, quarter = previous_quarter(timezone.localdate())
    # Idempotent: a second run (or a redelivery) continues or returns the versions the schedule made.
    return [quarterly_report_generate(report=report).pk for report in scheduled_reports(year=year, quarter=quarter)]


def _owner(municipality_id: int | None, region_id: int | None) -> Owner | None:
    if region_id is not None:
        return Region.objects.get(pk=region_id)
    if municipality_id is not None:
        return Municipality.objects.get(pk=municipality_id)
    return None


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, retry_kwargs={"max_retries": 3})
def refresh_dashboard_summary(year: int, municipality_id: int | None = None, region_id: int | None = None) -> int:
    """Recompute the year's dashboard figures of a municipality or a region (queued after changes,
    debounced). Returns the summary's id."""
    return dashboard_summary_refresh(year=year, owner=_owner(municipality_id, region_id)).pk


@shared_task
def check_dashboard_summaries() -> int:
    """Celery beat, every minute: queue the refreshes that changes without a signal, or a new day, call for."""
    return dashboard_summaries_check()
