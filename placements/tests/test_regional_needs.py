"""A regional employer's need, published to two municipalities: each municipality's coordinators
propose their own participants for it under the same rules; its places and its supervisors' load are
shared across the municipalities; and a need offered to another municipality is refused on every
path (`need_elsewhere`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import tenancy
from accounts.models import Municipality, User
from accounts.tests.factories import (
    CoordinatorFactory,
    MunicipalityFactory,
    RegionFactory,
    SupervisorUserFactory,
    TeamFactory,
    UserFactory,
)
from participants.tests.factories import ParticipantFactory
from placements import rules
from placements.matching import REASON_LABELS, rank_candidates, rank_needs
from placements.matching.allocation import best_allocation
from placements.matching.features import forget_features
from placements.matching.scoring import ELSEWHERE
from placements.models import Placement, PlacementStatus
from placements.rules import error_codes
from placements.services import placement_activate, placement_agree, placement_propose
from placements.tests.factories import PlacementFactory, with_signatures
from supervisors.models import Supervisor
from supervisors.tests.factories import EnrolmentFactory, SupervisorFactory
from taxonomy.tests.factories import PlacementTypeFactory
from workplaces.models import Need
from workplaces.tests.factories import NeedFactory, OrganisationFactory, RegionalOrganisationFactory, WorkplaceFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


@dataclass
class World:
    a: Municipality
    b: Municipality
    coordinator_a: User
    coordinator_b: User
    need: Need  # regional, published to A and B, one place
    supervisor: Supervisor

    def participant(self, coordinator: User) -> Any:
        return ParticipantFactory(team=coordinator.team, coordinator=coordinator)

    def propose(self, coordinator: User, *, need: Need | None = None, supervisor: Supervisor | None = None) -> Any:
        need = need or self.need
        start, end = rules.default_period(need, TODAY)
        return placement_propose(
            participant=self.participant(coordinator),
            need=need,
            supervisor=supervisor or self.supervisor,
            start=start,
            end=end,
            hours_per_day=need.hours_per_day,
            by=coordinator,
        )


def make_world(*, places: int = 1) -> World:
    region = RegionFactory()
    a = MunicipalityFactory(code="2380")
    b = MunicipalityFactory(code="0180")
    Municipality.objects.filter(pk__in=[a.pk, b.pk]).update(region=region)
    a.refresh_from_db()
    b.refresh_from_db()
    workplace = WorkplaceFactory(organisation=RegionalOrganisationFactory(region=region))
    need = NeedFactory(
        workplace=workplace,
        places=places,
        start_date=TODAY + dt.timedelta(days=7),
        end_date=TODAY + dt.timedelta(days=70),
        placement_type=PlacementTypeFactory(max_weeks=26),
        published_to=[a, b],
    )
    supervisor = SupervisorFactory(workplace=workplace, max_participants=5)
    EnrolmentFactory(supervisor=supervisor, completed=True)
    return World(
        a=a,
        b=b,
        coordinator_a=CoordinatorFactory(team=TeamFactory(municipality=a)),
        coordinator_b=CoordinatorFactory(team=TeamFactory(municipality=b)),
        need=need,
        supervisor=supervisor,
    )


@pytest.fixture
def world() -> World:
    return make_world()


# --- shared places and load ----------------------------------------------------------------------------


def test_both_municipalities_propose_their_own_participants_for_the_need(world: World) -> None:
    first, second = world.propose(world.coordinator_a), world.propose(world.coordinator_b)
    assert (first.municipality_id, second.municipality_id) == (world.a.pk, world.b.pk)
    # Each coordinator sees their own municipality's placement only; the need is both's.
    assert list(Placement.objects.visible_to(world.coordinator_a)) == [first]
    assert list(Placement.objects.visible_to(world.coordinator_b)) == [second]


def test_bs_agreed_placement_takes_as_last_place(world: World) -> None:
    ours, theirs = world.propose(world.coordinator_a), world.propose(world.coordinator_b)
    with tenancy.user_scope(world.coordinator_b):
        placement_agree(placement=with_signatures(theirs), by=world.coordinator_b)
    # Bound to A's municipality as A's request is (PostgreSQL's row-level security): the count still
    # sees B's placement, placements' tables having no policy.
    with tenancy.user_scope(world.coordinator_a), pytest.raises(ValidationError) as refused:
        placement_agree(placement=with_signatures(ours), by=world.coordinator_a)
    assert error_codes(refused.value) == {"need_full"}
    # And a new proposal from A is refused too, the place being B's.
    with tenancy.user_scope(world.coordinator_a), pytest.raises(ValidationError) as refused:
        world.propose(world.coordinator_a)
    assert "need_full" in error_codes(refused.value)


def test_the_supervisors_load_counts_every_municipalitys_placements(world: World) -> None:
    world.supervisor.max_participants = 1
    world.supervisor.save()
    other = NeedFactory(
        workplace=world.need.workplace,
        start_date=world.need.start_date,
        end_date=world.need.end_date,
        placement_type=world.need.placement_type,
        published_to=[world.a],
    )
    theirs = world.propose(world.coordinator_b)
    ours = world.propose(world.coordinator_a, need=other)
    placement_agree(placement=with_signatures(theirs), by=world.coordinator_b)
    with pytest.raises(ValidationError) as refused:
        placement_agree(placement=with_signatures(ours), by=world.coordinator_a)
    assert error_codes(refused.value) == {"supervisor_full"}


def test_the_supervisors_training_counts_for_every_municipality(world: World) -> None:
    untrained = SupervisorFactory(workplace=world.need.workplace)
    for coordinator in (world.coordinator_a, world.coordinator_b):
        placing = rules.default_placing(participant=world.participant(coordinator), need=world.need, today=TODAY)
        placing.supervisor = world.supervisor
        assert "supervisor_untrained" not in rules.codes(rules.check(placing, stage=rules.Stage.PROPOSE))
        placing.supervisor = untrained
        assert "supervisor_untrained" in rules.codes(rules.check(placing, stage=rules.Stage.PROPOSE))


def test_the_supervisor_sees_the_placements_they_supervise_from_both_municipalities(
    client: Client, world: World
) -> None:
    user = SupervisorUserFactory(municipality=None)
    world.supervisor.user = user
    world.supervisor.save()
    ours, theirs = world.propose(world.coordinator_a), world.propose(world.coordinator_b)
    elsewhere = PlacementFactory()  # another supervisor's
    assert set(Placement.objects.visible_to(user)) == {ours, theirs}
    client.force_login(user)
    for placement in (ours, theirs):
        assert client.get(reverse("placements:portal_placement", args=[placement.pk])).status_code == 200
    assert client.get(reverse("placements:portal_placement", args=[elsewhere.pk])).status_code == 404


# --- need_elsewhere on every path -------------------------------------------------------------------------


def test_a_need_withdrawn_from_a_municipality_cannot_be_agreed_or_started_there(world: World) -> None:
    proposed = world.propose(world.coordinator_a)
    world.need.published_to.set([world.b])
    with pytest.raises(ValidationError) as refused:
        placement_agree(placement=with_signatures(proposed), by=world.coordinator_a)
    assert error_codes(refused.value) == {"need_elsewhere"}
    Placement.objects.filter(pk=proposed.pk).update(status=PlacementStatus.AGREED, planned_start=TODAY)
    proposed.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        placement_activate(placement=proposed, by=world.coordinator_a, on=TODAY)
    assert error_codes(refused.value) == {"need_elsewhere"}


def test_a_local_need_is_refused_for_another_municipalitys_participant(world: World) -> None:
    """A superuser reaches every participant and every need: the rule, not the scope, refuses."""
    superuser = UserFactory(municipality=None, is_superuser=True)
    local = NeedFactory(
        workplace=WorkplaceFactory(organisation=OrganisationFactory(municipality=world.a)),
        start_date=world.need.start_date,
        end_date=world.need.end_date,
        placement_type=world.need.placement_type,
    )
    supervisor = SupervisorFactory(workplace=local.workplace)
    EnrolmentFactory(supervisor=supervisor, completed=True)
    person = world.participant(world.coordinator_b)
    start, end = rules.default_period(local, TODAY)
    data = {"participant": person, "need": local, "supervisor": supervisor, "start": start, "end": end}
    with pytest.raises(ValidationError) as refused:
        placement_propose(**data, hours_per_day=Decimal("4.0"), by=superuser)
    assert error_codes(refused.value) == {"need_elsewhere"}

    api = APIClient()
    api.force_login(superuser)
    payload = {k: (v.pk if hasattr(v, "pk") else str(v)) for k, v in data.items()} | {"hours_per_day": "4.0"}
    answer = api.post("/api/v1/placements/", payload, format="json")
    assert answer.status_code == 400
    said = {message for errors in answer.json().values() for message in errors}
    assert "Behovet erbjuds inte deltagarens kommun." in said

    # The ranking and the allocation leave the pair out, with the rule's label.
    forget_features()
    ours = world.participant(world.coordinator_a)
    ranking = rank_candidates(need=local, user=superuser, today=TODAY)
    assert ours.pk in {c.participant.pk for c in ranking.candidates}
    assert person.pk not in {c.participant.pk for c in ranking.candidates}
    reasons = {e.participant.pk: e.reasons for e in ranking.excluded}
    assert str(REASON_LABELS[ELSEWHERE]) in reasons[person.pk]
    offered = {(p.participant.pk, p.need.pk) for p in best_allocation(user=superuser, today=TODAY)}
    assert (person.pk, local.pk) not in offered


def test_a_need_published_to_a_only_is_out_of_bs_coordinators_reach(client: Client, world: World) -> None:
    world.need.published_to.set([world.a])
    person = world.participant(world.coordinator_b)
    client.force_login(world.coordinator_b)
    assert client.get(reverse("placements:need_candidates", args=[world.need.pk])).status_code == 404
    propose = reverse("placements:propose") + f"?need={world.need.pk}&participant={person.pk}"
    assert client.get(propose).status_code == 404
    response = client.post(reverse("placements:quick_propose"), {"need": world.need.pk, "participant": person.pk})
    assert response.status_code == 404
    forget_features()
    assert world.need.pk not in {m.need.pk for m in rank_needs_of(person, world.coordinator_b)}
    assert not Placement.objects.filter(need=world.need).exists()


def rank_needs_of(person: Any, user: User) -> list[Any]:
    return rank_needs(participant=person, user=user, today=TODAY).matches
