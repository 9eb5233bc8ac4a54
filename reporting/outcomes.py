"""Outcome measures defined the way Kolada's published KPIs are, so that a national or comparison
figure may be shown beside them. Each is one function from a Period to a Figure, as in
reporting/indicators.py, and one aggregate query, as of the period's end: the exits dated in the
period that were recorded by the period's end (a later correction shows in a regenerated report).

The unit of count is a person, and the moment is fixed: the exit, or 90 days after the
establishment programme. The municipality's own placement-based measures (indicators.py) count
placements on their last day and are not comparable with these.

Definitions, as published:
- Kolada U40455, "Resultat vid avslut i kommunens arbetsmarknadsverksamhet, andel (%)": of all
  participants who left the municipal labour-market unit's measures, the share who started work or
  studies. Work is unsubsidised or subsidised employment on the regular labour market that has lasted
  at least one continuous month; municipal labour-market jobs do not count. Studies are Komvux,
  folkhögskola, university or other studies that qualify for student aid. (The definition as
  republished from Kolada on Lidköping's Hållbarometern, "Resultat vid avslut i kommunens
  arbetsmarknadsverksamhet".) Kolada publishes it per calendar year; here it is computed for any period.
- Newcomers after the establishment programme, "Andel som lämnat etableringsuppdraget och börjat
  arbeta eller studera (status efter 90 dagar)", register-based (Arbetsförmedlingen, via Kolada). Its
  Kolada id is not confirmed here: the installation stores it in Indicator.kolada_kpi.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Count, Q

from participants.models import (
    PROGRAMME_STATUS_DAYS,
    WORK_REASONS,
    Exit,
    ExitReason,
    Participant,
    ProgrammeStatus,
    TargetGroup,
    WorkLength,
)

from .scope import facts

if TYPE_CHECKING:
    from .indicators import Figure, Period


# indicators.py lists these functions in INDICATORS, so this module cannot import it when it loads;
# the two helpers read its Figure when a figure is made.
def _count(value: int) -> Figure:
    from .indicators import _count as count

    return count(value)


def _share(numerator: int, denominator: int) -> Figure:
    from .indicators import _share as share

    return share(numerator, denominator)


# Kolada U40455's "work": employment on the regular labour market, unsubsidised or subsidised, of at
# least one continuous month. A municipal labour-market job (extratjänst and the like) is not work there.
KOLADA_WORK = Q(reason__in=(ExitReason.WORK_REGULAR, ExitReason.WORK_SUBSIDISED), work_length=WorkLength.MONTH_OR_MORE)
# Its "studies": studies that qualify for student aid (CSN).
KOLADA_STUDIES = Q(reason=ExitReason.STUDIES, student_aid=True)

# Where a newcomer is 90 days after the programme: in work of any kind (Arbetsförmedlingen counts
# subsidised jobs, extratjänster included, as work) or in studies in the regular education system,
# recorded here as studies that qualify for student aid.
PROGRAMME_WORK = Q(reason__in=WORK_REASONS)
PROGRAMME_STUDIES = KOLADA_STUDIES


def exits_in(period: Period) -> Q:
    """Exits dated in the period and recorded by its end."""
    return Q(left_on__range=(period.start, period.end), recorded_on__lte=period.end)


def _people_who_left(period: Period, **counts: Q) -> dict[str, int]:
    """Distinct people who left in the period (`all`), and among them those with an exit matching each
    condition: one aggregate query. A person who left twice in the period counts once."""
    return (
        facts(Exit, period.scope)
        .filter(exits_in(period))
        .aggregate(
            all=Count("participant", distinct=True),
            **{name: Count("participant", distinct=True, filter=condition) for name, condition in counts.items()},
        )
    )


def exits_people(period: Period) -> Figure:
    """People who left the unit in the period."""
    return _count(_people_who_left(period)["all"])


def exits_work_or_studies(period: Period) -> Figure:
    """Kolada U40455: of the people who left in the period, the share who started work (regular or
    subsidised, at least a month) or studies that qualify for student aid."""
    figures = _people_who_left(period, good=KOLADA_WORK | KOLADA_STUDIES)
    return _share(figures["good"], figures["all"])


def exits_work(period: Period) -> Figure:
    """Of the people who left in the period, the share who started work as Kolada counts it."""
    figures = _people_who_left(period, good=KOLADA_WORK)
    return _share(figures["good"], figures["all"])


def exits_studies(period: Period) -> Figure:
    """Of the people who left in the period, the share who started studies that qualify for student aid."""
    figures = _people_who_left(period, good=KOLADA_STUDIES)
    return _share(figures["good"], figures["all"])


def _programme_status_population(period: Period) -> Q:
    """Newcomers whose 90 days after the programme ran out in the period (programme end + 90 days in it),
    with their status recorded by the period's end."""
    offset = dt.timedelta(days=PROGRAMME_STATUS_DAYS)
    return Q(
        participant__target_group=TargetGroup.NEWCOMER,
        participant__establishment_programme_end__range=(period.start - offset, period.end - offset),
        recorded_on__lte=period.end,
    )


def newcomers_work_or_studies_90_days(period: Period) -> Figure:
    """Of the newcomers whose establishment programme ended 90 days before a day in the period, and whose
    status then is recorded by the period's end, the share in work or studies."""
    figures = (
        facts(ProgrammeStatus, period.scope)
        .filter(_programme_status_population(period))
        .aggregate(all=Count("pk"), good=Count("pk", filter=PROGRAMME_WORK | PROGRAMME_STUDIES))
    )
    return _share(figures["good"], figures["all"])


def exits_by_reason(period: Period) -> list[dict[str, object]]:
    """People who left in the period, per reason of their exit (GROUP BY). Raw counts: outputs that show
    them apply the disclosure rules."""
    rows = (
        facts(Exit, period.scope)
        .filter(exits_in(period))
        .values("reason")
        .annotate(people=Count("participant", distinct=True))
        .order_by("reason")
    )
    return [{"key": row["reason"], "people": row["people"]} for row in rows]


def programme_status_missing(period: Period) -> Figure:
    """Newcomers whose 90 days after the programme ran out in the period without a status recorded by the
    period's end: what the 90-day share leaves out."""
    offset = dt.timedelta(days=PROGRAMME_STATUS_DAYS)
    people = (
        facts(Participant, period.scope)
        .filter(
            target_group=TargetGroup.NEWCOMER,
            establishment_programme_end__range=(period.start - offset, period.end - offset),
        )
        .exclude(programme_status__recorded_on__lte=period.end)
    )
    return _count(people.count())


__all__ = [
    "KOLADA_STUDIES",
    "KOLADA_WORK",
    "exits_by_reason",
    "exits_people",
    "exits_studies",
    "exits_work",
    "exits_work_or_studies",
    "newcomers_work_or_studies_90_days",
    "programme_status_missing",
]
