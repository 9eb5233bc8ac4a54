"""Query budgets of the propose dialog and the lists it opens from (issue 14): each page is measured
with a small world (n of everything) and again with three times as much (3n participants, needs,
supervisors with placements, prerequisites); the number of queries must not grow with the rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import CoordinatorFactory
from participants.models import Participant, ParticipantStatus
from participants.tests.factories import ParticipantFactory, ParticipantPrerequisiteFactory, WorkExperienceFactory
from placements.models import PlacementStatus
from placements.tests.factories import PlacementFactory
from supervisors.models import Supervisor
from supervisors.tests.factories import EnrolmentFactory, SupervisorFactory
from taxonomy.models import Occupation
from taxonomy.tests.factories import OccupationFactory, PlacementTypeFactory, PrerequisiteFactory
from workplaces.models import Need, Workplace
from workplaces.tests.factories import NeedFactory, WorkplaceFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
DAY = dt.timedelta(days=1)
N = 2


@dataclass
class World:
    coordinator: User
    occupation: Occupation
    workplace: Workplace
    need: Need  # the need the dialog is for: a type with a decision reference and a prerequisite
    person: Participant  # the person the dialog is for
    participants: list[Participant] = field(default_factory=list)
    needs: list[Need] = field(default_factory=list)

    def grow(self, n: int) -> None:
        """n more of everything: ready participants with experience (some holding a prerequisite),
        open needs at the same workplace and elsewhere, supervisors at the need's workplace (trained
        and not) with an agreed placement each, and prerequisites on the needs."""
        team = self.coordinator.team
        for i in range(n):
            person = ParticipantFactory(team=team, coordinator=self.coordinator, status=ParticipantStatus.MAPPED)
            WorkExperienceFactory(participant=person, occupation=self.occupation, years=Decimal("2"))
            prerequisite = PrerequisiteFactory()
            ParticipantPrerequisiteFactory(participant=person, prerequisite=prerequisite)
            self.participants.append(person)
            need = NeedFactory(
                occupation=self.occupation,
                workplace=self.workplace if i % 2 else WorkplaceFactory(),
                start_date=TODAY,
                end_date=TODAY + 60 * DAY,
            )
            need.prerequisites.add(prerequisite)
            need.workplace.prerequisites.add(PrerequisiteFactory())
            self.needs.append(need)
            supervisor = SupervisorFactory(workplace=self.workplace, max_participants=3)
            if i % 2:
                EnrolmentFactory(supervisor=supervisor, completed=True)
            SupervisorFactory(workplace=need.workplace, max_participants=2)
            PlacementFactory(
                supervisor=supervisor,
                need=self.need,
                status=PlacementStatus.AGREED,
                planned_start=TODAY,
                planned_end=TODAY + 20 * DAY,
            )


@pytest.fixture
def world() -> World:
    coordinator = CoordinatorFactory()
    occupation = OccupationFactory(code="5321")
    workplace = WorkplaceFactory()
    labour = PlacementTypeFactory(requires_decision_reference=True, max_weeks=26)
    need = NeedFactory(
        occupation=occupation,
        workplace=workplace,
        placement_type=labour,
        places=100,
        start_date=TODAY,
        end_date=TODAY + 90 * DAY,
    )
    need.prerequisites.add(PrerequisiteFactory())
    person = ParticipantFactory(team=coordinator.team, coordinator=coordinator, status=ParticipantStatus.MAPPED)
    WorkExperienceFactory(participant=person, occupation=occupation, years=Decimal("3"))
    return World(coordinator=coordinator, occupation=occupation, workplace=workplace, need=need, person=person)


def queries(request: Callable[[], Any]) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as captured:
        response = request()
    assert response.status_code == 200, response.status_code
    return len(captured), response


def same_count_at_n_and_3n(client: Client, world: World, request: Callable[[], Any]) -> tuple[int, str]:
    """The number of queries with n of everything, checked equal with 3n, both on the first request
    after the data changed (the ranking's features are loaded again) and on the next one (they come
    from the cache); the larger count and the page at 3n."""
    client.force_login(world.coordinator)
    request()  # the session, the content types and the like are cached before counting
    world.grow(N)
    few = [queries(request)[0], queries(request)[0]]
    world.grow(2 * N)
    many_cold, _ = queries(request)
    many_warm, response = queries(request)
    assert [many_cold, many_warm] == few, f"{few} queries with {N} of everything, {[many_cold, many_warm]} with {3 * N}"
    return max(few), response.content.decode()


HTMX = {"HX-Request": "true"}


def test_the_dialog_get_does_not_grow_with_the_workplaces_supervisors(client: Client, world: World) -> None:
    url = reverse("placements:propose")
    data = {"need": world.need.pk, "participant": world.person.pk}
    count, page = same_count_at_n_and_3n(client, world, lambda: client.get(url, data, headers=HTMX))
    supervisors = Supervisor.objects.filter(workplace=world.workplace).count()
    assert page.count(" i perioden") == supervisors > 3 * N  # each with its load in the period
    assert count <= 12


def test_quick_propose_rendering_the_dialog_does_not_grow(client: Client, world: World) -> None:
    url = reverse("placements:quick_propose")
    data = {"need": world.need.pk, "participant": world.person.pk}
    count, page = same_count_at_n_and_3n(client, world, lambda: client.post(url, data, headers=HTMX))
    assert "beslutsnummer" in page  # the dialog, not a proposal: the type needs the decision reference
    assert count <= 25  # the timetable rule reads the need's working hours, the repeat rule its proposals


def test_find_candidates_does_not_grow_with_the_participants(client: Client, world: World) -> None:
    url = reverse("placements:need_candidates", args=[world.need.pk])
    count, page = same_count_at_n_and_3n(client, world, lambda: client.get(url))
    assert page.count('name="participant"') == 3 * N + 1
    # Matching reads the study times (with the features) and the needs' working hours; the excluded rows
    # shown read theirs once more, to say which day clashes.
    assert count <= 27


def test_find_placements_does_not_grow_with_the_needs(client: Client, world: World) -> None:
    url = reverse("placements:participant_needs", args=[world.person.pk])
    count, page = same_count_at_n_and_3n(client, world, lambda: client.get(url))
    assert page.count('name="need"') == 3 * N + 1
    # Matching reads the study times (with the features) and the needs' working hours; the excluded needs
    # read theirs and the person's study times once more, to say which day clashes.
    assert count <= 26


def test_the_allocation_does_not_grow_with_participants_and_needs(client: Client, world: World) -> None:
    url = reverse("placements:allocation")
    count, page = same_count_at_n_and_3n(client, world, lambda: client.get(url))
    assert page.count('name="back" value="allocation"') >= 3 * N
    assert count <= 28  # matching reads the study times (with the features) and the needs' working hours
