"""When follow-ups fall due: the schedule that starts with a placement, on Swedish working days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ImproperlyConfigured

from taxonomy.working_days import next_working_day, previous_working_day


def due_dates(start: dt.date, end: dt.date, schedule: Iterable[str]) -> list[dt.date]:
    """The working days on which follow-ups fall due for a placement from `start` to `end`.

    `schedule` holds "<N>d" (N days after the start), "mid" and "end"; dates that fall after the end
    or coincide are dropped.
    """
    last = previous_working_day(end)
    dates: set[dt.date] = set()
    for item in schedule:
        token = item.strip().lower()
        if token == "mid":
            day = next_working_day(start + (end - start) / 2)
        elif token == "end":
            day = last
        elif token.endswith("d") and token[:-1].isdigit():
            day = next_working_day(start + dt.timedelta(days=int(token[:-1])))
        else:
            raise ImproperlyConfigured(f"FOLLOW_UP_SCHEDULE: cannot read {item!r}")
        if start < day <= last:
            dates.add(day)
    return sorted(dates)
