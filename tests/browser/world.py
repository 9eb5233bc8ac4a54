"""The data the journeys start from, made with the project's factories before a page opens."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from accounts.models import Team, User
from accounts.tests.factories import CoordinatorFactory, ManagerFactory, SupervisorUserFactory, TeamFactory
from placements.models import FollowUp, Placement
from placements.tests.factories import FollowUpFactory, PlacementFactory
from supervisors.models import Supervisor
from supervisors.tests.factories import EnrolmentFactory, SupervisorFactory
from taxonomy.models import Occupation
from taxonomy.tests.factories import occupation_with_ancestors
from workplaces.models import Need
from workplaces.tests.factories import NeedFactory

CARE_ASSISTANT = ("5321", "Undersköterskor, hemtjänst, hemsjukvård och äldreboende")


@dataclass
class World:
    team: Team
    coordinator: User
    occupation: Occupation
    need: Need
    supervisor: Supervisor


def coordinator_world() -> World:
    """A coordinator with an open need whose workplace has a trained supervisor with room."""
    team = TeamFactory(name="Team Norr")
    coordinator = CoordinatorFactory(username="koordinator", first_name="Karin", last_name="Koordinator", team=team)
    occupation = occupation_with_ancestors(*CARE_ASSISTANT)
    today = dt.date.today()
    need = NeedFactory(
        title="Omsorg på Solbacken",
        occupation=occupation,
        start_date=today,
        end_date=today + dt.timedelta(days=90),
    )
    supervisor = SupervisorFactory(workplace=need.workplace, first_name="Hedda", last_name="Handledare")
    EnrolmentFactory(supervisor=supervisor, completed=True)
    return World(team=team, coordinator=coordinator, occupation=occupation, need=need, supervisor=supervisor)


def active_placement_with_follow_up_due(world: World) -> tuple[Placement, User, FollowUp]:
    """An active placement supervised by a supervisor who logs in, with a follow-up due today."""
    user = SupervisorUserFactory(username="handledare", first_name="Hedda", last_name="Handledare")
    world.supervisor.user = user
    world.supervisor.save()
    placement = PlacementFactory(
        active=True,
        need=world.need,
        supervisor=world.supervisor,
        coordinator=world.coordinator,
        participant__team=world.team,
        participant__coordinator=world.coordinator,
        participant__first_name="Amal",
        participant__last_name="Yusuf",
        hours_per_day=Decimal("4.0"),
    )
    due = FollowUpFactory(placement=placement, due_date=dt.date.today())
    return placement, user, due


def manager() -> User:
    return ManagerFactory(username="chef", first_name="Maja", last_name="Chef")
