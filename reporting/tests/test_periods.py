"""Period semantics: figures as they stood at the period's end, read again later unchanged; the
funnel, the suppliers and the trend by their own dates; the report's version history."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tests.factories import ManagerFactory, MunicipalityFactory
from participants.models import ParticipantStatus
from participants.services import participant_change_status
from participants.tests.factories import ParticipantFactory
from placements.models import FollowUp, Outcome, Placement, PlacementStatus
from placements.tests.factories import FollowUpFactory, LaterOutcomeFactory, PlacementFactory
from reporting.dashboard import same_days_last_year
from reporting.indicators import INDICATORS, STANDARD, Period
from reporting.models import QuarterlyReport
from reporting.services import funnel, quarterly_report_generate, quarterly_report_request, suppliers
from workplaces.tests.factories import ProcurementContractFactory, WorkplaceFactory

pytestmark = pytest.mark.django_db

Q3 = Period.quarter(2026, 3)


def _placement(start: dt.date, end: dt.date | None, status: str, outcome: str = "", **extra) -> Placement:
    return PlacementFactory(
        status=status,
        planned_start=start,
        planned_end=end or start + dt.timedelta(days=120),
        actual_start=start,
        actual_end=end,
        outcome=outcome,
        **extra,
    )


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def test_the_funnel_counts_how_far_people_had_come_by_the_periods_end() -> None:
    """Referred in Q3: A mapped in August, placed in September, completed in work in October; B mapped
    in October; C still referred. As at 30 September: 3 referred, 1 mapped, 1 placed, 0 completed, 0 in
    work. Read on 1 December the same, though today A has completed in work and B is mapped."""
    a = ParticipantFactory(referral_date=dt.date(2026, 7, 2), status=ParticipantStatus.REFERRED)
    b = ParticipantFactory(referral_date=dt.date(2026, 7, 3), status=ParticipantStatus.REFERRED)
    ParticipantFactory(referral_date=dt.date(2026, 7, 4), status=ParticipantStatus.REFERRED)
    with time_machine.travel(_at(dt.date(2026, 8, 10)), tick=False):
        participant_change_status(participant=a, to_status=ParticipantStatus.MAPPED, by=None)
    _placement(dt.date(2026, 9, 1), dt.date(2026, 10, 20), PlacementStatus.COMPLETED, Outcome.EMPLOYMENT, participant=a)
    with time_machine.travel(_at(dt.date(2026, 10, 5)), tick=False):
        participant_change_status(participant=b, to_status=ParticipantStatus.MAPPED, by=None)
    counts = {row["step"]: row["count"] for row in funnel(Q3.on(dt.date(2026, 12, 1)))}
    # Raw counts (reporting.disclosure withholds them on the way out).
    assert counts == {"referred": 3, "mapped": 1, "placed": 1, "completed": 0, "work_or_studies": 0}
    for _ in range(4):  # four more like A: now 5 mapped and placed by 30 September
        person = ParticipantFactory(referral_date=dt.date(2026, 7, 5), status=ParticipantStatus.REFERRED)
        with time_machine.travel(_at(dt.date(2026, 8, 10)), tick=False):
            participant_change_status(participant=person, to_status=ParticipantStatus.MAPPED, by=None)
        _placement(dt.date(2026, 9, 1), dt.date(2026, 10, 20), PlacementStatus.COMPLETED, participant=person)
    counts = {row["step"]: row["count"] for row in funnel(Q3.on(dt.date(2026, 12, 1)))}
    assert counts == {"referred": 7, "mapped": 5, "placed": 5, "completed": 0, "work_or_studies": 0}
    # The year to the end of Q4 sees the completions (all five, one in work).
    q4 = Period.year_to_date(2026, 4).on(dt.date(2026, 12, 1))
    counts = {row["step"]: row["count"] for row in funnel(q4)}
    assert (counts["mapped"], counts["completed"], counts["work_or_studies"]) == (6, 5, 1)


def test_a_supplier_delivers_only_placements_started_while_its_contract_ran() -> None:
    """The contract runs from 1 August 2026: of the placements started at the supplier this year,
    the three from July do not count, the five from August do."""
    contract = ProcurementContractFactory(
        organisation__name="Bygg AB",
        promised_placements=10,
        start_date=dt.date(2026, 8, 1),
        end_date=dt.date(2027, 7, 31),
    )
    workplace = WorkplaceFactory(organisation=contract.organisation)
    for day in range(3):
        _placement(dt.date(2026, 7, 10 + day), None, PlacementStatus.ACTIVE, need__workplace=workplace)
    for day in range(5):
        _placement(dt.date(2026, 8, 3 + day), None, PlacementStatus.ACTIVE, need__workplace=workplace)
    _placement(dt.date(2026, 8, 4), None, PlacementStatus.ACTIVE)  # another employer
    rows = suppliers(Period.year_to_date(2026, 3).on(dt.date(2026, 12, 1)))
    assert [(r["name"], r["promised"], r["delivered"], r["start"]) for r in rows] == [("Bygg AB", 10, 5, "2026-08-01")]


def test_the_trend_compares_the_same_days_of_last_year() -> None:
    """The issue's case: this year so far against the same days of last year, not all of last year."""
    period = same_days_last_year(2026, dt.date(2026, 12, 1))
    assert (period.start, period.end, period.until) == (dt.date(2025, 1, 1), dt.date(2025, 12, 1), dt.date(2025, 12, 1))
    for day in range(6):  # started by 1 December 2025: in the comparison
        _placement(dt.date(2025, 3, 1 + day), None, PlacementStatus.ACTIVE)
    for day in range(7):  # started in December 2025, after the same day: not in it
        _placement(dt.date(2025, 12, 10 + day), None, PlacementStatus.ACTIVE)
    assert INDICATORS["placements-started"](period).value == 6
    assert same_days_last_year(2024, dt.date(2024, 2, 29)).end == dt.date(2023, 2, 28)
    assert same_days_last_year(2025, dt.date(2026, 3, 1)).end == dt.date(2024, 12, 31)  # a past year: all of it


def test_the_dashboard_trend_is_the_change_since_the_same_days_last_year(client: Client) -> None:
    with time_machine.travel(_at(dt.date(2026, 6, 15)), tick=False):
        for day in range(5):
            _placement(dt.date(2025, 3, 1 + day), None, PlacementStatus.ACTIVE)
        for day in range(20):  # later in 2025: not the same days
            _placement(dt.date(2025, 9, 1 + day), None, PlacementStatus.ACTIVE)
        for day in range(8):
            _placement(dt.date(2026, 3, 1 + day), None, PlacementStatus.ACTIVE)
        client.force_login(ManagerFactory())
        page = client.get(reverse("reporting:dashboard")).content.decode()
    assert "▲ 3 sedan samma period förra året" in page


def _q3_history() -> None:
    """Facts about Q3 2026, and later facts that must not change Q3's figures."""
    for day in range(6):
        started = _placement(dt.date(2026, 7, 1 + day), None, PlacementStatus.ACTIVE)
        FollowUpFactory(placement=started, due_date=dt.date(2026, 9, 28))  # pending on 30 September
        FollowUpFactory(placement=started, due_date=dt.date(2026, 8, 3), done_on=dt.date(2026, 8, 4))
    for day in range(5):
        ended = _placement(dt.date(2026, 3, 1), dt.date(2026, 4, 10 + day), PlacementStatus.COMPLETED, Outcome.STUDIES)
        LaterOutcomeFactory(placement=ended, days_after=90, outcome=Outcome.EMPLOYMENT, recorded_on=dt.date(2026, 9, 1))
    _placement(dt.date(2026, 3, 1), dt.date(2026, 4, 20), PlacementStatus.COMPLETED, Outcome.UNEMPLOYED)
    for day in range(5):
        ParticipantFactory(referral_date=dt.date(2026, 7, 10 + day))


def _later_facts() -> None:
    """What happens after the quarter: placements end, follow-ups are done, outcomes recorded."""
    for placement in Placement.objects.filter(status=PlacementStatus.ACTIVE):
        Placement.objects.filter(pk=placement.pk).update(
            status=PlacementStatus.ENDED_EARLY, actual_end=dt.date(2026, 10, 20), outcome=Outcome.EMPLOYMENT
        )
    FollowUp.objects.filter(done_on__isnull=True).update(done_on=dt.date(2026, 10, 1))
    late = Placement.objects.get(actual_end=dt.date(2026, 4, 20))
    LaterOutcomeFactory(placement=late, days_after=90, outcome=Outcome.UNEMPLOYED, recorded_on=dt.date(2026, 10, 25))


def _generate(on: dt.date) -> QuarterlyReport:
    with time_machine.travel(_at(on), tick=False):
        return quarterly_report_generate(
            report=quarterly_report_request(year=2026, quarter=3, by=None, owner=MunicipalityFactory())
        )


def _without_when(figures: dict) -> dict:
    return {key: value for key, value in figures.items() if key != "computed_on"}


def test_a_past_quarter_regenerated_on_unchanged_facts_gives_the_stored_figures() -> None:
    _q3_history()
    first = _generate(dt.date(2026, 10, 1))  # Celery beat, the quarter's first day after
    _later_facts()
    again = _generate(dt.date(2026, 12, 1))
    assert _without_when(again.figures) == _without_when(first.figures)
    assert again.changes == [] and again.version == 2
    started = next(row for row in again.figures["indicators"] if row["code"] == "placements-started")
    assert started["quarter"]["numerator"] == 6


def test_a_corrected_fact_about_the_quarter_shows_in_the_version_history(client: Client) -> None:
    _q3_history()
    _generate(dt.date(2026, 10, 1))
    # A placement that did start in August was not recorded until now.
    _placement(dt.date(2026, 8, 20), None, PlacementStatus.ACTIVE)
    again = _generate(dt.date(2026, 12, 1))
    assert "placements-started" in again.changes and "breakdowns" in again.changes
    assert "follow-ups-on-time-share" not in again.changes
    client.force_login(ManagerFactory())
    page = client.get(reverse("reporting:archive")).content.decode()
    with translation.override("sv"):
        name = str(STANDARD["placements-started"].name)
    changed = page[page.index("Ändrat:") :].split("</td>")[0]
    assert name in changed and "Samma siffror" not in page


def test_the_methodology_page_shows_each_indicators_written_definition(client: Client) -> None:
    client.force_login(ManagerFactory())
    page = client.get(reverse("reporting:methodology")).content.decode()
    for code in INDICATORS:
        assert f'id="{code}"' in page
    assert "arbetsdagar" in page


def test_a_standard_indicator_has_one_definition_the_codes_whatever_its_row_says() -> None:
    from reporting.tests.factories import IndicatorFactory

    indicator = IndicatorFactory(code="placements-started", definition="Antal placeringar (gammal text).")
    assert indicator.localised_definition == STANDARD["placements-started"].text
    own = IndicatorFactory(code="own-measure", definition="Kommunens eget mått.")
    assert own.localised_definition == "Kommunens eget mått."


def test_the_methodology_page_states_the_fairness_test(client: Client) -> None:
    from reporting.fairness import METHOD_TEXT

    client.force_login(ManagerFactory())
    page = client.get(reverse("reporting:methodology")).content.decode()
    with translation.override("sv"):
        assert all(str(text) in page for text in METHOD_TEXT)
    assert "Holm" in page
    from reporting.disclosure import DISCLOSURE_METHOD

    with translation.override("sv"):
        assert all(str(text) in page for text in DISCLOSURE_METHOD)


def test_the_pdfs_appendix_says_how_periods_are_read_and_defines_each_indicator() -> None:
    import io

    from pypdf import PdfReader

    report = _generate(dt.date(2026, 10, 1))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(report.pdf.read())).pages)
    text = " ".join(text.split())
    assert "daterade uppgifter" in text and "periodens slut" in text
    assert "Mätt:" in text and "Population:" in text
