"""Matching: hand-built cases whose right order is obvious, exclusions with reasons, fairness."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import CoordinatorFactory
from participants.models import (
    Gender,
    ParticipantStatus,
    RecordsExtractResult,
    RecordsExtractScope,
    RegionOfBirth,
)
from participants.tests.factories import (
    InterestFactory,
    ParticipantFactory,
    RecordsExtractCheckFactory,
    WorkExperienceFactory,
)
from placements import matching
from placements.matching import rank_candidates, rank_needs
from placements.matching.features import forget_features, load_features
from placements.models import MatchingWeights
from placements.tests.factories import PlacementFactory
from taxonomy.models import SwedishLevel
from taxonomy.tests.factories import OccupationFactory
from workplaces.models import RecordsExtractRequirement
from workplaces.tests.factories import NeedFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


@pytest.fixture
def need():
    return NeedFactory(
        occupation=OccupationFactory(code="5321"),
        start_date=TODAY + dt.timedelta(days=7),
        end_date=TODAY + dt.timedelta(days=90),
        min_swedish_level=SwedishLevel.SFI_B,
    )


def _person(coordinator, **fields):
    return ParticipantFactory(team=coordinator.team, coordinator=coordinator, **fields)


def _order(ranking) -> list[int]:
    return [c.participant.pk for c in ranking.candidates]


def test_an_exact_unit_group_with_ten_years_beats_a_major_group_match(coordinator, need) -> None:
    major = _person(coordinator)
    WorkExperienceFactory(participant=major, occupation=OccupationFactory(code="5120"), years=Decimal("10"))
    exact = _person(coordinator)
    WorkExperienceFactory(participant=exact, occupation=OccupationFactory(code="5321"), years=Decimal("10"))
    minor = _person(coordinator)
    WorkExperienceFactory(participant=minor, occupation=OccupationFactory(code="5322"), years=Decimal("10"))
    ranking = rank_candidates(need=need, user=coordinator)
    assert _order(ranking) == [exact.pk, minor.pk, major.pk]
    top = {c.criterion: c.points for c in ranking.candidates[0].contributions}
    assert top["experience"] == pytest.approx(4.0)  # full weight: same unit group, ten years
    assert ranking.candidates[0].score == pytest.approx(sum(top.values()), abs=1e-3)


def test_more_years_in_the_same_occupation_ranks_higher(coordinator, need) -> None:
    short = _person(coordinator)
    WorkExperienceFactory(participant=short, occupation=OccupationFactory(code="5321"), years=Decimal("1"))
    long = _person(coordinator)
    WorkExperienceFactory(participant=long, occupation=OccupationFactory(code="5321"), years=Decimal("8"))
    assert _order(rank_candidates(need=need, user=coordinator)) == [long.pk, short.pk]


def test_an_interest_in_the_field_counts(coordinator, need) -> None:
    interested = _person(coordinator)
    InterestFactory(
        participant=interested, occupation=OccupationFactory(code="5321")._meta.model.objects.get(code="53")
    )
    indifferent = _person(coordinator)
    assert _order(rank_candidates(need=need, user=coordinator)) == [interested.pk, indifferent.pk]


def test_two_months_left_in_the_programme_ranks_above_twenty(coordinator, need) -> None:
    twenty = _person(coordinator, newcomer=True)
    twenty.establishment_programme_end = TODAY + dt.timedelta(days=20 * 30)
    twenty.save()
    two = _person(coordinator, newcomer=True)
    two.establishment_programme_end = TODAY + dt.timedelta(days=2 * 30)
    two.save()
    assert _order(rank_candidates(need=need, user=coordinator)) == [two.pk, twenty.pk]


def test_hard_constraints_exclude_with_their_reasons(coordinator) -> None:
    need = NeedFactory(
        occupation=OccupationFactory(code="5311"),
        start_date=TODAY + dt.timedelta(days=7),
        end_date=TODAY + dt.timedelta(days=90),
        min_swedish_level=SwedishLevel.SFI_C,
        requires_driving_licence=True,
        records_extract=RecordsExtractRequirement.CHILDREN,
        hours_per_day=Decimal("5.0"),
    )
    fits = _person(coordinator, has_driving_licence=True, swedish_level=SwedishLevel.SFI_D, hours_per_day=Decimal("6"))
    RecordsExtractCheckFactory(participant=fits, scope=RecordsExtractScope.CHILDREN)
    no_licence = _person(coordinator, swedish_level=SwedishLevel.SFI_D, hours_per_day=Decimal("6"))
    RecordsExtractCheckFactory(participant=no_licence, scope=RecordsExtractScope.CHILDREN)
    refused_check = _person(
        coordinator, has_driving_licence=True, swedish_level=SwedishLevel.SFI_D, hours_per_day=Decimal("6")
    )
    RecordsExtractCheckFactory(
        participant=refused_check, scope=RecordsExtractScope.CHILDREN, result=RecordsExtractResult.NOT_APPROVED
    )
    little_swedish = _person(
        coordinator, has_driving_licence=True, swedish_level=SwedishLevel.SFI_A, hours_per_day=Decimal("6")
    )
    RecordsExtractCheckFactory(participant=little_swedish, scope=RecordsExtractScope.CHILDREN)
    referred = _person(coordinator, status=ParticipantStatus.REFERRED)
    ranking = rank_candidates(need=need, user=coordinator)
    assert _order(ranking) == [fits.pk]
    reasons = {e.participant.pk: e.reasons for e in ranking.excluded}
    assert reasons[no_licence.pk] == ["Inget körkort"]
    assert reasons[refused_check.pk] == ["Ingen kontroll av utdrag ur belastningsregistret som gäller hela perioden"]
    assert reasons[little_swedish.pk] == ["Svenska under behovets lägsta nivå"]
    assert "Inte redo för en praktikperiod (status)" in reasons[referred.pk]
    assert ranking.eligible_count == 1


def test_a_person_in_another_placement_in_the_period_is_excluded(coordinator, need) -> None:
    busy = PlacementFactory(
        active=True,
        participant__team=coordinator.team,
        planned_start=TODAY - dt.timedelta(days=10),
        planned_end=TODAY + dt.timedelta(days=30),
    ).participant
    free = _person(coordinator)
    ranking = rank_candidates(need=need, user=coordinator)
    assert _order(ranking) == [free.pk]
    assert busy.pk in {e.participant.pk for e in ranking.excluded}


def test_only_the_coordinators_own_team_is_ranked(coordinator, need) -> None:
    mine = _person(coordinator)
    ParticipantFactory()  # another team
    assert _order(rank_candidates(need=need, user=coordinator)) == [mine.pk]


def test_weights_set_by_an_administrator_change_the_order(coordinator, need) -> None:
    experienced = _person(coordinator)
    WorkExperienceFactory(participant=experienced, occupation=OccupationFactory(code="5321"), years=Decimal("5"))
    urgent = _person(coordinator, newcomer=True)
    urgent.establishment_programme_end = TODAY + dt.timedelta(days=10)
    urgent.save()
    assert _order(rank_candidates(need=need, user=coordinator))[0] == experienced.pk
    MatchingWeights.objects.create(municipality=coordinator.municipality, experience=Decimal("0.1"))
    assert _order(rank_candidates(need=need, user=coordinator))[0] == urgent.pk


def test_protected_attributes_change_no_ranking(coordinator, need) -> None:
    from participants.identity import make_test_identity_number

    people = []
    for index, years in enumerate([1, 3, 3, 6, 9]):
        person = _person(
            coordinator,
            gender=Gender.FEMALE,
            identity_number=make_test_identity_number(dt.date(1990, 1, 1 + index), 990),
        )
        WorkExperienceFactory(participant=person, occupation=OccupationFactory(code="5321"), years=Decimal(years))
        people.append(person)
    before = rank_candidates(need=need, user=coordinator)
    for index, person in enumerate(people):
        person.gender = Gender.MALE if index % 2 else Gender.OTHER
        person.identity_number = make_test_identity_number(dt.date(1960 + 7 * index, 6, 15), 981 + index)
        person.first_name, person.last_name = f"Annat{index}", "Namn"
        person.save()
    after = rank_candidates(need=need, user=coordinator)
    assert _order(after) == _order(before)
    assert [c.score for c in after.candidates] == [c.score for c in before.candidates]


def test_the_region_of_birth_changes_no_ranking(coordinator, need) -> None:
    people = []
    for years in [1, 3, 3, 6, 9]:
        person = _person(coordinator, region_of_birth=RegionOfBirth.SWEDEN)
        WorkExperienceFactory(participant=person, occupation=OccupationFactory(code="5321"), years=Decimal(years))
        people.append(person)
    before = rank_candidates(need=need, user=coordinator)
    regions = [RegionOfBirth.AFRICA, RegionOfBirth.ASIA, "", RegionOfBirth.UNKNOWN, RegionOfBirth.EU]
    for person, region in zip(people, regions, strict=True):
        person.region_of_birth = region
        person.save()
    after = rank_candidates(need=need, user=coordinator)
    assert _order(after) == _order(before)
    assert [c.score for c in after.candidates] == [c.score for c in before.candidates]


def test_matching_never_reads_the_region_of_birth(coordinator) -> None:
    """Neither the features matching loads (its only read of case files) nor any of its code
    names the field: the statistics' region of birth cannot reach a ranking."""
    WorkExperienceFactory(participant=_person(coordinator, region_of_birth=RegionOfBirth.AFRICA))
    forget_features()
    with CaptureQueriesContext(connection) as queries:
        features = load_features()
    assert len(features.participants.ids) == 1
    assert queries and not [q["sql"] for q in queries if "region_of_birth" in q["sql"]]
    package = Path(matching.__file__).parent
    sources = [*package.glob("*.py"), package.parent / "rules.py"]
    assert not [path.name for path in sources if "region_of_birth" in path.read_text()]


def test_a_ranking_uses_a_fixed_number_of_queries(coordinator, need) -> None:
    for _ in range(3):
        WorkExperienceFactory(participant=_person(coordinator))
    rank_candidates(need=need, user=coordinator)
    with CaptureQueriesContext(connection) as few:
        rank_candidates(need=need, user=coordinator)
    for _ in range(25):
        WorkExperienceFactory(participant=_person(coordinator))
    rank_candidates(need=need, user=coordinator)  # reloads the changed features
    with CaptureQueriesContext(connection) as many:
        rank_candidates(need=need, user=coordinator)
    assert len(many) == len(few)


def test_needs_are_ranked_for_a_participant(coordinator) -> None:
    person = _person(coordinator, swedish_level=SwedishLevel.SFI_C)
    WorkExperienceFactory(participant=person, occupation=OccupationFactory(code="5120"), years=Decimal("6"))
    start, end = TODAY + dt.timedelta(days=7), TODAY + dt.timedelta(days=60)
    kitchen = NeedFactory(occupation=OccupationFactory(code="5120"), start_date=start, end_date=end)
    care = NeedFactory(occupation=OccupationFactory(code="5321"), start_date=start, end_date=end)
    too_much_swedish = NeedFactory(
        occupation=OccupationFactory(code="5120"), start_date=start, end_date=end, min_swedish_level=SwedishLevel.SVA
    )
    ranking = rank_needs(participant=person, user=coordinator)
    assert [m.need.pk for m in ranking.matches] == [kitchen.pk, care.pk]
    assert too_much_swedish.pk not in {m.need.pk for m in ranking.matches}
    # The page says why a need is not among the matches.
    assert {e.need.pk: e.reasons for e in ranking.excluded} == {
        too_much_swedish.pk: ["Svenska under behovets lägsta nivå"]
    }


def test_the_cached_features_follow_changes_in_the_data(coordinator, need) -> None:
    first = _person(coordinator)
    assert _order(rank_candidates(need=need, user=coordinator)) == [first.pk]
    newcomer = _person(coordinator)
    WorkExperienceFactory(participant=newcomer, occupation=need.occupation, years=Decimal("5"))
    assert _order(rank_candidates(need=need, user=coordinator)) == [newcomer.pk, first.pk]
    PlacementFactory(
        active=True,
        participant=newcomer,
        planned_start=TODAY,
        planned_end=TODAY + dt.timedelta(days=30),
    )
    assert _order(rank_candidates(need=need, user=coordinator)) == [first.pk]


def test_related_experience_ranks_above_interest_alone_whatever_the_time_left(coordinator, need) -> None:
    """Half a year in the same SSYK minor group (5322 for a 5321 need) beats an interest in the very
    occupation with the establishment programme ending tomorrow; between two with the same interest,
    the one with less time left comes first."""
    experienced = _person(coordinator)
    WorkExperienceFactory(participant=experienced, occupation=OccupationFactory(code="5322"), years=Decimal("0.5"))
    ending = dict(
        residence_permit_date=TODAY - dt.timedelta(days=729), establishment_programme_end=TODAY + dt.timedelta(days=1)
    )
    urgent = _person(coordinator, **ending)
    InterestFactory(participant=urgent, occupation=need.occupation)
    later = _person(
        coordinator,
        residence_permit_date=TODAY - dt.timedelta(days=100),
        establishment_programme_end=TODAY + dt.timedelta(days=630),
    )
    InterestFactory(participant=later, occupation=need.occupation)
    assert _order(rank_candidates(need=need, user=coordinator)) == [experienced.pk, urgent.pk, later.pk]
