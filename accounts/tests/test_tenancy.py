"""Row-level security by municipality (accounts.tenancy): on PostgreSQL, a query that forgot its scope
still reads and writes only the request's user's municipality.

The requests go through the whole middleware stack to views of this module (`urlpatterns` below,
used through `pytest.mark.urls`) that run deliberately unscoped queries. SQLite has no row-level
security: those tests run on PostgreSQL (CI's second pass)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, JsonResponse
from django.test import Client
from django.urls import include, path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import tenancy
from accounts.access import database_municipalities
from accounts.models import Role, User
from accounts.tests.factories import (
    CoordinatorFactory,
    MunicipalityFactory,
    SupervisorUserFactory,
    TeamFactory,
    UserFactory,
    api_key_for,
)
from api.base import ApiViewMixin
from config.celery import app
from participants.duplicates import Registered, registered_by_identity_number
from participants.models import Participant
from participants.tests.factories import ParticipantFactory
from placements.matching.features import load_features
from placements.tests.factories import PlacementFactory
from supervisors.models import Supervisor

pytestmark = pytest.mark.django_db


# --- Views that forget their scope on purpose -------------------------------------------------


def _unscoped_counts() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM participants_participant")
        (raw,) = cursor.fetchone()
        cursor.execute("SELECT current_setting('platsa.municipalities', true), pg_backend_pid()")
        setting, backend = cursor.fetchone()
    return {"orm": Participant.objects.count(), "raw": raw, "setting": setting, "backend": backend}


def unscoped(request: HttpRequest) -> JsonResponse:
    return JsonResponse(_unscoped_counts())


def unscoped_then_fails(request: HttpRequest) -> JsonResponse:
    _unscoped_counts()
    raise RuntimeError("a view that fails after reading")


@login_not_required
def unscoped_anonymous(request: HttpRequest) -> JsonResponse:
    return JsonResponse(_unscoped_counts())


@login_not_required
@tenancy.system_context_view
def unscoped_link_page(request: HttpRequest) -> JsonResponse:
    return JsonResponse(_unscoped_counts())


class UnscopedApi(ApiViewMixin, APIView):
    def get(self, request: Request) -> Response:
        return Response(_unscoped_counts())


urlpatterns = [
    path("unscoped/", unscoped),
    path("unscoped/fails/", unscoped_then_fails),
    path("unscoped/anonymous/", unscoped_anonymous),
    path("unscoped/link/", unscoped_link_page),
    path("unscoped/api/", UnscopedApi.as_view()),
    path("", include("config.urls")),  # the error pages link to the start page
]


# --- The world: two municipalities ---------------------------------------------------------------


@pytest.fixture
def postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row-level security is PostgreSQL's; SQLite keeps the application's scope only")


@pytest.fixture
def world(postgresql: None) -> dict[str, Any]:
    a = MunicipalityFactory()
    b = MunicipalityFactory(code="0180")
    team_a, team_b = TeamFactory(municipality=a), TeamFactory(municipality=b)
    ParticipantFactory.create_batch(2, team=team_a)
    ParticipantFactory.create_batch(3, team=team_b)
    return {
        "a": a,
        "b": b,
        "coordinator_a": CoordinatorFactory(team=team_a),
        "coordinator_b": CoordinatorFactory(team=team_b),
    }


def _get(user: User | None, url: str, **extra: Any) -> dict[str, Any]:
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(url, **extra)
    assert response.status_code == 200, response.content
    return response.json()


def _session_setting() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('platsa.municipalities', true)")
        return cursor.fetchone()[0]


# --- Whose rows a user's requests may read (every database) --------------------------------------


def test_a_coordinator_is_bound_to_their_municipality() -> None:
    coordinator = CoordinatorFactory()
    assert database_municipalities(coordinator) == {coordinator.municipality_id}


def test_a_superuser_is_bound_to_nothing_and_an_anonymous_user_to_no_municipality() -> None:
    assert database_municipalities(UserFactory(is_superuser=True, municipality=None)) is None
    assert database_municipalities(AnonymousUser()) == frozenset()
    assert database_municipalities(CoordinatorFactory(is_active=False)) == frozenset()


def test_a_supervisor_is_bound_to_their_own_and_their_placements_municipalities() -> None:
    other = MunicipalityFactory(code="0180")
    supervisor = SupervisorUserFactory()
    assert database_municipalities(supervisor) == {supervisor.municipality_id}
    placement = PlacementFactory(participant=ParticipantFactory(team=TeamFactory(municipality=other)))
    Supervisor.objects.filter(pk=placement.supervisor_id).update(user=supervisor)
    assert database_municipalities(supervisor) == {supervisor.municipality_id, other.pk}


def test_a_regional_manager_is_bound_to_every_municipality_of_their_region_only() -> None:
    from accounts.tests.factories import RegionalManagerFactory, RegionFactory

    region, other_region = RegionFactory(code="25"), RegionFactory(code="23")
    inland = [MunicipalityFactory(code=code, region=region) for code in ("2505", "2506")]
    MunicipalityFactory(code="2380", region=other_region)
    manager = RegionalManagerFactory(region=region)
    assert database_municipalities(manager) == {m.pk for m in inland}


# --- Reads ---------------------------------------------------------------------------------------


@pytest.mark.urls(__name__)
def test_an_unscoped_query_in_a_coordinators_request_returns_only_their_municipality(world: dict[str, Any]) -> None:
    seen = _get(world["coordinator_a"], "/unscoped/")
    assert (seen["orm"], seen["raw"]) == (2, 2)
    assert seen["setting"] == f"{{{world['a'].pk}}}"


def test_outside_a_request_the_system_context_reads_every_municipality(world: dict[str, Any]) -> None:
    assert tenancy.current_municipalities() is None
    assert Participant.objects.count() == 5


@pytest.mark.urls(__name__)
def test_a_superusers_request_runs_in_the_system_context(world: dict[str, Any]) -> None:
    superuser = UserFactory(is_superuser=True, is_staff=True, municipality=None)
    seen = _get(superuser, "/unscoped/")
    assert (seen["orm"], seen["raw"], seen["setting"]) == (5, 5, "")


@pytest.mark.urls(__name__)
def test_an_anonymous_request_reads_no_case_file(world: dict[str, Any]) -> None:
    seen = _get(None, "/unscoped/anonymous/")
    assert (seen["orm"], seen["raw"], seen["setting"]) == (0, 0, "{}")


@pytest.mark.urls(__name__)
def test_a_user_without_a_municipality_reads_no_case_file(world: dict[str, Any]) -> None:
    manager = UserFactory(municipality=None, role=Role.MANAGER)
    assert _get(manager, "/unscoped/")["raw"] == 0


@pytest.mark.urls(__name__)
def test_a_page_opened_by_a_signed_link_runs_in_the_system_context(world: dict[str, Any]) -> None:
    assert _get(None, "/unscoped/link/")["raw"] == 5


def test_a_supervisor_of_no_municipality_reads_their_placements_through_the_api(postgresql: None) -> None:
    """An employer's supervisor (no municipality of their own) with a token: the bound is worked out
    after DRF read the token, while the request still runs under the anonymous bound, so it must not
    join through the case files; their placements' participants are of another municipality."""
    elsewhere = TeamFactory(municipality=MunicipalityFactory(code="2361"))
    supervisor = SupervisorUserFactory(municipality=None)
    placement = PlacementFactory(active=True, participant=ParticipantFactory(team=elsewhere))
    Supervisor.objects.filter(pk=placement.supervisor_id).update(user=supervisor)
    key = api_key_for(supervisor)
    response = Client().get("/api/v1/portal/placements/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200, response.content
    assert [row["id"] for row in response.json()["results"]] == [placement.pk]


@pytest.mark.urls(__name__)
def test_an_api_request_reads_as_the_tokens_user(world: dict[str, Any]) -> None:
    key = api_key_for(world["coordinator_b"])
    seen = _get(None, "/unscoped/api/", HTTP_AUTHORIZATION=f"Token {key}")
    assert (seen["orm"], seen["raw"]) == (3, 3)


@pytest.mark.urls(__name__)
def test_a_supervisor_reads_the_municipalities_of_the_placements_they_supervise(world: dict[str, Any]) -> None:
    supervisor = SupervisorUserFactory(municipality=None)
    placement = PlacementFactory(participant=Participant.objects.filter(municipality=world["b"]).first())
    Supervisor.objects.filter(pk=placement.supervisor_id).update(user=supervisor)
    assert tenancy.setting_value(frozenset({world["b"].pk})) == _get(supervisor, "/unscoped/")["setting"]
    assert _get(supervisor, "/unscoped/")["raw"] == 3


# --- No request inherits another's bound ---------------------------------------------------------


@pytest.mark.urls(__name__)
def test_two_requests_in_a_row_on_one_connection_each_read_as_their_own_user(world: dict[str, Any]) -> None:
    first = _get(world["coordinator_a"], "/unscoped/")
    second = _get(world["coordinator_b"], "/unscoped/")
    assert first["backend"] == second["backend"]  # the same database session
    assert (first["raw"], second["raw"]) == (2, 3)
    assert _session_setting() == ""  # and the system context again after them
    assert _get(None, "/unscoped/anonymous/")["raw"] == 0


@pytest.mark.urls(__name__)
def test_a_request_that_fails_leaves_no_bound_behind(world: dict[str, Any]) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(world["coordinator_a"])
    assert client.get("/unscoped/fails/").status_code == 500
    assert _session_setting() == ""
    assert _get(world["coordinator_b"], "/unscoped/")["raw"] == 3


def test_a_view_called_without_the_middleware_leaves_no_bound_behind(world: dict[str, Any]) -> None:
    tenancy.narrow_to_user(world["coordinator_a"])  # as the API does, but outside a request
    assert tenancy.current_municipalities() is None
    assert Participant.objects.count() == 5


def test_a_connection_opened_inside_a_bound_scope_is_bound_as_it_opens(world: dict[str, Any]) -> None:
    with tenancy.municipality_scope(frozenset({world["a"].pk})):
        assert Participant.objects.count() == 2
        # A lost connection is opened again by the next query: it must not start in the system
        # context. (Inside the test's transaction the connection cannot be closed, so a second
        # session stands in for the reconnect.)
        other = connection.copy()
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT current_setting('platsa.municipalities', true)")
                assert cursor.fetchone()[0] == f"{{{world['a'].pk}}}"
        finally:
            other.close()
    assert _session_setting() == ""


def test_a_replica_connection_opened_inside_a_bound_scope_stays_in_the_system_context(world: dict[str, Any]) -> None:
    """The bound is set and reset on the default database only: a reporting replica's connection
    (config/db_router.py) that took a request's bound as it opened would keep it for later requests."""
    with tenancy.municipality_scope(frozenset({world["a"].pk})):
        replica = connection.copy(alias="replica")
        try:
            with replica.cursor() as cursor:
                cursor.execute("SELECT coalesce(current_setting('platsa.municipalities', true), '')")
                assert cursor.fetchone()[0] == ""
        finally:
            replica.close()


def test_nested_scopes_put_the_enclosing_one_back(world: dict[str, Any]) -> None:
    with tenancy.municipality_scope(frozenset({world["a"].pk})):
        with tenancy.municipality_scope(frozenset({world["b"].pk})):
            assert Participant.objects.count() == 3
        assert Participant.objects.count() == 2
        with pytest.raises(RuntimeError), tenancy.municipality_scope(None):
            assert Participant.objects.count() == 5
            raise RuntimeError
        assert Participant.objects.count() == 2
    assert Participant.objects.count() == 5


# --- What reads past the bound on purpose --------------------------------------------------------


@app.task
def _count_participants() -> int:
    return Participant.objects.count()


def test_a_task_run_in_a_bound_request_runs_in_the_system_context(world: dict[str, Any]) -> None:
    with tenancy.user_scope(world["coordinator_a"]):
        assert Participant.objects.count() == 2
        assert _count_participants.apply().get() == 5
        assert Participant.objects.count() == 2


def test_the_identity_check_asks_the_municipalitys_register_within_the_bound(world: dict[str, Any]) -> None:
    """It read past the bound (the system context) for the whole register; now identity numbers are
    unique per municipality and the check asks its own: B's person is not found from A until A has
    its own case file of them, which is what it finds."""
    in_b = Participant.objects.filter(municipality=world["b"]).first()
    assert in_b is not None and in_b.identity_number
    with tenancy.user_scope(world["coordinator_a"]):
        assert registered_by_identity_number(user=world["coordinator_a"], identity_numbers=[in_b.identity_number]) == {}
    in_a = ParticipantFactory(identity_number=in_b.identity_number, team=TeamFactory(municipality=world["a"]))
    with tenancy.user_scope(world["coordinator_a"]):
        found = registered_by_identity_number(user=world["coordinator_a"], identity_numbers=[in_b.identity_number])
        assert Participant.objects.count() == 3  # the bound held throughout
    assert found == {in_b.identity_number: Registered(pk=in_a.pk, visible=False)}


def test_the_matching_arrays_loaded_in_a_bound_request_hold_every_municipality(world: dict[str, Any]) -> None:
    with tenancy.user_scope(world["coordinator_a"]):
        features = load_features()
    assert len(features.participants.index_of) == Participant.objects.count() == 5


# --- Writes --------------------------------------------------------------------------------------


def test_another_municipalitys_rows_cannot_be_written_under_a_bound(world: dict[str, Any]) -> None:
    in_b = Participant.objects.filter(municipality=world["b"]).first()
    in_a = Participant.objects.filter(municipality=world["a"]).first()
    assert in_a is not None and in_b is not None
    with tenancy.user_scope(world["coordinator_a"]):
        # Out of sight: an unscoped update or delete touches none of B's rows.
        assert Participant.objects.filter(pk=in_b.pk).update(first_name="Ändrad") == 0
        assert Participant.objects.filter(pk=in_b.pk).delete()[0] == 0
        # WITH CHECK: a row of A cannot be moved to B, nor one of B inserted.
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            Participant.objects.filter(pk=in_a.pk).update(municipality=world["b"], team=in_b.team)
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            ParticipantFactory(team=in_b.team)
        # Its own rows it writes as ever.
        assert Participant.objects.filter(pk=in_a.pk).update(first_name="Ändrad") == 1
    in_b.refresh_from_db()
    assert in_b.first_name != "Ändrad"


# --- The policies in the database ----------------------------------------------------------------


def test_every_listed_table_has_forced_row_security_and_the_municipality_policy(postgresql: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = ANY(%s)",
            [list(tenancy.ROW_SECURITY_TABLES)],
        )
        flags = {name: (enabled, forced) for name, enabled, forced in cursor.fetchall()}
        cursor.execute(
            "SELECT tablename, cmd, qual IS NOT NULL, with_check IS NOT NULL FROM pg_policies WHERE policyname = %s",
            [tenancy.POLICY],
        )
        policies = {table: (cmd, using, check) for table, cmd, using, check in cursor.fetchall()}
    assert flags == {table: (True, True) for table in tenancy.ROW_SECURITY_TABLES}
    # Exactly the listed tables: the list and the migrations cannot drift apart.
    assert policies == {table: ("ALL", True, True) for table in tenancy.ROW_SECURITY_TABLES}


def test_the_database_role_is_bound_by_the_policies(postgresql: None) -> None:
    """Superusers and BYPASSRLS roles pass every policy: the tests (and production) must not run as one."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (False, False)


# Tables of these apps whose `municipality_id` is not a case file's key, each with its reason.
NOT_CASE_FILES: dict[str, str] = {
    # A municipality's settings (its own foreign key, not a row of a case file); each agreement
    # document, which is bound, keeps the version it was made with.
    "placements_agreementterms": "the standard terms of a municipality's agreements",
    # A municipality's settings too; a coordinator's ranking may score a superuser's or a region's
    # rows with each municipality's weights, and the weights hold no personal data.
    "placements_matchingweights": "the matching weights of a municipality",
}


def test_every_case_file_table_with_the_municipality_key_has_row_security(postgresql: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema()"
            " AND column_name = 'municipality_id'"
            " AND (table_name LIKE 'participants\\_%' OR table_name LIKE 'placements\\_%')"
        )
        keyed = {name for (name,) in cursor.fetchall()}
    assert {"participants_participant", "placements_placement"} <= keyed
    assert sorted(keyed - set(tenancy.ROW_SECURITY_TABLES) - set(NOT_CASE_FILES)) == []
    assert set(NOT_CASE_FILES) <= keyed - set(tenancy.ROW_SECURITY_TABLES)


def test_every_table_with_row_security_shows_a_bound_request_only_its_municipalitys_rows(postgresql: None) -> None:
    """Rows of two municipalities in every table of the list (each built by its factory); a raw,
    unscoped count bound to the first sees none of the second's, and the system context sees both."""
    from django.apps import apps

    from accounts.tests.factories import MunicipalityFactory, TeamFactory
    from placements.tests.test_tenant_keys import _factory, _path_to_team

    first, second = MunicipalityFactory(code="2361"), MunicipalityFactory(code="2309")
    models: dict[str, Any] = {m._meta.db_table: m for m in apps.get_models()}
    for table in tenancy.ROW_SECURITY_TABLES:
        for municipality in (first, second):
            team = TeamFactory(municipality=municipality)
            if table == "participants_participant":
                ParticipantFactory(team=team)
            else:
                _factory(models[table])(**{_path_to_team(models[table]): team})

    def counts() -> dict[str, tuple[int, int]]:
        seen = {}
        with connection.cursor() as cursor:
            for table in tenancy.ROW_SECURITY_TABLES:
                by_municipality = "count(*) FILTER (WHERE municipality_id = %s)"
                cursor.execute(
                    f'SELECT {by_municipality}, {by_municipality} FROM "{table}"',  # our own table names
                    [first.pk, second.pk],
                )
                seen[table] = cursor.fetchone()
        return seen

    unbound = counts()
    assert all(a >= 1 and b >= 1 for a, b in unbound.values()), {t: c for t, c in unbound.items() if 0 in c}
    with tenancy.municipality_scope(frozenset({first.pk})):
        bound = counts()
    assert bound == {table: (a, 0) for table, (a, _b) in unbound.items()}


# --- The placements: bound, but counted over every municipality ----------------------------------


def test_a_bound_request_reads_no_other_municipalitys_placements_but_counts_them_in_a_shared_need(
    postgresql: None,
) -> None:
    """A regional need published to A and B, one placement of each: bound to A, an unscoped read of
    the placements and their follow-ups finds only A's, while the need's places taken and the
    supervisor's load still count B's (placements.PlacementHold): counted over `Placement` they
    would be 1, and the last place would go twice."""
    from accounts.tests.factories import RegionFactory
    from placements import occupancy
    from placements.models import FollowUp, Placement, PlacementStatus
    from placements.tests.factories import FollowUpFactory
    from supervisors.tests.factories import SupervisorFactory
    from workplaces.tests.factories import NeedFactory, RegionalOrganisationFactory, WorkplaceFactory

    region = RegionFactory(code="25")
    a, b = MunicipalityFactory(code="2505", region=region), MunicipalityFactory(code="2506", region=region)
    need = NeedFactory(
        workplace=WorkplaceFactory(organisation=RegionalOrganisationFactory(region=region)),
        places=2,
        published_to=[a, b],
    )
    supervisor = SupervisorFactory(workplace=need.workplace, max_participants=2)
    for municipality in (a, b):
        placement = PlacementFactory(
            need=need,
            supervisor=supervisor,
            participant=ParticipantFactory(team=TeamFactory(municipality=municipality)),
            status=PlacementStatus.AGREED,
            planned_start=need.start_date,
            planned_end=need.end_date,
        )
        FollowUpFactory(placement=placement)
    period = {"start": need.start_date, "end": need.end_date}
    with tenancy.municipality_scope(frozenset({a.pk})):
        assert Placement.objects.count() == FollowUp.objects.count() == 1
        assert set(Placement.objects.values_list("municipality_id", flat=True)) == {a.pk}
        assert Placement.objects.holding().filter(need=need).count() == 1  # what a count of Placement sees
        assert occupancy.places_taken(need=need, **period) == 2
        assert occupancy.supervisor_load(supervisor=supervisor, **period) == 2
        assert occupancy.places_taken_in({need.pk: (need.start_date, need.end_date)}) == {need.pk: 2}
    assert Placement.objects.count() == FollowUp.objects.count() == 2


def test_the_holds_table_has_the_placements_column_types_nothing_personal_and_no_row_security(
    postgresql: None,
) -> None:
    """The table holds no participant and no text: it needs no policy, and the counts need none."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, data_type, character_maximum_length FROM information_schema.columns"
            " WHERE table_schema = current_schema()"
            " AND table_name IN ('placements_placement', 'placements_placementhold')"
        )
        columns: dict[str, dict[str, tuple[str, int | None]]] = {}
        for table, column, data_type, length in cursor.fetchall():
            columns.setdefault(table, {})[column] = (data_type, length)
    held, real = columns["placements_placementhold"], columns["placements_placement"]
    assert set(held) == {"id", "need_id", "supervisor_id", "status", "planned_start", "planned_end", "actual_start"}
    assert held == {name: real[name] for name in held}
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind, relrowsecurity FROM pg_class WHERE relname = 'placements_placementhold'")
        assert cursor.fetchone() == ("r", False)


def test_a_supervisors_participants_and_a_needs_proposals_elsewhere_still_count_within_a_bound(
    postgresql: None,
) -> None:
    """B's placement and B's proposal at a regional need published to A and B: in A's coordinator's
    request the supervisor still has one participant (a count, no name), stays on the training
    overview, and the need has no place left for the allocation."""
    import datetime as dt

    from accounts.tests.factories import RegionFactory
    from placements.matching.allocation import open_needs_with_room
    from placements.models import PlacementStatus
    from placements.selectors import CurrentParticipants, current_participants, untrained_supervisors_with_participants
    from supervisors.tests.factories import SupervisorFactory
    from workplaces.tests.factories import NeedFactory, RegionalOrganisationFactory, WorkplaceFactory

    today = dt.date.today()
    region = RegionFactory(code="25")
    a, b = MunicipalityFactory(code="2505", region=region), MunicipalityFactory(code="2506", region=region)
    need = NeedFactory(
        workplace=WorkplaceFactory(organisation=RegionalOrganisationFactory(region=region)),
        places=2,
        start_date=today - dt.timedelta(days=10),
        end_date=today + dt.timedelta(days=90),
        published_to=[a, b],
    )
    supervisor = SupervisorFactory(workplace=need.workplace, max_participants=3)
    team_b = TeamFactory(municipality=b)
    for status in (PlacementStatus.AGREED, PlacementStatus.PROPOSED):
        PlacementFactory(
            need=need,
            supervisor=supervisor,
            participant=ParticipantFactory(team=team_b),
            status=status,
            planned_start=today - dt.timedelta(days=5),
            planned_end=today + dt.timedelta(days=30),
        )
    coordinator = CoordinatorFactory(team=TeamFactory(municipality=a))
    with tenancy.user_scope(coordinator):
        current = current_participants(user=coordinator, supervisor_ids=[supervisor.pk], today=today)
        assert current == {supervisor.pk: CurrentParticipants(shown=[], others=1)}
        assert supervisor in untrained_supervisors_with_participants(today=today)
        assert need not in open_needs_with_room(user=coordinator, today=today)
