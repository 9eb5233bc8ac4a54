from __future__ import annotations

import datetime as dt

import pytest

from taxonomy.working_days import add_working_days, is_working_day, next_working_day


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (dt.date(2026, 6, 19), False),  # midsummer eve (de facto)
        (dt.date(2026, 6, 18), True),
        (dt.date(2026, 12, 24), False),  # Christmas eve (de facto)
        (dt.date(2026, 12, 31), False),  # New Year's eve (de facto)
        (dt.date(2026, 6, 6), False),  # national day, a Saturday anyway
        (dt.date(2027, 1, 6), False),  # Epiphany, a Wednesday
        (dt.date(2026, 11, 21), False),  # Saturday
        (dt.date(2026, 11, 23), True),  # Monday
        (dt.date(2026, 4, 3), False),  # Good Friday
    ],
)
def test_swedish_working_days(day: dt.date, working: bool) -> None:
    assert is_working_day(day) is working


def test_next_and_added_working_days_skip_holidays() -> None:
    assert next_working_day(dt.date(2026, 12, 24)) == dt.date(2026, 12, 28)
    assert add_working_days(dt.date(2026, 12, 23), 1) == dt.date(2026, 12, 28)
    assert add_working_days(dt.date(2026, 11, 23), 0) == dt.date(2026, 11, 23)
    with pytest.raises(ValueError):
        add_working_days(dt.date(2026, 11, 23), -1)
