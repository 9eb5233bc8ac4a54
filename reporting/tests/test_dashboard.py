"""The dashboard's precomputed summary: the same figures as the report's functions, shown at once,
refreshed after changes (once for a burst), and correct again once the refresh has run."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from celery import current_app
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from kombu.exceptions import OperationalError

from accounts.tests.factories import ManagerFactory, MunicipalityFactory
from placements.models import Outcome, Placement, PlacementStatus
from placements.services import placement_complete
from placements.tests.factories import PlacementFactory
from reporting.dashboard import (
    LOST_AFTER,
    SUMMARY_FORMAT,
    dashboard_summaries_check,
    dashboard_summaries_mark_changed,
    dashboard_summary_refresh,
    same_days_last_year,
)
from reporting.disclosure import protect_dashboard
from reporting.indicators import INDICATORS, quarter_of, quarterly_series
from reporting.models import DashboardSummary
from reporting.services import report_figures
from reporting.tasks import refresh_dashboard_summary
from reporting.tests.factories import DashboardSummaryFactory, IndicatorFactory

pytestmark = pytest.mark.django_db


def _active(n: int) -> list[Placement]:
    today = timezone.localdate()
    return [
        PlacementFactory(
            status=PlacementStatus.ACTIVE,
            planned_start=today.replace(day=1),
            planned_end=today.replace(day=1) + dt.timedelta(days=60),
            actual_start=today.replace(day=1),
        )
        for _ in range(n)
    ]


def _tile(response: Any, code: str) -> Any:
    return next(tile for tile in response.context["tiles"] if tile["code"] == code)


def _as_stored(value: object) -> object:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


@pytest.fixture
def not_eager() -> Iterator[None]:
    """As with a broker: tasks are sent, not run in the calling process."""
    conf = current_app.conf
    saved = conf.task_always_eager
    conf.task_always_eager = False
    try:
        yield
    finally:
        conf.task_always_eager = saved


def _broker(monkeypatch: pytest.MonkeyPatch, send: Callable[..., None]) -> None:
    """The broker's side of sending the refresh task (the task class's own method is replaced)."""
    task = current_app.tasks[refresh_dashboard_summary.name]
    monkeypatch.setattr(type(task), "apply_async", lambda self, **kwargs: send(**kwargs))


@pytest.fixture
def worker(not_eager: None, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """As with a broker and a worker: tasks are queued, not run. Returns what was queued."""
    queued: list[dict[str, Any]] = []
    _broker(monkeypatch, lambda **kwargs: queued.append(kwargs))
    return queued


def test_the_summary_holds_the_figures_the_report_computes() -> None:
    _active(6)
    PlacementFactory(completed=True)
    today = timezone.localdate()
    dashboard_summary_refresh(owner=MunicipalityFactory(), year=today.year)
    stored = DashboardSummary.objects.get(year=today.year).figures
    with translation.override("sv"):
        direct = report_figures(today.year, quarter_of(today), today=today, year_to_date_only=True)
    # What the summary stores is the report's figures as they may be published (reporting.disclosure).
    expected = dict(direct)
    expected["series"] = quarterly_series(today.year)
    previous = same_days_last_year(today.year, today)
    expected["previous"] = {code: function(previous).as_dict() for code, function in INDICATORS.items()}
    published = _as_stored(protect_dashboard(expected))
    assert {key: value for key, value in stored.items() if key not in ("labels", "quarters")} == published
    started = next(row for row in stored["indicators"] if row["code"] == "placements-started")
    assert started["year_to_date"]["numerator"] == 7  # six active and one completed


def test_the_page_shows_the_figures_the_report_computes(client: Client) -> None:
    _active(7)
    client.force_login(ManagerFactory())
    response = client.get(reverse("reporting:dashboard"))
    today = timezone.localdate()
    direct = report_figures(today.year, quarter_of(today), today=today, year_to_date_only=True)
    direct["series"] = quarterly_series(today.year)
    assert response.context["figures"]["indicators"] == _as_stored(protect_dashboard(direct)["indicators"])
    assert _tile(response, "placements-started")["value"] == 7


def test_the_first_look_at_a_year_computes_its_summary(client: Client, worker: list[dict[str, Any]]) -> None:
    _active(5)
    client.force_login(ManagerFactory())
    response = client.get(reverse("reporting:dashboard"))
    assert _tile(response, "placements-started")["value"] == 5
    summary = DashboardSummary.objects.get()
    assert summary.format == SUMMARY_FORMAT and not summary.stale and worker == []


def test_a_change_reaches_the_page_once_the_queued_refresh_has_run(
    client: Client, worker: list[dict[str, Any]], django_capture_on_commit_callbacks: Any
) -> None:
    placements = _active(6)
    client.force_login(ManagerFactory())
    url = reverse("reporting:dashboard")
    assert _tile(client.get(url), "placements-completed")["value"] == 0
    for placement in placements[:5]:
        with django_capture_on_commit_callbacks(execute=True):
            placement_complete(placement=placement, outcome=Outcome.EMPLOYMENT, by=None)
    # Five commits, one refresh, a few seconds later.
    assert worker == [
        {"args": [timezone.localdate().year, MunicipalityFactory().pk, None], "countdown": 5, "retry": False}
    ]
    with CaptureQueriesContext(connection) as stale_request:
        stale = client.get(url)
    page = stale.content.decode()
    assert "Siffrorna beräknades" in page and "de uppdateras" in page
    assert _tile(stale, "placements-completed")["value"] == 0  # the figures computed before the change
    assert not any("placements_placement" in q["sql"] for q in stale_request.captured_queries)
    assert len(worker) == 1  # already queued: the page does not queue another
    refresh_dashboard_summary(*worker[0]["args"])
    fresh = client.get(url)
    assert _tile(fresh, "placements-completed")["value"] == 5
    assert "Siffrorna beräknades" not in fresh.content.decode()


def test_a_transaction_that_saves_many_rows_queues_one_refresh_after_its_commit(
    worker: list[dict[str, Any]], django_capture_on_commit_callbacks: Any
) -> None:
    dashboard_summary_refresh(owner=MunicipalityFactory(), year=timezone.localdate().year)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        _active(3)
        assert not DashboardSummary.objects.get().stale and worker == []  # nothing before the commit
    assert DashboardSummary.objects.get().stale and len(worker) == 1


def test_a_change_rolled_back_marks_nothing(
    worker: list[dict[str, Any]], django_capture_on_commit_callbacks: Any
) -> None:
    dashboard_summary_refresh(owner=MunicipalityFactory(), year=timezone.localdate().year)
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                _active(1)
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
    assert not DashboardSummary.objects.get().stale and worker == []


def test_a_change_marks_past_years_stale_too_but_refreshes_only_this_year(worker: list[dict[str, Any]]) -> None:
    this_year = timezone.localdate().year
    dashboard_summary_refresh(owner=MunicipalityFactory(), year=this_year)
    dashboard_summary_refresh(owner=MunicipalityFactory(), year=this_year - 1)
    dashboard_summaries_mark_changed()
    assert set(DashboardSummary.objects.values_list("year", "stale")) == {(this_year, True), (this_year - 1, True)}
    assert [call["args"] for call in worker] == [[this_year, MunicipalityFactory().pk, None]]


def test_looking_at_a_stale_past_year_queues_its_refresh(client: Client, worker: list[dict[str, Any]]) -> None:
    last_year = timezone.localdate().year - 1
    dashboard_summary_refresh(owner=MunicipalityFactory(), year=last_year)
    DashboardSummary.objects.update(stale=True)
    client.force_login(ManagerFactory())
    page = client.get(reverse("reporting:dashboard") + f"?year={last_year}").content.decode()
    assert "de uppdateras" in page
    assert [call["args"] for call in worker] == [[last_year, MunicipalityFactory().pk, None]]


def test_without_a_worker_a_save_computes_nothing_and_the_next_look_does(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    placements = _active(5)
    client.force_login(ManagerFactory())
    url = reverse("reporting:dashboard")
    client.get(url)
    computed_at = DashboardSummary.objects.get().computed_at
    with django_capture_on_commit_callbacks(execute=True):
        for placement in placements:
            placement_complete(placement=placement, outcome=Outcome.STUDIES, by=None)
    summary = DashboardSummary.objects.get()
    assert summary.stale and summary.computed_at == computed_at  # the saves did not wait for the figures
    response = client.get(url)
    assert _tile(response, "placements-completed")["value"] == 5
    assert "de uppdateras" not in response.content.decode()


def test_without_a_worker_a_write_that_sent_no_signal_is_seen_too(client: Client) -> None:
    placements = _active(5)
    client.force_login(ManagerFactory())
    url = reverse("reporting:dashboard")
    client.get(url)
    # A bulk update sends no signal; it moves `updated_at`, which the data version watches.
    Placement.objects.filter(pk__in=[p.pk for p in placements]).update(
        status=PlacementStatus.COMPLETED,
        actual_end=timezone.localdate(),
        outcome=Outcome.EMPLOYMENT,
        updated_at=timezone.now(),
    )
    assert _tile(client.get(url), "placements-completed")["value"] == 5


def test_the_beat_check_finds_a_write_that_sent_no_signal(worker: list[dict[str, Any]]) -> None:
    placements = _active(5)
    year = timezone.localdate().year
    dashboard_summary_refresh(owner=MunicipalityFactory(), year=year)
    assert dashboard_summaries_check() == 0 and worker == []
    Placement.objects.filter(pk=placements[0].pk).update(status=PlacementStatus.CANCELLED, updated_at=timezone.now())
    assert dashboard_summaries_check() == 1
    assert DashboardSummary.objects.get().stale and [call["args"] for call in worker] == [
        [year, MunicipalityFactory().pk, None]
    ]


def test_the_beat_check_computes_this_years_summary_when_there_is_none(worker: list[dict[str, Any]]) -> None:
    _active(5)
    dashboard_summaries_check()  # e.g. after a deploy, or on the first of January
    summary = DashboardSummary.objects.get(year=timezone.localdate().year)
    assert not summary.stale and worker == []
    assert (
        next(row for row in summary.figures["indicators"] if row["code"] == "placements-started")["year_to_date"][
            "value"
        ]
        == 5
    )


def test_the_beat_check_refreshes_a_summary_of_an_earlier_day(worker: list[dict[str, Any]]) -> None:
    year = timezone.localdate().year
    dashboard_summary_refresh(owner=MunicipalityFactory(), year=year)
    DashboardSummary.objects.update(computed_on=timezone.localdate() - dt.timedelta(days=1))
    assert dashboard_summaries_check() == 1 and len(worker) == 1


def test_a_refresh_queued_long_ago_is_queued_again(worker: list[dict[str, Any]]) -> None:
    year = timezone.localdate().year
    dashboard_summary_refresh(owner=MunicipalityFactory(), year=year)
    dashboard_summaries_mark_changed()
    dashboard_summaries_check()
    assert len(worker) == 1  # queued a moment ago: still on its way
    DashboardSummary.objects.update(refresh_queued_at=timezone.now() - LOST_AFTER - dt.timedelta(seconds=1))
    dashboard_summaries_check()
    assert len(worker) == 2


def test_a_broker_that_is_down_does_not_break_or_slow_the_page(
    client: Client, not_eager: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts: list[object] = []

    def down(**kwargs: object) -> None:
        attempts.append(kwargs)
        raise OperationalError("connection refused")

    _broker(monkeypatch, down)
    client.force_login(ManagerFactory())
    url = reverse("reporting:dashboard")
    client.get(url)
    dashboard_summaries_mark_changed()
    for _ in range(3):
        response = client.get(url)
        assert response.status_code == 200 and "de uppdateras" in response.content.decode()
    assert len(attempts) == 1  # left marked as queued: later requests do not wait for the broker again


def test_one_summary_serves_both_languages(client: Client) -> None:
    IndicatorFactory(code="placements-started", name="Påbörjade praktiker", name_en="Placements begun")
    _active(5)
    client.force_login(ManagerFactory())
    url = reverse("reporting:dashboard")
    swedish = client.get(url)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url)
    assert _tile(swedish, "placements-started")["name"] == "Påbörjade praktiker"
    assert _tile(english, "placements-started")["name"] == "Placements begun"
    assert _tile(english, "matched-per-year")["name"] == "Participants matched to a placement"
    assert DashboardSummary.objects.count() == 1


def test_a_summary_in_an_older_layout_is_computed_again(client: Client, worker: list[dict[str, Any]]) -> None:
    _active(5)
    DashboardSummaryFactory(year=timezone.localdate().year, format=SUMMARY_FORMAT - 1, figures={"old": True})
    client.force_login(ManagerFactory())
    response = client.get(reverse("reporting:dashboard"))
    assert _tile(response, "placements-started")["value"] == 5
    assert DashboardSummary.objects.get().format == SUMMARY_FORMAT


def test_a_computation_that_started_earlier_does_not_overwrite_a_newer_one() -> None:
    year = timezone.localdate().year
    newer = DashboardSummaryFactory(year=year, started_at=timezone.now() + dt.timedelta(minutes=1), figures={})
    dashboard_summary_refresh(owner=MunicipalityFactory(), year=year)
    newer.refresh_from_db()
    assert newer.figures == {}
