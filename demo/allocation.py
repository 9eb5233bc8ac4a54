"""Matching the demo's participants to needs over time, keeping every rule of the real services.

Placements are decided in the order they start (a heap), so capacity is checked the way it grows.
A need never holds more placements at once than it has places, a supervisor never more than their
maximum, and a participant's placements follow one another: only the last can be agreed or active.
Capacity is counted over every placement that was or will be agreed (completed ones too, over their
planned period), which is stricter than the rule (agreed and active only) and keeps history plausible.
"""

from __future__ import annotations

import heapq
import random
from collections import defaultdict

from participants.models import ParticipantStatus as PS
from placements.models import Outcome
from placements.models import PlacementStatus as St

from . import catalogue, texts
from .plan import TODAY_MARGIN as M
from .plan import NeedPlan, ParticipantPlan, PlacementPlan, SupervisorPlan

BUCKET_DAYS = 30
MIN_DAYS = 28  # no placement is planned shorter than four weeks
FUTURE_LIMIT = 120  # nothing is planned to start later than this
LONG_TYPES = ("introduktionsjobb", "nystartsjobb", "extratjanst")
ENDED = (St.COMPLETED, St.ENDED_EARLY)
STARTED = (St.ACTIVE, St.COMPLETED, St.ENDED_EARLY)
AGREED_ONCE = (St.AGREED, St.ACTIVE, St.COMPLETED, St.ENDED_EARLY)

OUTCOMES = [Outcome.EMPLOYMENT, Outcome.STUDIES, Outcome.CONTINUED_MEASURE, Outcome.UNEMPLOYED, Outcome.UNKNOWN]
OUTCOME_WEIGHTS = {"praktik": [28, 12, 28, 22, 10], "employment": [55, 5, 15, 18, 7], "summer": [20, 50, 5, 15, 10]}
# The person's situation some months on, given the outcome at the end (rows follow OUTCOMES).
LATER_WEIGHTS = {
    Outcome.EMPLOYMENT: [85, 5, 3, 5, 2],
    Outcome.STUDIES: [15, 70, 3, 7, 5],
    Outcome.CONTINUED_MEASURE: [22, 10, 45, 18, 5],
    Outcome.UNEMPLOYED: [18, 10, 15, 50, 7],
    Outcome.UNKNOWN: [15, 10, 10, 15, 50],
}


class NeedIndex:
    """Needs by 30-day bucket of the days a placement could start in them, and by occupation."""

    def __init__(self, needs: list[NeedPlan]) -> None:
        self.by_bucket: dict[int, list[NeedPlan]] = defaultdict(list)
        self.by_code: dict[tuple[int, str], list[NeedPlan]] = defaultdict(list)
        for need in needs:
            if need.dedicated:
                continue
            for bucket in range(need.start // BUCKET_DAYS, (need.end - MIN_DAYS) // BUCKET_DAYS + 1):
                self.by_bucket[bucket].append(need)
                self.by_code[(bucket, need.code)].append(need)

    def candidates(self, start: int, prefs: list[str], rng: random.Random) -> list[NeedPlan]:
        """A handful of needs running at `start`: some in the person's occupations, some of any kind."""
        bucket = start // BUCKET_DAYS
        found: list[NeedPlan] = []
        for code in prefs[:4]:
            pool = self.by_code.get((bucket, code), [])
            found.extend(pool if len(pool) <= 6 else rng.sample(pool, 6))
        pool = self.by_bucket.get(bucket, [])
        found.extend(pool if len(pool) <= 10 else rng.sample(pool, 10))
        return [n for n in dict.fromkeys(found) if n.start <= start and n.end - start >= MIN_DAYS]


def busy(intervals: list[tuple[int, int]], start: int, end: int) -> int:
    """How many of the periods overlap [start, end] (at least as many as overlap on any one day)."""
    return sum(1 for a, b in intervals if a <= end and b >= start)


def allocate(
    *,
    plans: list[ParticipantPlan],
    needs: list[NeedPlan],
    supervisors: dict[int, list[SupervisorPlan]],
    max_days: dict[str, int],
    rng: random.Random,
) -> None:
    """Find placements for the general participants, each starting a while after referral or the last one."""
    index = NeedIndex(needs)
    heap = [
        (pp.referral + rng.randint(60, 150), pp.index, pp.planned)
        for pp in plans
        if pp.kind == "general" and pp.planned > 0
    ]
    heapq.heapify(heap)
    while heap:
        start, key, remaining = heapq.heappop(heap)
        pp = plans[key]
        placement = _try_place(pp, start, index, supervisors, max_days, rng)
        if placement is None or remaining <= 1:
            continue
        if placement.status == St.CANCELLED:
            following = placement.start + rng.randint(21, 60)
        elif placement.status in ENDED:
            assert placement.actual_end is not None
            following = placement.actual_end + rng.randint(30, 90)
        else:
            continue  # agreed, active or proposed: the story ends here for now
        if following <= FUTURE_LIMIT:
            heapq.heappush(heap, (following, key, remaining - 1))


def _try_place(
    pp: ParticipantPlan,
    start: int,
    index: NeedIndex,
    supervisors: dict[int, list[SupervisorPlan]],
    max_days: dict[str, int],
    rng: random.Random,
) -> PlacementPlan | None:
    if -M < start < M:
        start = M
    if start > FUTURE_LIMIT:
        return None
    short, long, draw = rng.randint(56, 182), rng.randint(182, 364), rng.random()
    candidates = index.candidates(start, pp.prefs, rng)
    ranked = sorted(candidates, key=lambda need: -(_score(pp, need) + 2 * rng.random()))
    for need in ranked:
        if not _eligible(pp, need):
            continue
        limit = max_days.get(need.ptype) or 728
        end = min(start + min(long if need.ptype in LONG_TYPES else short, limit), need.end)
        if end - start < MIN_DAYS:
            continue
        if -M < end < M:
            if -M - start >= MIN_DAYS:
                end = -M
            elif need.end >= M and M - start <= limit:
                end = M
            else:
                continue
        if busy(need.intervals, start, end) >= need.places:
            continue
        supervisor = free_supervisor(supervisors[need.workplace.pk], start, end, rng)
        if supervisor is None:
            continue
        if end <= -M:
            status = St.CANCELLED if draw < 0.05 else St.ENDED_EARLY if draw < 0.27 else St.COMPLETED
        elif start <= -M:
            status = St.ACTIVE
        else:
            status = St.AGREED if draw < 0.65 else St.PROPOSED
        return placement_make(pp, need, supervisor, start, end, status, rng)
    return None


def _score(pp: ParticipantPlan, need: NeedPlan) -> float:
    score = 3.0 if need.code in pp.pref_codes else 1.0 if need.code[:2] in pp.pref_prefixes else 0.0
    if need.track and need.track == pp.track:
        score += 2
    if need.ptype == "kommunal-praktik" and pp.social_assistance:
        score += 1
    if need.district == pp.district:
        score += 1
    return score


def _eligible(pp: ParticipantPlan, need: NeedPlan) -> bool:
    return (
        pp.swedish >= need.min_swedish
        and (pp.licence or not need.licence)
        and (need.min_education is None or pp.education >= need.min_education)
    )


def free_supervisor(
    candidates: list[SupervisorPlan], start: int, end: int, rng: random.Random
) -> SupervisorPlan | None:
    """One of the general (not dedicated) `candidates` with room for another participant over [start, end]."""
    general = [s for s in candidates if not s.dedicated]
    first = rng.randrange(len(general))
    for step in range(len(general)):
        supervisor = general[(first + step) % len(general)]
        if busy(supervisor.intervals, start, end) < supervisor.max_participants:
            return supervisor
    return None


def placement_make(
    pp: ParticipantPlan,
    need: NeedPlan,
    supervisor: SupervisorPlan,
    start: int,
    end: int,
    status: str,
    rng: random.Random,
    *,
    outcomes: str | None = None,
) -> PlacementPlan:
    """The placement with its life-cycle dates and outcome, booked on the need and the supervisor."""
    placement = PlacementPlan(
        participant=pp,
        need=need,
        supervisor=supervisor,
        start=start,
        end=end,
        status=status,
        proposed_at=0,
        hours=min(need.hours, pp.hours),
        decision_reference=f"{rng.randrange(100000, 1000000)}",
    )
    floor = max(pp.mapped, pp.last_release) + 1
    if status == St.CANCELLED:
        placement.cancelled_at = start - rng.randint(1, 5)
        placement.proposed_at = max(pp.mapped + 1, placement.cancelled_at - rng.randint(7, 21))
        extract_refused = need.extract == "children" and rng.random() < 0.3
        placement.end_reason = texts.CANCEL_REASON_EXTRACT if extract_refused else rng.choice(texts.CANCEL_REASONS)
    elif status == St.PROPOSED:
        placement.proposed_at = max(pp.mapped + 1, min(start - rng.randint(7, 21), -1))
    else:
        placement.agreed_at = max(floor, min(start - rng.randint(7, 14), -1))
        placement.proposed_at = max(pp.mapped + 1, placement.agreed_at - rng.randint(2, 10))
    if status in ENDED:
        kind = outcomes or ("employment" if need.ptype in catalogue.EMPLOYMENT_TYPES else "praktik")
        if status == St.ENDED_EARLY:
            placement.actual_end = start + rng.randint(10, max(10, (end - start) * 7 // 10))
            reasons = texts.END_REASONS
            placement.end_reason, placement.outcome, _w = rng.choices(reasons, weights=[r[2] for r in reasons])[0]
        else:
            placement.actual_end = end
            placement.outcome = rng.choices(OUTCOMES, weights=OUTCOME_WEIGHTS[kind])[0]
        pp.last_release = placement.actual_end
        placement.later = _later_outcomes(placement.actual_end, placement.outcome, rng)
    need.intervals.append((start, end))
    supervisor.intervals.append((start, end))
    need.placements += 1
    if status in (St.AGREED, St.ACTIVE):
        need.holding += 1
    pp.placements.append(placement)
    return placement


def _later_outcomes(ended: int, outcome: str, rng: random.Random) -> list[tuple[int, str, int]]:
    """(checkpoint, outcome, days after the checkpoint it was recorded) for the 90- and 180-day follow-ups
    that have come round, on offsets only."""
    later: list[tuple[int, str, int]] = []
    previous = outcome
    for days, share in ((90, 0.75), (180, 0.65)):
        if ended + days + M > 0 or rng.random() >= share:
            break
        previous = rng.choices(OUTCOMES, weights=LATER_WEIGHTS[Outcome(previous)])[0]
        later.append((days, previous, rng.randint(0, M)))
    return later


def pin_demo_placements(
    *, plans: list[ParticipantPlan], need: NeedPlan, supervisor: SupervisorPlan, rng: random.Random
) -> None:
    """The demo supervisor's own placements: one completed, one ended early, one active and one agreed.

    Never more than two at a time, so matching still finds room with them."""
    periods = [(-250, -80, St.COMPLETED), (-200, -30, St.ENDED_EARLY), (-60, 100, St.ACTIVE), (21, 160, St.AGREED)]
    for pp, (start, end, status) in zip(plans, periods, strict=False):
        pp.referral = start - rng.randint(70, 110)
        pp.mapped = pp.referral + rng.randint(10, 25)
        pp.swedish = max(pp.swedish, need.min_swedish + 1)
        pp.extras["fields"]["swedish_level"] = pp.swedish
        placement = placement_make(pp, need, supervisor, start, end, status, rng)
        placement.force_overdue = status == St.ACTIVE


def status_path(pp: ParticipantPlan, rng: random.Random) -> None:
    """The participant's status history, consistent with their placements, and where it ends."""
    draw = pp.extras["final_draw"]
    changes = [(pp.referral, "", PS.REFERRED, "Anvisad och registrerad")]
    if pp.kind == "recent":
        step = pp.referral + max(1, -pp.referral // 2)
        if draw < 0.55:
            final = PS.REFERRED
        elif draw < 0.9:
            final = PS.MAPPED
            changes.append((step, PS.REFERRED, PS.MAPPED, "Kartläggning klar"))
        else:
            final = PS.ON_HOLD
            changes.append((step, PS.REFERRED, PS.ON_HOLD, "Pausad i väntan på SFI-start"))
        pp.status_changes, pp.final_status = changes, final
        return
    changes.append((pp.mapped, PS.REFERRED, PS.MAPPED, "Kartläggning klar"))
    for placement in pp.placements:
        if placement.status in AGREED_ONCE:
            assert placement.agreed_at is not None
            changes.append((placement.agreed_at, PS.MAPPED, PS.PLACED, "Praktikperiod överenskommen"))
        if placement.status in ENDED:
            assert placement.actual_end is not None
            changes.append((placement.actual_end, PS.PLACED, PS.MAPPED, "Praktikperioden avslutad"))
    last = pp.placements[-1] if pp.placements else None
    if last is not None and last.status in (St.AGREED, St.ACTIVE):
        final = PS.PLACED
    elif last is not None and last.status == St.PROPOSED:
        final = PS.MAPPED
    else:
        work_or_studies = (
            last is not None and last.status in ENDED and last.outcome in (Outcome.EMPLOYMENT, Outcome.STUDIES)
        )
        if work_or_studies and draw < 0.75:
            final, note = PS.EXITED, "Avslutad: arbete eller studier"
        elif draw < 0.55:
            final, note = PS.MAPPED, ""
        elif draw < 0.75:
            final, note = PS.ON_HOLD, "Pausad: sjukskrivning"
        else:
            final, note = PS.EXITED, "Avslutad på egen begäran"
        if final != PS.MAPPED:
            changes.append((min(changes[-1][0] + rng.randint(2, 30), -1), PS.MAPPED, final, note))
    pp.status_changes, pp.final_status = changes, final
