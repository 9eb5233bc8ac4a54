"""Writing the planned demo: offsets become dates on working days, plans become rows, in batches.

Rows are built a batch at a time and inserted with `bulk_create`, so a hundred thousand
participants never sit in memory as model instances at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from dateutil.relativedelta import relativedelta
from django.core.files.base import ContentFile
from django.db import models

from accounts.models import Municipality, Team, User
from participants.models import (
    ESTABLISHMENT_PROGRAMME_MONTHS,
    PROGRAMME_STATUS_DAYS,
    Exit,
    ExitReason,
    Interest,
    Participant,
    ParticipantPrerequisite,
    ParticipantStatus,
    ProgrammeStatus,
    RecordsExtractCheck,
    RecordsExtractResult,
    StatusChange,
    WorkExperience,
    WorkLength,
)
from participants.tenancy import tenant_key
from placements.documents import agreement_pdf
from placements.models import (
    AgreementDocument,
    AgreementTerms,
    FollowUp,
    LaterOutcome,
    Party,
    Placement,
    PlacementEvent,
    Signature,
    SignatureMethod,
)
from placements.models import PlacementStatus as St
from placements.signing import signed_document_store
from taxonomy.models import District, JobTrack, PlacementType, Prerequisite
from workplaces.models import Need, NeedStatus

from . import catalogue, texts
from .allocation import AGREED_ONCE, ENDED, STARTED
from .plan import Calendar, NeedPlan, ParticipantPlan, PlacementPlan

BATCH = 2000
FOLLOW_UP_FIRST, FOLLOW_UP_EVERY = 14, 28
T = TypeVar("T")

TASK_GROUP = {
    "care_home": "care",
    "home_care": "care",
    "lss": "care",
    "hospital_ward": "care",
    "central_kitchen": "kitchen",
    "school_kitchen": "kitchen",
    "catering": "kitchen",
    "hospital_kitchen": "kitchen",
    "cafe": "kitchen",
    "preschool": "children",
    "school": "children",
}
# What needs ask of a person, by task group (the prerequisites taxonomy seeds): every kitchen a hygiene
# course and every other one work clothes too; care and children a signed confidentiality undertaking.
NEED_PREREQUISITES = {
    "kitchen": ("hygienutbildning",),
    "care": ("tystnadsforbindelse",),
    "children": ("tystnadsforbindelse",),
}
KITCHEN_CLOTHES = "arbetsklader"


def need_prerequisite_codes(need: NeedPlan) -> tuple[str, ...]:
    group = TASK_GROUP.get(need.kind, "")
    codes = NEED_PREREQUISITES.get(group, ())
    return (*codes, KITCHEN_CLOTHES) if group == "kitchen" and need.index % 2 == 0 else codes


@dataclass(frozen=True)
class References:
    """Saved rows the plans refer to by name or code."""

    districts: dict[str, District]
    teams: dict[str, Team]
    tracks: dict[str, JobTrack]
    types: dict[str, PlacementType]
    languages: dict[str, int]
    prerequisites: dict[str, Prerequisite]


def batches(items: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def needs_write(
    needs: list[NeedPlan], *, refs: References, cal: Calendar, coordinators: list[User], rng: random.Random
) -> None:
    rows: list[Need] = []
    for need in needs:
        start, end = cal.start(need.start), cal.end(need.end)
        if end < cal.today:
            status = NeedStatus.CLOSED
        elif need.holding >= need.places:
            status = NeedStatus.FILLED
        elif start > cal.today and need.placements == 0 and rng.random() < 0.2:
            status = NeedStatus.DRAFT
        else:
            status = NeedStatus.OPEN
        ptype = refs.types[need.ptype]
        rows.append(
            Need(
                workplace=need.workplace,
                title=f"{catalogue.SHORT_NAMES[need.code]}, {ptype.name.lower()}",
                occupation_id=need.code,
                tasks=catalogue.TASKS.get(need.code, ""),
                placement_type=ptype,
                job_track=refs.tracks[need.track] if need.track else None,
                places=need.places,
                hours_per_day=need.hours,
                start_date=start,
                end_date=end,
                min_swedish_level=need.min_swedish,
                min_education_level=need.min_education,
                requires_driving_licence=need.licence,
                records_extract=need.extract,
                status=status,
                created_by=rng.choice(coordinators),
            )
        )
    Need.objects.bulk_create(rows, batch_size=BATCH)
    asks: list[Any] = []
    for need, row in zip(needs, rows, strict=True):
        need.pk = row.pk
        asks.extend(
            Need.prerequisites.through(need_id=row.pk, prerequisite_id=refs.prerequisites[code].pk)
            for code in need_prerequisite_codes(need)
            if code in refs.prerequisites
        )
    Need.prerequisites.through._default_manager.bulk_create(asks, batch_size=BATCH)


def participants_write(plans: list[ParticipantPlan], *, refs: References, cal: Calendar, rng: random.Random) -> None:
    """Participants with their experience, interests, languages, status history and records checks."""
    for chunk in batches(plans):
        rows: list[Participant] = []
        stamps: list[list[dt.datetime]] = []
        for pp in chunk:
            # Minutes grow with each step, so steps on the same day keep their order.
            times = [
                cal.stamp(change[0], 480 + 45 * k + rng.randint(0, 30)) for k, change in enumerate(pp.status_changes)
            ]
            stamps.append(times)
            permit_gap = pp.extras["permit_before_referral"]
            referral = cal.end(pp.referral)
            permit = referral - dt.timedelta(days=permit_gap) if permit_gap is not None else None
            rows.append(
                Participant(
                    **pp.extras["fields"],
                    home_district=refs.districts[pp.district],
                    job_track=refs.tracks[pp.track] if pp.track else None,
                    team=refs.teams[pp.team],
                    municipality_id=refs.teams[pp.team].municipality_id,
                    coordinator=pp.coordinator,
                    referral_date=referral,
                    residence_permit_date=permit,
                    establishment_programme_end=permit + relativedelta(months=ESTABLISHMENT_PROGRAMME_MONTHS)
                    if permit
                    else None,
                    status=pp.final_status,
                    status_changed_at=times[-1],
                )
            )
        Participant.objects.bulk_create(rows)
        children: dict[type[models.Model], list[Any]] = {
            WorkExperience: [],
            Interest: [],
            Participant.languages.through: [],
            StatusChange: [],
            RecordsExtractCheck: [],
            ParticipantPrerequisite: [],
        }
        for pp, row, times in zip(chunk, rows, stamps, strict=True):
            pp.pk = row.pk
            for code, years, country in pp.extras["experience"]:
                children[WorkExperience].append(
                    WorkExperience(
                        participant_id=row.pk,
                        municipality_id=row.municipality_id,
                        occupation_id=code,
                        years=years,
                        country=country,
                    )
                )
            for code in pp.extras["interests"]:
                children[Interest].append(
                    Interest(participant_id=row.pk, municipality_id=row.municipality_id, occupation_id=code)
                )
            for code in pp.extras["languages"]:
                children[Participant.languages.through].append(
                    Participant.languages.through(participant_id=row.pk, language_id=refs.languages[code])
                )
            for (_off, from_status, to_status, note), at in zip(pp.status_changes, times, strict=True):
                children[StatusChange].append(
                    StatusChange(
                        participant_id=row.pk,
                        municipality_id=row.municipality_id,
                        from_status=from_status,
                        to_status=to_status,
                        changed_at=at,
                        changed_by=pp.coordinator,
                        note=note,
                    )
                )
            children[RecordsExtractCheck].extend(_records_checks(pp, row, cal, rng))
            children[ParticipantPrerequisite].extend(_prerequisites(pp, row, cal, refs.prerequisites))
        for model, items in children.items():
            model._default_manager.bulk_create(items, batch_size=BATCH)


def _prerequisites(
    pp: ParticipantPlan, row: Participant, cal: Calendar, known: dict[str, Prerequisite]
) -> Iterator[ParticipantPrerequisite]:
    """What the person's agreed placements asked for, obtained some days before the first of them; and
    for some of those waiting for a placement, a hygiene course or a confidentiality undertaking already."""
    obtained: dict[str, dt.date] = {}
    for placement in sorted(pp.placements, key=lambda p: p.agreed_at or 0):
        if placement.status in AGREED_ONCE and placement.agreed_at is not None:
            for code in need_prerequisite_codes(placement.need):
                obtained.setdefault(code, cal.end(placement.agreed_at) - dt.timedelta(days=1 + pp.index % 20))
    if pp.final_status == ParticipantStatus.MAPPED and pp.index % 3 == 0:
        code = "hygienutbildning" if pp.index % 2 == 0 else "tystnadsforbindelse"
        obtained.setdefault(code, cal.today - dt.timedelta(days=7 + pp.index % 300))
    for code, day in obtained.items():
        prerequisite = known.get(code)
        if prerequisite is None:  # an administrator has removed it
            continue
        months = prerequisite.valid_months
        yield ParticipantPrerequisite(  # type: ignore[misc]  # the planned rows have their pks
            participant_id=pp.pk,
            municipality_id=row.municipality_id,
            prerequisite=prerequisite,
            obtained_on=day,
            valid_until=day + relativedelta(months=months) if months else None,
            recorded_by=pp.coordinator,
        )


def _records_checks(
    pp: ParticipantPlan, row: Participant, cal: Calendar, rng: random.Random
) -> Iterator[RecordsExtractCheck]:
    """A checked extract before every placement at a need that asks for one; a refusal where that cancelled it."""
    for placement in pp.placements:
        scope = placement.need.extract
        if not scope:
            continue
        if placement.status in AGREED_ONCE:
            assert placement.agreed_at is not None
            checked, result = cal.end(placement.agreed_at), RecordsExtractResult.APPROVED
        elif placement.status == St.CANCELLED and placement.end_reason == texts.CANCEL_REASON_EXTRACT:
            assert placement.cancelled_at is not None
            checked, result = cal.end(placement.cancelled_at), RecordsExtractResult.NOT_APPROVED
        else:
            continue
        yield RecordsExtractCheck(  # type: ignore[misc]  # the planned rows have their pks
            participant_id=pp.pk,
            municipality_id=row.municipality_id,
            scope=scope,
            extract_date=checked - dt.timedelta(days=rng.randint(3, 25)),
            checked_on=checked,
            checked_by=pp.coordinator,
            result=result,
        )


def placements_write(placements: list[PlacementPlan], *, refs: References, cal: Calendar, rng: random.Random) -> None:
    """Placements with their life-cycle events, follow-ups and later outcomes."""
    for chunk in batches(placements):
        rows = [_placement_row(p, refs, cal) for p in chunk]
        Placement.objects.bulk_create(rows)
        events: list[PlacementEvent] = []
        follow_ups: list[FollowUp] = []
        later: list[LaterOutcome] = []
        for p, row in zip(chunk, rows, strict=True):
            p.pk = row.pk
            events.extend(_events(p, row, cal, rng))
            follow_ups.extend(_follow_ups(p, row, cal, rng))
            coordinator = p.participant.coordinator
            for days, outcome, delay in p.later:
                assert p.actual_end is not None
                later.append(
                    LaterOutcome(
                        placement_id=row.pk,
                        municipality_id=row.municipality_id,
                        days_after=days,
                        outcome=outcome,
                        recorded_on=cal.end(p.actual_end + days + delay),
                        recorded_by=coordinator,
                    )
                )
        PlacementEvent.objects.bulk_create(events, batch_size=BATCH)
        FollowUp.objects.bulk_create(follow_ups, batch_size=BATCH)
        LaterOutcome.objects.bulk_create(later, batch_size=BATCH)


def _placement_row(p: PlacementPlan, refs: References, cal: Calendar) -> Placement:
    ptype = refs.types[p.need.ptype]
    decided = p.agreed_at if p.agreed_at is not None else p.proposed_at
    return Placement(  # type: ignore[misc]  # the planned rows have their pks
        participant_id=p.participant.pk,
        # The participant's municipality, as participants_write gave it (placements' tenant key).
        municipality_id=refs.teams[p.participant.team].municipality_id,
        need_id=p.need.pk,
        supervisor_id=p.supervisor.pk,
        placement_type=ptype,
        coordinator=p.participant.coordinator,
        planned_start=cal.start(p.start),
        planned_end=cal.end(p.end),
        actual_start=cal.start(p.start) if p.status in STARTED else None,
        actual_end=cal.end(p.actual_end) if p.actual_end is not None else None,
        hours_per_day=p.hours,
        decision_reference=f"AF-{cal.end(decided).year}-{p.decision_reference}"
        if ptype.requires_decision_reference
        else "",
        status=p.status,
        end_reason=p.end_reason if p.status == St.ENDED_EARLY else "",
        outcome=p.outcome,
    )


def _events(p: PlacementPlan, row: Placement, cal: Calendar, rng: random.Random) -> Iterator[PlacementEvent]:
    by = p.participant.coordinator

    def event(k: int, at: dt.date, from_status: str, to_status: str, note: str) -> PlacementEvent:
        minute = 480 + 60 * k + rng.randint(0, 45)
        return PlacementEvent(
            placement_id=row.pk,
            municipality_id=row.municipality_id,
            from_status=from_status,
            to_status=to_status,
            at=cal.on(at, minute),
            by=by,
            note=note[:300],
        )

    yield event(0, cal.end(p.proposed_at), "", St.PROPOSED, "Förslag skickat till arbetsplatsen")
    if p.status == St.CANCELLED:
        assert p.cancelled_at is not None
        yield event(1, cal.end(p.cancelled_at), St.PROPOSED, St.CANCELLED, p.end_reason)
    if p.agreed_at is not None:
        yield event(1, cal.end(p.agreed_at), St.PROPOSED, St.AGREED, "Överenskommelse med arbetsplats och deltagare")
    if row.actual_start is not None:
        yield event(2, row.actual_start, St.AGREED, St.ACTIVE, "Praktikperioden startade")
    if row.actual_end is not None:
        note = p.end_reason if p.status == St.ENDED_EARLY else "Praktikperioden genomförd"
        yield event(3, row.actual_end, St.ACTIVE, p.status, note)


def _follow_ups(p: PlacementPlan, row: Placement, cal: Calendar, rng: random.Random) -> list[FollowUp]:
    """A follow-up two weeks in and every four weeks after, on working days; past ones mostly logged."""
    if p.status not in AGREED_ONCE:
        return []
    limit = p.actual_end if p.status == St.ENDED_EARLY else p.end
    assert limit is not None
    offsets = list(range(p.start + FOLLOW_UP_FIRST, limit + 1, FOLLOW_UP_EVERY)) or [limit]
    last_day = cal.end(limit)
    author = p.supervisor.user or p.participant.coordinator
    group = TASK_GROUP.get(p.need.kind, "default")
    base_work, base_swedish, base_coop = rng.randint(2, 4), rng.randint(1, 4), rng.randint(2, 4)
    done_share = 0.97 if p.status in ENDED else 0.85
    past = [off for off in offsets if cal.start(off) < cal.today]
    rows: list[FollowUp] = []
    for i, off in enumerate(offsets):
        due = cal.start(off)
        if due > last_day:  # a weekend at the end: the working day before instead
            due = cal.end(off)
        follow_up = FollowUp(placement_id=row.pk, municipality_id=row.municipality_id, due_date=due)
        logged = due < cal.today and rng.random() < done_share
        if p.force_overdue and past and off == past[-1]:
            logged = False
        if logged:
            assert row.actual_start is not None
            done = min(max(due + dt.timedelta(days=rng.randint(-1, 4)), row.actual_start), cal.today)
            concern = rng.random() < 0.12
            trend = i // 2
            follow_up.done_on = done
            follow_up.author = author
            follow_up.days_present = rng.randint(12, 20)
            follow_up.days_absent = rng.randint(0, 2) + (3 if concern else 0)
            follow_up.tasks_done = rng.choice(texts.FOLLOW_UP_TASKS[group] + texts.FOLLOW_UP_TASKS["default"])
            follow_up.progress_work = _scale(base_work + trend + rng.choice((-1, 0, 0, 1)))
            follow_up.progress_swedish = _scale(base_swedish + trend + rng.choice((-1, 0, 0, 1)))
            follow_up.progress_cooperation = _scale(base_coop + rng.choice((-1, 0, 0, 1)))
            follow_up.concern = concern
            follow_up.concern_text = rng.choice(texts.CONCERNS) if concern else ""
            follow_up.next_steps = rng.choice(texts.NEXT_STEPS)
        rows.append(follow_up)
    return rows


def _scale(value: int) -> int:
    return max(1, min(5, value))


# Where people go when they leave without work or studies, and how often (the demo's guess).
OTHER_EXITS = (
    [ExitReason.OTHER_MEASURE, ExitReason.MOVED, ExitReason.ILLNESS_OR_LEAVE, ExitReason.NO_CONTACT, ExitReason.OTHER],
    [35, 20, 20, 15, 10],
)
WORK_KINDS = ([ExitReason.WORK_REGULAR, ExitReason.WORK_SUBSIDISED, ExitReason.WORK_MUNICIPAL], [60, 28, 12])


def _kind(outcome: str, rng: random.Random) -> tuple[str, str, bool | None]:
    """An exit's reason, the work's expected length and the studies' student aid, from the outcome of the
    person's last placement: most who got work got it for a month or more, most studies give student aid."""
    if outcome == "employment":
        reason = rng.choices(*WORK_KINDS)[0]
        return reason, WorkLength.MONTH_OR_MORE if rng.random() < 0.85 else WorkLength.UNDER_A_MONTH, None
    if outcome == "studies":
        return ExitReason.STUDIES, "", rng.random() < 0.8
    return rng.choices(*OTHER_EXITS)[0], "", None


def outcomes_write(plans: list[ParticipantPlan], *, cal: Calendar, rng: random.Random) -> None:
    """An exit for every time someone's case was closed (moved to "left the programme"), with its reason;
    and for most newcomers whose programme ended 90 days ago or more, their status then."""
    municipality_of = dict(
        Participant.objects.filter(pk__in=[pp.pk for pp in plans]).values_list("pk", "municipality_id")
    )
    exits: list[Exit] = []
    for pp in plans:
        ended = sorted((p for p in pp.placements if p.actual_end is not None), key=lambda p: p.actual_end or 0)
        days: set[dt.date] = set()
        for offset, _from, to_status, _note in pp.status_changes:
            if to_status != ParticipantStatus.EXITED:
                continue
            left_on = max(cal.end(offset), cal.end(pp.referral))
            if left_on in days:
                continue
            days.add(left_on)
            before = [p for p in ended if cal.end(p.actual_end or 0) <= left_on]
            reason, length, aid = _kind(before[-1].outcome if before else "", rng)
            exits.append(
                Exit(  # type: ignore[misc]  # the planned rows have their pks
                    participant_id=pp.pk,
                    municipality_id=municipality_of[pp.pk or 0],
                    left_on=left_on,
                    reason=reason,
                    work_length=length,
                    student_aid=aid,
                    recorded_on=min(cal.today, left_on + dt.timedelta(days=rng.randint(0, 10))),
                    recorded_by=pp.coordinator,
                )
            )
    Exit.objects.bulk_create(exits, batch_size=BATCH)

    by_pk = {pp.pk: pp for pp in plans}
    after = dt.timedelta(days=PROGRAMME_STATUS_DAYS)
    due = Participant.objects.filter(
        pk__in=list(by_pk), establishment_programme_end__lte=cal.today - after
    ).values_list("pk", "establishment_programme_end")
    statuses: list[ProgrammeStatus] = []
    for pk, end in due.order_by("pk"):
        if rng.random() < 0.15:  # not (yet) recorded
            continue
        pp = by_pk[pk]
        assert end is not None  # filtered on it
        outcomes = [p.outcome for p in pp.placements if p.actual_end is not None and cal.end(p.actual_end) <= end]
        reason, length, aid = _kind(outcomes[-1] if outcomes else "", rng)
        statuses.append(
            ProgrammeStatus(
                participant_id=pk,
                municipality_id=municipality_of[pk],
                reason=reason,
                work_length=length,
                student_aid=aid,
                recorded_on=min(cal.today, end + after + dt.timedelta(days=rng.randint(0, 20))),
                recorded_by=pp.coordinator,
            )
        )
    ProgrammeStatus.objects.bulk_create(statuses, batch_size=BATCH)


def agreement_terms_write(*, municipalities: list[Municipality]) -> int:
    """The standard terms of each demo municipality that has none yet (`texts.AGREEMENT_TERMS`, with its
    name): its placements' agreements print them. Terms it already has (an administrator's) stay, and
    `demo_delete` keeps them, like the municipalities. Returns how many were written."""
    missing = [m for m in municipalities if not AgreementTerms.objects.filter(municipality=m).exists()]
    for municipality in missing:
        sections = {name: text.format(municipality=municipality.name) for name, text in texts.AGREEMENT_TERMS.items()}
        AgreementTerms.objects.create(municipality=municipality, **sections)
    return len(missing)


SIGNED_AGREEMENTS = 3  # each is rendered as PDF: a few to show, not every agreed placement


def signed_agreements_write(*, demo_supervisor_pk: int) -> int:
    """Agreed placements as the signing leaves them: the frozen agreement, the three parties'
    signatures and the signed PDF with its signature page, for the demo supervisor's agreed
    placement and the next ones to start. The older history stays as placements agreed before
    signing existed (their agreement prints from the data). Returns how many were signed."""
    agreed = Placement.objects.filter(status=St.AGREED).select_related("participant", "supervisor", "coordinator")
    chosen = list(agreed.filter(supervisor_id=demo_supervisor_pk)[:1])
    chosen += list(
        agreed.exclude(pk__in=[p.pk for p in chosen]).order_by("planned_start", "pk")[: SIGNED_AGREEMENTS - 1]
    )
    signed = 0
    for placement in chosen:
        terms = AgreementTerms.current(placement.municipality_id)
        if terms is None:
            continue
        signed += 1
        content = agreement_pdf(placement, terms=terms)
        document = AgreementDocument(
            placement=placement,
            **tenant_key(placement),
            terms=terms,
            sha256=hashlib.sha256(content).hexdigest(),
            created_by=placement.coordinator,
        )
        document.pdf.save("agreement.pdf", ContentFile(content), save=False)
        document.save()
        parties = (
            (Party.PARTICIPANT, placement.participant.full_name, SignatureMethod.LINK, None),
            (Party.WORKPLACE, placement.supervisor.full_name, SignatureMethod.LINK, None),
            (
                Party.COORDINATOR,
                str(placement.coordinator or "Koordinator"),
                SignatureMethod.IN_APP,
                placement.coordinator,
            ),
        )
        Signature.objects.bulk_create(
            Signature(
                document=document,
                **tenant_key(document),
                party=party,
                name=name,
                method=method,
                user=user,
                document_sha256=document.sha256,
            )
            for party, name, method, user in parties
        )
        signed_document_store(placement=placement)
    return signed
