"""Disclosure control: the one place where figures are made safe to show.

Producers (indicators, breakdowns, the funnel, the series, the fairness counts) return raw counts.
Every output calls this module on the way out: the stored report snapshot (and so the PDF and the
workbook, which are made from it), the API, the dashboard, the fairness view and the start page.

The method, in short (the methodology page shows `DISCLOSURE_METHOD`):

1. Primary suppression: a count from 1 to 4 is withheld. So is a 0 in a table row that also has
   such a count (a 0 beside "fewer than 5" says what the whole small group did).
2. Complementary suppression: every published figure and the sums that tie them together (a
   breakdown's rows add up to the indicator's total, whichever breakdown; the year to date is the
   previous quarter's year to date plus this quarter; in-work-or-studies is part of ended) are one
   system of linear equations, with the withheld cells as unknowns. A withheld cell whose value the
   system determines is given away by subtraction, so a further cell is withheld, the smallest
   non-zero published cell of an equation it is in, until no withheld cell is determined.
   Counts implied by subtraction but never printed (ended but not in work or studies; referred but
   not mapped) are unknowns too, protected like printed ones when they are 1 to 4.
3. A share is shown only when its numerator and its denominator both are.

The check is exact linear algebra (a cell is determined when its unit vector lies in the row space of
the equations over the unknowns, i.e. its row of the null space is zero) on small independent parts of
the system, so it is cheap. The tests audit the result with linear programming (min and max of each
withheld cell over the non-negative solutions, scipy's HiGHS) and require min < max.

Not used: the `acro` package (SACRO). Its checks are primary ones (a frequency threshold, and N-K /
p-ratio dominance, which are for magnitude tables such as sums of income; every Platsa table is a
count of people or placements, where dominance does not apply); it does no complementary suppression,
which is what the subtraction findings need; and it would bring pandas and statsmodels into the
web process for one comparison with 5.
"""

from __future__ import annotations

import copy
import itertools
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from django.utils.translation import gettext_lazy
from scipy.linalg import null_space
from scipy.optimize import linprog

# A count below this, and above 0, is withheld: it could identify a person.
THRESHOLD = 5

LARGE_PART = 150  # unknowns in one linked part of the system above which candidates are not tested

# How a withheld figure is printed, whichever rule withheld it: printing "fewer than 5" for a cell
# withheld only to protect another would be false, and would tell which cells are the small ones.
WITHHELD = gettext_lazy("withheld")

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

DISCLOSURE_METHOD = (
    gettext_lazy(
        "Figures that could identify a person are withheld. A count from 1 to 4 is withheld (primary "
        "suppression), and so is a 0 in a table row that also has such a count: a 0 beside a withheld "
        "count would say what the whole small group did."
    ),
    gettext_lazy(
        "Withheld figures must not be possible to work out by subtraction. Platsa treats every published "
        "table, its totals, the other breakdowns of the same placements (gender, target group, department "
        "and so on all add up to the same total), the columns of a row (in work or studies is part of "
        "ended) and the previous quarter's year-to-date figures (this year to date is the previous one "
        "plus the quarter) as one system of equations. Whenever a withheld figure can be solved from it, "
        "a further figure is withheld (complementary suppression): the smallest non-zero one that "
        "breaks the subtraction, until no withheld figure can be worked out. A figure withheld for either "
        "reason is marked the same way."
    ),
    gettext_lazy(
        "A share is shown only when both its numerator and its denominator may be shown. Figures from "
        "different days (the dashboard on two dates, or a report and a later version of it after a "
        "correction) are not protected against each other."
    ),
    gettext_lazy(
        "Suppliers: the number of placements started at a supplier with social requirements in its "
        "contract is shown as it is, even when it is below 5. It describes how the supplier keeps a "
        "public contract, not a person: it says nothing about who the participants are or how their "
        "placements went, and those who could tell who they are (the employer and the colleagues) "
        "know it already. The same count in the departments table is therefore shown too; the "
        "placements' outcomes are protected as everywhere else."
    ),
    gettext_lazy(
        "The method is the standard one for tables of counts (threshold rule with complementary cell "
        "suppression); it is computed exactly, with linear algebra, every time figures are shown. The "
        "ACRO package was considered and is not used: its checks are a threshold and dominance rules for "
        "sums of amounts, and it does no complementary suppression."
    ),
)


def is_small(value: int | None) -> bool:
    return value is not None and 0 < value < THRESHOLD


class Ledger:
    """The cells of some published tables and the linear equations between them."""

    def __init__(self) -> None:
        self.values: dict[Hashable, int | None] = {}
        self.latent: set[Hashable] = set()  # implied by subtraction, never printed
        self.sensitive: set[Hashable] = set()  # latent cells protected like printed ones
        self.fixed: dict[Hashable, bool] = {}  # published (True) or withheld (False) elsewhere already
        self.exempt: set[Hashable] = set()  # printed whatever the count
        self.equations: list[dict[Hashable, int]] = []
        self.rows: list[list[Hashable]] = []
        self.margins: set[Hashable] = set()  # totals: withheld last, as they sit in many equations
        self._index: dict[Hashable, list[int]] = {}
        self._indexed = -1
        self._solved: dict[frozenset[Hashable], tuple[set[Hashable], dict[Hashable, bool]]] = {}

    def cell(self, key: Hashable, value: int | None) -> Hashable:
        self.values[key] = value
        return key

    def latent_cell(self, key: Hashable, value: int | None) -> Hashable:
        self.values[key] = value
        self.latent.add(key)
        return key

    def fixed_cell(self, key: Hashable, *, published: bool) -> Hashable:
        self.values.setdefault(key, None)
        self.fixed[key] = published
        return key

    def total(self, total: Hashable, parts: Iterable[Hashable], *, margin: bool = True) -> None:
        """total = sum of parts; `margin`: the total of a table (not a cell split in two)."""
        if margin:
            self.margins.add(total)
        equation: dict[Hashable, int] = defaultdict(int)
        equation[total] += 1
        for part in parts:
            equation[part] -= 1
        self.equations.append({key: c for key, c in equation.items() if c})

    def part_of(self, whole: Hashable, part: Hashable, rest_key: Hashable, *, sensitive: bool = False) -> None:
        """part is a subset of whole: the rest (whole - part) is a count too, implied by subtraction.
        `sensitive`: the rest describes a group (a row of a breakdown), so a rest of 1 to 4 must not be
        worked out either; a rest over the whole population (2 of 40 follow-ups late) need not."""
        whole_value, part_value = self.values.get(whole), self.values.get(part)
        rest = None if whole_value is None or part_value is None else whole_value - part_value
        if rest is not None and rest < 0:
            return  # not nested in these data: no such equation holds
        self.latent_cell(rest_key, rest)
        if sensitive:
            self.sensitive.add(rest_key)
        self.total(whole, [part, rest_key], margin=False)

    def row(self, keys: Sequence[Hashable]) -> None:
        self.rows.append(list(keys))

    def _free(self, key: Hashable) -> bool:
        return key not in self.latent and key not in self.fixed and key not in self.exempt

    def protect(self) -> set[Hashable]:
        """The printable cells to withhold so that no withheld cell (nor a small implied one) is determined."""
        withheld = {k for k, v in self.values.items() if self._free(k) and is_small(v)}
        for row in self.rows:
            if any(k in withheld for k in row):
                withheld |= {k for k in row if self._free(k) and self.values.get(k) == 0}
        primary = set(withheld)
        guard = set(withheld) | {k for k, published in self.fixed.items() if not published}
        guard |= {k for k in self.sensitive if is_small(self.values.get(k))}
        fixed_withheld = {k for k, published in self.fixed.items() if not published}
        self._lone_cells(withheld, guard, fixed_withheld)
        bounded = False  # then the exact linear algebra; once that finds nothing, the bounds too
        while True:
            unknown = withheld | self.latent | {k for k, published in self.fixed.items() if not published}
            exposed = self.determined(unknown, check=guard if bounded else None) & guard
            if not exposed:
                if bounded:
                    return withheld
                bounded = True
                continue
            # One cell per linked part of the system a round, the primary ones first: a complement
            # often protects several.
            done: set[Hashable] = set()
            for key in sorted(exposed, key=lambda k: (k not in primary, repr(k))):
                if key in done:
                    continue
                part, _ = self._component(key, unknown)
                done.update(part)
                pick = self._complement(key, unknown, bounded=bounded)
                if pick is None:  # given away by figures published before, whatever is withheld now
                    guard.discard(key)
                    continue
                withheld.add(pick)
                guard.add(pick)
                self._lone_cells(withheld, guard, fixed_withheld)
                bounded = False

    def _lone_cells(self, withheld: set[Hashable], guard: set[Hashable], fixed_withheld: set[Hashable]) -> None:
        """The quick rule first: an equation with a single unknown gives it away, so another cell of it
        is withheld (the cheapest), until no equation has a lone protected unknown. It settles most
        of the pattern without linear algebra; the exact check after it finds what it misses."""
        changed = True
        while changed:
            changed = False
            unknown = withheld | self.latent | fixed_withheld
            for equation in self.equations:
                lone = [k for k in equation if k in unknown]
                if len(lone) != 1 or lone[0] not in guard:
                    continue
                free = [k for k in equation if self._free(k) and k not in withheld]
                if free:
                    pick = min(free, key=self._cost)
                    withheld.add(pick)
                    guard.add(pick)
                    unknown.add(pick)
                    changed = True

    def determined(self, unknown: set[Hashable], *, check: set[Hashable] | None = None) -> set[Hashable]:
        """The unknowns the equations pin down: exactly, over the reals (a unit vector in the row space
        of the equations over the unknowns: its row of the null space is zero); and, for the unknowns
        in `check`, also over the non-negative reals (min = max by linear programming), which catches
        e.g. two withheld cells that must both be 0 because their sum is."""
        parent: dict[Hashable, Hashable] = {}

        def find(key: Hashable) -> Hashable:
            while parent.setdefault(key, key) != key:
                parent[key] = parent[parent[key]]
                key = parent[key]
            return key

        relevant = []
        for equation in self.equations:
            members = [k for k in equation if k in unknown]
            if not members:
                continue
            relevant.append((equation, members))
            for other in members[1:]:
                parent[find(other)] = find(members[0])
        components: dict[Hashable, list[tuple[dict[Hashable, int], list[Hashable]]]] = defaultdict(list)
        for equation, members in relevant:
            components[find(members[0])].append((equation, members))
        result: set[Hashable] = set()
        for equations in components.values():
            keys = sorted({k for _, members in equations for k in members}, key=repr)
            cached = self._solved.get(frozenset(keys))
            if cached is None:  # parts of the system a round did not change are not solved again
                cached = self._solved[frozenset(keys)] = (self._exact(equations, keys), {})
            exact, pinned = cached
            result |= exact
            todo = sorted((set(keys) & (check or set())) - exact - set(pinned), key=repr)
            if todo:
                index = {k: i for i, k in enumerate(keys)}
                matrix = self._matrix([e for e, _ in equations], index)
                rhs = np.array([-self._known_sum(equation, unknown) for equation, _ in equations], dtype=float)
                by_bounds = set() if _has_interior(matrix, rhs) else _pinned_by_bounds(matrix, rhs)
                for key in todo:
                    pinned[key] = index[key] in by_bounds
            result |= {key for key in keys if pinned.get(key)}
        return result

    def _matrix(self, equations: Sequence[Mapping[Hashable, int]], index: Mapping[Hashable, int]) -> np.ndarray:
        matrix = np.zeros((len(equations), len(index)))
        for row, equation in enumerate(equations):
            for key, c in equation.items():
                if key in index:
                    matrix[row, index[key]] = c
        return matrix

    def _exact(
        self, equations: list[tuple[dict[Hashable, int], list[Hashable]]], keys: list[Hashable]
    ) -> set[Hashable]:
        """The unknowns of one part of the system that its equations determine over the reals."""
        index = {k: i for i, k in enumerate(keys)}
        basis = null_space(self._matrix([e for e, _ in equations], index))
        norms = np.linalg.norm(basis, axis=1) if basis.size else np.zeros(len(keys))
        return {key for key, norm in zip(keys, norms, strict=True) if norm < 1e-9}

    def _known_sum(self, equation: Mapping[Hashable, int], unknown: set[Hashable]) -> float:
        return float(sum(c * (self.values.get(k) or 0) for k, c in equation.items() if k not in unknown))

    def _cost(self, key: Hashable) -> tuple[bool, bool, int, str]:
        value = self.values.get(key) or 0
        return (key in self.margins, value == 0, value, repr(key))

    def _complement(self, key: Hashable, unknown: set[Hashable], *, bounded: bool) -> Hashable | None:
        """The cell to withhold next for an exposed one: the cheapest printable cell (the smallest
        non-zero, a table's total last), nearest first along the equations, that leaves it
        undetermined; failing that, the cheapest one seen (the next round goes on from there)."""
        keys, equations = self._component(key, unknown)
        index = {k: i for i, k in enumerate(keys)}
        rows = sorted(equations)
        matrix = self._matrix([self.equations[i] for i in rows], index)
        # Testing candidates costs a decomposition of this part; a large part takes the nearest
        # cheapest one, and the next round's exact check says whether more is needed.
        inverse = np.linalg.pinv(matrix) if len(keys) <= LARGE_PART else None
        row_of = {i: r for r, i in enumerate(rows)}
        seen_keys, frontier, seen_equations = {key}, [key], set()
        fallback: Hashable | None = None
        while frontier:
            candidates: set[Hashable] = set()
            next_frontier = []
            for current in frontier:
                for i in self._equations_of(current):
                    if i in seen_equations:
                        continue
                    seen_equations.add(i)
                    for other in self.equations[i]:
                        if other in unknown:
                            if other not in seen_keys:
                                seen_keys.add(other)
                                next_frontier.append(other)
                        elif self._free(other):
                            candidates.add(other)
            for candidate in sorted(candidates, key=self._cost):
                if fallback is None:
                    fallback = candidate
                if inverse is None:
                    return candidate
                if not set(self._equations_of(candidate)) <= equations:
                    continue  # an equation with no other unknown would give it away at once
                column = np.zeros(len(rows))
                for i in self._equations_of(candidate):
                    column[row_of[i]] = self.equations[i][candidate]
                # With the candidate unknown too, `key` is free when some null vector moves both:
                # A v = -column has a solution v with v[key] != 0.
                v = -inverse @ column
                if np.linalg.norm(matrix @ v + column) > 1e-8 or abs(v[index[key]]) < 1e-9:
                    continue
                if not bounded or not self._is_determined(key, unknown | {candidate}, bounded=True):
                    return candidate
            frontier = next_frontier
        return fallback

    def _component(self, key: Hashable, unknown: set[Hashable]) -> tuple[list[Hashable], set[int]]:
        """The unknowns linked to `key` through equations, and those equations."""
        keys, frontier, equations = {key}, [key], set()
        while frontier:
            current = frontier.pop()
            for i in self._equations_of(current):
                if i not in equations:
                    equations.add(i)
                    for other in self.equations[i]:
                        if other in unknown and other not in keys:
                            keys.add(other)
                            frontier.append(other)
        return sorted(keys, key=repr), equations

    def _equations_of(self, key: Hashable) -> list[int]:
        if self._indexed != len(self.equations):
            index: dict[Hashable, list[int]] = defaultdict(list)
            for i, equation in enumerate(self.equations):
                for k in equation:
                    index[k].append(i)
            self._index, self._indexed = dict(index), len(self.equations)
        return self._index.get(key, [])

    def _is_determined(self, key: Hashable, unknown: set[Hashable], *, bounded: bool) -> bool:
        """Whether the unknown `key` is determined (its part of the system only)."""
        keys, equations = self._component(key, unknown)
        if not equations:
            return False
        index = {k: i for i, k in enumerate(keys)}
        rows = sorted(equations)
        matrix = self._matrix([self.equations[i] for i in rows], index)
        unit = np.zeros((1, len(keys)))
        unit[0, index[key]] = 1.0
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == np.linalg.matrix_rank(matrix):
            return True
        if not bounded:
            return False
        rhs = np.array([-self._known_sum(self.equations[i], unknown) for i in rows], dtype=float)
        return _pinned(matrix, rhs, index[key])


def _has_interior(matrix: np.ndarray, rhs: np.ndarray) -> bool:
    """Whether matrix @ x = rhs has a solution with every x > 0. Then no unknown is pinned by the
    bounds (each one the equations leave free can move both ways), and one LP settles the lot."""
    rows, n = matrix.shape
    objective = np.zeros(n + 1)
    objective[-1] = -1.0  # maximise t
    bound_rows = np.hstack([-np.eye(n), np.ones((n, 1))])  # t - x_i <= 0
    result = linprog(
        objective,
        A_ub=bound_rows,
        b_ub=np.zeros(n),
        A_eq=np.hstack([matrix, np.zeros((rows, 1))]),
        b_eq=rhs,
        bounds=[(0, None)] * n + [(0, 1)],
        method="highs",
    )
    return result.status == 0 and -result.fun > 1e-7


def _pinned_by_bounds(matrix: np.ndarray, rhs: np.ndarray) -> set[int]:
    """The unknowns that every non-negative solution of matrix @ x = rhs gives the same value: those
    that must be 0, and those the equations determine once they are 0. The ones that can be positive
    are found a batch at a time (maximise the sum of min(x_i, 1) over the rest)."""
    rows, n = matrix.shape
    rest = set(range(n))
    while rest:
        order = sorted(rest)
        m = len(order)
        objective = np.concatenate([np.zeros(n), -np.ones(m)])
        bound_rows = np.zeros((m, n + m))  # y_i - x_i <= 0
        for j, i in enumerate(order):
            bound_rows[j, i], bound_rows[j, n + j] = -1.0, 1.0
        result = linprog(
            objective,
            A_ub=bound_rows,
            b_ub=np.zeros(m),
            A_eq=np.hstack([matrix, np.zeros((rows, m))]),
            b_eq=rhs,
            bounds=[(0, None)] * n + [(0, 1)] * m,
            method="highs",
        )
        if result.status != 0:
            return set()  # inconsistent figures: nothing to conclude
        positive = {i for i in order if result.x[i] > 1e-7}
        if not positive:
            break
        rest -= positive
    if not rest:
        return set()
    zero_rows = np.zeros((len(rest), n))
    for j, i in enumerate(sorted(rest)):
        zero_rows[j, i] = 1.0
    basis = null_space(np.vstack([matrix, zero_rows]))
    norms = np.linalg.norm(basis, axis=1) if basis.size else np.zeros(n)
    return rest | {i for i in range(n) if norms[i] < 1e-9}


def _pinned(matrix: np.ndarray, rhs: np.ndarray, column: int) -> bool:
    """Whether the non-negative solutions of matrix @ x = rhs all have the same x[column]."""
    objective = np.zeros(matrix.shape[1])
    objective[column] = 1.0
    low = linprog(objective, A_eq=matrix, b_eq=rhs, bounds=(0, None), method="highs")
    if low.status != 0:
        return False  # infeasible (figures from different data) or unbounded below: nothing to conclude
    high = linprog(-objective, A_eq=matrix, b_eq=rhs, bounds=(0, None), method="highs")
    return high.status == 0 and -high.fun - low.fun < 1e-6


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
        return ledger.cell(key, value)

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
    figures: Mapping[str, Any], *, previous: Mapping[str, Any] | None, following: Mapping[str, Any] | None
) -> Ledger:
    ledger = Ledger()
    _add_report(ledger, figures, "current", linked=False)
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
) -> dict[str, Any]:
    """The report's figures as they may be published: every withheld cell None (an indicator's value,
    numerator, denominator, shown and status; a breakdown's, the funnel's, social assistance's counts).

    `figures` are raw (reporting.services.report_figures). `previous` and `following` are the
    published figures of the quarter before and after (the stored current reports, if any): the
    year-to-date difference between them and this report must not give a withheld cell away either.
    """
    ledger = _report_ledger(figures, previous=previous, following=following)
    return _published_report(figures, ledger.protect())


def protect_dashboard(figures: Mapping[str, Any]) -> dict[str, Any]:
    """The dashboard's figures: the year to date (as `protect_report`), the quarterly series, whose
    quarters add up to the year-to-date totals, and last year's values for the trend."""
    ledger = _report_ledger(figures, previous=None, following=None)
    series = figures.get("series") or {}
    quarter = int(figures.get("quarter") or 4)
    keys: dict[str, list[tuple[Any, ...]]] = {}
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


__all__ = [
    "DISCLOSURE_METHOD",
    "THRESHOLD",
    "WITHHELD",
    "Ledger",
    "protect_dashboard",
    "protect_fairness",
    "protect_figure",
    "protect_overview",
    "protect_report",
]
