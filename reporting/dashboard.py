"""The manager dashboard's figures, precomputed so that the page answers at once.

Computing the year's figures takes seconds at a million placements, so the page never does it on a
request (except the very first look at a year). It reads one row, the year's `DashboardSummary`:

- A change to the data the figures rest on (reporting/signals.py: placements, participants,
  follow-ups, later outcomes, enrolments, targets, ...) marks every summary *stale* once its
  transaction has committed, and queues one refresh of this year's summary, `DEBOUNCE_SECONDS`
  later: a burst of changes (a form that saves ten rows, an import) makes one refresh.
- A stale summary is still shown, with the time it was computed and a note that it is being
  updated; looking at a stale year queues its refresh too (past years are refreshed only when seen).
- Writes that send no signals (queryset.update, raw SQL, bulk_create) are caught by Celery beat:
  every minute `dashboard_summaries_check` compares each summary's `data_version` (one query over
  the watched tables) and its day with the data, and queues what has fallen behind.
- With no broker (CELERY_TASK_ALWAYS_EAGER), tasks would run in the saving request: every form
  save would then take the seconds the figures take. Instead nothing is queued, and the dashboard
  request itself recomputes a summary that is stale or whose data version differs, as the page did
  before. Eager mode is for a machine without a worker (development, tests); at scale, run a worker
  and beat.

The summary holds the figures as `report_figures` returns them (in the default language), the
quarterly series, the previous year's indicator figures *unprotected* (Figure dicts; `shown` is
applied when the page is rendered) and the indicators' names in every language, chosen at render
time: one summary serves both languages.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from accounts import tenancy
from accounts.models import Region
from config.db_router import reading_from_replica
from outbox.services import BROKER_DOWN

from .disclosure import protect_dashboard
from .indicators import INDICATORS, STANDARD, Period, quarter_of, quarterly_series
from .models import DashboardSummary, Indicator
from .scope import Owner, owner_filter, owners, scope_of, sole_municipality
from .services import data_version, quarter_figures, regional_table, report_figures

logger = logging.getLogger(__name__)

# Bumped whenever the layout of `figures` changes, or the disclosure control withholds more (4: a
# region's breakdown rows are tied to its municipalities'; 5: the suppliers are the owner's register's
# only, reporting.services.suppliers): a summary in another format is recomputed on the next look
# instead of being shown.
SUMMARY_FORMAT = 5
# A burst of changes within this many seconds makes one refresh.
DEBOUNCE_SECONDS = 5
# A refresh queued this long ago and not started is taken as lost (a worker killed before it
# acknowledged, a broker that was down): the beat check queues it again.
LOST_AFTER = dt.timedelta(minutes=10)


def current_quarter(year: int, today: dt.date) -> int:
    """The quarter the year's figures run to: the current one this year, else the fourth."""
    return quarter_of(today) if year == today.year else 4


def data_version_key() -> str:
    """`services.data_version` as a fixed-length key to store with a summary."""
    return hashlib.sha256(repr(data_version()).encode()).hexdigest()


def _indicator_labels() -> dict[str, dict[str, dict[str, str]]]:
    """Each indicator's name and definition in every language of the site (the Indicator table's,
    else the standard ones): the page picks its language's when it renders."""
    indicators = {i.code: i for i in Indicator.objects.all()}
    labels: dict[str, dict[str, dict[str, str]]] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            labels[language] = {
                code: {
                    "name": indicators[code].localised_name if code in indicators else str(STANDARD[code].name),
                    # One written definition per indicator: the code's.
                    "definition": STANDARD[code].text,
                }
                for code in INDICATORS
            }
    return labels


def same_days_last_year(year: int, today: dt.date) -> Period:
    """The year before, from 1 January to the same day as this year's figures run to (today, or the
    year's end for a past year), read as things stood on that day: "the same period last year"."""
    until = min(today, dt.date(year, 12, 31))
    # 29 February has no same day the year before: take 28 February.
    last_year = until.replace(year=year - 1, day=min(until.day, 28 if until.month == 2 else until.day))
    return Period(dt.date(year - 1, 1, 1), last_year, str(year - 1), as_of=last_year)


def dashboard_figures_compute(*, year: int, today: dt.date, owner: Owner | None = None) -> dict[str, Any]:
    """Every figure the owner's dashboard shows for the year, as of `today` (the slow part). A
    region's has the table of its municipalities side by side, each as its own dashboard shows it,
    and the region's totals are protected against it (reporting.disclosure)."""
    owner = owner if owner is not None else sole_municipality()
    quarter = current_quarter(year, today)
    scope = scope_of(owner)
    with translation.override(settings.LANGUAGE_CODE):
        figures = report_figures(year, quarter, today=today, year_to_date_only=True, owner=owner)
    figures["series"] = quarterly_series(year, scope)
    shares = [row["code"] for row in figures["indicators"] if row["unit"] == "percent"]  # type: ignore[attr-defined]  # JSON-shaped figures
    figures["quarters"] = quarter_figures(codes=shares, year=year, until=quarter, owner=owner)
    # The trend: the same days of the year before, indicator figures only (protected at render).
    previous = same_days_last_year(year, today).within(scope)
    figures["previous"] = {code: function(previous).as_dict() for code, function in INDICATORS.items()}
    municipalities = None
    if isinstance(owner, Region):
        municipalities = regional_table(
            owner, published=lambda municipality: dashboard_figures_compute(year=year, today=today, owner=municipality)
        )
    # Published here, once per refresh: small numbers and what would give them away are withheld
    # (reporting.disclosure), and the summary stores only what the page may show.
    published = protect_dashboard(figures, municipalities=municipalities)
    published["labels"] = _indicator_labels()
    return published


def dashboard_summary_refresh(*, year: int, owner: Owner | None = None) -> DashboardSummary:
    """Compute the owner's figures of the year and store them as its summary. Idempotent; safe to
    run twice at once (the computation that started later wins)."""
    # In the database's system context (accounts.tenancy), also when the first look at a year
    # computes it in a manager's request: the owner's filter bounds it, and a region's spans several
    # municipalities.
    with tenancy.municipality_scope(None):
        return _summary_refresh(year=year, owner=owner if owner is not None else sole_municipality())


def _summary_refresh(*, year: int, owner: Owner) -> DashboardSummary:
    owned = owner_filter(owner)
    started_at = timezone.now()
    begun = time.perf_counter()
    # From here on a change marks the summary stale again and queues the next refresh.
    DashboardSummary.objects.filter(year=year, **owned).update(stale=False, refresh_queued_at=None)
    today = timezone.localdate()
    # Read on the replica when there is one that keeps up (config/db_router.py): it has then replayed
    # everything committed until here, so the version and the figures are not older than on the primary.
    with reading_from_replica():
        version = data_version_key()
        figures = dashboard_figures_compute(year=year, today=today, owner=owner)
    values = {
        "figures": figures,
        "format": SUMMARY_FORMAT,
        "data_version": version,
        "computed_on": today,
        "started_at": started_at,
        "computed_at": timezone.now(),
        "duration_ms": round((time.perf_counter() - begun) * 1000),
    }
    with transaction.atomic():
        summary, created = DashboardSummary.objects.select_for_update().get_or_create(
            year=year, **owned, defaults=values
        )
        if created or summary.started_at <= started_at:
            # `stale` and `refresh_queued_at` are left as they are: a change during the computation
            # has set them, and its refresh is on its way.
            for name, value in values.items():
                setattr(summary, name, value)
            summary.save(update_fields=list(values))
    return summary


def _eager() -> bool:
    return bool(current_app.conf.task_always_eager)


def _task_args(year: int, owner: Owner) -> list[object]:
    """The refresh task's arguments: ids only (reporting.tasks.refresh_dashboard_summary)."""
    if isinstance(owner, Region):
        return [year, None, owner.pk]
    return [year, owner.pk, None]


def dashboard_summary_queue(*, year: int, owner: Owner | None = None) -> bool:
    """Queue a refresh of the owner's summary of the year in DEBOUNCE_SECONDS, unless one is queued
    already. Returns whether this call queued it. Nothing is queued in eager mode (see the module's
    text)."""
    if _eager():
        return False
    owner = owner if owner is not None else sole_municipality()
    queued = DashboardSummary.objects.filter(year=year, refresh_queued_at__isnull=True, **owner_filter(owner)).update(
        refresh_queued_at=timezone.now()
    )
    if not queued:
        return False
    from .tasks import refresh_dashboard_summary

    try:
        refresh_dashboard_summary.apply_async(args=_task_args(year, owner), countdown=DEBOUNCE_SECONDS, retry=False)
    except BROKER_DOWN as exc:
        # Left marked as queued, so that requests do not each wait for the broker; the beat check
        # queues it again after LOST_AFTER.
        logger.warning("broker unavailable, dashboard refresh for %s not queued (%s)", year, type(exc).__name__)
        return False
    return True


def _owners_with_a_summary(year: int) -> list[Owner]:
    """The owners that have a summary of the year (a summary is made on the first look at it)."""
    return [
        summary.municipality or summary.region  # type: ignore[misc]  # one is set (ONE_OWNER)
        for summary in DashboardSummary.objects.filter(year=year).select_related("municipality", "region")
    ]


def dashboard_summaries_mark_changed() -> None:
    """After a commit that changed what the figures rest on: every summary is stale, and this
    year's are refreshed shortly (one refresh per owner for a burst of changes)."""
    DashboardSummary.objects.filter(stale=False).update(stale=True)
    year = timezone.localdate().year
    for owner in _owners_with_a_summary(year):
        dashboard_summary_queue(year=year, owner=owner)


def dashboard_summaries_check() -> int:
    """Celery beat, every minute: compute this year's summary if there is none yet; mark stale the
    summaries the data or the day has moved on from (also writes that sent no signal), forget
    refreshes queued too long ago to still come, and queue this year's refresh if it is stale. A
    handful of small queries. Returns how many were marked."""
    today = timezone.localdate()
    for owner in owners():
        if not DashboardSummary.objects.filter(year=today.year, **owner_filter(owner)).exists():
            # After a deploy, or on the first of January: computed here, in the worker, so that the
            # first manager to look does not wait for it.
            dashboard_summary_refresh(year=today.year, owner=owner)
    version = data_version_key()
    behind = DashboardSummary.objects.exclude(data_version=version, computed_on=today, format=SUMMARY_FORMAT)
    marked = behind.filter(stale=False).update(stale=True)
    lost = timezone.now() - LOST_AFTER
    DashboardSummary.objects.filter(refresh_queued_at__lt=lost).update(refresh_queued_at=None)
    for summary in DashboardSummary.objects.filter(year=today.year, stale=True).select_related(
        "municipality", "region"
    ):
        dashboard_summary_queue(year=today.year, owner=summary.municipality or summary.region)
    return marked


def dashboard_summary_for_page(*, year: int, owner: Owner | None = None) -> tuple[DashboardSummary, bool]:
    """The summary the owner's dashboard shows for the year, and whether it is being updated.

    One query when the summary is current; a stale one is shown as it is, and its refresh queued.
    The first look at a year (no summary yet, or one in an older layout) computes it here."""
    owner = owner if owner is not None else sole_municipality()
    summary = DashboardSummary.objects.filter(year=year, **owner_filter(owner)).first()
    if summary is None or summary.format != SUMMARY_FORMAT:
        return dashboard_summary_refresh(year=year, owner=owner), False
    outdated = summary.stale or summary.computed_on != timezone.localdate()
    if _eager():
        # No worker to refresh it: recompute now if the data has moved on (the version also sees
        # writes that sent no signal).
        if outdated or summary.data_version != data_version_key():
            return dashboard_summary_refresh(year=year, owner=owner), False
        return summary, False
    if outdated:
        dashboard_summary_queue(year=year, owner=owner)
    return summary, outdated


def dashboard_figures_for_page(summary: DashboardSummary) -> dict[str, Any]:
    """The summary's (published) figures in the active language: the indicators' names and definitions."""
    figures = dict(summary.figures)
    labels = figures.pop("labels", {})
    names = labels.get(translation.get_language() or "") or labels.get(settings.LANGUAGE_CODE, {})
    figures["indicators"] = [{**row, **names.get(row["code"], {})} for row in figures["indicators"]]
    return figures


def mark_changed_after_commit() -> None:
    """Run `dashboard_summaries_mark_changed` once the current transaction commits (outside one: now).

    Every saved row registers it, so a transaction that saves five rows runs it five times after its
    commit: the first marks and queues, the others' two updates find nothing left to change. (Keeping
    to one per transaction would mean reading Django's private list of pending callbacks, which a
    test's never-committed transaction fills with ones that never run.)"""
    transaction.on_commit(dashboard_summaries_mark_changed)


__all__ = [
    "dashboard_figures_compute",
    "dashboard_figures_for_page",
    "dashboard_summaries_check",
    "dashboard_summaries_mark_changed",
    "dashboard_summary_for_page",
    "dashboard_summary_queue",
    "dashboard_summary_refresh",
    "mark_changed_after_commit",
]
