"""Swedish working days: not weekends, public holidays, or the de-facto holidays (midsummer eve,
Christmas eve, New Year's eve). Holidays come from the maintained `holidays` package."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _holidays_of(year: int) -> frozenset[dt.date]:
    # "de_facto" adds midsummer eve, Christmas eve and New Year's eve to the public holidays.
    calendar = holidays.country_holidays("SE", years=year, categories=("public", "de_facto"))
    return frozenset(calendar)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _holidays_of(day.year)


def next_working_day(day: dt.date) -> dt.date:
    """`day` itself if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def add_working_days(day: dt.date, count: int) -> dt.date:
    """The working day `count` working days after `day` (count >= 0)."""
    if count < 0:
        raise ValueError("count must not be negative")
    current = next_working_day(day)
    for _ in range(count):
        current = next_working_day(current + dt.timedelta(days=1))
    return current


def previous_working_day(day: dt.date) -> dt.date:
    """`day` itself if it is a working day, else the last working day before it."""
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day
