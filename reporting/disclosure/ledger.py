"""The bookkeeping of disclosure control: cells, the linear equations between them, and the search
for the cells to withhold (see reporting.disclosure)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence

import numpy as np
from scipy.linalg import null_space
from scipy.optimize import linprog

# A count below this, and above 0, is withheld: it could identify a person.
THRESHOLD = 5

LARGE_PART = 150  # unknowns in one linked part of the system above which candidates are not tested


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
