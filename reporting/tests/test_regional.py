"""Figures per municipality and for a region: every indicator counts the facts of its scope's
municipalities only; a region's figure is the sum of its municipalities' where the definition allows
summing (a share from the summed numerators and denominators, not an average of shares); the
regional table is protected by the disclosure control, and a regional manager reaches no case file
and no other region's figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import (
    ManagerFactory,
    MunicipalityFactory,
    RegionalManagerFactory,
    RegionFactory,
    TeamFactory,
)
from participants.models import ExitReason, TargetGroup
from participants.tests.factories import ExitFactory, ParticipantFactory, ProgrammeStatusFactory
from placements.models import Outcome, Placement, PlacementStatus
from placements.tests.factories import FollowUpFactory, LaterOutcomeFactory, PlacementFactory
from reporting.disclosure import protect_report
from reporting.disclosure.tables import NOT_SUMMED_OVER_MUNICIPALITIES
from reporting.indicators import INDICATORS, Period, compute
from reporting.scope import Scope, scope_of
from reporting.services import regional_table, report_figures, report_figures_published
from supervisors.tests.factories import EnrolmentFactory

pytestmark = pytest.mark.django_db

Q3 = Period.quarter(2026, 3).on(dt.date(2026, 12, 1))


def _facts(team, *, ended: int, good: int) -> None:
    """Facts of one municipality (its team's participants) that every indicator counts: `ended`
    placements completed in Q3, `good` of them in work; one running at a municipal department with
    a trained supervisor and follow-ups; a 90-day outcome; an exit; a newcomer's programme ended and
    their status after it; social assistance ended."""

    def person(**extra):
        return ParticipantFactory(team=team, **extra)

    for n in range(ended):
        PlacementFactory(
            participant=person(),
            status=PlacementStatus.COMPLETED,
            planned_start=dt.date(2026, 6, 1),
            planned_end=dt.date(2026, 8, 14),
            actual_start=dt.date(2026, 7, 1),
            actual_end=dt.date(2026, 8, 14),
            outcome=Outcome.EMPLOYMENT if n < good else Outcome.UNEMPLOYED,
        )
    running = PlacementFactory(
        participant=person(),
        status=PlacementStatus.ACTIVE,
        planned_start=dt.date(2026, 7, 6),
        planned_end=dt.date(2026, 10, 30),
        actual_start=dt.date(2026, 7, 6),
    )
    EnrolmentFactory(
        completed=True, supervisor=running.supervisor, completed_on=dt.date(2026, 7, 2), valid_until=dt.date(2029, 7, 2)
    )
    FollowUpFactory(placement=running, due_date=dt.date(2026, 7, 20), done_on=dt.date(2026, 7, 20))
    FollowUpFactory(placement=running, due_date=dt.date(2026, 8, 17))
    earlier = PlacementFactory(
        participant=person(),
        status=PlacementStatus.COMPLETED,
        planned_start=dt.date(2026, 1, 12),
        planned_end=dt.date(2026, 4, 10),
        actual_start=dt.date(2026, 1, 12),
        actual_end=dt.date(2026, 4, 10),
        outcome=Outcome.STUDIES,
    )
    LaterOutcomeFactory(placement=earlier, days_after=90, outcome=Outcome.EMPLOYMENT, recorded_on=dt.date(2026, 7, 15))
    ExitFactory(
        participant=person(), left_on=dt.date(2026, 8, 3), reason=ExitReason.STUDIES, work_length="", student_aid=True
    )
    newcomer = person(
        target_group=TargetGroup.NEWCOMER,
        residence_permit_date=dt.date(2024, 8, 1),
        establishment_programme_end=dt.date(2026, 8, 1),
    )
    ProgrammeStatusFactory(
        participant=person(
            target_group=TargetGroup.NEWCOMER,
            residence_permit_date=dt.date(2024, 5, 1),
            establishment_programme_end=dt.date(2026, 5, 1),
        ),
        recorded_on=dt.date(2026, 8, 5),
    )
    assert newcomer.municipality == team.municipality
    person(social_assistance_ended_on=dt.date(2026, 9, 1))


@pytest.fixture
def region():
    """A region of two municipalities, the large A (2380) and the small B (2361), and C (0180)
    outside it, each with its facts."""
    region = RegionFactory(code="inlandet", name="Inlandet")
    a = MunicipalityFactory(region=region)
    b = MunicipalityFactory(code="2361", region=region)
    c = MunicipalityFactory(code="0180")
    _facts(TeamFactory(municipality=a, name="A"), ended=8, good=6)
    _facts(TeamFactory(municipality=b, name="B"), ended=2, good=0)
    _facts(TeamFactory(municipality=c, name="C"), ended=5, good=5)
    return {"region": region, "a": a, "b": b, "c": c}


def _counts(figures):
    return {code: (f.numerator, f.denominator) for code, f in figures.items()}


def test_every_indicator_counts_the_facts_of_its_municipalities_only(region) -> None:
    a, b, c = region["a"], region["b"], region["c"]
    only_a = compute(Q3.within(Scope.of([a.pk])))
    only_b = compute(Q3.within(Scope.of([b.pk])))
    everything = compute(Q3)
    # Every indicator sees B's facts (so the scope is tested on each), and A's figure leaves them out.
    for code in INDICATORS:
        assert only_b[code].numerator > 0 or (only_b[code].denominator or 0) > 0, code
        assert _counts({code: only_a[code]}) != _counts({code: everything[code]}), code
    # A's figures are those of a database holding A's facts alone.
    from participants.models import Participant
    from placements.models import Placement

    Placement.objects.filter(participant__municipality__in=[b, c]).delete()
    Participant.objects.filter(municipality__in=[b, c]).delete()
    assert _counts(compute(Q3)) == _counts(only_a)


def test_a_regions_figure_is_the_sum_of_its_municipalities_where_the_definition_allows(region) -> None:
    a, b = region["a"], region["b"]
    scope = scope_of(region["region"])
    assert scope == Scope.of([a.pk, b.pk])
    whole = compute(Q3.within(scope))
    parts = [compute(Q3.within(Scope.of([m.pk]))) for m in (a, b)]
    for code in INDICATORS:
        if code in NOT_SUMMED_OVER_MUNICIPALITIES:
            continue
        assert whole[code].numerator == sum(p[code].numerator for p in parts), code
        if whole[code].denominator is not None:
            assert whole[code].denominator == sum(p[code].denominator for p in parts), code
    # By hand: A ended 8 placements, 6 in work (75 %); B ended 2, none in work (0 %). The region:
    # 6 of 10 = 60 %, not the average of the two shares (37.5 %).
    share = "completed-work-or-studies-share"
    assert (parts[0][share].value, parts[1][share].value) == (75.0, 0.0)
    assert (whole[share].numerator, whole[share].denominator, whole[share].value) == (6, 10, 60.0)
    assert whole["placements-completed"].value == 8 + 2  # the earlier placements ended in April, not in Q3


def test_a_supervisor_counts_for_a_municipality_from_the_placement_that_began_by_the_periods_end(region) -> None:
    """A's trained supervisor (training completed in Q3) supervises nobody of B's in Q3. A proposal of
    B's made later, for a start after Q3, does not make them one of B's supervisors in Q3 (the figure
    as it stood at the period's end); it does in the year it starts, and a B placement that began in
    Q3 would have. Once in the region, whichever municipalities they supervise for."""
    a, b = region["a"], region["b"]
    running = Placement.objects.get(
        participant__municipality=a, status=PlacementStatus.ACTIVE, actual_start=dt.date(2026, 7, 6)
    )
    trained = running.supervisor
    b_in_q3 = compute(Q3.within(Scope.of([b.pk])))["supervisors-trained"].value
    region_in_q3 = compute(Q3.within(scope_of(region["region"])))["supervisors-trained"].value
    later = PlacementFactory(
        participant=ParticipantFactory(team__municipality=b),
        supervisor=trained,
        need=running.need,
        planned_start=dt.date(2026, 12, 14),
        planned_end=dt.date(2027, 3, 12),
    )
    assert later.municipality == b
    assert compute(Q3.within(Scope.of([b.pk])))["supervisors-trained"].value == b_in_q3
    year = Period.year_to_date(2026, 4).on(dt.date(2026, 12, 20))
    b_year = compute(year.within(Scope.of([b.pk])))["supervisors-trained"].value
    assert b_year == b_in_q3 + 1
    assert compute(year.on(dt.date(2026, 12, 1)).within(Scope.of([b.pk])))["supervisors-trained"].value == b_in_q3
    assert compute(Q3.within(scope_of(region["region"])))["supervisors-trained"].value == region_in_q3
    # Had it begun in Q3, it would have counted then.
    later.actual_start = dt.date(2026, 9, 1)
    later.status = PlacementStatus.ACTIVE
    later.save()
    assert compute(Q3.within(Scope.of([b.pk])))["supervisors-trained"].value == b_in_q3 + 1


def test_a_small_municipalitys_withheld_figure_is_not_the_total_minus_the_others(region) -> None:
    a, b = region["a"], region["b"]
    today = dt.date(2026, 12, 1)
    table = regional_table(
        region["region"],
        published=lambda m: report_figures_published(year=2026, quarter=3, today=today, owner=m),
    )
    raw = report_figures(2026, 3, today, owner=region["region"])
    published = protect_report(raw, municipalities=table)
    columns = {m["code"]: {row["code"]: row for row in m["indicators"]} for m in published["municipalities"]}
    region_rows = {row["code"]: row for row in published["indicators"]}
    # B ended 2 placements: withheld in B's column (fewer than 5) ...
    assert columns["2361"]["completed-work-or-studies-share"]["quarter"]["denominator"] is None
    assert columns["2380"]["completed-work-or-studies-share"]["quarter"]["denominator"] == 8
    # ... and the region's 10 would give it away as 10 - 8: it is withheld too.
    assert region_rows["completed-work-or-studies-share"]["quarter"]["denominator"] is None
    # Every equation region = A + B has no single unknown left: none of B's withheld cells is determined.
    for code, row in region_rows.items():
        if code in NOT_SUMMED_OVER_MUNICIPALITIES:
            continue
        for part in ("numerator", "denominator"):
            cells = [row["quarter"].get(part), columns["2380"][code]["quarter"].get(part)]
            b_cell = columns["2361"][code]["quarter"].get(part)
            if b_cell is None and row["quarter"].get(part) is not None:
                assert cells[1] is None, (code, part)  # the total is shown only when A's is withheld as well
    # The stored regional report holds the same table.
    stored = report_figures_published(year=2026, quarter=3, today=today, owner=region["region"])
    assert stored["municipalities"] == published["municipalities"]
    assert [m["name"] for m in published["municipalities"]] == sorted([a.name, b.name])


def test_a_regional_manager_sees_the_table_and_no_case_file_nor_another_region(region, client: Client) -> None:
    regional = RegionalManagerFactory(region=region["region"])
    client.force_login(regional)
    page = client.get(reverse("reporting:dashboard"))
    assert page.status_code == 200
    assert page.context["owner"] == region["region"]
    assert page.context["regional"]["names"] == sorted([region["a"].name, region["b"].name])
    html = page.content.decode()
    assert region["c"].name not in html
    placement = PlacementFactory(participant__team=TeamFactory(municipality=region["a"], name="A2"), active=True)
    for url in (
        reverse("participants:detail", args=[placement.participant.pk]),
        reverse("placements:detail", args=[placement.pk]),
        reverse("reporting:targets"),
    ):
        assert client.get(url).status_code == 404, url
    # A regional manager of another region sees that one's figures, never Inlandet's.
    other = RegionFactory(code="kusten", name="Kusten")
    MunicipalityFactory(code="2480", region=other)
    client.force_login(RegionalManagerFactory(region=other))
    assert client.get(reverse("reporting:dashboard")).context["owner"] == other


def test_a_municipalitys_manager_sees_their_own_figures(region, client: Client) -> None:
    client.force_login(ManagerFactory(municipality=region["b"]))
    page = client.get(reverse("reporting:dashboard"))
    assert page.context["owner"] == region["b"] and page.context["regional"] is None
    tiles = {tile["code"]: tile for tile in page.context["tiles"]}
    # B's year so far: 2 + 1 + 1 started placements (the table's), A's and C's are not counted.
    own = compute(Period.year_to_date(2026, 4).within(Scope.of([region["b"].pk])))
    assert own["placements-started"].numerator < compute(Period.year_to_date(2026, 4))["placements-started"].numerator
    assert tiles["placements-started"]["year_to_date"]["numerator"] in (None, own["placements-started"].numerator)


def test_each_archive_holds_its_own_reports_only(region, client: Client) -> None:
    from reporting.models import QuarterlyReport
    from reporting.tests.factories import QuarterlyReportFactory

    done = QuarterlyReport.Status.DONE
    theirs = QuarterlyReportFactory(municipality=region["a"], status=done, version=1)
    regional = QuarterlyReportFactory(municipality=None, region=region["region"], status=done, version=1)
    client.force_login(RegionalManagerFactory(region=region["region"]))
    assert list(client.get(reverse("reporting:archive")).context["reports"]) == [regional]
    assert client.get(reverse("reporting:file", args=[theirs.pk, "pdf"])).status_code == 404
    client.force_login(ManagerFactory(municipality=region["a"]))
    assert list(client.get(reverse("reporting:archive")).context["reports"]) == [theirs]
    assert client.get(reverse("reporting:file", args=[regional.pk, "pdf"])).status_code == 404
    # Another region's manager sees neither.
    other = RegionFactory(code="kusten", name="Kusten")
    MunicipalityFactory(code="2480", region=other)
    client.force_login(RegionalManagerFactory(region=other))
    assert list(client.get(reverse("reporting:archive")).context["reports"]) == []
    assert client.get(reverse("reporting:file", args=[regional.pk, "pdf"])).status_code == 404


def test_each_report_document_is_titled_with_its_own_municipality_or_region(region, settings) -> None:
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    from reporting.services import quarterly_report_generate, quarterly_report_request

    settings.PLATSA_MUNICIPALITY_NAME = "Installationens namn"
    for owner in (region["b"], region["region"]):
        report = quarterly_report_generate(report=quarterly_report_request(year=2026, quarter=2, by=None, owner=owner))
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(report.pdf.read())).pages)
        assert text.startswith(f"{owner.name}\nKvartalsrapport 2026 Q2"), owner
        assert "Installationens namn" not in text
        workbook = load_workbook(io.BytesIO(report.xlsx.read()))
        assert workbook.properties.creator == owner.name


# --- The regional report's documents: the municipalities side by side ----------------------------

WITHHELD_SV = "visas ej"
DECEMBER = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)


@pytest.fixture
def even_region():
    """A region of two municipalities large enough for some summed figures to be shown: A ended 8
    placements in Q3 (6 in work), B ended 6 (5 in work); each started one more in Q3."""
    region = RegionFactory(code="inlandet", name="Inlandet")
    a = MunicipalityFactory(region=region)
    b = MunicipalityFactory(code="2361", region=region)
    _facts(TeamFactory(municipality=a, name="A"), ended=8, good=6)
    _facts(TeamFactory(municipality=b, name="B"), ended=6, good=5)
    return {"region": region, "a": a, "b": b}


def _regional_report(owner, time_machine):
    from reporting.services import quarterly_report_generate, quarterly_report_request

    time_machine.move_to(DECEMBER, tick=False)
    return quarterly_report_generate(report=quarterly_report_request(year=2026, quarter=3, by=None, owner=owner))


def _pdf_lines(report) -> list[str]:
    """The PDF as pdftotext lays it out: a table's row on one line."""
    import subprocess

    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=report.pdf.read(), capture_output=True, check=True
    ).stdout.decode()
    return [" ".join(line.replace("\N{NO-BREAK SPACE}", " ").split()) for line in text.splitlines()]


def _regional_sheet_rows(report) -> list[tuple]:
    import io

    from openpyxl import load_workbook

    return list(load_workbook(io.BytesIO(report.xlsx.read()))["Kommunerna"].iter_rows())


def _sv_text(value, unit) -> str:
    from django.utils import translation

    from reporting.documents import figure_text

    with translation.override("sv"):
        return figure_text(value, unit).replace("\N{NO-BREAK SPACE}", " ")


def test_the_regional_report_prints_each_municipality_beside_the_regions_total(even_region, time_machine) -> None:
    report = _regional_report(even_region["region"], time_machine)
    figures = report.figures
    names = [m["name"] for m in figures["municipalities"]]
    assert names == sorted([even_region["a"].name, even_region["b"].name])
    columns = [{row["code"]: row for row in m["indicators"]} for m in figures["municipalities"]]
    lines = _pdf_lines(report)
    # The PDF: a table per period, headed by the municipalities and the region, a row per indicator
    # whose cells are the stored figures as the report writes them ("visas ej" where withheld).
    titles = ("Kommunerna sida vid sida: Kvartal 2026 Q3", "Kommunerna sida vid sida: Året hittills 2026 Q1–Q3")
    headers = [lines.index(title) + 1 for title in titles]
    assert all(lines[i] == "Indikator " + " ".join(names) + " Regionen" for i in headers), lines
    rows = _regional_sheet_rows(report)
    blocks = [i for i, row in enumerate(rows) if row[0].value == "Indikator"]
    assert [cell.value for cell in rows[blocks[0]]] == ["Indikator", *names, "Regionen"]
    for period, header, block in zip(("quarter", "year_to_date"), headers, blocks, strict=True):
        table = lines[header + 1 :]
        sheet = {row[0].value: row for row in rows[block + 1 : block + 1 + len(figures["indicators"])]}
        for entry in figures["indicators"]:
            values = [column[entry["code"]][period]["shown"] for column in columns] + [entry[period]["shown"]]
            expected = " ".join(_sv_text(value, entry["unit"]) for value in values)
            assert any(line.endswith(expected) and entry["name"][:20] in line for line in table[:60]), (
                period,
                entry["name"],
                expected,
            )
            cells = sheet[entry["name"]][1 : 2 + len(names)]
            for value, cell in zip(values, cells, strict=True):
                if value is None:  # an empty shaded cell with the comment "visas ej", as elsewhere in the workbook
                    assert cell.value is None and cell.comment.text == WITHHELD_SV, (entry["code"], period)
                elif entry["unit"] == "percent":
                    assert cell.value == pytest.approx(value / 100), (entry["code"], period)
                else:
                    assert cell.value == value, (entry["code"], period)
    # The footnote is the dashboard's (one text), in both documents.
    from django.utils import translation

    from reporting.documents import REGIONAL_NOTE

    with translation.override("sv"):
        note = str(REGIONAL_NOTE)
    assert note[:60] in " ".join(lines)
    assert any(row[0].value == note for row in rows)


def test_the_regions_total_is_the_sum_of_the_municipalities_where_summable(even_region, time_machine) -> None:
    figures = _regional_report(even_region["region"], time_machine).figures
    columns = [{row["code"]: row for row in m["indicators"]} for m in figures["municipalities"]]
    summed = 0
    for entry in figures["indicators"]:
        if entry["code"] in NOT_SUMMED_OVER_MUNICIPALITIES:
            continue
        for period in ("quarter", "year_to_date"):
            for part in ("numerator", "denominator"):
                total = entry[period].get(part)
                cells = [column[entry["code"]][period].get(part) for column in columns]
                if total is not None and None not in cells:
                    assert total == sum(cells), (entry["code"], period, part)
                    summed += 1
    assert summed >= 3  # the check above is not vacuous
    # By hand: placements started in Q3, A 8 + 1 (the running one) = 9, B 6 + 1 = 7; the region 16.
    started = {row["code"]: row for row in figures["indicators"]}["placements-started"]["quarter"]
    by_municipality = {
        m["code"]: column["placements-started"]["quarter"]["numerator"]
        for m, column in zip(figures["municipalities"], columns, strict=True)
    }
    assert (by_municipality, started["numerator"]) == ({"2380": 9, "2361": 7}, 16)


def test_a_withheld_municipality_cell_is_withheld_in_the_pdf_and_workbook_as_on_the_dashboard(
    region, time_machine, client: Client
) -> None:
    """B completed 2 placements in Q3 and 3 this year: withheld in its column; the region's 10 (and 12)
    would give B's away as the total minus A's 8 (and 9), so the region's is withheld too."""
    code = "placements-completed"
    report = _regional_report(region["region"], time_machine)
    columns = {m["code"]: {row["code"]: row for row in m["indicators"]} for m in report.figures["municipalities"]}
    entry = {row["code"]: row for row in report.figures["indicators"]}[code]
    assert columns["2361"][code]["quarter"]["shown"] is None and entry["quarter"]["shown"] is None
    a_value = _sv_text(columns["2380"][code]["quarter"]["shown"], "count")
    assert a_value == "8"
    # The PDF writes "visas ej" in B's column and the region's, as the dashboard does (B's name,
    # "Kommun 2361", comes before A's).
    assert [m["code"] for m in report.figures["municipalities"]] == ["2361", "2380"]
    lines = _pdf_lines(report)
    expected = f"{WITHHELD_SV} {a_value} {WITHHELD_SV}"
    assert any(line.endswith(expected) and entry["name"][:20] in line for line in lines), lines
    rows = _regional_sheet_rows(report)
    row = next(r for r in rows if r[0].value == entry["name"])  # the quarter's block comes first
    assert row[2].value == 8
    for cell in (row[1], row[3]):
        assert cell.value is None and cell.comment.text == WITHHELD_SV and cell.fill.start_color.rgb == "FFE7E6E6"
    # The dashboard (the year to date as of today) withholds B's cell and writes it the same way.
    client.force_login(RegionalManagerFactory(region=region["region"]))
    page = client.get(reverse("reporting:dashboard"), HTTP_ACCEPT_LANGUAGE="sv")
    table = page.context["regional"]
    dashboard_row = next(r for r in table["rows"] if r["code"] == code)
    assert dashboard_row["cells"][table["names"].index(region["b"].name)] is None
    html = page.content.decode()
    assert WITHHELD_SV in html[html.index('id="municipalities-heading"') :]
    assert table["notes"][0][:60] in html


def test_a_regional_report_regenerated_on_unchanged_facts_equals_the_stored_one(even_region, time_machine) -> None:
    first = _regional_report(even_region["region"], time_machine)
    again = _regional_report(even_region["region"], time_machine)
    assert again.version == first.version + 1 and again.changes == []
    assert again.figures == first.figures
    assert again.figures["municipalities"] and "breakdowns" not in again.figures["municipalities"][0]


def _started(rows: dict[str, int | None], period: str = "quarter") -> dict[str, Any]:
    """Raw or published figures with one indicator (placements started) and its department breakdown."""
    counts = [value for value in rows.values() if value is not None]
    total = sum(counts) if len(counts) == len(rows) else None
    return {
        "year": 2026,
        "quarter": 3,
        "periods": {period: {"start": "2026-07-01", "end": "2026-09-30", "label": "2026 Q3"}},
        "indicators": [
            {
                "code": "placements-started",
                "unit": "count",
                period: {"numerator": total, "denominator": None, "value": total, "shown": total, "status": None},
            }
        ],
        "breakdowns": {
            "department": {
                period: [
                    {"key": key, "started": value, "ended": 0, "work_or_studies": 0} for key, value in rows.items()
                ]
            }
        },
    }


def test_a_regions_row_for_an_organisation_one_municipality_uses_does_not_repeat_its_withheld_cell() -> None:
    """Second-order disclosure. A started 20 placements, all at Gruvan; B 7, all at Bageriet; C 6, all at
    Sågverket: B's and C's counts are withheld in their own publications (as complements there), and
    the region's 33 = 20 + B + C leaves B + C = 13, neither determined. But each organisation is used
    by one municipality only, so the region's department row for Bageriet is B's withheld 7 itself.
    The ledger reads which municipalities a row is made of from their breakdowns and withholds it,
    and then Sågverket's too (else Bageriet = 33 - 20 - 6). On the old code both rows were shown."""

    def table(own: dict[str, dict[str, int | None]]) -> list[dict[str, Any]]:
        """The regional table: each municipality's publication (its organisations' started counts)."""
        columns = []
        for pk, (name, rows) in enumerate(own.items(), 1):
            figures = _started(rows)
            columns.append(
                {"id": pk, "code": f"000{pk}", "name": name, **{k: figures[k] for k in ("indicators", "breakdowns")}}
            )
        return columns

    # As published by each: A's 20 shown; B's 7 and C's 6 withheld (in the total and the row alike).
    municipalities = table({"A": {"Gruvan": 20}, "B": {"Bageriet": None}, "C": {"Sågverket": None}})
    raw = _started({"Bageriet": 7, "Gruvan": 20, "Sågverket": 6})
    published = protect_report(raw, municipalities=municipalities)
    rows = {row["key"]: row["started"] for row in published["breakdowns"]["department"]["quarter"]}
    assert rows["Bageriet"] is None and rows["Sågverket"] is None
    assert rows["Gruvan"] == 20 and published["indicators"][0]["quarter"]["numerator"] == 33
    # The table as published carries the municipalities' indicators, not their breakdowns.
    assert all("breakdowns" not in m for m in published["municipalities"])
    # The audit (reporting/tests/test_disclosure.py): what a reader of the region's report and the
    # municipalities' knows, with each organisation's row the sum of the municipalities that have it.
    from reporting.tests.test_disclosure import Knowledge

    k = Knowledge()
    total = k.term("region", published["indicators"][0]["quarter"]["numerator"])
    b, c = k.term("B", None), k.term("C", None)
    bageriet, sagverket = k.term("region Bageriet", rows["Bageriet"]), k.term("region Sågverket", rows["Sågverket"])
    k.equal([total], [(None, 20.0), b, c])
    k.equal([total], [k.term("region Gruvan", rows["Gruvan"]), bageriet, sagverket])
    k.equal([bageriet], [b])  # Bageriet: B's only, and all of B's
    k.equal([sagverket], [c])
    assert k.given_away() == {}
    # An organisation two municipalities use is a sum of two unknowns, and is shown: B and C both at
    # Sågverket (B 7, C 6) give the region's row 13 = B + C, which the total told already.
    municipalities = table({"A": {"Gruvan": 20}, "B": {"Sågverket": None}, "C": {"Sågverket": None}})
    published = protect_report(_started({"Gruvan": 20, "Sågverket": 13}), municipalities=municipalities)
    rows = {row["key"]: row["started"] for row in published["breakdowns"]["department"]["quarter"]}
    assert rows == {"Gruvan": 20, "Sågverket": 13}


def test_the_regional_report_withholds_an_organisations_row_that_repeats_a_municipalitys_withheld_cell() -> None:
    """The same, from the facts. In Q3 A started 6 placements at Gruvan and 10 at Vården; B 5 at
    Bageriet and 2 at Vården. B's own report withholds Vården's 2, and so Bageriet's 5 (else 7 - 5).
    Bageriet is B's alone: the region's row for it would be B's withheld 5 itself, so it is withheld
    too, and Vården's 12 with it (12 - A's 10 is B's 2)."""
    region = RegionFactory(code="inlandet", name="Inlandet")
    a = MunicipalityFactory(region=region)
    b = MunicipalityFactory(code="2361", region=region)
    for municipality, organisations in ((a, {"Gruvan": 6, "Vården": 10}), (b, {"Bageriet": 5, "Vården": 2})):
        team = TeamFactory(municipality=municipality, name=municipality.code)
        for name, count in organisations.items():
            for _ in range(count):
                PlacementFactory(
                    participant__team=team,
                    participant__gender="female",
                    participant__target_group=TargetGroup.YOUTH,
                    need__workplace__organisation__name=name,
                    status=PlacementStatus.ACTIVE,
                    planned_start=dt.date(2026, 7, 6),
                    planned_end=dt.date(2026, 12, 18),
                    actual_start=dt.date(2026, 7, 6),
                )
    today = dt.date(2026, 12, 1)

    def departments(owner) -> dict[str, int | None]:
        figures: dict[str, Any] = report_figures_published(year=2026, quarter=3, today=today, owner=owner)
        return {row["key"]: row["started"] for row in figures["breakdowns"]["department"]["quarter"]}

    assert departments(b) == {"Bageriet": None, "Vården": None}
    assert departments(a) == {"Gruvan": 6, "Vården": 10}
    shown = departments(region)
    assert shown["Bageriet"] is None and shown["Vården"] is None
    assert shown["Gruvan"] == 6
