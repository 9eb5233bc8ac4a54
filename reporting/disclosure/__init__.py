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

from .ledger import THRESHOLD, Ledger, is_small
from .method import DISCLOSURE_METHOD, WITHHELD
from .tables import (
    NOT_SUMMED_OVER_MUNICIPALITIES,
    protect_dashboard,
    protect_fairness,
    protect_figure,
    protect_overview,
    protect_report,
)

__all__ = [
    "DISCLOSURE_METHOD",
    "NOT_SUMMED_OVER_MUNICIPALITIES",
    "THRESHOLD",
    "WITHHELD",
    "Ledger",
    "is_small",
    "protect_dashboard",
    "protect_fairness",
    "protect_figure",
    "protect_overview",
    "protect_report",
]
