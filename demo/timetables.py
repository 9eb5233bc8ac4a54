"""The demo's weekly timetables, so that the timetable rule (placements.rules, `timetable_clash`) shows:
newcomers still in SFI study Monday to Thursday, most in the morning; some needs work afternoons (the
four hours a day beside morning SFI), some mornings, the rest record no hours. A newcomer is given the
SFI times that clash with none of the placements planned for them, so every demo placement keeps the
rule; waiting newcomers in SFI mornings are then excluded from the morning needs, with the reason.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from participants.models import Participant, StudyKind, StudyTime, TargetGroup
from taxonomy.models import SwedishLevel
from workplaces.models import WorkingHours

from .plan import NeedPlan, ParticipantPlan

BATCH = 1000
SCHOOL = "SFI Östersund"
SFI_DAYS = (0, 1, 2, 3)  # Monday to Thursday
SFI_SPANS = ((dt.time(8, 30), dt.time(12, 0)), (dt.time(13, 0), dt.time(16, 0)))  # mornings first
SFI_SHARE = 0.7  # of the newcomers still in SFI
AFTERNOON, MORNING = dt.time(13, 0), dt.time(8, 0)
AFTERNOON_SHARE, MORNING_SHARE = 0.4, 0.2  # of the needs
Span = tuple[dt.time, dt.time]


def _after(start: dt.time, hours: Decimal) -> dt.time:
    minutes = start.hour * 60 + start.minute + int(hours * 60)
    return dt.time(min(minutes, 23 * 60 + 59) // 60, min(minutes, 23 * 60 + 59) % 60)


def _working_span(need: NeedPlan, rng: random.Random) -> Span | None:
    draw = rng.random()
    if draw < AFTERNOON_SHARE:
        return AFTERNOON, _after(AFTERNOON, need.hours)
    if draw < AFTERNOON_SHARE + MORNING_SHARE:
        return MORNING, _after(MORNING, need.hours)
    return None


def _overlap(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def timetables_write(
    *, needs: list[NeedPlan], plans: list[ParticipantPlan], rng: random.Random, school: str = SCHOOL
) -> None:
    """Working hours for some needs (Monday to Thursday) and SFI times, at `school`, for newcomers in
    SFI. Run after the needs and participants are written (their pks set). A participant's placements
    may be at needs timetabled by an earlier call (the region's needs): their hours are on the NeedPlan."""
    for need in needs:
        need.working = _working_span(need, rng)
    WorkingHours.objects.bulk_create(
        [
            WorkingHours(need_id=need.pk or 0, weekday=day, starts_at=need.working[0], ends_at=need.working[1])
            for need in needs
            if need.working is not None
            for day in SFI_DAYS
        ],
        batch_size=BATCH,
    )
    municipality_of = dict(
        Participant.objects.filter(pk__in=[pp.pk for pp in plans]).values_list("pk", "municipality_id")
    )
    studies: list[StudyTime] = []
    for pp in plans:
        in_sfi = pp.target_group == TargetGroup.NEWCOMER and pp.swedish <= SwedishLevel.SFI_D
        if not in_sfi or rng.random() >= SFI_SHARE:
            continue
        taken = [p.need.working for p in pp.placements if p.need.working is not None]
        free = [span for span in SFI_SPANS if not any(_overlap(span, work) for work in taken)]
        if not free:
            continue
        start, end = free[0]
        studies.extend(
            StudyTime(
                participant_id=pp.pk or 0,
                municipality_id=municipality_of[pp.pk or 0],
                weekday=day,
                starts_at=start,
                ends_at=end,
                kind=StudyKind.SFI,
                school=school,
            )
            for day in SFI_DAYS
        )
    StudyTime.objects.bulk_create(studies, batch_size=BATCH)
