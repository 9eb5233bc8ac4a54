"""Summer jobs and historical measures: placements tied to the calendar rather than to today.

They get needs and supervisors of their own, kept out of general matching, so where the summers
fall relative to today can never change what general matching finds. The summers used are the two
most recent that ended at least 200 days ago (so their 180-day outcomes are in whatever the day);
extratjänst, which has taken no new decisions since 2022, appears only in 2021–2022.
"""

from __future__ import annotations

import datetime as dt
import random

from participants.models import TargetGroup
from placements.models import PlacementStatus as St
from workplaces.models import Workplace

from . import catalogue
from .allocation import placement_make
from .organisations import dedicated_need
from .plan import NeedPlan, ParticipantPlan, SupervisorPlan

SUMMER_SHARE, HISTORICAL_SHARE = 0.04, 0.01
SUMMER_FIRST_DAY, SUMMER_LAST_DAY = (6, 8), (8, 23)
SUMMER_ENDED_AT_LEAST = 200
HISTORICAL_NEED = (dt.date(2021, 2, 1), dt.date(2022, 12, 16))
HISTORICAL_KINDS = ("care_home", "service_group", "arena", "reuse", "central_kitchen", "library")


def summers(today: dt.date) -> list[tuple[int, int]]:
    """The two most recent summer-job periods that ended at least 200 days ago, as offsets."""
    found: list[tuple[int, int]] = []
    year = today.year
    while len(found) < 2:
        last = dt.date(year, *SUMMER_LAST_DAY)
        if (today - last).days >= SUMMER_ENDED_AT_LEAST:
            found.append(((dt.date(year, *SUMMER_FIRST_DAY) - today).days, (last - today).days))
        year -= 1
    return found


class SeasonalPlanner:
    """Adds dedicated needs, supervisors and placements for summer youths and historical participants."""

    def __init__(
        self,
        *,
        needs: list[NeedPlan],
        workplaces: list[tuple[Workplace, str]],
        first_supervisor_index: int,
        rng: random.Random,
    ) -> None:
        self.needs = needs
        self.rng = rng
        self.supervisors: list[SupervisorPlan] = []
        self._next_index = first_supervisor_index
        self._by_slot: dict[tuple[int, int], SupervisorPlan] = {}
        self._pools = {
            "summer": [(w, k) for w, k in workplaces if k in catalogue.SUMMER_KINDS],
            "historical": [
                (w, k) for w, k in workplaces if k in HISTORICAL_KINDS and w.organisation.kind == "municipal_department"
            ],
        }

    def plan(self, plans: list[ParticipantPlan], today: dt.date) -> None:
        rng = self.rng
        free = [pp for pp in plans if pp.kind in ("general", "recent")]
        youth = [pp for pp in free if pp.target_group == TargetGroup.YOUTH]
        chosen = rng.sample(youth, min(len(youth), max(2, round(len(plans) * SUMMER_SHARE))))
        for k, (start, end) in enumerate(summers(today)):
            self._fill(chosen[k::2], "summer", "sommarvikariat", start, end)
        summer_youth = {pp.index for pp in chosen}
        others = [pp for pp in free if pp.target_group == TargetGroup.OTHER and pp.index not in summer_youth]
        historical = rng.sample(others, min(len(others), max(1, round(len(plans) * HISTORICAL_SHARE))))
        first, last = ((day - today).days for day in HISTORICAL_NEED)
        self._fill(historical, "historical", "extratjanst", first, last)

    def _fill(self, group: list[ParticipantPlan], kind: str, ptype: str, need_start: int, need_end: int) -> None:
        rng = self.rng
        used: dict[int, int] = {}  # workplace pk -> needs given to it in this period
        position = 0
        while position < len(group):
            chunk = group[position : position + rng.choice([1, 2, 3])]
            position += len(chunk)
            workplace, wp_kind = rng.choice(self._pools[kind])
            need = dedicated_need(len(self.needs), workplace, wp_kind, ptype, need_start, need_end, len(chunk), rng)
            need.min_swedish = min([need.min_swedish, *(pp.swedish for pp in chunk)])
            need.licence = False
            need.min_education = None
            self.needs.append(need)
            slot = used.get(workplace.pk, 0)
            used[workplace.pk] = slot + 1
            supervisor = self._supervisor(workplace, wp_kind, slot)
            for pp in chunk:
                if kind == "summer":
                    start, end = need_start, need_end
                else:
                    start = need_start + rng.randint(0, 150)
                    end = min(start + rng.randint(300, 600), need_end)
                pp.kind = kind
                pp.planned = 0
                pp.referral = start - rng.randint(60, 150)
                pp.mapped = pp.referral + rng.randint(10, 25)
                status = St.COMPLETED if rng.random() < 0.85 else St.ENDED_EARLY
                placement_make(
                    pp,
                    need,
                    supervisor,
                    start,
                    end,
                    status,
                    rng,
                    outcomes="summer" if kind == "summer" else "employment",
                )

    def _supervisor(self, workplace: Workplace, kind: str, slot: int) -> SupervisorPlan:
        """The workplace's `slot`-th supervisor for these periods, shared between periods that never overlap."""
        key = (workplace.pk, slot)
        found = self._by_slot.get(key)
        if found is None:
            found = SupervisorPlan(
                index=self._next_index, workplace=workplace, kind=kind, max_participants=3, dedicated=True
            )
            self._next_index += 1
            self._by_slot[key] = found
            self.supervisors.append(found)
        return found
