"""Whether a participant may take a place: the one home of the rules.

Every path asks here — the ranking and the allocation (through `matching`, whose vectorised form a
property test holds equal to this module), proposing on the form, from a ranking or an allocation
row, editing a proposal, agreeing, starting, the need form and the API — and none re-states a rule.

`check` returns every broken rule at once, each a `Problem` with a reason code, the form field it
belongs to and a translated message, so a coordinator sees everything to fix in one round. What is
taken in the period comes from `occupancy`. The services lock the need, the supervisor and the
participant before they ask, so the answer still holds when they write.

The rules, by code:

    participant_not_ready   the participant's status is not mapped or placed
    participant_busy        an agreed or active placement of theirs overlaps the period
    already_proposed        a new placement for a need they already have a pending proposal for (a
                            second proposal of the same person to the same need); the proposal
                            itself, changed, agreed or started, is not asked (its `exclude_pk`)
    need_elsewhere          the need is not offered to the participant's municipality (a local
                            employer's need is its municipality's; a regional employer's, the
                            municipalities it is published to: workplaces.Need.municipality_ids).
                            Its places and its supervisors' load are shared by all of them: what is
                            taken counts every municipality's placements (occupancy)
    swedish_level           Swedish below the need's minimum
    driving_licence         the need asks for a driving licence they do not have
    records_extract         no approved criminal-records extract check for the need's scope that is
                            valid through the period's end
    hours_available         more hours a day than the participant can work
    timetable_clash         the need's working hours overlap the participant's study time (SFI or other
                            education) on some weekday. Both are weekly spans, compared exactly to the
                            minute as half-open intervals: studies ending 12:00 and work starting 12:00
                            do not clash. A need without working hours, or a person without study
                            times, never clashes. The message lists every clash, in the order of the
                            week: "krockar med SFI tisdag 08:30–12:00, SFI onsdag 08:30–12:00" (a week
                            holds only a few). The period does not narrow it: a placement runs weeks.
    need_not_open           the need is not open
    need_period             the period falls outside the need's, or ends before it starts
    need_full               every place of the need is taken somewhere in the period
    type_inactive           the placement type takes no new placements
    type_hours              more hours a day than the type allows
    type_weeks              longer than the type allows
    decision_reference      the type needs the decision reference (when one is asked for)
    supervisor_missing      no supervisor chosen
    supervisor_inactive     the supervisor is no longer active
    supervisor_elsewhere    the supervisor works at another workplace
    supervisor_full         the supervisor has as many participants as they can take in the period
    supervisor_untrained    the supervisor's training is not valid through the period's end, and the
                            coordinator has not confirmed proposing anyway
    prerequisite_missing    the person lacks a prerequisite of the need or its workplace valid through
                            the period's end: a reason in the ranking, blocks agreeing and starting,
                            not proposing
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _

from accounts.numbers import number_text
from participants.models import (
    Participant,
    ParticipantStatus,
    RecordsExtractCheck,
    RecordsExtractResult,
    StudyKind,
    StudyTime,
)
from supervisors.models import Supervisor
from supervisors.selectors import with_training_through
from taxonomy.models import PlacementType, Prerequisite
from workplaces.models import Need, NeedStatus

from . import occupancy

# Participants who may be proposed for a placement.
READY_STATUSES = (ParticipantStatus.MAPPED, ParticipantStatus.PLACED)


class Stage(Enum):
    """Where in the life cycle the rules are asked. Prerequisites block from agreeing on."""

    RANK = "rank"
    PROPOSE = "propose"
    AGREE = "agree"
    ACTIVATE = "activate"


# The rules that depend on the participant and the need (and the period): what matching computes
# for every pair at once. The others depend on the need alone or on the supervisor.
PAIR_CODES = (
    "participant_not_ready",
    "participant_busy",
    "already_proposed",
    "need_elsewhere",
    "swedish_level",
    "driving_licence",
    "records_extract",
    "hours_available",
    "timetable_clash",
)
NEED_CODES = ("need_not_open", "need_period", "need_full", "type_inactive", "type_hours", "type_weeks")


@dataclass(frozen=True)
class Problem:
    code: str
    field: str
    message: str
    blocking: bool = True


@dataclass
class Placing:
    """A placement as it would be: who, where, with whom, when, how much. `decision_reference` None
    means it is not asked yet (a ranking); `exclude_pk` is the placement itself once it exists."""

    participant: Participant
    need: Need
    start: dt.date
    end: dt.date
    hours_per_day: Decimal
    supervisor: Supervisor | None = None
    placement_type: PlacementType | None = None
    decision_reference: str | None = None
    confirm_untrained: bool = False
    exclude_pk: int | None = None
    type_: PlacementType = field(init=False)

    def __post_init__(self) -> None:
        self.type_ = self.placement_type or self.need.placement_type


def default_period(need: Need, today: dt.date) -> tuple[dt.date, dt.date]:
    """The period a placement at the need is proposed for: from today or the need's start, whichever
    is later, to the need's end, at most as long as the placement type allows."""
    start = max(need.start_date, today)
    end = need.end_date
    weeks = need.placement_type.max_weeks
    if weeks:
        end = min(end, start + dt.timedelta(weeks=weeks))
    return start, end


def default_placing(*, participant: Participant, need: Need, today: dt.date) -> Placing:
    """What a ranking and one click propose: the default period and the need's hours a day."""
    start, end = default_period(need, today)
    return Placing(participant=participant, need=need, start=start, end=end, hours_per_day=need.hours_per_day)


# --- the rules of the participant and the need ---------------------------------------------------


def pair_problems(placing: Placing) -> list[Problem]:
    """The rules of this participant for this need in the period (what matching vectorises)."""
    person, need = placing.participant, placing.need
    found: list[Problem] = []
    if person.status not in READY_STATUSES:
        found.append(
            Problem(
                "participant_not_ready",
                "participant",
                _("%(name)s is not ready for a placement (status: %(status)s).")
                % {"name": person.full_name, "status": person.get_status_display()},
            )
        )
    if occupancy.participant_busy(
        participant=person, start=placing.start, end=placing.end, exclude_pk=placing.exclude_pk
    ):
        found.append(
            Problem(
                "participant_busy",
                "participant",
                _("%(name)s already has a placement in that period.") % {"name": person.full_name},
            )
        )
    if placing.exclude_pk is None and occupancy.already_proposed(participant=person, need=need):
        found.append(
            Problem(
                "already_proposed",
                "participant",
                _("%(name)s is already proposed for this need.") % {"name": person.full_name},
            )
        )
    if person.municipality_id not in need.municipality_ids():
        found.append(Problem("need_elsewhere", "need", _("The need is not offered to the participant's municipality.")))
    if person.swedish_level < need.min_swedish_level:
        found.append(
            Problem(
                "swedish_level",
                "participant",
                _("The need asks for Swedish at level %(level)s at least.")
                % {"level": need.get_min_swedish_level_display()},
            )
        )
    if need.requires_driving_licence and not person.has_driving_licence:
        found.append(Problem("driving_licence", "participant", _("The need asks for a driving licence.")))
    if need.records_extract and not records_check_valid(person, scope=need.records_extract, through=placing.end):
        found.append(
            Problem(
                "records_extract",
                "participant",
                _("No approved criminal-records extract check for “%(scope)s” valid until %(end)s.")
                % {"scope": need.get_records_extract_display(), "end": placing.end},
            )
        )
    if placing.hours_per_day and placing.hours_per_day > person.hours_per_day:
        found.append(
            Problem(
                "hours_available",
                "hours_per_day",
                _("%(name)s can work at most %(hours)s hours a day.")
                % {"name": person.full_name, "hours": number_text(person.hours_per_day)},
            )
        )
    clashes = timetable_clashes(participant=person, need=need)
    if clashes:
        found.append(Problem("timetable_clash", "participant", timetable_clash_text(clashes)))
    return found


def timetable_clash_text(clashes: Iterable[StudyTime]) -> str:
    """ "The need's working hours clash with SFI tisdag 08:30–12:00, …": the rule's reason, also
    where matching lists why a person or a need is excluded."""
    return _("The need's working hours clash with %(times)s.") % {
        "times": ", ".join(study_time_label(study) for study in clashes)
    }


def study_time_label(study: StudyTime) -> str:
    """ "SFI tisdag 08:30–12:00": what the person studies, on which day, when (as the rule says it)."""
    what = _("SFI") if study.kind == StudyKind.SFI else _("studies")
    return _("%(what)s %(day)s %(start)s–%(end)s") % {
        "what": what,
        "day": study.get_weekday_display(),
        "start": f"{study.starts_at:%H:%M}",
        "end": f"{study.ends_at:%H:%M}",
    }


def timetable_clashes(*, participant: Participant, need: Need) -> list[StudyTime]:
    """The person's study times that overlap the need's working hours on their weekday, in the order
    of the week. Half-open spans: one that ends when the other starts does not overlap."""
    if participant.pk is None or need.pk is None:
        return []
    hours = {h.weekday: h for h in need.working_hours.all()}
    if not hours:
        return []
    clashes = []
    for study in participant.study_times.all():
        work = hours.get(study.weekday)
        if work is not None and study.starts_at < work.ends_at and work.starts_at < study.ends_at:
            clashes.append(study)
    return clashes


def records_check_valid(participant: Participant, *, scope: str, through: dt.date) -> bool:
    """An approved check for `scope` whose extract is still valid on `through` (the period's end)."""
    oldest = through - dt.timedelta(days=RecordsExtractCheck.VALID_DAYS)
    return RecordsExtractCheck.objects.filter(
        participant=participant, scope=scope, result=RecordsExtractResult.APPROVED, extract_date__gte=oldest
    ).exists()


def required_prerequisites(need: Need) -> list[Prerequisite]:
    """What the need and its workplace ask of a person, each once, by name."""
    wanted = {p.pk: p for p in need.prerequisites.all()}
    wanted.update({p.pk: p for p in need.workplace.prerequisites.all()})
    return sorted(wanted.values(), key=lambda p: (p.name, p.pk))


def missing_prerequisites(participant: Participant, need: Need, *, through: dt.date) -> list[Prerequisite]:
    """The prerequisites of the need the participant lacks, or has only until before `through`."""
    required = required_prerequisites(need)
    if not required:
        return []
    held = {
        p.prerequisite_id
        for p in participant.prerequisites.filter(prerequisite__in=[r.pk for r in required])
        if p.holds_through(through)
    }
    return [r for r in required if r.pk not in held]


def prerequisite_problems(placing: Placing, *, stage: Stage) -> list[Problem]:
    missing = missing_prerequisites(placing.participant, placing.need, through=placing.end)
    if not missing:
        return []
    return [
        Problem(
            "prerequisite_missing",
            "participant",
            _("Missing before the start: %(missing)s.") % {"missing": ", ".join(p.localised_name for p in missing)},
            blocking=stage in (Stage.AGREE, Stage.ACTIVATE),
        )
    ]


# --- the rules of the need, the type and the period ----------------------------------------------


def need_problems(placing: Placing, *, stage: Stage) -> list[Problem]:
    """The need's status, its period, its places in the period, and the placement type's rules."""
    taken = None
    if placing.end > placing.start:
        taken = occupancy.places_taken(
            need=placing.need, start=placing.start, end=placing.end, exclude_pk=placing.exclude_pk
        )
    return period_problems(placing, stage=stage, taken=taken)


def period_problems(placing: Placing, *, stage: Stage, taken: int | None) -> list[Problem]:
    """`need_problems` with the places already counted (`taken` in the period; None if it is empty)."""
    need, type_ = placing.need, placing.type_
    found: list[Problem] = []
    if stage in (Stage.RANK, Stage.PROPOSE) and need.status != NeedStatus.OPEN:
        found.append(Problem("need_not_open", "need", _("The need is not open.")))
    if placing.end <= placing.start:
        found.append(Problem("need_period", "end", _("The end date must be after the start date.")))
    elif stage != Stage.ACTIVATE and (placing.start < need.start_date or placing.end > need.end_date):
        found.append(
            Problem(
                "need_period",
                "start",
                _("The placement must fall within the need's period (%(start)s – %(end)s).")
                % {"start": need.start_date, "end": need.end_date},
            )
        )
    if taken is not None and taken >= need.places:
        found.append(
            Problem(
                "need_full",
                "need",
                _("All places of this need are taken for that period (%(taken)s of %(places)s).")
                % {"taken": taken, "places": need.places},
            )
        )
    if stage in (Stage.RANK, Stage.PROPOSE) and not type_.active:
        found.append(
            Problem("type_inactive", "need", _("%(type)s takes no new placements.") % {"type": type_.localised_name})
        )
    found.extend(type_problems(type_, placing))
    return found


def ranking_need_problems(needs: list[Need], *, today: dt.date) -> dict[int, list[Problem]]:
    """What stops any placement at each need, in its default period with its hours a day: what a
    ranking or an allocation shows for the need as a whole (the places counted for all at once)."""
    periods = {need.pk: default_period(need, today) for need in needs}
    taken = occupancy.places_taken_in({pk: period for pk, period in periods.items() if period[1] > period[0]})
    found = {}
    nobody = Participant()  # the rules of the need alone read nothing of the participant
    for need in needs:
        start, end = periods[need.pk]
        placing = Placing(participant=nobody, need=need, start=start, end=end, hours_per_day=need.hours_per_day)
        found[need.pk] = period_problems(placing, stage=Stage.RANK, taken=taken.get(need.pk))
    return found


def type_problems(type_: PlacementType, placing: Placing) -> list[Problem]:
    fields = {"hours_per_day": ("type_hours", "hours_per_day"), "period": ("type_weeks", "end")}
    violations = type_.rule_violations(
        hours_per_day=placing.hours_per_day,
        start=placing.start,
        end=placing.end,
        decision_reference=placing.decision_reference,
    )
    found = []
    for key, message in violations.items():
        code, form_field = fields.get(key, ("decision_reference", "decision_reference"))
        found.append(Problem(code, form_field, message))
    return found


# --- the rules of the supervisor -----------------------------------------------------------------


def trained_through(supervisor: Supervisor, *, start: dt.date, end: dt.date) -> dt.date | None:
    """The end of a training completed by `start` and valid through `end`, or None."""
    rows = with_training_through(Supervisor.objects.filter(pk=supervisor.pk), start=start, end=end)
    value: dt.date | None = getattr(rows.first(), "trained_until", None)
    return value


def supervisor_problems(placing: Placing) -> list[Problem]:
    supervisor = placing.supervisor
    if supervisor is None:
        return [Problem("supervisor_missing", "supervisor", _("Choose the supervisor."))]
    found: list[Problem] = []
    if not supervisor.active:
        found.append(Problem("supervisor_inactive", "supervisor", _("The supervisor is no longer active.")))
    if supervisor.workplace_id != placing.need.workplace_id:
        found.append(
            Problem("supervisor_elsewhere", "supervisor", _("The supervisor must work at the need's workplace."))
        )
    if placing.end > placing.start:
        load = occupancy.supervisor_load(
            supervisor=supervisor, start=placing.start, end=placing.end, exclude_pk=placing.exclude_pk
        )
        if load >= supervisor.max_participants:
            found.append(
                Problem(
                    "supervisor_full",
                    "supervisor",
                    _("%(supervisor)s already supervises as many participants as they can in that period (%(max)s).")
                    % {"supervisor": supervisor.full_name, "max": supervisor.max_participants},
                )
            )
        if not placing.confirm_untrained and trained_through(supervisor, start=placing.start, end=placing.end) is None:
            found.append(
                Problem(
                    "supervisor_untrained",
                    "confirm_untrained",
                    _("%(name)s has no supervisor training valid through %(end)s. Confirm to go ahead anyway.")
                    % {"name": supervisor.full_name, "end": placing.end},
                )
            )
    return found


# --- asking ----------------------------------------------------------------------------------------


def check(placing: Placing, *, stage: Stage) -> list[Problem]:
    """Every rule the placing breaks at this stage, blocking or not, in the order a form shows them."""
    found = pair_problems(placing) + need_problems(placing, stage=stage)
    if stage != Stage.RANK:
        found += supervisor_problems(placing)
    found += prerequisite_problems(placing, stage=stage)
    return found


def blocking(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.blocking]


def codes(problems: Iterable[Problem]) -> set[str]:
    return {p.code for p in problems}


def as_validation_error(problems: Iterable[Problem]) -> ValidationError:
    """The problems as one ValidationError keyed by form field, each message with its reason code."""
    by_field: dict[str, list[ValidationError]] = {}
    for problem in problems:
        key = problem.field or NON_FIELD_ERRORS
        by_field.setdefault(key, []).append(ValidationError(problem.message, code=problem.code))
    return ValidationError(by_field)


def error_codes(error: ValidationError) -> set[str]:
    """The reason codes in a ValidationError the rules raised (for callers that branch on them)."""
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors if e.code}
    return {e.code for e in error.error_list if e.code}


def require(placing: Placing, *, stage: Stage) -> list[Problem]:
    """Raise every blocking problem at once; return the warnings (the ones that do not block)."""
    found = check(placing, stage=stage)
    stop = blocking(found)
    if stop:
        raise as_validation_error(stop)
    return found
