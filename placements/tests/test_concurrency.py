"""Two coordinators take the last place of a need at the same moment: exactly one succeeds.

The first coordinator's transaction has taken the place but not yet committed when the second
one tries; the second must wait for the first and then be refused. Without row locks the second
would count the places before the first commits and both would succeed. Row locks are what make
this hold, so it runs on PostgreSQL (CI's second pass); SQLite takes the write lock when a
transaction begins and is covered by the ordinary capacity tests.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from accounts import tenancy
from accounts.models import Municipality
from accounts.tests.factories import CoordinatorFactory, MunicipalityFactory, RegionFactory, TeamFactory
from participants.tests.factories import ParticipantFactory
from placements.models import Placement, PlacementStatus
from placements.rules import error_codes
from placements.services import placement_activate, placement_agree, placement_propose
from placements.tests.factories import PlacementFactory, with_signatures
from supervisors.tests.factories import SupervisorFactory
from workplaces.tests.factories import NeedFactory, RegionalOrganisationFactory, WorkplaceFactory

# serialized_rollback like the browser tests: every transactional test restores the migrations' data
# (roles, reference data) instead of flushing it away under the next one.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_only_one_of_two_simultaneous_agreements_gets_the_last_place() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are exercised on PostgreSQL")
    today = dt.date.today()
    need = NeedFactory(places=1, start_date=today, end_date=today + dt.timedelta(days=60))
    first, second = (
        placement_propose(
            participant=ParticipantFactory(),
            need=need,
            supervisor=SupervisorFactory(workplace=need.workplace),
            start=need.start_date,
            end=need.end_date,
            hours_per_day=Decimal("4.0"),
            by=None,
            confirm_untrained=True,
        )
        for _ in range(2)
    )
    first_has_taken_the_place = threading.Event()
    commit_first = threading.Event()
    outcomes: dict[str, str] = {}

    def coordinator_one() -> None:
        try:
            with transaction.atomic():
                placement_agree(placement=with_signatures(first), by=None)
                first_has_taken_the_place.set()
                commit_first.wait(timeout=10)
            outcomes["first"] = "agreed"
        finally:
            connection.close()

    def coordinator_two() -> None:
        try:
            first_has_taken_the_place.wait(timeout=10)
            placement_agree(placement=with_signatures(second), by=None)
            outcomes["second"] = "agreed"
        except ValidationError as exc:
            outcomes["second"] = ",".join(sorted(error_codes(exc)))
        finally:
            connection.close()

    threads = [threading.Thread(target=coordinator_one), threading.Thread(target=coordinator_two)]
    for thread in threads:
        thread.start()
    first_has_taken_the_place.wait(timeout=10)
    time.sleep(0.5)  # the second coordinator is now waiting for the lock (without locks: done)
    commit_first.set()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes == {"first": "agreed", "second": "need_full"}
    assert need.placements.filter(status=PlacementStatus.AGREED).count() == 1


def _on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks and the exclusion constraint are PostgreSQL's")


def _race(calls: list, *, workers: int) -> list[str]:
    """Run the calls at the same moment, each in its own thread and connection: what each answered."""
    start = threading.Barrier(workers)
    outcomes: list[str] = ["" for _ in calls]

    def run(index: int) -> None:
        try:
            start.wait(timeout=20)
            calls[index]()
            outcomes[index] = "ok"
        except ValidationError as exc:
            outcomes[index] = ",".join(sorted(error_codes(exc)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_twenty_simultaneous_starts_on_one_place_start_exactly_one() -> None:
    """Twenty agreed placements on a one-place need, planned one after another (so each agreement
    was right), all started today at once: starting moves each to today, where they overlap."""
    _on_postgresql()
    today = dt.date.today()
    need = NeedFactory(places=1, start_date=today, end_date=today + dt.timedelta(days=400))
    supervisor = SupervisorFactory(workplace=need.workplace, max_participants=20)
    agreed = []
    for week in range(20):
        first = today + dt.timedelta(weeks=1 + week, days=1)
        agreed.append(
            PlacementFactory(
                need=need,
                supervisor=supervisor,
                status=PlacementStatus.AGREED,
                planned_start=first,
                planned_end=first + dt.timedelta(days=5),
            )
        )
    outcomes = _race(
        [lambda p=p: placement_activate(placement=p, by=None, on=today) for p in agreed], workers=len(agreed)
    )
    assert outcomes.count("ok") == 1, outcomes
    assert all(outcome in ("ok", "need_full") for outcome in outcomes), outcomes
    assert need.placements.filter(status=PlacementStatus.ACTIVE).count() == 1


def test_two_coordinators_starting_the_same_participant_start_one_placement() -> None:
    """One participant, two agreed placements at two needs, planned one after the other; both
    coordinators start theirs today at the same moment: one placement starts, the other is refused."""
    _on_postgresql()
    today = dt.date.today()
    person = ParticipantFactory(status="placed")
    placements = []
    for weeks in (2, 6):
        first = today + dt.timedelta(weeks=weeks)
        need = NeedFactory(places=3, start_date=today, end_date=today + dt.timedelta(days=200))
        placements.append(
            PlacementFactory(
                participant=person,
                need=need,
                status=PlacementStatus.AGREED,
                planned_start=first,
                planned_end=first + dt.timedelta(weeks=3),
            )
        )
    outcomes = _race([lambda p=p: placement_activate(placement=p, by=None, on=today) for p in placements], workers=2)
    assert sorted(outcomes) == ["ok", "participant_busy"], outcomes
    assert Placement.objects.filter(participant=person, status=PlacementStatus.ACTIVE).count() == 1


def test_the_database_refuses_overlapping_placements_of_one_participant() -> None:
    """The exclusion constraint behind the rules: written past the services, the database says no."""
    _on_postgresql()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_constraint WHERE conname = 'placement_participant_no_overlap'")
        assert cursor.fetchone() is not None
    today = dt.date.today()
    held = PlacementFactory(
        status=PlacementStatus.AGREED, planned_start=today, planned_end=today + dt.timedelta(days=30)
    )
    later = PlacementFactory(
        participant=held.participant,
        status=PlacementStatus.PROPOSED,
        planned_start=today + dt.timedelta(days=31),
        planned_end=today + dt.timedelta(days=60),
    )
    # Touching on no day is allowed; overlapping by one day is not.
    Placement.objects.filter(pk=later.pk).update(status=PlacementStatus.AGREED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Placement.objects.filter(pk=later.pk).update(planned_start=today + dt.timedelta(days=30))
    # A cancelled or proposed placement holds nothing and may overlap.
    PlacementFactory(
        participant=held.participant,
        status=PlacementStatus.PROPOSED,
        planned_start=today,
        planned_end=today + dt.timedelta(days=10),
    )


def test_twenty_simultaneous_agreements_from_two_municipalities_take_a_regional_needs_last_place() -> None:
    """A regional employer's need published to two municipalities, one place left: ten coordinators of
    each agree a proposal of their own participant at the same moment, each in its own connection
    bound to their municipality as their request would be (row-level security). Exactly one is
    agreed, the nineteen others are refused as full, and the need is not overbooked: the count each
    one makes sees the other municipality's placements (placements' tables have no policy)."""
    _on_postgresql()
    today = dt.date.today()
    region = RegionFactory()
    codes = ["2380", "0180"]
    for code in codes:
        MunicipalityFactory(code=code)
    Municipality.objects.filter(code__in=codes).update(region=region)
    municipalities = list(Municipality.objects.filter(code__in=codes).order_by("pk"))
    need = NeedFactory(
        workplace=WorkplaceFactory(organisation=RegionalOrganisationFactory(region=region)),
        places=2,
        start_date=today + dt.timedelta(days=7),
        end_date=today + dt.timedelta(days=60),
        published_to=municipalities,
    )
    supervisor = SupervisorFactory(workplace=need.workplace, max_participants=20)
    PlacementFactory(need=need, supervisor=supervisor, status=PlacementStatus.AGREED)  # one of two taken
    teams = [TeamFactory(municipality=m) for m in municipalities]
    proposals = []
    for index in range(20):
        team = teams[index % 2]
        coordinator = CoordinatorFactory(team=team)
        proposal = placement_propose(
            participant=ParticipantFactory(team=team, coordinator=coordinator),
            need=need,
            supervisor=supervisor,
            start=need.start_date,
            end=need.end_date,
            hours_per_day=Decimal("4.0"),
            by=coordinator,
            confirm_untrained=True,
        )
        proposals.append((coordinator, with_signatures(proposal)))

    def agree(coordinator, proposal) -> None:
        with tenancy.user_scope(coordinator):
            placement_agree(placement=proposal, by=coordinator)

    outcomes = _race([lambda c=c, p=p: agree(c, p) for c, p in proposals], workers=len(proposals))
    assert outcomes.count("ok") == 1, outcomes
    assert sorted(outcomes)[:19] == ["need_full"] * 19, outcomes
    assert need.placements.filter(status=PlacementStatus.AGREED).count() == 2
    # Both municipalities were in the race, and the winner may be either's.
    assert {p.municipality_id for _c, p in proposals} == {m.pk for m in municipalities}
