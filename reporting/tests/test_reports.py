"""Quarterly reports: the snapshot, its PDF and workbook, one current version, retries, the schedule."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from celery.exceptions import Retry
from django.conf import settings
from openpyxl import load_workbook
from pypdf import PdfReader

from placements.models import Outcome, PlacementStatus
from placements.tests.factories import PlacementFactory
from reporting import documents
from reporting.models import Indicator, QuarterlyReport
from reporting.services import previous_quarter
from reporting.tasks import generate_quarterly_report
from reporting.tests.factories import IndicatorFactory, TargetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def history():
    matched = IndicatorFactory(code="matched-per-year", name="Deltagare matchade till en praktikplats")
    TargetFactory(indicator=matched, year=2026, target_value=Decimal("100"))
    IndicatorFactory(
        code="completed-work-or-studies-share", name="Arbete eller studier vid avslut", unit=Indicator.Unit.PERCENT
    )
    for day in range(10):
        start = dt.date(2026, 7, 1 + day)
        PlacementFactory(
            status=PlacementStatus.COMPLETED,
            planned_start=start,
            planned_end=start + dt.timedelta(days=40),
            actual_start=start,
            actual_end=start + dt.timedelta(days=40),
            outcome=Outcome.EMPLOYMENT if day < 5 else Outcome.UNEMPLOYED,
        )


def _generate() -> QuarterlyReport:
    return QuarterlyReport.objects.get(pk=generate_quarterly_report.delay(2026, 3).get())


def test_the_report_holds_every_indicator_with_target_and_status(history) -> None:
    report = _generate()
    assert report.status == QuarterlyReport.Status.DONE and report.is_current
    rows = {row["code"]: row for row in report.figures["indicators"]}
    matched = rows["matched-per-year"]
    assert matched["quarter"]["value"] == 10 and matched["target"] == 100.0
    assert matched["year_to_date"]["status"] == "off_track"  # 10 against 75 pro-rated
    assert rows["completed-work-or-studies-share"]["quarter"]["shown"] == 50.0


def test_the_pdf_and_the_workbook_contain_the_figures(history) -> None:
    report = _generate()
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(report.pdf.read())).pages)
    assert "Kvartalsrapport 2026 Q3" in text
    assert "Deltagare matchade till en praktikplats" in text
    workbook = load_workbook(io.BytesIO(report.xlsx.read()))
    assert {"Indikatorer", "Kön", "Målgrupp", "Tratt"} <= set(workbook.sheetnames)
    rows = {row[0]: row for row in workbook["Indikatorer"].iter_rows(values_only=True)}
    assert rows["Deltagare matchade till en praktikplats"][1] == 10
    assert rows["Arbete eller studier vid avslut"][1] == 0.5  # a share as a fraction, formatted as per cent


def test_small_numbers_are_withheld_in_the_workbook() -> None:
    PlacementFactory(
        status=PlacementStatus.ACTIVE,
        planned_start=dt.date(2026, 7, 3),
        planned_end=dt.date(2026, 9, 3),
        actual_start=dt.date(2026, 7, 3),
    )
    report = _generate()
    workbook = load_workbook(io.BytesIO(report.xlsx.read()))
    cell = workbook["Kön"]["B2"]
    assert cell.value is None and cell.comment.text == "visas ej"  # empty, not a text among the numbers
    assert "Tom, grå cell: visas ej, så att ingen kan identifieras (se metodbeskrivningen)." in [
        row[0] for row in workbook["Kön"].values
    ]


def test_running_it_twice_keeps_both_versions_and_one_current(history) -> None:
    first, second = _generate(), _generate()
    assert (first.version, second.version) == (1, 2)
    first.refresh_from_db()
    assert not first.is_current and second.is_current
    assert QuarterlyReport.objects.filter(year=2026, quarter=3, is_current=True).count() == 1
    assert first.figures["indicators"] == second.figures["indicators"]


def test_a_failed_run_is_retried_on_the_same_version(history, monkeypatch) -> None:
    calls = {"n": 0}
    real = documents.report_pdf

    def flaky(figures):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("disk full")
        return real(figures)

    monkeypatch.setattr("reporting.services.report_pdf", flaky)
    # Run eagerly, the task hands the failure to Celery's retry (a worker would run it again later).
    with pytest.raises(Retry):
        generate_quarterly_report.delay(2026, 3).get()
    failed = QuarterlyReport.objects.get()
    assert failed.status == QuarterlyReport.Status.FAILED and not failed.is_current
    report = _generate()  # what the retry runs
    assert calls["n"] == 2
    assert report.pk == failed.pk and report.is_current and report.status == QuarterlyReport.Status.DONE
    assert QuarterlyReport.objects.count() == 1


def test_the_beat_schedule_makes_the_report_of_the_quarter_just_ended() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["quarterly-report"]
    assert entry["task"] == "reporting.tasks.generate_previous_quarter_report"
    assert entry["schedule"].day_of_month == {1} and entry["schedule"].month_of_year == {1, 4, 7, 10}
    assert previous_quarter(dt.date(2026, 10, 1)) == (2026, 3)
    assert previous_quarter(dt.date(2027, 1, 1)) == (2026, 4)


def test_suppliers_with_social_requirements_show_promised_and_delivered(history) -> None:
    from workplaces.tests.factories import ProcurementContractFactory, WorkplaceFactory

    contract = ProcurementContractFactory(
        organisation__name="Städ AB",
        promised_placements=4,
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2027, 12, 31),
    )
    workplace = WorkplaceFactory(organisation=contract.organisation)
    for day in range(5):
        start = dt.date(2026, 8, 3 + day)
        PlacementFactory(
            need__workplace=workplace,
            status=PlacementStatus.ACTIVE,
            planned_start=start,
            planned_end=start + dt.timedelta(days=30),
            actual_start=start,
        )
    report = _generate()
    row = next(row for row in report.figures["suppliers"] if row["name"] == "Städ AB")
    assert (row["reference"], row["promised"], row["delivered"]) == (contract.reference, 4, 5)
    workbook = load_workbook(io.BytesIO(report.xlsx.read()))
    assert ("Städ AB", 4, 5) in list(workbook["Leverantörer"].iter_rows(min_row=2, values_only=True))


def test_the_scheduled_report_runs_once_however_often_beat_sends_it(history) -> None:
    from reporting.tasks import generate_previous_quarter_report

    with time_machine.travel(dt.datetime(2026, 10, 1, 5, tzinfo=dt.UTC), tick=False):
        first = generate_previous_quarter_report.delay().get()
        again = generate_previous_quarter_report.delay().get()
    assert first == again
    report = QuarterlyReport.objects.get()
    assert (report.year, report.quarter, report.status) == (2026, 3, QuarterlyReport.Status.DONE)


def test_a_supplier_named_like_a_formula_or_with_control_characters_stays_text(history) -> None:
    """Organisation names are typed by coordinators: '=HYPERLINK(...)' must not become a live formula in
    the workbook managers open (formula injection), and a control character must not stop the report."""
    from workplaces.tests.factories import ProcurementContractFactory

    names = ['=HYPERLINK("http://evil.example/","Klicka")', "Städ\x01 AB", "+46 Bygg", "@SUM(A1)"]
    for name in names:
        ProcurementContractFactory(
            organisation__name=name, start_date=dt.date(2026, 1, 1), end_date=dt.date(2027, 12, 31)
        )
    report = _generate()
    assert report.status == QuarterlyReport.Status.DONE
    sheet = load_workbook(io.BytesIO(report.xlsx.read()))["Leverantörer"]
    cells = {row[0].value: row[0].data_type for row in sheet.iter_rows(min_row=2)}
    assert cells == {
        '=HYPERLINK("http://evil.example/","Klicka")': "s",
        "Städ AB": "s",
        "+46 Bygg": "s",
        "@SUM(A1)": "s",
    }


def _on(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 10, tzinfo=dt.UTC), tick=False)


def test_a_report_made_before_the_quarter_ends_is_preliminary_and_never_current(history) -> None:
    with _on(dt.date(2026, 9, 30)):  # the quarter's last day: it has not ended
        early = _generate()
    assert early.status == QuarterlyReport.Status.DONE and early.preliminary and not early.is_current
    assert early.figures["preliminary"] is True
    assert "(preliminär)" in "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(early.pdf.read())).pages)
    workbook = load_workbook(io.BytesIO(early.xlsx.read()))
    first = [row[0] for row in workbook["Indikatorer"].iter_rows(max_row=4, values_only=True)]
    assert first[0].endswith("(preliminär)") and any(text and text.startswith("Preliminär:") for text in first)
    with _on(dt.date(2026, 10, 1)):
        final = _generate()
    early.refresh_from_db()
    assert not final.preliminary and final.is_current and not early.is_current
    with _on(dt.date(2026, 9, 30)):  # a preliminary version made later still leaves the final one current
        QuarterlyReport.objects.filter(pk=final.pk).update(is_current=True)
        again = _generate()
    final.refresh_from_db()
    assert again.preliminary and not again.is_current and final.is_current


def test_the_schedule_makes_a_final_current_report_of_the_quarter_just_ended(history) -> None:
    from reporting.tasks import generate_previous_quarter_report

    with _on(dt.date(2026, 10, 1)):
        (report_id,) = generate_previous_quarter_report.delay().get()  # one municipality, no region
        report = QuarterlyReport.objects.get(pk=report_id)
    assert (report.year, report.quarter) == (2026, 3)
    assert not report.preliminary and report.is_current and report.figures["preliminary"] is False


def test_a_preliminary_version_cannot_be_current_in_the_database() -> None:
    from django.db import IntegrityError

    from reporting.tests.factories import QuarterlyReportFactory

    with pytest.raises(IntegrityError):
        QuarterlyReportFactory(preliminary=True, is_current=True)


def test_a_quarter_is_measured_against_its_own_target_when_one_is_set(history) -> None:
    from reporting.models import Target
    from reporting.services import report_figures

    matched = Target.objects.get(indicator__code="matched-per-year")
    rows = {row["code"]: row for row in report_figures(2026, 3)["indicators"]}  # type: ignore[attr-defined]  # JSON-shaped figures
    # Without a quarter target: 10 against a quarter of 100 (25) is behind plan.
    assert rows["matched-per-year"]["quarter"]["status"] == "off_track"
    TargetFactory(indicator=matched.indicator, year=2026, quarter=3, target_value=Decimal("10"))
    TargetFactory(indicator=matched.indicator, year=2026, quarter=2, target_value=Decimal("500"))  # not Q3's
    row = {row["code"]: row for row in report_figures(2026, 3)["indicators"]}["matched-per-year"]  # type: ignore[attr-defined]  # JSON-shaped figures
    assert row["quarter_target"] == 10.0 and row["target"] == 100.0
    assert row["quarter"]["status"] == "on_track"  # 10 against the quarter's own 10, not pro-rated
    assert row["year_to_date"]["status"] == "off_track"  # the year to date: still the year's 75


def test_the_share_forecast_reads_the_ended_quarters_from_their_current_reports() -> None:
    from reporting.services import quarter_figures
    from reporting.tests.factories import QuarterlyReportFactory

    def stored(quarter: int, numerator: int, denominator: int, **extra) -> None:
        share = {"value": round(100 * numerator / denominator, 1), "numerator": numerator, "denominator": denominator}
        row = {"code": "completed-work-or-studies-share", "quarter": share}
        QuarterlyReportFactory(year=2026, quarter=quarter, figures={"indicators": [row]}, **extra)

    stored(1, 8, 20, is_current=True)
    stored(1, 1, 20, is_current=False)  # an older version
    stored(2, 12, 20, is_current=True)
    stored(3, 3, 20, preliminary=True)  # the running quarter: not read
    found = quarter_figures(codes=["completed-work-or-studies-share"], year=2026, until=3)
    assert found == {
        "completed-work-or-studies-share": {
            1: {"value": 40.0, "numerator": 8, "denominator": 20},
            2: {"value": 60.0, "numerator": 12, "denominator": 20},
        }
    }
    assert quarter_figures(codes=["completed-work-or-studies-share"], year=2026, until=1) == {}
