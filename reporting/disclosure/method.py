"""The method of disclosure control in words, for the methodology page, and how a withheld figure is
printed."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

# How a withheld figure is printed, whichever rule withheld it: printing "fewer than 5" for a cell
# withheld only to protect another would be false, and would tell which cells are the small ones.
WITHHELD = gettext_lazy("withheld")

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
        "A region: its figures are shown beside each municipality's, and each municipality's figure is "
        "as its own report or dashboard shows it. The region's count is the sum of the municipalities' "
        "(a trained supervisor who supervises in two municipalities counts once in the region), and each "
        "row of the region's breakdowns is the sum of that row of the municipalities that have it. These "
        "sums are equations of the same system: a region's figure, or its row for an organisation that "
        "only one municipality uses, is withheld when it would give away a municipality's withheld figure."
    ),
    gettext_lazy(
        "The method is the standard one for tables of counts (threshold rule with complementary cell "
        "suppression); it is computed exactly, with linear algebra, every time figures are shown. The "
        "ACRO package was considered and is not used: its checks are a threshold and dominance rules for "
        "sums of amounts, and it does no complementary suppression."
    ),
)
