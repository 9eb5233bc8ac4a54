"""The tables Platsa publishes, as cells and equations for the ledger, and their published form."""

from __future__ import annotations

import copy
import itertools
from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

from .ledger import Ledger

# Indicators whose figure for a period is the sum of its figures for the period's parts (counts of
# events dated in the period), so that the year to date is the previous year to date plus the quarter.
ADDITIVE = frozenset(
    {
        "placements-started",
        "placements-completed",
        "completed-work-or-studies-share",
        "later-outcome-90-share",
        "newcomers-work-or-studies-after-programme",
        "left-social-assistance",
    }
)
STARTED_TOTAL, COMPLETED_TOTAL = "placements-started", "placements-completed"
ENDED_SHARE = "completed-work-or-studies-share"  # its denominator: placements ended; numerator: in work or studies
BREAKDOWN_COLUMNS = ("started", "ended", "work_or_studies")
FUNNEL_STEPS = ("referred", "mapped", "placed", "completed", "work_or_studies")


# --- The quarterly report (stored snapshot, PDF, workbook, API) and the dashboard -----------------


def _row_ids(rows: Sequence[Mapping[str, Any]]) -> list[Any]:
    """How a breakdown row is known across periods: by its key (a key that occurs twice, e.g. no job
    track and an empty one, by its place too, and is then not linked)."""
    counts: dict[Any, int] = defaultdict(int)
    for row in rows:
        counts[row["key"]] += 1
    return [row["key"] if counts[row["key"]] == 1 else ("duplicate", row["key"], i) for i, row in enumerate(rows)]


def _add_report(ledger: Ledger, figures: Mapping[str, Any], tag: str, *, linked: bool) -> None:
    """The cells and equations of one report's figures. `linked`: an earlier publication, whose
    cells are fixed (published or withheld as they were printed); its raw values are not known."""

    def cell(key: tuple[Any, ...], value: Any) -> tuple[Any, ...]:
        key = (tag, *key)
        if linked:
            ledger.fixed_cell(key, published=value is not None)
        ledger.cell(key, value)
        return key

    def rest(whole: tuple[Any, ...], part: tuple[Any, ...], name: tuple[Any, ...], *, sensitive: bool = False) -> None:
        if linked:
            ledger.latent_cell((tag, *name), None)
            ledger.total(whole, [part, (tag, *name)], margin=False)
        else:
            ledger.part_of(whole, part, (tag, *name), sensitive=sensitive)

    supplier_names = {s.get("name") for s in figures.get("suppliers") or []}
    for period in figures.get("periods", {}):
        totals: dict[str, tuple[Any, ...]] = {}
        for entry in figures.get("indicators", []):
            figure = entry.get(period)
            if not isinstance(figure, Mapping):
                continue
            code = entry["code"]
            if entry.get("unit") == "percent":
                num = cell((period, code, "num"), figure.get("numerator"))
                den = cell((period, code, "den"), figure.get("denominator"))
                rest(den, num, (period, code, "rest"))
                totals[code + ":num"], totals[code + ":den"] = num, den
            else:
                totals[code] = cell((period, code, "n"), figure.get("numerator"))
        if COMPLETED_TOTAL in totals and ENDED_SHARE + ":den" in totals:
            rest(totals[ENDED_SHARE + ":den"], totals[COMPLETED_TOTAL], (period, "ended-not-completed"))
        for dimension, periods in (figures.get("breakdowns") or {}).items():
            rows = periods.get(period, [])
            columns: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
            for row_id, row in zip(_row_ids(rows), rows, strict=True):
                keys = [cell((period, "b", dimension, row_id, column), row[column]) for column in BREAKDOWN_COLUMNS]
                for column, key in zip(BREAKDOWN_COLUMNS, keys, strict=True):
                    columns[column].append(key)
                if dimension == "department" and row["key"] in supplier_names:
                    ledger.exempt.add(keys[0])  # the suppliers' table shows it (see DISCLOSURE_METHOD)
                ledger.row(keys)
                rest(keys[1], keys[2], (period, "b", dimension, row_id, "ended_not_work"), sensitive=True)
            for column, total in (
                ("started", totals.get(STARTED_TOTAL)),
                ("ended", totals.get(ENDED_SHARE + ":den")),
                ("work_or_studies", totals.get(ENDED_SHARE + ":num")),
            ):
                if total is not None:
                    ledger.total(total, columns[column])
    if linked:
        return  # the funnel and social assistance are not additive over quarters: no link
    steps = [cell(("year_to_date", "funnel", step["step"]), step["count"]) for step in figures.get("funnel") or []]
    ledger.row(steps)  # nested counts of the same people: a 0 after a withheld step says they all stopped
    for whole, part in itertools.pairwise(steps):
        rest(whole, part, ("year_to_date", "funnel", whole[-1], "not", part[-1]))
    assistance_rows = figures.get("left_social_assistance") or []
    assistance = [
        cell(("year_to_date", "lsa", row_id), row["left"])
        for row_id, row in zip(_row_ids(assistance_rows), assistance_rows, strict=True)
    ]
    total = (tag, "year_to_date", "left-social-assistance", "n")
    if total in ledger.values:
        ledger.total(total, assistance)


# Indicators whose figure for a region is not the sum of its municipalities' figures: a supervisor is
# no municipality's, and one who supervises in two municipalities counts once in the region.
NOT_SUMMED_OVER_MUNICIPALITIES = frozenset({"supervisors-trained"})


def _add_municipalities(
    ledger: Ledger, figures: Mapping[str, Any], municipalities: Sequence[Mapping[str, Any]]
) -> None:
    """The regional table: each municipality's figures beside the region's. A municipality's cells
    are as its own publication has them (published, or withheld there: fixed), so that no figure is
    shown in one place and withheld in another; the region's figure is the sum of the municipalities'
    (numerators and denominators of a share each), where the definition allows summing, and a
    withheld municipality cell must not come back as the total minus the others."""
    for period in figures.get("periods", {}):
        parts: dict[tuple[str, str], list[Hashable]] = defaultdict(list)
        for municipality in municipalities:
            tag = ("municipality", municipality["id"])
            for entry in municipality.get("indicators", []):
                figure = entry.get(period)
                if not isinstance(figure, Mapping):
                    continue
                for kind, name in (("n", "numerator"), ("num", "numerator"), ("den", "denominator")):
                    if (kind == "n") != (entry.get("unit") != "percent"):
                        continue
                    # Only a published cell's value is read: a withheld one is an unknown.
                    key = ledger.fixed_cell((tag, period, entry["code"], kind), published=figure.get(name) is not None)
                    ledger.values[key] = figure.get(name)
                    parts[(entry["code"], kind)].append(key)
        for (code, kind), keys in parts.items():
            total = ("current", period, code, kind)
            if code not in NOT_SUMMED_OVER_MUNICIPALITIES and total in ledger.values:
                ledger.total(total, keys)
        _add_municipality_breakdowns(ledger, figures, municipalities, period)


# A breakdown's column and the municipality's indicator cell its rows add up to.
BREAKDOWN_TOTALS = {
    "started": (STARTED_TOTAL, "n"),
    "ended": (ENDED_SHARE, "den"),
    "work_or_studies": (ENDED_SHARE, "num"),
}


def _add_municipality_breakdowns(
    ledger: Ledger, figures: Mapping[str, Any], municipalities: Sequence[Mapping[str, Any]], period: str
) -> None:
    """The second order: a region's breakdown row is the sum of the same row of the municipalities
    that have it (read from their own breakdowns: an organisation one municipality alone uses has one
    contributor, whatever any field says), and each municipality's rows add up to its indicator cell.
    A municipality's breakdown cells are fixed as its own publication has them, so the region's row
    for an organisation local to a small municipality cannot repeat that municipality's withheld cell:
    the ledger withholds the region's cell instead (complementary suppression)."""
    for dimension, periods in (figures.get("breakdowns") or {}).items():
        # A key that occurs twice is not linked (as across periods, `_row_ids`).
        region_rows = {row_id for row_id in _row_ids(periods.get(period, [])) if not isinstance(row_id, tuple)}
        contributors: dict[Any, dict[str, list[Hashable]]] = defaultdict(lambda: defaultdict(list))
        for municipality in municipalities:
            rows = ((municipality.get("breakdowns") or {}).get(dimension) or {}).get(period)
            if rows is None:
                continue
            tag = ("municipality", municipality["id"])
            columns: dict[str, list[Hashable]] = defaultdict(list)
            for row_id, row in zip(_row_ids(rows), rows, strict=True):
                for column in BREAKDOWN_COLUMNS:
                    value = row.get(column)
                    key = ledger.fixed_cell((tag, period, "b", dimension, row_id, column), published=value is not None)
                    ledger.values[key] = value
                    columns[column].append(key)
                    if row_id in region_rows:
                        contributors[row_id][column].append(key)
            for column, (code, kind) in BREAKDOWN_TOTALS.items():
                total = (tag, period, code, kind)
                if total in ledger.fixed:
                    ledger.total(total, columns[column], margin=False)
        for row_id, by_column in contributors.items():
            for column, keys in by_column.items():
                region_cell = ("current", period, "b", dimension, row_id, column)
                if region_cell in ledger.values:
                    ledger.total(region_cell, keys, margin=False)


def _published_municipalities(municipalities: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The regional table as shown: the municipalities' indicators as they published them (their
    breakdowns are in the ledger only: the table does not print them)."""
    return [
        copy.deepcopy({key: value for key, value in municipality.items() if key != "breakdowns"})
        for municipality in municipalities
    ]


def _link_periods(ledger: Ledger, *, earlier: str, later: str) -> None:
    """`later`'s year to date = `earlier`'s year to date + `later`'s quarter, cell by cell, for the
    additive cells (an earlier year to date that is not there is zero: the first quarter)."""

    def by_rest(tag: str, period: str) -> dict[tuple[Any, ...], Hashable]:
        return {
            k[2:]: k
            for k in ledger.values
            if isinstance(k, tuple) and k[:2] == (tag, period) and k not in ledger.latent and _additive(k[2:])
        }

    ytd_later, ytd_earlier = by_rest(later, "year_to_date"), by_rest(earlier, "year_to_date")
    quarter = by_rest(later, "quarter")
    for rest in set(ytd_later) | set(quarter):
        if rest not in ytd_later:
            ytd_later[rest] = ledger.fixed_cell((later, "year_to_date", *rest), published=True)  # a row not there: 0
            ledger.values[ytd_later[rest]] = 0
        parts = [d[rest] for d in (ytd_earlier, quarter) if rest in d]
        if parts:  # none: a stale earlier report; its figures say nothing about this cell
            ledger.total(ytd_later[rest], parts, margin=False)


def _additive(rest: tuple[Any, ...]) -> bool:
    return bool(rest) and (rest[0] == "b" or rest[0] in ADDITIVE)


def _report_ledger(
    figures: Mapping[str, Any],
    *,
    previous: Mapping[str, Any] | None,
    following: Mapping[str, Any] | None,
    municipalities: Sequence[Mapping[str, Any]] | None = None,
) -> Ledger:
    ledger = Ledger()
    _add_report(ledger, figures, "current", linked=False)
    if municipalities:
        _add_municipalities(ledger, figures, municipalities)
    for tag, other in (("previous", previous), ("following", following)):
        if other:
            _add_report(ledger, other, tag, linked=True)
    if "quarter" in figures.get("periods", {}):
        if figures.get("quarter") == 1:
            _link_periods(ledger, earlier="none", later="current")
        elif previous:
            _link_periods(ledger, earlier="previous", later="current")
    if following:
        _link_periods(ledger, earlier="current", later="following")
    return ledger


def _published_report(figures: Mapping[str, Any], withheld: set[Hashable]) -> dict[str, Any]:
    published = copy.deepcopy(dict(figures))
    for entry in published.get("indicators", []):
        for period in published.get("periods", {}):
            figure = entry.get(period)
            if not isinstance(figure, dict):
                continue
            code = entry["code"]
            if ("current", period, code, "n") in withheld:
                figure.update(value=None, numerator=None, shown=None, status=None)
            num, den = ("current", period, code, "num"), ("current", period, code, "den")
            if num in withheld:
                figure["numerator"] = None
            if den in withheld:
                figure["denominator"] = None
            if num in withheld or den in withheld:
                figure.update(value=None, shown=None, status=None)
    for dimension, periods in (published.get("breakdowns") or {}).items():
        for period, rows in periods.items():
            for row_id, row in zip(_row_ids(rows), rows, strict=True):
                for column in BREAKDOWN_COLUMNS:
                    if ("current", period, "b", dimension, row_id, column) in withheld:
                        row[column] = None
    for step in published.get("funnel") or []:
        if ("current", "year_to_date", "funnel", step["step"]) in withheld:
            step["count"] = None
    assistance = published.get("left_social_assistance") or []
    for row_id, row in zip(_row_ids(assistance), assistance, strict=True):
        if ("current", "year_to_date", "lsa", row_id) in withheld:
            row["left"] = None
    return published


def protect_report(
    figures: Mapping[str, Any],
    *,
    previous: Mapping[str, Any] | None = None,
    following: Mapping[str, Any] | None = None,
    municipalities: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """The report's figures as they may be published: every withheld cell None (an indicator's value,
    numerator, denominator, shown and status; a breakdown's, the funnel's, social assistance's counts).

    `figures` are raw (reporting.services.report_figures). `previous` and `following` are the
    published figures of the quarter before and after (the stored current reports, if any): the
    year-to-date difference between them and this report must not give a withheld cell away either.

    A region's report gives `municipalities`: each municipality's indicators as published (its own
    `protect_report`: reporting.services.regional_table); the region's totals are then protected
    against them too (`_add_municipalities`), and the published figures carry the table.
    """
    ledger = _report_ledger(figures, previous=previous, following=following, municipalities=municipalities)
    published = _published_report(figures, ledger.protect())
    if municipalities:
        published["municipalities"] = _published_municipalities(municipalities)
    return published


def protect_dashboard(
    figures: Mapping[str, Any], *, municipalities: Sequence[Mapping[str, Any]] | None = None
) -> dict[str, Any]:
    """The dashboard's figures: the year to date (as `protect_report`), the quarterly series, whose
    quarters add up to the year-to-date totals, and last year's values for the trend. A region's
    dashboard gives `municipalities`, as `protect_report` does."""
    ledger = _report_ledger(figures, previous=None, following=None, municipalities=municipalities)
    series = figures.get("series") or {}
    quarter = int(figures.get("quarter") or 4)
    keys: dict[str, list[Hashable]] = {}
    for name, values in series.items():
        keys[name] = [ledger.cell(("current", "series", name, q), v) for q, v in enumerate(values, 1)]
    for q in range(len(keys.get("ended", []))):
        if "work_or_studies" in keys:
            ledger.row([keys[k][q] for k in ("started", "ended", "work_or_studies") if k in keys])
            ledger.part_of(keys["ended"][q], keys["work_or_studies"][q], ("current", "series", "ended_not_work", q))
    for name, total in (
        ("started", ("current", "year_to_date", STARTED_TOTAL, "n")),
        ("ended", ("current", "year_to_date", ENDED_SHARE, "den")),
        ("work_or_studies", ("current", "year_to_date", ENDED_SHARE, "num")),
    ):
        if name in keys and total in ledger.values:
            ledger.total(total, keys[name][:quarter])
    cumulative = keys.get("matched_cumulative", [])
    matched = ("current", "year_to_date", "matched-per-year", "n")
    if len(cumulative) >= quarter and matched in ledger.values:
        ledger.total(matched, [cumulative[quarter - 1]], margin=False)
    for q in range(1, len(cumulative)):
        ledger.part_of(cumulative[q], cumulative[q - 1], ("current", "series", "matched_new", q))
    withheld = ledger.protect()
    published = _published_report(figures, withheld)
    if series:
        published["series"] = {
            name: [None if key in withheld else ledger.values[key] for key in keys[name]] for name in keys
        }
    if "previous" in figures:
        published["previous"] = {
            code: protect_figure(figure) if isinstance(figure, Mapping) else figure
            for code, figure in figures["previous"].items()
        }
    if municipalities:
        published["municipalities"] = _published_municipalities(municipalities)
    return published


def protect_figure(figure: Mapping[str, Any]) -> float | None:
    """The value of one figure standing alone (a count, or a share with numerator and denominator)."""
    ledger = Ledger()
    numerator = ledger.cell("num", figure.get("numerator"))
    if figure.get("denominator") is None:
        return None if ledger.protect() else figure.get("value")
    denominator = ledger.cell("den", figure["denominator"])
    ledger.part_of(denominator, numerator, "rest")
    return None if ledger.protect() else figure.get("value")


# --- The fairness view and the start page --------------------------------------------------------


def protect_fairness(
    tables: Mapping[str, Sequence[Mapping[str, Any]]],
    *,
    columns: Sequence[str],
    shares: Mapping[str, tuple[str, str]] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Tables of raw counts by group (one table per dimension, every table a breakdown of the same
    people or placements: its rows add up to the same column totals, taken as known) as they may be
    shown. `columns` are the counts; `shares` maps a rate's key to its (numerator, denominator)
    columns, and the rate is withheld when either count is. Other keys are copied as they are."""
    ledger = Ledger()
    for dimension, rows in tables.items():
        for index, row in enumerate(rows):
            ledger.row([ledger.cell((dimension, index, column), row.get(column)) for column in columns])
    for column in columns:
        totals = {sum(int(row.get(column) or 0) for row in rows) for rows in tables.values()}
        total = ledger.fixed_cell(("total", column), published=True)
        ledger.values[total] = max(totals) if totals else 0
        for dimension, rows in tables.items():
            ledger.total(total, [(dimension, index, column) for index in range(len(rows))])
    withheld = ledger.protect()
    result: dict[str, list[dict[str, Any]]] = {}
    for dimension, rows in tables.items():
        result[dimension] = []
        for index, row in enumerate(rows):
            shown = dict(row)
            for column in columns:
                if (dimension, index, column) in withheld:
                    shown[column] = None
            for share, (numerator, denominator) in (shares or {}).items():
                if shown.get(numerator) is None or shown.get(denominator) is None:
                    shown[share] = None
            result[dimension].append(shown)
    return result


def protect_overview(figures: Mapping[str, int]) -> dict[str, int | float | None]:
    """The start page's key figures: matched, active, completed, and the share of ended placements
    in work or studies (from `ended` and `work_or_studies`)."""
    ledger = Ledger()
    for key in ("matched", "active", "completed", "ended", "work_or_studies"):
        ledger.cell(key, figures[key])
    ledger.part_of("ended", "completed", "ended_not_completed")
    ledger.part_of("ended", "work_or_studies", "ended_not_work")
    withheld = ledger.protect()
    share = None
    if not {"ended", "work_or_studies"} & withheld and figures["ended"]:
        share = round(100 * figures["work_or_studies"] / figures["ended"], 1)
    return {
        "matched": None if "matched" in withheld else figures["matched"],
        "active": None if "active" in withheld else figures["active"],
        "completed": None if "completed" in withheld else figures["completed"],
        "work_or_studies_share": share,
    }


__all__ = ["protect_dashboard", "protect_fairness", "protect_figure", "protect_overview", "protect_report"]
