"""Celery tasks for reports: load what is needed and call the service. Arguments are ids only."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .dashboard import dashboard_summaries_check, dashboard_summary_refresh
from .models import QuarterlyReport
from .services import previous_quarter, quarterly_report_generate, scheduled_or_new, unfinished_or_new


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
def generate_previous_quarter_report() -> int:
    """Celery beat, the first day of each quarter: the report of the quarter just ended."""
    year, quarter = previous_quarter(timezone.localdate())
    # Idempotent: a second run (or a redelivery) continues or returns the version the schedule made.
    return quarterly_report_generate(report=scheduled_or_new(year=year, quarter=quarter)).pk


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, retry_kwargs={"max_retries": 3})
def refresh_dashboard_summary(year: int) -> int:
    """Recompute the year's dashboard figures (queued after changes, debounced). Returns the summary's id."""
    return dashboard_summary_refresh(year=year).pk


@shared_task
def check_dashboard_summaries() -> int:
    """Celery beat, every minute: queue the refreshes that changes without a signal, or a new day, call for."""
    return dashboard_summaries_check()
