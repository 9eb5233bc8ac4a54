"""Schemathesis against the API as a coordinator signed in with a token: inputs generated from the
OpenAPI schema (loaded from the WSGI application, as a client would fetch it) must never cause a
500, and every answer the schema documents must match it.

Bounded for the suite: a few examples per operation and mode (valid and invalid input), no
shrinking, derandomized (the same run every time, so CI is repeatable); about 30 seconds.
Hypothesis runs each operation directly (`as_strategy`): schemathesis's pytest plugin does not
work with pytest 9 yet. Path ids are steered half of the time to objects that exist, so detail
pages and actions are exercised beyond 404. No operation is left out: the writes run in the
test's transaction and are rolled back like any test's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from accounts.tests.factories import CoordinatorFactory, api_key_for
from config.wsgi import application
from participants.tests.factories import ParticipantFactory, WorkExperienceFactory
from placements.models import PlacementStatus
from placements.tests.factories import FollowUpFactory, PlacementFactory
from supervisors.tests.factories import EnrolmentFactory, SupervisorFactory
from taxonomy.tests.factories import OccupationFactory
from workplaces.tests.factories import NeedFactory, WorkplaceFactory

TODAY = dt.date.today()
KNOWN: dict[str, list[int]] = {}
AUTH: dict[str, str] = {}


def _demo_like_world() -> dict[str, list[int]]:
    """A team's small caseload: participants with experience, workplaces with open needs and
    trained supervisors, and placements in each state with follow-ups."""
    coordinator = CoordinatorFactory()
    AUTH["Authorization"] = f"Token {api_key_for(coordinator)}"
    occupations = [OccupationFactory(code=code) for code in ("5321", "5120", "9412")]
    participants = ParticipantFactory.create_batch(6, team=coordinator.team, coordinator=coordinator)
    for person, occupation in zip(participants, occupations * 2, strict=True):
        WorkExperienceFactory(participant=person, occupation=occupation)
    workplaces = WorkplaceFactory.create_batch(2)
    needs = [
        NeedFactory(workplace=w, occupation=o, start_date=TODAY, end_date=TODAY + dt.timedelta(days=90))
        for w in workplaces
        for o in occupations[:2]
    ]
    supervisors = [SupervisorFactory(workplace=w) for w in workplaces]
    for supervisor in supervisors:
        EnrolmentFactory(supervisor=supervisor, completed=True)
    placements = [
        PlacementFactory(participant=participants[0], need=needs[0], supervisor=supervisors[0]),
        PlacementFactory(
            participant=participants[1], need=needs[1], supervisor=supervisors[0], status=PlacementStatus.AGREED
        ),
        PlacementFactory(participant=participants[2], need=needs[2], supervisor=supervisors[1], active=True),
        PlacementFactory(participant=participants[3], need=needs[3], supervisor=supervisors[1], completed=True),
    ]
    follow_ups = [FollowUpFactory(placement=placements[2]) for _ in range(2)]
    return {
        "participants": [p.pk for p in participants],
        "work-experience": [w.pk for p in participants for w in p.work_experiences.all()],
        "organisations": [w.organisation_id for w in workplaces],
        "workplaces": [w.pk for w in workplaces],
        "needs": [n.pk for n in needs],
        "supervisors": [s.pk for s in supervisors],
        "placements": [p.pk for p in placements],
        "follow-ups": [f.pk for f in follow_ups],
    }


def _steer_to_known(case: Any) -> None:
    """Half of the generated ids (the even ones) are replaced by an object that exists."""
    generated = (case.path_parameters or {}).get("id")
    if not isinstance(generated, int) or generated % 2 or case.path.startswith("/api/v1/portal/"):
        return  # (the coordinator has no portal: every id is 403 there)
    known = KNOWN.get(case.path.split("/")[3])  # /api/v1/<resource>/{id}/...
    if known:
        case.path_parameters["id"] = known[abs(generated) // 2 % len(known)]


CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
BOUNDED = settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def _connection_kept_between_requests():
    """Requests go straight to the WSGI application, whose request signals would close the
    database connection, and with it the test's transaction (on PostgreSQL). Django's test
    client disconnects the same handler."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("_connection_kept_between_requests")
def test_the_api_never_fails_and_answers_as_documented() -> None:
    KNOWN.clear()
    KNOWN.update(_demo_like_world())
    # The schema as a client gets it: fetched from the application with the coordinator's token.
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application, headers=AUTH)
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]  # an Err raises here, failing the test
    assert len(operations) >= 30
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @BOUNDED
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case: Any) -> None:
                _steer_to_known(case)
                case.call_and_validate(headers=AUTH, checks=CHECKS)

            run()
