"""Every list endpoint costs the same number of queries for 2 rows as for 8 (no N+1), and stays
within a small budget. (Participants, needs and placements have their own tests beside the
resource, with filters; the needs here are regional ones, published to municipalities.)"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Municipality
from accounts.tests.factories import MunicipalityFactory, RegionFactory
from participants.tests.factories import ParticipantFactory, WorkExperienceFactory
from placements.tests.factories import FollowUpFactory, PlacementFactory
from supervisors.tests.factories import EnrolmentFactory, SupervisorFactory
from workplaces.tests.factories import NeedFactory, OrganisationFactory, RegionalOrganisationFactory, WorkplaceFactory

from .conftest import session_client

pytestmark = pytest.mark.django_db

BUDGET = 12


def _organisation(coordinator) -> None:
    NeedFactory(workplace=WorkplaceFactory(organisation=OrganisationFactory()))


def _regional_need(coordinator) -> None:
    """A regional employer's need published to the coordinator's municipality and another (the
    municipalities, `published_to`, are shown by their codes: prefetched, not read per row)."""
    region = RegionFactory(code="query-counts")
    Municipality.objects.filter(pk=coordinator.municipality_id).update(region=region)
    published = [
        Municipality.objects.get(pk=coordinator.municipality_id),
        MunicipalityFactory(code="0180", region=region),
    ]
    workplace = WorkplaceFactory(organisation=RegionalOrganisationFactory(region=region))
    NeedFactory(workplace=workplace, published_to=published)


def _workplace(coordinator) -> None:
    WorkplaceFactory()


def _supervisor(coordinator) -> None:
    EnrolmentFactory(supervisor=SupervisorFactory(), completed=True)


def _experience(coordinator) -> None:
    WorkExperienceFactory(participant=ParticipantFactory(team=coordinator.team))


def _follow_up(coordinator) -> None:
    FollowUpFactory(placement=PlacementFactory(participant__team=coordinator.team, active=True))


@pytest.mark.parametrize(
    ("url", "make"),
    [
        ("/api/v1/organisations/", _organisation),
        ("/api/v1/workplaces/", _workplace),
        ("/api/v1/needs/", _regional_need),
        ("/api/v1/supervisors/", _supervisor),
        ("/api/v1/work-experience/", _experience),
        ("/api/v1/follow-ups/", _follow_up),
    ],
)
def test_the_list_does_not_grow_in_queries(coordinator, url: str, make: Callable[..., None]) -> None:
    client = session_client(coordinator)

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured), response.json()["count"]

    for _ in range(2):
        make(coordinator)
    few, count = queries()
    assert count == 2
    for _ in range(6):
        make(coordinator)
    many, count = queries()
    assert count == 8
    assert many == few <= BUDGET


def test_the_portal_list_does_not_grow_in_queries(supervisor_user) -> None:
    profile = supervisor_user.supervisor_profile
    client = session_client(supervisor_user)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/portal/placements/").status_code == 200
        return len(captured)

    PlacementFactory.create_batch(2, supervisor=profile, need__workplace=profile.workplace)
    few = queries()
    PlacementFactory.create_batch(6, supervisor=profile, need__workplace=profile.workplace)
    assert queries() == few <= BUDGET
