"""The national (comparison) figure is shown only beside a measure defined the same way: an indicator
with a Kolada KPI, labelled with the KPI's id. The municipality's own placement-based measure keeps its
figure but never gets the national one beside it, on the dashboard, in the PDF, the workbook or the API."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from accounts.tests.factories import ManagerFactory, MunicipalityFactory
from reporting import documents
from reporting.models import Indicator, Target
from reporting.services import report_figures
from reporting.tests.factories import IndicatorFactory, TargetFactory
from reporting.views import TargetsForm

pytestmark = pytest.mark.django_db

YEAR = 2026


@pytest.fixture
def indicators() -> tuple[Indicator, Indicator]:
    own = IndicatorFactory(
        code="newcomers-work-or-studies-after-programme",
        name="Nyanlända i arbete eller studier vid programmets slut (egen mätning)",
        unit=Indicator.Unit.PERCENT,
    )
    # A comparison stored before this rule (or through the database): it must still not be shown.
    Target.objects.create(
        municipality=MunicipalityFactory(),
        indicator=own,
        year=YEAR,
        target_value=Decimal("45"),
        comparison_value=Decimal("32"),
    )
    kolada = IndicatorFactory(
        code="kolada-exits-work-or-studies-share",
        name="Avslutade deltagare som börjat arbeta eller studera (som Kolada)",
        unit=Indicator.Unit.PERCENT,
        kolada_kpi="U40455",
    )
    TargetFactory(indicator=kolada, year=YEAR, target_value=Decimal("40"), comparison_value=Decimal("37"))
    return own, kolada


def _rows(figures: dict) -> dict[str, dict]:
    return {row["code"]: row for row in figures["indicators"]}


def test_the_figures_carry_the_comparison_only_for_the_kolada_measure(indicators) -> None:
    rows = _rows(report_figures(YEAR, 3))
    own, kolada = rows["newcomers-work-or-studies-after-programme"], rows["kolada-exits-work-or-studies-share"]
    assert (own["comparison"], own["kolada_kpi"]) == (None, "")
    assert (kolada["comparison"], kolada["kolada_kpi"]) == (37.0, "U40455")


def test_the_dashboard_labels_the_national_figure_with_the_kpi(client: Client, indicators) -> None:
    client.force_login(ManagerFactory())
    page = client.get(reverse("reporting:dashboard") + f"?year={YEAR}").content.decode()
    assert "Riket (Kolada U40455): 37\N{NO-BREAK SPACE}%" in page
    assert "Riket (Kolada" not in page.replace("Riket (Kolada U40455)", "", 1) and "Riket:" not in page
    assert "(egen mätning)" in page


def test_the_pdf_and_the_workbook_show_the_comparison_with_the_kpi_only(indicators) -> None:
    figures = report_figures(YEAR, 3)
    context = {row["code"]: row for row in documents._context(figures)["indicators"]}
    # The number's format is the documents' own (Swedish formats are another part of issue 15).
    assert context["kolada-exits-work-or-studies-share"]["comparison_text"].startswith("Riket (Kolada U40455): 37")
    assert context["newcomers-work-or-studies-after-programme"]["comparison_text"] == ""
    sheet = load_workbook(io.BytesIO(documents.report_xlsx(figures))).active
    rows = {row[0].value: [cell.value for cell in row] for row in sheet.iter_rows()}
    header = rows["Indikator"]
    comparison, kpi = header.index("Jämförelse"), header.index("Kolada-nyckeltal")
    kolada = rows[indicators[1].name]
    assert (kolada[comparison], kolada[kpi]) == (0.37, "U40455")  # a numeric share, and the KPI beside it
    own = rows[indicators[0].name]
    assert (own[comparison], own[kpi]) == (None, None)


def test_an_older_snapshot_without_kpis_shows_no_comparison(indicators) -> None:
    figures = report_figures(YEAR, 3)
    for row in figures["indicators"]:  # type: ignore[attr-defined]  # JSON-shaped figures
        row.pop("kolada_kpi")
        row["comparison"] = 32.0
    assert all(row["comparison_text"] == "" for row in documents._context(figures)["indicators"])


def test_the_api_names_the_kpi_and_withholds_other_comparisons(client: Client, indicators) -> None:
    client.force_login(ManagerFactory())
    data = client.get(reverse("api:report-figures") + f"?year={YEAR}&quarter=3").json()
    rows = {row["code"]: row for row in data["indicators"]}
    assert rows["kolada-exits-work-or-studies-share"]["kolada_kpi"] == "U40455"
    assert rows["kolada-exits-work-or-studies-share"]["comparison"] == 37.0
    assert rows["newcomers-work-or-studies-after-programme"]["comparison"] is None


def test_a_comparison_cannot_be_set_for_an_indicator_without_a_kolada_kpi(indicators) -> None:
    own, kolada = indicators
    with pytest.raises(ValidationError) as refused:
        Target(
            municipality=MunicipalityFactory(),
            indicator=own,
            year=YEAR + 1,
            target_value=Decimal("45"),
            comparison_value=Decimal("32"),
        ).full_clean()
    assert "comparison_value" in refused.value.message_dict
    Target(
        municipality=MunicipalityFactory(),
        indicator=kolada,
        year=YEAR + 1,
        target_value=Decimal("40"),
        comparison_value=Decimal("37"),
    ).full_clean()


def test_a_kolada_kpi_id_is_a_letter_and_five_digits() -> None:
    with pytest.raises(ValidationError):
        IndicatorFactory.build(code="x", kolada_kpi="40455").full_clean()
    IndicatorFactory.build(code="y", kolada_kpi="U40455", goal=None).full_clean()


def test_the_targets_form_offers_no_comparison(indicators) -> None:
    form = TargetsForm(indicators=list(indicators), targets={})
    assert form.fields and not [name for name in form.fields if "comparison" in name]
