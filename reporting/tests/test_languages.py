"""The manager's pages speak the user's language all through (the indicator names, statuses,
breakdown titles, job tracks), while the stored report documents stay Swedish."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any, cast

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from accounts.tests.factories import ManagerFactory
from placements.models import PlacementStatus
from placements.tests.factories import PlacementFactory
from reporting.documents import key_label, key_labels, report_xlsx
from reporting.services import report_figures
from reporting.tests.factories import IndicatorFactory, TargetFactory
from taxonomy.tests.factories import JobTrackFactory

pytestmark = pytest.mark.django_db

SWEDISH_ONLY = ["I fas", "Efter plan", "Kön", "Målgrupp", "Anvisare", "Jobbspår", "Kartlagda", "Anvisade"]


def _english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(ManagerFactory())
    return client


def _placements(n: int) -> None:
    day = dt.date.today().replace(day=1)
    track = JobTrackFactory(name="Restaurang och storkök", name_en="Restaurants and institutional kitchens")
    for _ in range(n):
        PlacementFactory(
            status=PlacementStatus.ACTIVE,
            planned_start=day,
            planned_end=day + dt.timedelta(days=60),
            actual_start=day,
            participant__job_track=track,
        )


def test_in_english_the_dashboard_has_no_swedish_labels(client: Client) -> None:
    _placements(6)
    indicator = IndicatorFactory(
        code="matched-per-year", name="Deltagare matchade till en praktikplats", name_en="Participants matched"
    )
    TargetFactory(indicator=indicator, year=dt.date.today().year, target_value=1000)
    page = _english(client).get(reverse("reporting:dashboard")).content.decode()
    assert "Participants matched" in page and "Deltagare matchade" not in page
    assert "Behind plan" in page and "Gender" in page and "Restaurants and institutional kitchens" in page
    found = [label for label in SWEDISH_ONLY if f">{label}<" in page]
    assert not found, found


def test_every_standard_indicator_is_named_in_english(client: Client) -> None:
    """The indicators an installation has not described fall back to the standard names, all in English."""
    page = _english(client).get(reverse("reporting:dashboard")).content.decode()
    with translation.override("en"):
        indicators = cast(
            list[dict[str, str]], report_figures(dt.date.today().year, 1, year_to_date_only=True)["indicators"]
        )
        names = [row["name"] for row in indicators]
    assert len(names) == 18 and all(name in page for name in names)  # 13, and 5 defined as Kolada
    assert not [name for name in names if any(letter in name for letter in "åäö")]


def test_the_job_track_breakdown_is_labelled_in_the_users_language() -> None:
    JobTrackFactory(name="Industri", name_en="Manufacturing")
    with translation.override("en"):
        assert key_label("job_track", "Industri") == "Manufacturing"
    with translation.override("sv"):
        assert key_label("job_track", "Industri") == "Industri"


def test_the_job_track_breakdown_is_labelled_in_one_query(django_assert_num_queries: Any) -> None:
    JobTrackFactory(name="Industri", name_en="Manufacturing")
    JobTrackFactory(name="Vård", name_en="Care")
    JobTrackFactory(name="Lager", name_en="")
    with translation.override("en"), django_assert_num_queries(1):
        labels = key_labels("job_track", ["Industri", "Vård", "Lager", "Okänt", ""])
    assert labels == {"Industri": "Manufacturing", "Vård": "Care", "Lager": "Lager", "Okänt": "Okänt", "": "–"}


def test_the_workbook_stays_swedish_when_made_while_english_is_active() -> None:
    with translation.override("sv"):
        figures = report_figures(2026, 1)
    with translation.override("en"):
        workbook = load_workbook(io.BytesIO(report_xlsx(figures)))
    assert workbook.sheetnames[0] == "Indikatorer" and "Leverantörer" in workbook.sheetnames
    header = next(row for row in workbook["Indikatorer"].iter_rows(values_only=True) if row[0] == "Indikator")
    assert header[:2] == ("Indikator", "Kvartal")


def test_the_charts_data_table_has_the_target_line(client: Client) -> None:
    indicator = IndicatorFactory(code="matched-per-year")
    TargetFactory(indicator=indicator, year=dt.date.today().year, target_value=100)
    client.force_login(ManagerFactory())
    page = client.get(reverse("reporting:dashboard")).content.decode()
    table = page[page.index("<caption") : page.index("</table>", page.index("<caption"))]
    assert "Mål, matchade" in table
    assert all(f"<td>{value}</td>" in table for value in (25, 50, 75, 100))
