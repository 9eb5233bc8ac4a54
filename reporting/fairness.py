"""Whether proposals, placements and outcomes reach every group of the people waiting alike.

The population is the people *waiting* in the period: mapped and waiting for a placement
(status "mapped") at some moment of the period, its last day included. It is read from the status
history (participants.StatusChange), never from today's status, so a past year gives the same
answer whenever it is computed. A case file without any status history (from before the history
was kept) counts by its status and the time that status was set. Each person counts once.

Of those people, three rates per group, each with the people waiting in the group as denominator:

- proposed: people proposed for a placement in the period, by the date of the proposal in the
  placement's history (the PlacementEvent to "proposed"; changes to a proposal are not new ones);
- started: people who started a placement in the period (its actual start);
- in work or studies: people whose placement ended in the period (its actual end) in work or studies.

Groups: gender, age band (age reached in the year, from the year of birth in the identity number,
computed in the database), region of birth (Statistics Sweden's grouping) and referral source.
This reads protected attributes on purpose, to watch for unequal treatment; matching itself never
reads them (placements/matching/features.py).

`fairness()` counts raw figures, protects small numbers in one call (`_published`, through
reporting.disclosure), and only then derives the rates and the tests from what is published, so a
withheld count never reaches a rate or a test. A gap is flagged only when a test of independence
says it is unlikely to be chance (see METHOD_TEXT).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, Substr
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy, pgettext_lazy
from scipy import stats

from participants.models import Gender, Participant, ParticipantStatus, ReferralSource, RegionOfBirth, StatusChange
from placements.models import ENDED_STATUSES, WORK_OR_STUDIES, Placement, PlacementEvent, PlacementStatus

from .disclosure import protect_fairness
from .indicators import STARTED
from .scope import EVERYWHERE, Scope, facts

AGE_BANDS = [(0, 24, "–24"), (25, 34, "25–34"), (35, 44, "35–44"), (45, 54, "45–54"), (55, 200, "55–")]
UNKNOWN_AGE = "?"
DIMENSIONS = ("gender", "age_band", "region_of_birth", "referral_source")
MEASURES = ("proposed", "started", "work_or_studies")
COUNTS = ("waiting", *MEASURES)  # what reporting.disclosure protects
# The value of each dimension that says nothing about the person: shown, never tested.
UNKNOWN_GROUPS = {"gender": Gender.UNKNOWN, "age_band": UNKNOWN_AGE, "region_of_birth": RegionOfBirth.UNKNOWN}

SIGNIFICANCE = 0.05  # a gap is flagged when its Holm-adjusted p-value is below this
MIN_EXPECTED = 5  # the chi-square approximation is used only when every expected count is at least this
MONTE_CARLO_RESAMPLES = 9999
MONTE_CARLO_SEED = 15
IDENTICAL = "identical"  # fixed: the same figures always give the same p-value

DIMENSION_TITLES: dict[str, Promise] = {
    "gender": gettext_lazy("Gender"),
    "age_band": gettext_lazy("Age"),
    "region_of_birth": gettext_lazy("Region of birth"),
    "referral_source": gettext_lazy("Referral source"),
}
MEASURE_TITLES: dict[str, Promise] = {
    "proposed": pgettext_lazy("fairness", "Proposed"),
    "started": gettext_lazy("Started"),
    "work_or_studies": gettext_lazy("In work or studies"),
}
DEFINITIONS: dict[str, Promise] = {
    "waiting": gettext_lazy(
        "Waiting: the people who were mapped and waiting for a placement at some time in the period, "
        "its last day included, as the status history shows it. Each person counts once."
    ),
    "proposed": gettext_lazy(
        "Proposed: of the people waiting, the share who were proposed for a placement in the period, "
        "by the date the proposal was made."
    ),
    "started": gettext_lazy(
        "Started: of the people waiting, the share who started a placement in the period (its actual start)."
    ),
    "work_or_studies": gettext_lazy(
        "In work or studies: of the people waiting, the share whose placement ended in the period "
        "(its actual end) with work or studies."
    ),
}
# For the methodology page as well as this one.
METHOD_TEXT: tuple[Promise, ...] = (
    gettext_lazy(
        "The rates are counted per person waiting. The period is the calendar year, up to today for "
        "the current year. Who was waiting, and when, is read from the status history, so a past year "
        "gives the same figures whenever it is shown."
    ),
    gettext_lazy(
        "A gap between groups is flagged only when a statistical test says it is unlikely to be chance "
        "at the group sizes shown. For each breakdown and rate the groups shown are compared in a test "
        "of independence: Fisher's exact test for two groups; for more groups a chi-square test when "
        "every expected count is at least five, otherwise Fisher's exact test estimated from 9,999 "
        "random tables. The p-values are adjusted for the number of tests on the page (Holm's method), "
        "and a gap is flagged when the adjusted p-value is below 0.05. A test that flags nothing does "
        "not show that the groups are treated alike: with few people only large gaps can be seen."
    ),
    gettext_lazy(
        "Counts from 1 to 4 are not shown, nor the rates resting on them; for a group with fewer than "
        "five people waiting no figure is shown. Figures not shown, and groups of unknown value (gender "
        "not stated, unknown age, unknown region of birth), take no part in the tests."
    ),
    gettext_lazy(
        "Age is the age reached during the year, from the year of birth. Region of birth is grouped as "
        "Statistics Sweden groups country of birth. It is recorded for these statistics only: matching "
        "never reads it, nor gender or age."
    ),
)

Table = dict[str, dict[str, int | None]]  # group -> {"waiting": n, "proposed": n, ...}


def group_order(dimension: str) -> list[str]:
    """The groups of a dimension in the order they are shown: ages youngest first, unknown last."""
    if dimension == "age_band":
        return [label for _low, _high, label in AGE_BANDS] + [UNKNOWN_AGE]
    choices = {"gender": Gender, "region_of_birth": RegionOfBirth, "referral_source": ReferralSource}[dimension]
    return list(choices.values)


def group_label(dimension: str, group: str) -> str:
    if dimension == "age_band":
        return str(gettext_lazy("Unknown age")) if group == UNKNOWN_AGE else group
    choices = {"gender": Gender, "region_of_birth": RegionOfBirth, "referral_source": ReferralSource}[dimension]
    return str(choices(group).label) if group in choices.values else group


def _start_of(day: dt.date) -> dt.datetime:
    """The first moment of `day` in Swedish time."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_default_timezone())


def waiting_in(start: dt.date, end: dt.date, scope: Scope = EVERYWHERE) -> QuerySet[Participant]:
    """The people (of the scope's municipalities) mapped and waiting for a placement at some moment
    from `start` to `end` inclusive."""
    begins, ends = _start_of(start), _start_of(end + dt.timedelta(days=1))
    history = StatusChange.objects.filter(participant=OuterRef("pk"))
    mapped = ParticipantStatus.MAPPED
    became_mapped = Exists(history.filter(to_status=mapped, changed_at__gte=begins, changed_at__lt=ends))
    before = history.filter(changed_at__lt=begins).order_by("-changed_at", "-pk")
    status_at_start = Subquery(before.values("to_status")[:1])
    without_history = ~Exists(history) & Q(status=mapped, status_changed_at__lt=ends)
    return (
        facts(Participant, scope)
        .alias(status_at_start=status_at_start)
        .filter(became_mapped | Q(status_at_start=mapped) | without_history)
    )


def _measures(start: dt.date, end: dt.date) -> dict[str, Count]:
    """Per person waiting: whether they were proposed, started, ended in work or studies in the period."""
    begins, ends = _start_of(start), _start_of(end + dt.timedelta(days=1))
    proposal = PlacementEvent.objects.filter(
        placement__participant=OuterRef("pk"), to_status=PlacementStatus.PROPOSED, at__gte=begins, at__lt=ends
    ).exclude(from_status=PlacementStatus.PROPOSED)  # a changed proposal is not a new one
    start_ = Placement.objects.filter(participant=OuterRef("pk"), status__in=STARTED, actual_start__range=(start, end))
    good_end = Placement.objects.filter(
        participant=OuterRef("pk"),
        status__in=ENDED_STATUSES,
        actual_end__range=(start, end),
        outcome__in=WORK_OR_STUDIES,
    )
    return {
        "waiting": Count("pk"),
        "proposed": Count("pk", filter=Exists(proposal)),
        "started": Count("pk", filter=Exists(start_)),
        "work_or_studies": Count("pk", filter=Exists(good_end)),
    }


def _grouped(queryset: QuerySet, dimension: str, year: int) -> QuerySet:
    if dimension == "region_of_birth":
        # Not recorded and unknown are one group for the statistics.
        return queryset.annotate(
            group=Case(When(region_of_birth="", then=Value(RegionOfBirth.UNKNOWN.value)), default=F("region_of_birth"))
        )
    if dimension != "age_band":
        return queryset.annotate(group=F(dimension))
    # A pseudonymised case file has no identity number but keeps its year of birth.
    with_birth = queryset.annotate(
        birth_year_of=Coalesce(
            Cast(Substr("identity_number", 1, 4), IntegerField()), F("birth_year"), output_field=IntegerField()
        )
    )
    bands = [
        When(birth_year_of__gte=year - high, birth_year_of__lte=year - low, then=Value(label))
        for low, high, label in AGE_BANDS
    ]
    return with_birth.annotate(group=Case(*bands, default=Value(UNKNOWN_AGE)))


def fairness_counts(*, year: int, today: dt.date, scope: Scope = EVERYWHERE) -> dict[str, Table]:
    """The raw counts, nothing withheld: per dimension and group, the people waiting and of them those
    proposed, started and ended in work or studies. For `fairness`, and for tests."""
    start, end = dt.date(year, 1, 1), min(today, dt.date(year, 12, 31))
    if end < start:
        return {dimension: {} for dimension in DIMENSIONS}
    waiting, measures = waiting_in(start, end, scope), _measures(start, end)
    result: dict[str, Table] = {}
    for dimension in DIMENSIONS:
        rows = _grouped(waiting, dimension, year).values("group").annotate(**measures).order_by("group")
        found = {str(row["group"]): {name: row[name] for name in measures} for row in rows}
        result[dimension] = {group: found[group] for group in group_order(dimension) if group in found}
    return result


def _published(tables: dict[str, Table]) -> dict[str, Table]:
    """The counts as they may be published: the one place this view protects small numbers, through
    reporting.disclosure (counts 1-4 withheld, and further counts so that none can be worked out from
    the other breakdowns of the same people or the column totals).

    A group whose number of people waiting is withheld is withheld whole: a 0 beside it would say
    that the whole small group got nothing.
    """
    rows = {
        dimension: [{"group": group, **counts} for group, counts in table.items()]
        for dimension, table in tables.items()
    }
    protected = protect_fairness(rows, columns=COUNTS)
    published: dict[str, Table] = {}
    for dimension, dimension_rows in protected.items():
        published[dimension] = {}
        for row in dimension_rows:
            whole = row["waiting"] is not None
            published[dimension][row["group"]] = {
                name: row[name] if whole else None for name in tables[dimension][row["group"]]
            }
    return published


def rate(numerator: int | None, denominator: int | None) -> float | None:
    """The share in percent, one decimal; None when either count is withheld or nobody is counted."""
    if numerator is None or not denominator:
        return None
    return round(100 * numerator / denominator, 1)


def independence_test(table: list[tuple[int, int]]) -> tuple[str, float] | None:
    """Whether the share of "yes" differs between the groups more than chance would make it.

    `table` holds (yes, no) per group. Fisher's exact test for two groups; for more, the chi-square
    test of independence when every expected count is at least MIN_EXPECTED, else Fisher's exact
    test over the r×2 table estimated by Monte Carlo with a fixed seed. Returns the method and the
    (unadjusted) p-value; None with fewer than two groups.
    """
    if len(table) < 2:
        return None
    observed = np.array(table, dtype=np.int64)
    if observed[:, 0].sum() == 0 or observed[:, 1].sum() == 0:
        return IDENTICAL, 1.0  # every group at 0 % (or at 100 %): no gap at all
    if len(table) == 2:
        return "fisher", float(stats.fisher_exact(observed).pvalue)
    if stats.contingency.expected_freq(observed).min() >= MIN_EXPECTED:
        return "chi2", float(stats.chi2_contingency(observed, correction=False).pvalue)
    method = stats.MonteCarloMethod(n_resamples=MONTE_CARLO_RESAMPLES, rng=np.random.default_rng(MONTE_CARLO_SEED))
    return "fisher_monte_carlo", float(stats.fisher_exact(observed, method=method).pvalue)


def holm(p_values: list[float]) -> list[float]:
    """Holm's step-down adjustment: the k-th smallest of m p-values times (m - k + 1), never less than
    the one before it, at most 1. A gap is flagged when its adjusted p-value is below SIGNIFICANCE."""
    m = len(p_values)
    adjusted = [1.0] * m
    running = 0.0
    for rank, index in enumerate(sorted(range(m), key=p_values.__getitem__)):
        running = max(running, min(1.0, (m - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted


def _tested(dimension: str, rows: list[dict[str, Any]], measure: str) -> list[tuple[int, int]]:
    """The (yes, no) of each group shown with this rate, unknown groups left out."""
    return [
        (row[measure], row["waiting"] - row[measure])
        for row in rows
        if row[f"{measure}_rate"] is not None and row["group"] != UNKNOWN_GROUPS.get(dimension)
    ]


def fairness(*, year: int, today: dt.date, scope: Scope = EVERYWHERE) -> dict[str, dict[str, Any]]:
    """Per dimension: the groups with their published counts and rates, and per rate the test of
    whether the groups differ (method, p-value, Holm-adjusted p-value over the page, flagged), of
    the scope's participants."""
    published = _published(fairness_counts(year=year, today=today, scope=scope))
    result: dict[str, dict[str, Any]] = {}
    for dimension, table in published.items():
        rows = [
            {
                "group": group,
                **counts,
                **{f"{measure}_rate": rate(counts[measure], counts["waiting"]) for measure in MEASURES},
            }
            for group, counts in table.items()
        ]
        tests: dict[str, dict[str, Any] | None] = {}
        for measure in MEASURES:
            tested = _tested(dimension, rows, measure)
            outcome = independence_test(tested)
            tests[measure] = None if outcome is None else {"method": outcome[0], "p": outcome[1], "groups": len(tested)}
        result[dimension] = {"rows": rows, "tests": tests}
    _adjust([test for figures in result.values() for test in figures["tests"].values() if test is not None])
    return result


def _adjust(tests: list[dict[str, Any]]) -> None:
    """Holm's adjustment over every test on the page, and the flag. Every group at the same rate (all
    at 0 %) is no comparison: it takes no share of the correction."""
    done = [test for test in tests if test["method"] != IDENTICAL]
    for test, adjusted in zip(done, holm([test["p"] for test in done]), strict=True):
        test["adjusted_p"] = adjusted
    for test in tests:
        test.setdefault("adjusted_p", 1.0)
        test["flagged"] = test["adjusted_p"] < SIGNIFICANCE
