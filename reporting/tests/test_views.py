"""Manager pages: the dashboard and the report archive, for managers only; aggregates only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory, ManagerFactory, SupervisorUserFactory
from placements.models import PlacementStatus
from placements.tests.factories import PlacementFactory
from reporting.models import DashboardSummary, QuarterlyReport

pytestmark = pytest.mark.django_db


def _started(n: int, last_name: str = "Deltagarsson") -> None:
    today = dt.date.today()
    for _ in range(n):
        PlacementFactory(
            status=PlacementStatus.ACTIVE,
            planned_start=today.replace(day=1),
            planned_end=today.replace(day=1) + dt.timedelta(days=60),
            actual_start=today.replace(day=1),
            participant__last_name=last_name,
        )


def test_the_dashboard_shows_aggregates_and_no_names(client: Client) -> None:
    _started(6, "Anonymsson")
    client.force_login(ManagerFactory())
    page = client.get(reverse("reporting:dashboard")).content.decode()
    assert "Nyckeltal" in page and "Anonymsson" not in page
    assert "visas ej" in page  # several figures rest on too few people


def test_the_dashboards_query_count_does_not_grow_with_the_data(client: Client) -> None:
    client.force_login(ManagerFactory())
    _started(3)
    client.get(reverse("reporting:dashboard"))
    with CaptureQueriesContext(connection) as few_warm:
        client.get(reverse("reporting:dashboard"))
    DashboardSummary.objects.all().delete()  # the next look computes the figures
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("reporting:dashboard"))
    _started(25)
    DashboardSummary.objects.all().delete()
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("reporting:dashboard"))
    with CaptureQueriesContext(connection) as many_warm:
        client.get(reverse("reporting:dashboard"))
    assert len(many) == len(few)
    assert len(many_warm) == len(few_warm)


def test_the_dashboard_is_computed_again_only_when_the_data_changes(client: Client) -> None:
    client.force_login(ManagerFactory())
    _started(5)
    with CaptureQueriesContext(connection) as computed:
        first = client.get(reverse("reporting:dashboard")).content.decode()
    with CaptureQueriesContext(connection) as stored:
        client.get(reverse("reporting:dashboard"))
    # Session, user, roles, whose figures (the manager's municipality), the summary, the data version
    # (no worker in the tests, see reporting/dashboard.py), and saving the session: no figure is
    # computed again.
    assert len(stored) <= 9 < len(computed)
    _started(5)
    changed = client.get(reverse("reporting:dashboard")).content.decode()
    assert changed != first


def test_a_manager_generates_a_report_and_downloads_it(client: Client, django_capture_on_commit_callbacks) -> None:
    _started(6)
    client.force_login(ManagerFactory())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reporting:generate"), {"year": "2026", "quarter": "3"})
    assert response["Location"] == reverse("reporting:archive")
    report = QuarterlyReport.objects.get()
    assert report.status == QuarterlyReport.Status.DONE and report.requested_by is not None
    assert "gällande" in client.get(reverse("reporting:archive")).content.decode()
    pdf = client.get(reverse("reporting:file", args=[report.pk, "pdf"]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]  # a FileResponse
    assert client.get(reverse("reporting:file", args=[report.pk, "docx"])).status_code == 404


@pytest.mark.parametrize("make_user", [CoordinatorFactory, SupervisorUserFactory], ids=["coordinator", "supervisor"])
def test_other_roles_get_404(client: Client, make_user) -> None:
    client.force_login(make_user())
    for url in (reverse("reporting:dashboard"), reverse("reporting:archive")):
        assert client.get(url).status_code == 404
    assert client.post(reverse("reporting:generate"), {"year": "2026", "quarter": "3"}).status_code == 404
    assert not QuarterlyReport.objects.exists()


def test_anonymous_users_are_sent_to_log_in(client: Client) -> None:
    assert client.get(reverse("reporting:dashboard"))["Location"].startswith(reverse("login"))


def test_a_manager_sets_the_years_targets(client: Client) -> None:
    from reporting.models import Indicator, Target
    from reporting.tests.factories import IndicatorFactory

    matched = IndicatorFactory(code="matched-per-year")
    share = IndicatorFactory(code="completed-work-or-studies-share", unit=Indicator.Unit.PERCENT)
    client.force_login(ManagerFactory())
    url = reverse("reporting:targets") + "?year=2027"
    data = {f"target_{matched.pk}": "120", f"baseline_{matched.pk}": "100", f"target_{share.pk}": "140"}
    response = client.post(url, data)
    assert response.status_code == 200 and "100" in response.content.decode()  # a share above 100 %: refused
    assert not Target.objects.exists()
    data[f"target_{share.pk}"] = "45"
    assert client.post(url, data).status_code == 302
    assert Target.objects.get(indicator=matched, year=2027).baseline == 100
    assert Target.objects.get(indicator=share, year=2027).target_value == 45


def test_the_dashboard_embeds_the_chart_data_and_loads_chart_js(client: Client) -> None:
    _started(6)
    client.force_login(ManagerFactory())
    page = client.get(reverse("reporting:dashboard")).content.decode()
    assert 'id="chart-data"' in page and "vendor/chart.js/chart.umd.min.js" in page
    assert "Prognos för året" in page


def test_the_dashboard_shows_the_trend_since_last_year(client: Client) -> None:
    today = dt.date.today()
    for _ in range(5):
        PlacementFactory(
            status=PlacementStatus.ACTIVE,
            planned_start=today.replace(year=today.year - 1, day=1),
            planned_end=today.replace(year=today.year - 1, day=1) + dt.timedelta(days=30),
            actual_start=today.replace(year=today.year - 1, day=1),
        )
    _started(8)
    client.force_login(ManagerFactory())
    page = client.get(reverse("reporting:dashboard")).content.decode()
    assert "▲ 3 sedan samma period förra året" in page


@pytest.mark.parametrize("year", ["²", "٢٠٢٦", "１９９９", "-1", "9" * 40, "2026.0"])
@pytest.mark.parametrize("name", ["reporting:dashboard", "reporting:fairness", "reporting:targets"])
def test_a_year_that_is_not_plain_digits_shows_this_year(client: Client, name: str, year: str) -> None:
    """'²'.isdigit() is true but int('²') fails: only ASCII digits are a year."""
    client.force_login(ManagerFactory())
    response = client.get(reverse(name), {"year": year})
    assert response.status_code == 200
    assert response.context["year"] == dt.date.today().year


def test_generating_a_running_quarter_makes_a_preliminary_version_and_says_so(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    import time_machine

    client.force_login(ManagerFactory())
    with time_machine.travel(dt.datetime(2026, 11, 16, 10, tzinfo=dt.UTC), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("reporting:generate"), {"year": "2026", "quarter": "4"}, follow=True)
        page = response.content.decode()
        assert "den här versionen är preliminär" in page
        report = QuarterlyReport.objects.get()
        assert report.status == QuarterlyReport.Status.DONE and report.preliminary and not report.is_current
        archive = client.get(reverse("reporting:archive")).content.decode()
        assert "Preliminär" in archive and ">gällande<" not in archive
        download = client.get(reverse("reporting:file", args=[report.pk, "xlsx"]))
        assert "platsa-2380-2026-q4-v1-preliminar.xlsx" in download["Content-Disposition"]
        refused = client.post(reverse("reporting:generate"), {"year": "2027", "quarter": "1"}, follow=True)
        assert "Kvartalet har inte börjat" in refused.content.decode()
    assert QuarterlyReport.objects.count() == 1
