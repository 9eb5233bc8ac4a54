"""Figures per municipality and for a region: every indicator counts the facts of its scope's
municipalities only; a region's figure is the sum of its municipalities' where the definition allows
summing (a share from the summed numerators and denominators, not an average of shares); the
regional table is protected by the disclosure control, and a regional manager reaches no case file
and no other region's figures."""

from __future__ import annotations

import datetime as dt

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
from placements.models import Outcome, PlacementStatus
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
