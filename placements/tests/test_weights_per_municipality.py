"""The matching weights per municipality: each participant is scored with their municipality's
weights (a municipality without its own ranks with the defaults), and an administrator sees and
changes only their municipality's in the admin (issue 19, point 1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import MunicipalityFactory, UserFactory
from participants.tests.factories import ParticipantFactory, WorkExperienceFactory
from placements.matching import rank_candidates, rank_needs, weights_in_force
from placements.matching.allocation import best_allocation
from placements.models import MatchingWeights
from placements.tests.factories import MatchingWeightsFactory
from placements.tests.test_regional_needs import World, make_world
from privacy.tests.factories import AdministratorFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
# Experience in the need's own occupation for five years: the experience term is 0.75 + 0.25 x 5 / 10.
EXPERIENCE_TERM = 0.875


@pytest.fixture
def world() -> World:
    return make_world(places=2)


def _pair(world: World, coordinator: Any) -> tuple[Any, Any]:
    """In the coordinator's municipality: one person with five years in the need's occupation, one
    whose establishment programme ends in ten days and who has done no such work."""
    experienced = world.participant(coordinator)
    WorkExperienceFactory(participant=experienced, occupation=world.need.occupation, years=Decimal("5"))
    urgent = ParticipantFactory(
        team=coordinator.team,
        coordinator=coordinator,
        newcomer=True,
        residence_permit_date=TODAY - dt.timedelta(days=720),
    )
    return experienced, urgent


def _order(ranking: Any) -> list[int]:
    return [candidate.participant.pk for candidate in ranking.candidates]


def _points(contributions: Any, criterion: str) -> float:
    return next(c.points for c in contributions if c.criterion == criterion)


def test_two_municipalities_rank_the_same_needs_candidates_each_with_its_own_weights(world: World) -> None:
    MatchingWeightsFactory(municipality=world.b, experience=Decimal("0.1"))  # A keeps the defaults
    experienced_a, urgent_a = _pair(world, world.coordinator_a)
    experienced_b, urgent_b = _pair(world, world.coordinator_b)

    assert _order(rank_candidates(need=world.need, user=world.coordinator_a)) == [experienced_a.pk, urgent_a.pk]
    assert _order(rank_candidates(need=world.need, user=world.coordinator_b)) == [urgent_b.pk, experienced_b.pk]

    # A superuser's ranking of both scores each participant with their own municipality's weights.
    superuser = UserFactory(municipality=None, is_superuser=True)
    by_person = {c.participant.pk: c for c in rank_candidates(need=world.need, user=superuser).candidates}
    assert _points(by_person[experienced_a.pk].contributions, "experience") == pytest.approx(
        4 * EXPERIENCE_TERM, abs=1e-3
    )
    assert _points(by_person[experienced_b.pk].contributions, "experience") == pytest.approx(
        0.1 * EXPERIENCE_TERM, abs=1e-3
    )


def test_a_participants_needs_and_the_allocation_use_the_participants_municipalitys_weights(world: World) -> None:
    MatchingWeightsFactory(municipality=world.b, experience=Decimal("0.1"))
    MatchingWeightsFactory(municipality=world.a, experience=Decimal("2"))
    experienced_a, _ = _pair(world, world.coordinator_a)
    experienced_b, _ = _pair(world, world.coordinator_b)

    for person, coordinator, weight in (
        (experienced_a, world.coordinator_a, 2),
        (experienced_b, world.coordinator_b, 0.1),
    ):
        [match] = rank_needs(participant=person, user=coordinator).matches
        assert _points(match.contributions, "experience") == pytest.approx(weight * EXPERIENCE_TERM, abs=1e-3)
        proposed = {p.participant.pk: p for p in best_allocation(user=coordinator)}
        assert _points(proposed[person.pk].contributions, "experience") == pytest.approx(
            weight * EXPERIENCE_TERM, abs=1e-3
        )


def test_a_municipality_without_weights_of_its_own_ranks_with_the_defaults(world: World) -> None:
    MatchingWeightsFactory(municipality=world.a, experience=Decimal("0.1"), interest=Decimal("3"))
    defaults = MatchingWeights()
    assert MatchingWeights.current(world.b).pk is None
    assert MatchingWeights.current(world.b).experience == defaults.experience == Decimal("4")
    in_force = weights_in_force()
    assert in_force.of(world.b.pk) == {name: float(getattr(defaults, name)) for name in MatchingWeights.CRITERIA}
    assert in_force.of(world.a.pk)["experience"] == pytest.approx(0.1)
    experienced_b, urgent_b = _pair(world, world.coordinator_b)
    assert _order(rank_candidates(need=world.need, user=world.coordinator_b)) == [experienced_b.pk, urgent_b.pk]


def _criteria(weights: MatchingWeights, **changes: str) -> dict[str, str]:
    return {name: str(getattr(weights, name)) for name in MatchingWeights.CRITERIA} | changes


def test_an_administrator_sees_and_changes_only_their_municipalitys_weights(client: Client) -> None:
    a = MunicipalityFactory()
    b = MunicipalityFactory(code="0180", name="Stockholms stad")
    weights_a = MatchingWeightsFactory(municipality=a, experience=Decimal("3"))
    client.force_login(AdministratorFactory(municipality=b))

    listed = client.get(reverse("admin:placements_matchingweights_changelist"))
    assert listed.status_code == 200 and list(listed.context["cl"].result_list) == []
    change_a = reverse("admin:placements_matchingweights_change", args=[weights_a.pk])
    opened = client.get(change_a)
    assert opened.status_code == 302 and opened["Location"] == reverse("admin:index")  # the admin's "does not exist"
    assert client.post(change_a, _criteria(weights_a, experience="0.5")).status_code == 302
    weights_a.refresh_from_db()
    assert weights_a.experience == Decimal("3")

    # B has none yet: its administrator adds B's, even with A named in the posted data, and only once.
    add = reverse("admin:placements_matchingweights_add")
    assert client.post(add, _criteria(weights_a, experience="0.5") | {"municipality": str(a.pk)}).status_code == 302
    weights_b = MatchingWeights.objects.get(municipality=b)
    assert weights_b.experience == Decimal("0.5") and MatchingWeights.current(a) == weights_a
    assert client.get(add).status_code == 403
    listed = client.get(reverse("admin:placements_matchingweights_changelist"))
    assert list(listed.context["cl"].result_list) == [weights_b]
    change_b = reverse("admin:placements_matchingweights_change", args=[weights_b.pk])
    assert client.post(change_b, _criteria(weights_b, interest="2")).status_code == 302
    weights_b.refresh_from_db()
    assert (weights_b.interest, weights_b.municipality) == (Decimal("2"), b)


def test_a_superuser_sees_every_municipalitys_weights_and_chooses_whose_new_ones_are(client: Client) -> None:
    a = MunicipalityFactory()
    b = MunicipalityFactory(code="0180", name="Stockholms stad")
    weights_a = MatchingWeightsFactory(municipality=a)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    add = reverse("admin:placements_matchingweights_add")
    assert client.post(add, _criteria(weights_a, experience="1") | {"municipality": str(b.pk)}).status_code == 302
    listed = client.get(reverse("admin:placements_matchingweights_changelist"))
    assert set(listed.context["cl"].result_list) == {weights_a, MatchingWeights.objects.get(municipality=b)}
    # A second row of a municipality is refused by the form.
    again = client.post(add, _criteria(weights_a) | {"municipality": str(a.pk)})
    assert again.status_code == 200 and MatchingWeights.objects.filter(municipality=a).count() == 1


def _state(executor: MigrationExecutor, targets: list[tuple[str, str]]) -> Any:
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migrating_gives_the_weights_in_force_to_the_first_municipality_and_a_copy_to_every_other() -> None:
    first = MunicipalityFactory()
    second = MunicipalityFactory(code="0180", name="Stockholms stad")
    third = MunicipalityFactory(code="1480", name="Göteborg")
    MatchingWeights.objects.all().delete()
    before = [("placements", "0022_agreement_terms_municipality_required")]
    old = _state(MigrationExecutor(connection), before).get_model("placements", "MatchingWeights")
    in_force = old.objects.create(experience=Decimal("2.5"), history=Decimal("0"))
    never_read = old.objects.create(experience=Decimal("9"))
    _state(MigrationExecutor(connection), [("placements", "0025_matching_weights_municipality_required")])

    rows = {row.municipality_id: row for row in MatchingWeights.objects.all()}
    assert set(rows) == {first.pk, second.pk, third.pk}
    assert rows[first.pk].pk == in_force.pk
    assert not MatchingWeights.objects.filter(pk=never_read.pk).exists()
    for row in rows.values():
        assert (row.experience, row.history, row.interest) == (Decimal("2.5"), Decimal("0"), Decimal("1"))

    # Backwards: the first municipality's row is the installation's one again.
    back = _state(MigrationExecutor(connection), before).get_model("placements", "MatchingWeights")
    assert list(back.objects.values_list("pk", flat=True)) == [in_force.pk]
    _state(MigrationExecutor(connection), [("placements", "0025_matching_weights_municipality_required")])
