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
from django.db import connection, transaction

from participants.tests.factories import ParticipantFactory
from placements.models import PlacementStatus
from placements.services import placement_agree, placement_propose
from supervisors.tests.factories import SupervisorFactory
from workplaces.tests.factories import NeedFactory

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
        )
        for _ in range(2)
    )
    first_has_taken_the_place = threading.Event()
    commit_first = threading.Event()
    outcomes: dict[str, str] = {}

    def coordinator_one() -> None:
        try:
            with transaction.atomic():
                placement_agree(placement=first, by=None)
                first_has_taken_the_place.set()
                commit_first.wait(timeout=10)
            outcomes["first"] = "agreed"
        finally:
            connection.close()

    def coordinator_two() -> None:
        try:
            first_has_taken_the_place.wait(timeout=10)
            placement_agree(placement=second, by=None)
            outcomes["second"] = "agreed"
        except ValidationError as exc:
            outcomes["second"] = str(exc.code)
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
