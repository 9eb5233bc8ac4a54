"""Disclosure control (reporting.disclosure): a withheld figure cannot be worked out from what is published.

The audit here is independent of the module's own bookkeeping: from the figures as published it writes
down what a reader knows (every total is the sum of its breakdown's rows, whichever breakdown; in work
or studies is part of ended, and completed part of ended; the year to date is the previous year to
date plus the quarter; the funnel's steps are nested), takes the withheld cells as non-negative
unknowns, and asks linear programming (scipy, HiGHS) for the least and the greatest value each can
have. A withheld cell with min = max is given away.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import itertools
from collections import defaultdict
from typing import Any

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader
from scipy.optimize import linprog

from accounts.tests.factories import ManagerFactory
from participants.models import Gender, ParticipantStatus, ReferralSource, TargetGroup
from participants.tests.factories import ParticipantFactory
from placements.models import PlacementStatus
from placements.tests.factories import PlacementFactory
from reporting.disclosure import THRESHOLD, Ledger, protect_fairness, protect_figure, protect_overview
from reporting.fairness import COUNTS, _published, fairness_counts
from reporting.models import QuarterlyReport
from reporting.services import quarterly_report_generate, quarterly_report_request, report_figures

pytestmark = pytest.mark.django_db

YEAR = 2026
ADDITIVE = {"placements-started", "placements-completed", "completed-work-or-studies-share", "left-social-assistance"}
COLUMNS = ("started", "ended", "work_or_studies")

# (gender, target group, department, start, end or None, outcome): two quarters of a small unit.
# Gender "other" comes to 4 started, 3 ended, 1 in work or studies in Q1-Q3: the example.
CARE = "Vård och omsorg"
PLACEMENTS = [
    *[("female", "youth", "Vård och omsorg", dt.date(YEAR, 4, 2 + n), None, "") for n in range(6)],
    *[("female", "newcomer", CARE, dt.date(YEAR, 4, 8 + n), dt.date(YEAR, 6, 20), "employment") for n in range(3)],
    *[("female", "other", "Teknik", dt.date(YEAR, 7, 1 + n), dt.date(YEAR, 9, 10), "unemployed") for n in range(4)],
    *[("female", "newcomer", "Teknik", dt.date(YEAR, 7, 6 + n), dt.date(YEAR, 9, 12), "studies") for n in range(2)],
    *[("male", "youth", "Teknik", dt.date(YEAR, 5, 4 + n), dt.date(YEAR, 8, 28), "employment") for n in range(5)],
    *[("male", "other", "Vård och omsorg", dt.date(YEAR, 8, 3 + n), None, "") for n in range(6)],
    ("male", "newcomer", "Café Litet", dt.date(YEAR, 5, 11), dt.date(YEAR, 6, 12), "unemployed"),
    ("other", "youth", "Vård och omsorg", dt.date(YEAR, 5, 18), dt.date(YEAR, 6, 26), "unemployed"),
    ("other", "newcomer", "Teknik", dt.date(YEAR, 6, 1), None, ""),
    ("other", "youth", "Café Litet", dt.date(YEAR, 7, 13), dt.date(YEAR, 9, 18), "employment"),
    ("other", "other", "Teknik", dt.date(YEAR, 8, 10), dt.date(YEAR, 9, 25), "unemployed"),
]


SOURCES = {
    "newcomer": ReferralSource.SOCIAL_SERVICES,
    "youth": ReferralSource.EMPLOYMENT_SERVICE,
    "other": ReferralSource.EMPLOYMENT_SERVICE,
}


@pytest.fixture
def unit() -> None:
    for gender, group, department, start, end, outcome in PLACEMENTS:
        status = PlacementStatus.ACTIVE if end is None else PlacementStatus.COMPLETED
        PlacementFactory(
            participant__gender=gender,
            participant__target_group=group,
            participant__referral_source=SOURCES[group],
            participant__referral_date=start - dt.timedelta(days=20),
            participant__social_assistance_ended_on=end if outcome == "employment" else None,
            need__workplace__organisation__name=department,
            status=status,
            planned_start=start,
            planned_end=end or start + dt.timedelta(days=120),
            actual_start=start,
            actual_end=end,
            outcome=outcome,
        )
    for n in range(7):  # waiting for a placement, for the fairness view
        ParticipantFactory(gender=Gender.FEMALE if n < 5 else Gender.OTHER, status=ParticipantStatus.MAPPED)


def _generate(quarter: int) -> dict[str, Any]:
    report = quarterly_report_generate(report=quarterly_report_request(year=YEAR, quarter=quarter, by=None))
    return report.figures


# --- the audit -------------------------------------------------------------------------------------


class Knowledge:
    """What a reader knows: linear equations over published numbers and unknowns (withheld cells and
    counts never printed), all non-negative."""

    def __init__(self) -> None:
        self.unknowns: dict[str, int] = {}
        self.equations: list[tuple[dict[int, float], float]] = []
        self.watched: dict[str, int] = {}  # unknowns that must not be given away

    def term(self, name: str, value: float | None, *, watch: bool = True) -> tuple[int | None, float]:
        if value is not None:
            return None, float(value)
        index = self.unknowns.setdefault(name, len(self.unknowns))
        if watch:
            self.watched[name] = index
        return index, 0.0

    def equal(self, left: list[tuple[int | None, float]], right: list[tuple[int | None, float]]) -> None:
        """sum(left) = sum(right)."""
        coefficients: dict[int, float] = defaultdict(float)
        constant = 0.0
        for side, sign in ((left, 1.0), (right, -1.0)):
            for index, value in side:
                if index is None:
                    constant -= sign * value
                else:
                    coefficients[index] += sign
        self.equations.append((dict(coefficients), constant))

    def given_away(self) -> dict[str, float]:
        """The watched unknowns whose least and greatest possible values are the same."""
        n = len(self.unknowns)
        rows = [(c, b) for c, b in self.equations if c]
        matrix = np.zeros((len(rows), n))
        for i, (coefficients, _) in enumerate(rows):
            for j, c in coefficients.items():
                matrix[i, j] = c
        rhs = np.array([b for _, b in rows])
        found = {}
        for name, j in self.watched.items():
            objective = np.zeros(n)
            objective[j] = 1
            low = linprog(objective, A_eq=matrix, b_eq=rhs, bounds=(0, None), method="highs")
            high = linprog(-objective, A_eq=matrix, b_eq=rhs, bounds=(0, None), method="highs")
            assert low.status == 0, "the published figures are consistent"
            if high.status == 0 and abs(-high.fun - low.fun) < 1e-6:
                found[name] = low.fun
        return found


def _know_report(k: Knowledge, figures: dict[str, Any], tag: str, raw: dict[str, Any]) -> None:
    """One published report; `raw` tells which unprinted counts are small (those are watched too)."""
    indicators = {row["code"]: row for row in figures["indicators"]}
    raw_breakdowns = raw["breakdowns"]
    for period in figures["periods"]:

        def indicator(code: str, part: str, period: str = period) -> tuple[int | None, float]:
            figure = indicators[code][period]
            return k.term(f"{tag} {period} {code} {part}", figure[part])

        started = indicator("placements-started", "numerator")
        ended = indicator("completed-work-or-studies-share", "denominator")
        good = indicator("completed-work-or-studies-share", "numerator")
        completed = indicator("placements-completed", "numerator")
        k.equal([ended], [completed, k.term(f"{tag} {period} ended not completed", None, watch=False)])
        for code, row in indicators.items():
            figure = row[period]
            if row["unit"] == "percent":
                num, den = indicator(code, "numerator"), indicator(code, "denominator")
                k.equal([den], [num, k.term(f"{tag} {period} {code} rest", None, watch=False)])
                assert figure["value"] is None or None not in (figure["numerator"], figure["denominator"])
        for dimension, periods in figures["breakdowns"].items():
            rows = periods[period]
            cells = {
                column: [k.term(f"{tag} {period} {dimension} {row['key']} {column}", row[column]) for row in rows]
                for column in COLUMNS
            }
            k.equal([started], cells["started"])
            k.equal([ended], cells["ended"])
            k.equal([good], cells["work_or_studies"])
            raw_rows = {row["key"]: row for row in raw_breakdowns[dimension][period]}
            for row, e, w in zip(rows, cells["ended"], cells["work_or_studies"], strict=True):
                rest = raw_rows[row["key"]]["ended"] - raw_rows[row["key"]]["work_or_studies"]
                small = 0 < rest < THRESHOLD
                name = f"{tag} {period} {dimension} {row['key']} ended not in work"
                k.equal([e], [w, k.term(name, None, watch=small)])
    steps = [k.term(f"{tag} funnel {s['step']}", s["count"]) for s in figures["funnel"]]
    for whole, part in itertools.pairwise(steps):
        k.equal([whole], [part, k.term(f"{tag} funnel below {len(k.unknowns)}", None, watch=False)])
    if "left-social-assistance" in indicators:
        left = [k.term(f"{tag} left {row['key']}", row["left"]) for row in figures["left_social_assistance"]]
        name = f"{tag} year_to_date left-social-assistance numerator"
        total = k.term(name, _count(indicators, "left-social-assistance"))
        k.equal([total], left)


def _count(indicators: dict[str, Any], code: str) -> int | None:
    return indicators[code]["year_to_date"]["numerator"]


def _know_difference(k: Knowledge, earlier: dict[str, Any], later: dict[str, Any], tag_e: str, tag_l: str) -> None:
    """The later report's year to date = the earlier's year to date + the later's quarter."""
    ind_e = {row["code"]: row for row in earlier["indicators"]}
    for row in later["indicators"]:
        if row["code"] not in ADDITIVE or row["code"] not in ind_e:
            continue
        parts = ("numerator", "denominator") if row["unit"] == "percent" else ("numerator",)
        for part in parts:
            name = f"{row['code']} {part}"
            k.equal(
                [k.term(f"{tag_l} year_to_date {name}", row["year_to_date"][part])],
                [
                    k.term(f"{tag_e} year_to_date {name}", ind_e[row["code"]]["year_to_date"][part]),
                    k.term(f"{tag_l} quarter {name}", row["quarter"][part]),
                ],
            )
    for dimension, periods in later["breakdowns"].items():
        before = {r["key"]: r for r in earlier["breakdowns"][dimension]["year_to_date"]}
        quarter = {r["key"]: r for r in periods["quarter"]}
        for row in periods["year_to_date"]:
            for column in COLUMNS:
                terms = []
                for tag, table in ((f"{tag_e} year_to_date", before), (f"{tag_l} quarter", quarter)):
                    if row["key"] in table:
                        terms.append(k.term(f"{tag} {dimension} {row['key']} {column}", table[row["key"]][column]))
                k.equal([k.term(f"{tag_l} year_to_date {dimension} {row['key']} {column}", row[column])], terms)


def _audit_reports(q2: dict[str, Any], q3: dict[str, Any]) -> dict[str, float]:
    k = Knowledge()
    _know_report(k, q2, "Q2", report_figures(YEAR, 2))
    _know_report(k, q3, "Q3", report_figures(YEAR, 3))
    _know_difference(k, q2, q3, "Q2", "Q3")
    return k.given_away()


def _primary_only(figures: dict[str, Any]) -> dict[str, Any]:
    """What the old code published: counts 1-4 withheld, shares on fewer than five withheld, nothing else."""

    def old(value: int | None) -> int | None:
        return None if value is not None and 0 < value < THRESHOLD else value

    for row in figures["indicators"]:
        for period in figures["periods"]:
            f = row[period]
            small = old(f["numerator"]) is None or (f["denominator"] is not None and f["denominator"] < THRESHOLD)
            f["numerator"], f["denominator"] = old(f["numerator"]), old(f["denominator"])
            if small:
                f["value"] = f["shown"] = None
    for periods in figures["breakdowns"].values():
        for rows in periods.values():
            for row in rows:
                row.update({c: old(row[c]) for c in COLUMNS})
    for step in figures["funnel"]:
        step["count"] = old(step["count"])
    for row in figures["left_social_assistance"]:
        row["left"] = old(row["left"])
    return figures


def test_the_audit_finds_what_primary_suppression_alone_gives_away(unit) -> None:
    """The old rule (counts 1-4 withheld, nothing else): from the Q3 report alone, gender "other"
    comes out as 4 started, 3 ended, 1 in work or studies in Q1-Q3, as the issue says."""
    q2, q3 = _primary_only(report_figures(YEAR, 2)), _primary_only(report_figures(YEAR, 3))
    away = _audit_reports(q2, q3)
    assert away["Q3 year_to_date gender other started"] == 4
    assert away["Q3 year_to_date gender other ended"] == 3
    assert away["Q3 year_to_date gender other work_or_studies"] == 1


def test_no_withheld_cell_of_two_consecutive_reports_can_be_worked_out(unit) -> None:
    q2, q3 = _generate(2), _generate(3)  # Q3 is made knowing what Q2 published
    assert _audit_reports(q2, q3) == {}
    ytd = {row["key"]: row for row in q3["breakdowns"]["gender"]["year_to_date"]}
    assert ytd["other"] == {"key": "other", "started": None, "ended": None, "work_or_studies": None}
    totals = {row["code"]: row["year_to_date"]["numerator"] for row in q3["indicators"]}
    assert totals["placements-started"] == 31 and totals["placements-completed"] == 18  # totals stay


def _synthetic(placements: list[tuple[dict[str, str], bool, bool, bool]], quarter: int, earlier: int) -> dict[str, Any]:
    """Raw report figures from (groups, started, ended, in work) per placement; the first `earlier`
    placements fall in earlier quarters, the rest in this one."""

    def tables(rows: list[tuple[dict[str, str], bool, bool, bool]]) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        for dimension in rows[0][0] if rows else []:
            counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
            for groups, started, ended, work in rows:
                cell = counts[groups[dimension]]
                cell[0], cell[1], cell[2] = cell[0] + started, cell[1] + ended, cell[2] + work
            out[dimension] = [dict(zip(("key", *COLUMNS), (k, *v), strict=True)) for k, v in sorted(counts.items())]
        return out

    periods = {"quarter": placements[earlier:], "year_to_date": placements}
    indicators: list[dict[str, Any]] = []
    for code, unit in (("placements-started", "count"), ("placements-completed", "count")):
        indicators.append({"code": code, "unit": unit})
    indicators.append({"code": "completed-work-or-studies-share", "unit": "percent"})
    for period, rows in periods.items():
        started, ended, work = (sum(bool(r[i]) for r in rows) for i in (1, 2, 3))
        for entry, (num, den) in zip(indicators, ((started, None), (ended, None), (work, ended)), strict=True):
            value = num if den is None else (round(100 * num / den, 1) if den else None)
            entry[period] = {"value": value, "numerator": num, "denominator": den, "shown": value, "status": None}
    by_period = {period: tables(rows) for period, rows in periods.items()}
    breakdowns = {d: {p: by_period[p].get(d, []) for p in periods} for d in by_period["year_to_date"]}
    return {
        "year": YEAR,
        "quarter": quarter,
        "periods": {p: {} for p in periods},
        "indicators": indicators,
        "breakdowns": breakdowns,
        "funnel": [],
        "suppliers": [],
        "left_social_assistance": [],
    }


@pytest.mark.parametrize("seed", range(6))
def test_random_small_units_leave_nothing_to_solve(seed: int) -> None:
    """Small units with many cells of 1 to 4, two consecutive quarters, five breakdowns."""
    import random

    from reporting.disclosure import protect_report

    rng = random.Random(seed)
    values = {"gender": "fmou", "target_group": "nyo", "department": "ABCDEFG", "job_track": "xyz", "source": "ab"}

    def placement() -> tuple[dict[str, str], bool, bool, bool]:
        ended = rng.random() < 0.6
        return {d: rng.choice(v) for d, v in values.items()}, True, ended, ended and rng.random() < 0.5

    first, second, third = ([placement() for _ in range(rng.randint(10, 40))] for _ in range(3))
    raw_q2 = _synthetic(first + second, 2, len(first))
    raw_q3 = _synthetic(first + second + third, 3, len(first) + len(second))

    def audit(q2: dict[str, Any], q3: dict[str, Any]) -> dict[str, float]:
        k = Knowledge()
        _know_report(k, q2, "Q2", raw_q2)
        _know_report(k, q3, "Q3", raw_q3)
        _know_difference(k, q2, q3, "Q2", "Q3")
        return k.given_away()

    q2 = protect_report(raw_q2)
    assert audit(q2, protect_report(raw_q3, previous=q2)) == {}
    assert audit(_primary_only(copy.deepcopy(raw_q2)), _primary_only(copy.deepcopy(raw_q3)))  # the old rule


def test_regenerating_a_quarter_after_the_next_one_gives_the_stored_figures(unit) -> None:
    q2 = _generate(2)
    _generate(3)
    assert _generate(2) == q2


def test_a_zero_beside_a_withheld_count_is_withheld(unit) -> None:
    q3 = _generate(3)
    quarter = {row["key"]: row for row in q3["breakdowns"]["department"]["quarter"]}
    raw_figures: Any = report_figures(YEAR, 3)
    raw = {row["key"]: row for row in raw_figures["breakdowns"]["department"]["quarter"]}
    assert (raw["Café Litet"]["started"], raw["Café Litet"]["ended"]) == (1, 1)
    assert quarter["Café Litet"]["started"] is None and quarter["Café Litet"]["work_or_studies"] is None


def test_shares_of_withheld_counts_are_withheld_and_the_status_with_them() -> None:
    assert protect_figure({"value": 75.0, "numerator": 3, "denominator": 4}) is None
    assert protect_figure({"value": 50.0, "numerator": 5, "denominator": 10}) == 50.0
    assert protect_figure({"value": 20.0, "numerator": 2, "denominator": 10}) is None
    assert protect_figure({"value": 4, "numerator": 4, "denominator": None}) is None
    assert protect_figure({"value": 0, "numerator": 0, "denominator": None}) == 0


def test_the_ledger_withholds_a_second_cell_when_one_would_come_out_by_subtraction() -> None:
    ledger = Ledger()
    total = ledger.cell("total", 20)
    cells = [ledger.cell(name, value) for name, value in (("a", 3), ("b", 9), ("c", 8))]
    ledger.total(total, cells)
    assert ledger.protect() == {"a", "c"}  # the smallest other one


def test_two_withheld_zeros_whose_sum_is_known_are_protected_by_the_bounds() -> None:
    """Two zeros withheld beside small counts, in a column whose shown cells add up to the total:
    over the reals a + b = 0 leaves both open, but counts are not negative, so both are 0."""
    ledger = Ledger()
    rows = [("x", 3, 0), ("y", 2, 0), ("z", 9, 6), ("w", 8, 7)]
    for name, first, second in rows:
        ledger.row([ledger.cell((name, 1), first), ledger.cell((name, 2), second)])
    for column in (1, 2):
        total = ledger.cell(("total", column), sum(int(r[column]) for r in rows))
        ledger.total(total, [(r[0], column) for r in rows])
    withheld = ledger.protect()
    assert {("x", 2), ("y", 2)} <= withheld and {("z", 2), ("w", 2)} & withheld


def test_the_fairness_tables_protect_against_each_other() -> None:
    tables = {
        "gender": [
            {"group": "female", "started": 9, "waiting": 20},
            {"group": "male", "started": 8, "waiting": 20},
            {"group": "other", "started": 2, "waiting": 20},
        ],
        "age_band": [{"group": "–24", "started": 12}, {"group": "25–34", "started": 7}],
        "referral_source": [{"group": "social_services", "started": 19}],
    }
    shown = protect_fairness(tables, columns=["started"], shares={"rate": ("started", "waiting")})
    assert [row["started"] for row in shown["gender"]] == [None, None, None] or [
        row["started"] for row in shown["gender"]
    ].count(None) >= 2
    k = Knowledge()
    total = k.term("total", 19)
    for dimension, rows in shown.items():
        k.equal([total], [k.term(f"{dimension} {row['group']}", row["started"]) for row in rows])
    assert k.given_away() == {}
    assert all(row["rate"] is None for row in shown["gender"] if row["started"] is None)


def test_the_start_page_share_is_withheld_with_its_counts() -> None:
    shown = protect_overview({"matched": 12, "active": 3, "completed": 6, "ended": 9, "work_or_studies": 2})
    assert shown["active"] is None and shown["work_or_studies_share"] is None and shown["matched"] == 12


# --- every output goes through the module -------------------------------------------------------


def test_no_output_shows_the_small_group(unit, client: Client, time_machine) -> None:
    """Gender "other" (4 started in Q1-Q3, 1 in work) is in none of the dashboard, the fairness view,
    the PDF, the workbook or the API."""
    time_machine.move_to(dt.datetime(YEAR, 10, 1, 12, tzinfo=dt.UTC), tick=False)
    _generate(2)
    q3 = _generate(3)
    client.force_login(ManagerFactory())

    dashboard = client.get(reverse("reporting:dashboard")).context
    gender = next(b for b in dashboard["breakdowns"] if b["title"] == "Kön")
    other = next(row for row in gender["rows"] if row["key"] == "other")
    assert (other["started"], other["ended"], other["work_or_studies"]) == (None, None, None)

    fairness_page = client.get(reverse("reporting:fairness")).context
    table = next(t for t in fairness_page["tables"] if t["title"] == "Kön")
    # Rows are the groups of people waiting; the small group, if it has a row, shows nothing of its own.
    row = next((r for r in table["rows"] if r["group"] == "other"), None)
    assert row is None or (row["started"] is None and row["work_or_studies"] is None)  # 4 started, 1 in work

    report = QuarterlyReport.objects.get(year=YEAR, quarter=3, is_current=True)
    sheet = load_workbook(io.BytesIO(report.xlsx.read()))["Kön"]
    cells = {r[0]: r[1:] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert cells["Annan"][:3] == (None, None, None)  # empty numeric cells, marked withheld
    assert all(
        cell.comment.text == "visas ej" for cell in next(r for r in sheet.iter_rows() if r[0].value == "Annan")[1:4]
    )
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(report.pdf.read())).pages)
    assert "Annan visas ej visas ej visas ej" in " ".join(text.split())

    response = client.get("/api/v1/report-figures/", {"year": YEAR, "quarter": 3})
    api = {r["key"]: r for r in response.json()["breakdowns"]["gender"]["year_to_date"]}
    assert api["other"] == {"key": "other", "started": None, "ended": None, "work_or_studies": None}
    assert response.json()["breakdowns"] == q3["breakdowns"]


def test_the_dashboard_series_and_breakdowns_cannot_be_solved(unit, client: Client, time_machine) -> None:
    time_machine.move_to(dt.datetime(YEAR, 10, 1, 12, tzinfo=dt.UTC), tick=False)
    client.force_login(ManagerFactory())
    figures = client.get(reverse("reporting:dashboard")).context["figures"]
    k = Knowledge()
    _know_report(k, figures, "dash", report_figures(YEAR, 3, year_to_date_only=True))
    indicators = {row["code"]: row for row in figures["indicators"]}
    series = figures["series"]
    for name, code, part in (
        ("started", "placements-started", "numerator"),
        ("ended", "completed-work-or-studies-share", "denominator"),
        ("work_or_studies", "completed-work-or-studies-share", "numerator"),
    ):
        k.equal(
            [k.term(f"dash year_to_date {code} {part}", indicators[code]["year_to_date"][part])],
            [k.term(f"series {name} {q}", series[name][q]) for q in range(3)],
        )
    assert k.given_away() == {}
    assert None in series["started"] or min(v for v in series["started"] if v) >= THRESHOLD


def test_raw_fairness_counts_go_through_the_module_on_the_page(client: Client) -> None:
    for _ in range(3):
        ParticipantFactory(gender=Gender.OTHER, status=ParticipantStatus.MAPPED)
    for _ in range(6):
        ParticipantFactory(gender=Gender.FEMALE, status=ParticipantStatus.MAPPED, target_group=TargetGroup.YOUTH)
    raw = fairness_counts(year=dt.date.today().year, today=dt.date.today())
    assert raw["gender"]["other"]["waiting"] == 3
    client.force_login(ManagerFactory())
    page = client.get(reverse("reporting:fairness")).context
    shown = _published(raw)["gender"]  # the view's one call into reporting.disclosure
    on_page = {row["group"]: {k: row[k] for k in COUNTS} for row in page["tables"][0]["rows"]}
    assert on_page == shown and on_page["other"]["waiting"] is None
    # Through the module: "other" (3) would be the total less the women, so the women's count is
    # withheld too (there is no other group to hide it among).
    protected = protect_fairness({"gender": [{"group": g, **c} for g, c in raw["gender"].items()]}, columns=COUNTS)
    assert {row["group"]: row["waiting"] for row in protected["gender"]} == {g: r["waiting"] for g, r in shown.items()}
