"""The report as a committee reads it: Swedish numbers in the PDF, numeric cells in the workbook,
the municipality's name on both, and the same number format on the dashboard."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.tests.factories import ManagerFactory
from placements.models import Outcome, PlacementStatus
from placements.tests.factories import PlacementFactory
from reporting.documents import COUNT_FORMAT, SHARE_FORMAT, figure_text
from reporting.models import Indicator, QuarterlyReport
from reporting.tasks import generate_quarterly_report
from reporting.tests.factories import IndicatorFactory, TargetFactory

pytestmark = pytest.mark.django_db

NBSP = "\N{NO-BREAK SPACE}"
MATCHED = "Deltagare matchade till en praktikplats"
SHARE = "Arbete eller studier vid avslut"


@pytest.fixture
def q3(settings) -> None:
    """33 placements ended in 2026 Q3, 14 of them in work: 42.4 %; a yearly target of 100."""
    # The report is its municipality's, named as the municipality is (not the settings).
    from accounts.tests.factories import MunicipalityFactory

    municipality = MunicipalityFactory()
    municipality.name = "Östersunds kommun"
    municipality.save()
    matched = IndicatorFactory(code="matched-per-year", name=MATCHED)
    TargetFactory(indicator=matched, year=2026, target_value=Decimal("100"))
    share = IndicatorFactory(code="completed-work-or-studies-share", name=SHARE, unit=Indicator.Unit.PERCENT)
    TargetFactory(indicator=share, year=2026, target_value=Decimal("45"))
    for n in range(33):
        start = dt.date(2026, 7, 1) + dt.timedelta(days=n % 20)
        PlacementFactory(
            status=PlacementStatus.COMPLETED,
            planned_start=start,
            planned_end=start + dt.timedelta(days=30),
            actual_start=start,
            actual_end=start + dt.timedelta(days=30),
            outcome=Outcome.EMPLOYMENT if n < 14 else Outcome.UNEMPLOYED,
        )


def _report() -> QuarterlyReport:
    return QuarterlyReport.objects.get(pk=generate_quarterly_report.delay(2026, 3).get())


def _pdf_text(report: QuarterlyReport) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(report.pdf.read())).pages)


def test_a_figure_is_written_in_the_languages_number_format() -> None:
    with translation.override("sv"):
        assert figure_text(42.4, "percent") == f"42,4{NBSP}%"
        assert figure_text(100.0) == "100" and figure_text(100.0, "percent") == f"100{NBSP}%"
        assert figure_text(1234) == f"1{NBSP}234" and figure_text(1234567.5) == f"1{NBSP}234{NBSP}567,5"
        assert figure_text(0) == "0" and figure_text(None) == "visas ej"
    with translation.override("en"):
        assert figure_text(42.4, "percent") == "42.4%" and figure_text(1234) == "1,234"
        assert figure_text(None) == "withheld"


def test_the_pdf_writes_swedish_numbers_and_the_municipality(q3) -> None:
    text = _pdf_text(_report())
    assert "Östersunds kommun" in text and "Kvartalsrapport 2026 Q3" in text
    flat = text.replace(NBSP, " ")
    assert "42,4 %" in flat and "45 %" in flat  # the share and its target
    assert "42.4" not in text and "100.0" not in text and "45.0" not in text
    assert "preliminär" not in text.lower()


def test_every_figure_in_the_workbook_is_a_number_with_a_format(q3) -> None:
    workbook = load_workbook(io.BytesIO(_report().xlsx.read()))
    sheet = workbook["Indikatorer"]
    assert sheet["A1"].value == "Östersunds kommun: kvartalsrapport 2026 Q3"
    rows = {row[0].value: row for row in sheet.iter_rows()}
    header = [cell.value for cell in rows["Indikator"]]
    assert header[:4] == ["Indikator", "Kvartal", "Mål (kvartal)", "Status (kvartal)"]
    assert header[4:10] == ["Året hittills", "Mål (år)", "Status (år)", "Jämförelse", "Kolada-nyckeltal", "Definition"]
    matched, share = rows[MATCHED], rows[SHARE]
    quarter, target = matched[1], matched[5]
    assert (quarter.value, quarter.data_type, quarter.number_format) == (33, "n", COUNT_FORMAT)
    assert (target.value, target.data_type, target.number_format) == (100, "n", COUNT_FORMAT)
    assert (share[1].value, share[1].data_type, share[1].number_format) == (0.424, "n", SHARE_FORMAT)
    assert (share[5].value, share[5].number_format) == (0.45, SHARE_FORMAT)
    # A breakdown's figures sum: every cell below the header is a number (or an empty withheld cell).
    gender = workbook["Kön"]
    figures = [cell for row in gender.iter_rows(min_row=2, min_col=2, max_col=4) for cell in row]
    assert figures and all(cell.data_type == "n" for cell in figures)
    assert sum(cell.value or 0 for cell in figures if cell.column == 2) == 33
    funnel = workbook["Tratt"]
    assert all(row[1].data_type == "n" for row in funnel.iter_rows(min_row=2) if row[1].value is not None)


def test_the_dashboard_uses_the_same_number_format_in_each_language(q3, client: Client) -> None:
    client.force_login(ManagerFactory())
    swedish = client.get(reverse("reporting:dashboard"), {"year": 2026}).content.decode()
    assert f"42,4{NBSP}%" in swedish and "42.4" not in swedish
    assert f"Prognos för året: 42,4{NBSP}%" in swedish  # a share has a forecast too (one quarter: no trend)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("reporting:dashboard"), {"year": 2026}).content.decode()
    assert "42.4%" in english and "42,4" not in english
