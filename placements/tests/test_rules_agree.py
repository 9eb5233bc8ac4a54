"""Matching's vectorised exclusions are the rules module's answer, for every pair.

Hypothesis builds random people (status, Swedish, licence, hours, criminal-records checks,
prerequisites, placements they already hold, study times) and random needs (Swedish, licence,
records scope, hours, places and placements holding them, placement types with their limits,
prerequisites, open or not, working hours per weekday, local to one of two municipalities or a
regional employer's published to some of them) and checks, for every (participant, need)
pair, that the reasons matching's arrays give are exactly the reason codes `placements.rules.check`
gives for the placement a ranking proposes (`rules.default_placing`), and that matching warns of a
missing prerequisite exactly when the rules do. Study times and working hours fall on three weekdays,
mostly on the half hour, so that spans often touch (which is no clash) and often overlap.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Municipality
from accounts.tests.factories import MunicipalityFactory, RegionFactory, TeamFactory
from participants.models import ParticipantStatus, RecordsExtractResult, StudyKind
from participants.tests.factories import (
    ParticipantFactory,
    ParticipantPrerequisiteFactory,
    RecordsExtractCheckFactory,
    StudyTimeFactory,
)
from placements import rules
from placements.matching import need_arrays, weights_in_force
from placements.matching.features import forget_features, load_features
from placements.matching.scoring import CODES, PREREQUISITE, score
from placements.models import PlacementStatus
from placements.tests.factories import PlacementFactory
from taxonomy.models import SwedishLevel
from taxonomy.tests.factories import PlacementTypeFactory, PrerequisiteFactory
from workplaces.models import Need, NeedStatus
from workplaces.tests.factories import (
    NeedFactory,
    OrganisationFactory,
    RegionalOrganisationFactory,
    WorkingHoursFactory,
    WorkplaceFactory,
)

pytestmark = pytest.mark.django_db(transaction=False)

TODAY = dt.date(2026, 12, 1)
HOURS = [Decimal("2.0"), Decimal("4.0"), Decimal("6.0"), Decimal("8.0")]
CODE_OF_BIT = {bit: code for code, bit in CODES.items()}
# Times of day in minutes: mostly on the half hour, so that spans often touch (12:00 and 12:00), and
# some at any minute.
MINUTE = st.one_of(st.integers(14, 34).map(lambda half_hours: half_hours * 30), st.integers(7 * 60, 17 * 60))
LENGTH = st.one_of(st.integers(1, 8).map(lambda half_hours: half_hours * 30), st.integers(1, 300))
# (weekday, start minute, length in minutes): three days, so that days meet and miss.
SPAN = st.tuples(st.integers(0, 2), MINUTE, LENGTH)


def _time(minutes: int) -> dt.time:
    return dt.time(minutes // 60, minutes % 60)


people = st.lists(
    st.fixed_dictionaries(
        {
            "status": st.sampled_from([ParticipantStatus.MAPPED, ParticipantStatus.PLACED, ParticipantStatus.REFERRED]),
            "municipality": st.integers(0, 1),
            "swedish": st.sampled_from([SwedishLevel.NONE, SwedishLevel.SFI_B, SwedishLevel.SFI_D, SwedishLevel.SVA]),
            "licence": st.booleans(),
            "hours": st.sampled_from(HOURS),
            # (scope, days before today the extract was issued, approved)
            "checks": st.lists(
                st.tuples(st.sampled_from(["children", "care"]), st.integers(0, 500), st.booleans()), max_size=2
            ),
            # (prerequisite 0 or 1, valid for days from today or None)
            "prerequisites": st.lists(
                st.tuples(st.integers(0, 1), st.one_of(st.none(), st.integers(-10, 400))), max_size=2
            ),
            # a placement they hold: (start offset from today, length in days, active)
            "holds": st.lists(st.tuples(st.integers(-60, 200), st.integers(5, 120), st.booleans()), max_size=2),
            # study times: (weekday, start, length, SFI or other)
            "studies": st.lists(st.tuples(st.integers(0, 2), MINUTE, LENGTH, st.booleans()), max_size=3),
            # pending proposals of theirs, for the needs at these indices (modulo the needs' number)
            "proposed_to": st.sets(st.integers(0, 2), max_size=2),
        }
    ),
    min_size=1,
    max_size=4,
)
needs = st.lists(
    st.fixed_dictionaries(
        {
            "swedish": st.sampled_from([SwedishLevel.NONE, SwedishLevel.SFI_C, SwedishLevel.SVA]),
            "licence": st.booleans(),
            # local to municipality 0 or 1, or regional (None) published to some of the two
            "local_to": st.sampled_from([0, 1, None]),
            "published_to": st.sets(st.integers(0, 1)),
            "records": st.sampled_from(["", "children", "care"]),
            "hours": st.sampled_from(HOURS),
            "places": st.integers(1, 2),
            "start": st.integers(-40, 90),
            "length": st.integers(10, 300),
            "open": st.booleans(),
            "max_weeks": st.sampled_from([None, 4, 26]),
            "max_hours": st.sampled_from([None, Decimal("3"), Decimal("8")]),
            "type_active": st.booleans(),
            "prerequisites": st.sets(st.integers(0, 1), max_size=2),
            # placements of others holding places: (start offset from the need's start, length)
            "held": st.lists(st.tuples(st.integers(-20, 200), st.integers(5, 150)), max_size=3),
            # working hours: at most one span a weekday
            "working": st.lists(SPAN, max_size=3, unique_by=lambda span: span[0]),
        }
    ),
    min_size=1,
    max_size=3,
)


def _build(person_specs: list[dict], need_specs: list[dict]) -> tuple[list[Any], list[Any]]:
    prerequisites = [PrerequisiteFactory(), PrerequisiteFactory()]
    region = RegionFactory()
    municipalities = [MunicipalityFactory(code="2380"), MunicipalityFactory(code="0180")]
    Municipality.objects.filter(pk__in=[m.pk for m in municipalities]).update(region=region)
    for municipality in municipalities:
        municipality.refresh_from_db()
    built_needs = []
    for spec in need_specs:
        start = TODAY + dt.timedelta(days=spec["start"])
        if spec["local_to"] is None:
            employer = RegionalOrganisationFactory(region=region)
        else:
            employer = OrganisationFactory(municipality=municipalities[spec["local_to"]])
        need = NeedFactory(
            workplace=WorkplaceFactory(organisation=employer),
            published_to=[municipalities[i] for i in spec["published_to"]] if spec["local_to"] is None else [],
            min_swedish_level=spec["swedish"],
            requires_driving_licence=spec["licence"],
            records_extract=spec["records"],
            hours_per_day=spec["hours"],
            places=spec["places"],
            start_date=start,
            end_date=start + dt.timedelta(days=spec["length"]),
            status=NeedStatus.OPEN if spec["open"] else NeedStatus.CLOSED,
            placement_type=PlacementTypeFactory(
                max_weeks=spec["max_weeks"], max_hours_per_day=spec["max_hours"], active=spec["type_active"]
            ),
        )
        need.prerequisites.set([prerequisites[i] for i in spec["prerequisites"]])
        for weekday, begin, length in spec["working"]:
            WorkingHoursFactory(need=need, weekday=weekday, starts_at=_time(begin), ends_at=_time(begin + length))
        for offset, length in spec["held"]:
            held_start = start + dt.timedelta(days=offset)
            PlacementFactory(
                need=need,
                status=PlacementStatus.AGREED,
                planned_start=held_start,
                planned_end=held_start + dt.timedelta(days=length),
            )
        built_needs.append(need)
    built_people = []
    for spec in person_specs:
        person = ParticipantFactory(
            team=TeamFactory(municipality=municipalities[spec["municipality"]]),
            status=spec["status"],
            swedish_level=spec["swedish"],
            has_driving_licence=spec["licence"],
            hours_per_day=spec["hours"],
        )
        for scope, age, approved in spec["checks"]:
            extract = TODAY - dt.timedelta(days=age)
            RecordsExtractCheckFactory(
                participant=person,
                scope=scope,
                extract_date=extract,
                checked_on=extract,
                result=RecordsExtractResult.APPROVED if approved else RecordsExtractResult.NOT_APPROVED,
            )
        for index, valid_for in spec["prerequisites"]:
            ParticipantPrerequisiteFactory(
                participant=person,
                prerequisite=prerequisites[index],
                obtained_on=TODAY - dt.timedelta(days=20),
                valid_until=None if valid_for is None else TODAY + dt.timedelta(days=valid_for),
            )
        for weekday, begin, length, sfi in spec["studies"]:
            StudyTimeFactory(
                participant=person,
                weekday=weekday,
                starts_at=_time(begin),
                ends_at=_time(begin + length),
                kind=StudyKind.SFI if sfi else StudyKind.OTHER,
            )
        free_from = TODAY - dt.timedelta(days=90)
        for offset, length, active in spec["holds"]:
            # One person's held placements never overlap (PostgreSQL's exclusion constraint says so too).
            held_start = max(TODAY + dt.timedelta(days=offset), free_from)
            free_from = held_start + dt.timedelta(days=length + 4)
            PlacementFactory(
                participant=person,
                status=PlacementStatus.ACTIVE if active else PlacementStatus.AGREED,
                planned_start=held_start,
                planned_end=held_start + dt.timedelta(days=length),
                actual_start=held_start - dt.timedelta(days=3) if active else None,
            )
        for index in {i % len(built_needs) for i in spec["proposed_to"]}:
            need = built_needs[index]
            PlacementFactory(
                participant=person,
                need=need,
                status=PlacementStatus.PROPOSED,
                planned_start=need.start_date,
                planned_end=need.end_date,
            )
        built_people.append(person)
    return built_people, built_needs


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(person_specs=people, need_specs=needs)
def test_matching_excludes_and_warns_exactly_as_the_rules_say(person_specs, need_specs) -> None:
    with transaction.atomic():
        built_people, built_needs = _build(person_specs, need_specs)
        forget_features()
        features = load_features()
        loaded = list(
            Need.objects.filter(pk__in=[n.pk for n in built_needs])
            .select_related("workplace__district", "workplace__organisation", "placement_type", "occupation")
            .prefetch_related("prerequisites", "workplace__prerequisites", "published_to")
            .order_by("pk")
        )
        weights = weights_in_force().for_rows(features.participants.municipality)
        scores = score(features, need_arrays(loaded, TODAY), weights, TODAY.toordinal())
        for person in built_people:
            row = features.participants.index_of[person.pk]
            for column, need in enumerate(loaded):
                bits = int(scores.excluded[row, column])
                from_matching = {code for bit, code in CODE_OF_BIT.items() if bits & bit}
                problems = rules.check(
                    rules.default_placing(participant=person, need=need, today=TODAY), stage=rules.Stage.RANK
                )
                from_rules = {p.code for p in rules.blocking(problems)}
                assert from_matching == from_rules, (person_specs, need_specs, column)
                warned = bool(int(scores.warnings[row, column]) & PREREQUISITE)
                assert warned == ("prerequisite_missing" in rules.codes(problems))
        transaction.set_rollback(True)
    forget_features()


def test_every_exclusion_bit_names_a_rule() -> None:
    assert set(CODES) == set(rules.PAIR_CODES) | set(rules.NEED_CODES)
    assert len(set(CODES.values())) == len(CODES)
    assert all(np.int16(bit) == bit for bit in CODES.values())
