"""config/db_router.py: reporting reads go to the replica only when it has caught up with the primary, within
the lag bound, and answers; writes, migrations and reads inside a transaction stay on the primary.

The replica here is a second connection to the test database (`replica_alias`); its lag is mocked. The
topology load test (loadtest/run.sh, LOADTEST_TOPOLOGY=1) runs it against a real streaming replica."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError, connections, transaction
from django.test import override_settings

from accounts.models import User
from accounts.tests.factories import UserFactory
from config import db_router
from config.db_router import REPLICA, ReplicaRouter, reading_from_replica, replica_reads
from reporting.models import Indicator

# The tests add and remove the `replica` alias, as DATABASE_REPLICA_URL would; Django warns about that.
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup: None) -> Iterator[None]:
    """A `replica` database: the test database under a second alias, as DATABASE_REPLICA_URL would add.
    For the module, so that it exists before each test's database set-up (which allows it or not)."""
    conf = {**connections["default"].settings_dict, "TEST": {"MIRROR": "default"}}
    connections.settings[REPLICA] = conf
    with override_settings(DATABASES={**settings.DATABASES, REPLICA: conf}):
        yield
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


@pytest.fixture(autouse=True)
def _fresh_checks() -> Iterator[None]:
    db_router._skip_until = 0.0
    yield
    db_router._skip_until = 0.0


@pytest.fixture
def caught_up(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """The replica has replayed whatever position the primary reports; the positions asked about."""
    asked: list[str | None] = []

    def replayed(position: str | None) -> bool:
        asked.append(position)
        return True

    monkeypatch.setattr(db_router, "primary_wal_position", lambda: "0/3000060")
    monkeypatch.setattr(db_router, "replica_has_replayed", replayed)
    return asked


def read_alias() -> str:
    """Where a read of the reporting models would go now (QuerySet.db asks the router, runs no query)."""
    return Indicator.objects.all().db


def test_without_a_replica_every_read_is_left_to_django(settings: pytest.FixtureRequest) -> None:
    settings.DATABASES = {k: v for k, v in settings.DATABASES.items() if k != REPLICA}  # type: ignore[attr-defined]  # pytest-django's settings fixture
    assert ReplicaRouter().db_for_read(Indicator) is None
    with reading_from_replica() as on_replica:
        assert on_replica is False
        assert read_alias() == "default"


def test_reads_in_a_block_go_to_a_replica_that_has_caught_up(caught_up: list[str | None]) -> None:
    assert read_alias() == "default"
    with reading_from_replica() as on_replica:
        assert on_replica is True
        assert read_alias() == REPLICA
    assert caught_up == ["0/3000060"]  # compared with the primary's position when the block began
    assert read_alias() == "default"  # and after it, the primary again


def test_writes_and_migrations_never_go_to_the_replica(caught_up: list[str | None]) -> None:
    router = ReplicaRouter()
    with reading_from_replica():
        assert router.db_for_write(User) == "default"
        assert User.objects.none().db == REPLICA
        row_from_replica = User(username="x")
        row_from_replica._state.db = REPLICA
        assert router.db_for_write(User, instance=row_from_replica) == "default"
    assert router.allow_migrate(REPLICA, "reporting") is False
    assert router.allow_migrate("default", "reporting") is None


def test_a_replica_lagging_beyond_the_bound_is_waited_for_then_left_alone(
    monkeypatch: pytest.MonkeyPatch, settings: pytest.FixtureRequest
) -> None:
    settings.DATABASE_REPLICA_MAX_LAG = 0.2  # type: ignore[attr-defined]  # pytest-django's settings fixture
    checks: list[str | None] = []
    monkeypatch.setattr(db_router, "primary_wal_position", lambda: "0/5000000")

    def behind(position: str | None) -> bool:
        checks.append(position)
        return False

    monkeypatch.setattr(db_router, "replica_has_replayed", behind)
    with reading_from_replica() as on_replica:
        assert on_replica is False
        assert read_alias() == "default"
    assert len(checks) >= 3  # polled until the bound ran out
    waited = len(checks)
    with reading_from_replica() as on_replica:  # within RECHECK_SECONDS: not tried, not waited for
        assert on_replica is False
    assert len(checks) == waited


def test_a_replica_that_catches_up_within_the_bound_is_used(
    monkeypatch: pytest.MonkeyPatch, settings: pytest.FixtureRequest
) -> None:
    settings.DATABASE_REPLICA_MAX_LAG = 5  # type: ignore[attr-defined]  # pytest-django's settings fixture
    answers = iter([False, False, True])
    monkeypatch.setattr(db_router, "primary_wal_position", lambda: "0/5000000")
    monkeypatch.setattr(db_router, "replica_has_replayed", lambda position: next(answers))
    with reading_from_replica() as on_replica:
        assert on_replica is True


def test_a_replica_that_does_not_answer_sends_the_reads_to_the_primary(monkeypatch: pytest.MonkeyPatch) -> None:
    def down(position: str | None) -> bool:
        raise OperationalError("connection refused")

    monkeypatch.setattr(db_router, "primary_wal_position", lambda: "0/5000000")
    monkeypatch.setattr(db_router, "replica_has_replayed", down)
    with reading_from_replica() as on_replica:
        assert on_replica is False
        assert read_alias() == "default"
    # Tried again only after RECHECK_SECONDS.
    monkeypatch.setattr(db_router, "replica_has_replayed", lambda position: True)
    with reading_from_replica() as on_replica:
        assert on_replica is False
    monkeypatch.setattr(db_router, "_skip_until", 0.0)
    with reading_from_replica() as on_replica:
        assert on_replica is True


@pytest.mark.django_db
def test_reads_inside_a_transaction_on_the_primary_stay_there(caught_up: list[str | None]) -> None:
    # pytest-django's test runs inside a transaction: a block entered in one never uses the replica.
    assert connections["default"].in_atomic_block
    with reading_from_replica() as on_replica:
        assert on_replica is False
        assert read_alias() == "default"
    assert caught_up == []  # not even asked


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_transaction_opened_inside_a_block_reads_on_the_primary(caught_up: list[str | None]) -> None:
    with reading_from_replica():
        assert read_alias() == REPLICA
        with transaction.atomic():  # a write and the reads that must see it
            assert read_alias() == "default"
        assert read_alias() == REPLICA


def test_a_nested_block_keeps_the_outer_choice(caught_up: list[str | None]) -> None:
    with reading_from_replica(), reading_from_replica() as inner:
        assert inner is True
    assert caught_up == ["0/3000060"]  # one check for both


@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", REPLICA])
def test_the_queries_the_replica_answered_are_counted(caught_up: list[str | None]) -> None:
    user = UserFactory()  # committed: the replica's connection sees it
    cache.delete(db_router.READS_KEY)
    on_primary: list[int] = []

    def count(execute: Any, *args: Any) -> Any:
        on_primary.append(1)
        return execute(*args)

    with connections["default"].execute_wrapper(count):
        with reading_from_replica():
            assert list(User.objects.filter(pk=user.pk).values_list("username", flat=True)) == [user.username]
            assert Indicator.objects.count() >= 0
        with reading_from_replica():
            assert User.objects.filter(pk=user.pk).exists()
    assert on_primary == []  # every read through the replica's connection
    assert replica_reads() == 3


@pytest.mark.django_db
def test_a_quarterly_report_reads_its_figures_inside_a_block(monkeypatch: pytest.MonkeyPatch) -> None:
    """The report's figures are computed in a `reading_from_replica()` block (in a test, inside a
    transaction, it stays on the primary: the choice is the router's)."""
    from reporting.services import quarterly_report_generate, quarterly_report_request

    entered: list[bool] = []

    def spy() -> Any:
        entered.append(True)
        return reading_from_replica()

    from accounts.tests.factories import MunicipalityFactory

    monkeypatch.setattr("reporting.services.reading_from_replica", spy)
    report = quarterly_report_generate(
        report=quarterly_report_request(year=2025, quarter=1, by=None, owner=MunicipalityFactory())
    )
    assert report.status == report.Status.DONE
    assert entered == [True]
