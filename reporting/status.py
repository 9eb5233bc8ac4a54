"""How a figure stands against its target: on track, at risk or off track.

The rule: a yearly count target is pro-rated to the part of the year the period covers (a quarter
is a quarter of it, the first three quarters three quarters). A count is on track at or above the
pro-rated target, at risk from 85 % of it, off track below. A share is on track at or above its
target, at risk within five percentage points below it, off track further below. A target where
lower is better is read the other way round. No target, or no figure to show: no status.
"""

from __future__ import annotations

from decimal import Decimal

ON_TRACK, AT_RISK, OFF_TRACK = "on_track", "at_risk", "off_track"
RISK_SHARE_OF_COUNT = 0.85
RISK_POINTS = 5.0


def status(
    *, value: float | None, target: Decimal | None, percent: bool, part_of_year: float, higher_is_better: bool = True
) -> str | None:
    if value is None or target is None:
        return None
    goal = float(target) if percent else float(target) * part_of_year
    if not higher_is_better:
        value, goal = -value, -goal
    if value >= goal:
        return ON_TRACK
    margin = goal - RISK_POINTS if percent else goal * RISK_SHARE_OF_COUNT if goal >= 0 else goal / RISK_SHARE_OF_COUNT
    return AT_RISK if value >= margin else OFF_TRACK
