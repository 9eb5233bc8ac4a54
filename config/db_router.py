"""Reporting reads on a PostgreSQL streaming replica, when one is configured and keeps up.

`DATABASE_REPLICA_URL` adds the `replica` database; without it everything is on `default`, as before.
Only code inside `reading_from_replica()` reads from it: the computation of the quarterly report's
figures, of the dashboard's summary and of the API's report figures (reporting.services,
reporting.dashboard, api.reporting). Everything else, and every write, stays on the primary.

Entering the block asks the primary how far its write-ahead log has come and uses the replica only
once the replica has replayed up to there, waiting at most `DATABASE_REPLICA_MAX_LAG` seconds for it.
So the replica's reads see everything committed before the block began, as the primary's would: a
report requested after a change includes it, and a dashboard summary stored with the data version it
read is not older than that version. A replica that lags beyond the bound, or does not answer, is left
alone for `RECHECK_SECONDS` (its reads go to the primary meanwhile, without waiting again).

Reads inside a transaction on the primary stay there (they may need to see its own writes), and so do
all reads of a block entered inside one. Writes inside a block go to the primary; a read after such a
write, outside a transaction, may not see it on the replica: the reporting computations write nothing.

Each block that read from the replica adds its number of queries to a counter in the cache
(`replica_reads()`; per process without Redis), and logs it at INFO.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import time
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
# After the replica lagged beyond the bound or did not answer, this long before it is tried again.
RECHECK_SECONDS = 10.0
# How often to look again while waiting for the replica to catch up.
POLL_SECONDS = 0.05
READS_KEY = "db-router:replica-reads"


class _Block:
    """The state of one `reading_from_replica()` block: whether it reads from the replica, and how many
    queries the replica has answered for it."""

    def __init__(self, *, on_replica: bool) -> None:
        self.on_replica = on_replica
        self.reads = 0

    def count(self, execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        """An execute wrapper of the replica's connection (Django's instrumentation hook)."""
        self.reads += 1
        return execute(sql, params, many, context)


_block: contextvars.ContextVar[_Block | None] = contextvars.ContextVar("replica_block", default=None)
# Per process: the replica is not tried before this moment (time.monotonic) after a failed check.
_skip_until = 0.0


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def max_lag() -> float:
    """DATABASE_REPLICA_MAX_LAG: how many seconds a block waits at most for the replica to catch up."""
    return float(getattr(settings, "DATABASE_REPLICA_MAX_LAG", 5.0))


def primary_wal_position() -> str | None:
    """How far the primary has flushed its write-ahead log (an LSN), or None when `default` is not PostgreSQL."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        # Flushed, not merely written: every committed transaction is flushed (synchronous_commit), and
        # the WAL of one still running, not yet flushed, is no reason to wait.
        cursor.execute("SELECT pg_current_wal_flush_lsn()::text")
        return str(cursor.fetchone()[0])


def replica_has_replayed(position: str | None) -> bool:
    """Whether the replica has replayed the primary's log up to `position`. Raises DatabaseError when
    the replica does not answer. A replica that is not PostgreSQL (a test's mirror) is always current."""
    connection = connections[REPLICA]
    if position is None or connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery() AND pg_last_wal_replay_lsn() >= %s::pg_lsn", [position])
        return bool(cursor.fetchone()[0])


def replica_ready() -> bool:
    """Whether a block entered now may read from the replica: it is configured, answers, and replays
    what the primary has committed until now within DATABASE_REPLICA_MAX_LAG seconds."""
    global _skip_until
    if not replica_configured() or time.monotonic() < _skip_until:
        return False
    deadline = time.monotonic() + max_lag()
    try:
        position = primary_wal_position()
        while not replica_has_replayed(position):
            if time.monotonic() >= deadline:
                logger.warning("replica lags more than %ss, reporting reads on the primary", max_lag())
                _skip_until = time.monotonic() + RECHECK_SECONDS
                return False
            time.sleep(POLL_SECONDS)
    except DatabaseError as exc:
        logger.warning("replica unavailable, reporting reads on the primary (%s)", type(exc).__name__)
        _skip_until = time.monotonic() + RECHECK_SECONDS
        with contextlib.suppress(DatabaseError):
            connections[REPLICA].close()
        return False
    return True


@contextlib.contextmanager
def reading_from_replica() -> Iterator[bool]:
    """Route the reads of the block to the replica when it is ready (see the module's text); yields
    whether it does. Nested blocks keep the outer block's choice."""
    if _block.get() is not None:
        yield bool(_block.get().on_replica)  # type: ignore[union-attr]  # checked just above
        return
    in_transaction = connections[DEFAULT_DB_ALIAS].in_atomic_block
    if in_transaction and replica_configured():
        logger.info("reporting reads on the primary: the block is inside a transaction")
    on_replica = not in_transaction and replica_ready()
    block = _Block(on_replica=on_replica)
    token = _block.set(block)
    try:
        if on_replica:
            with connections[REPLICA].execute_wrapper(block.count):
                yield True
        else:
            yield False
    finally:
        _block.reset(token)
        if block.reads:
            logger.info("reporting reads on the replica: %d queries", block.reads)
            _count_reads(block.reads)


def _count_reads(reads: int) -> None:
    cache.add(READS_KEY, 0, timeout=None)
    try:
        cache.incr(READS_KEY, reads)
    except ValueError:  # evicted between the two calls: the count starts again
        cache.set(READS_KEY, reads, timeout=None)


def replica_reads() -> int:
    """How many queries `reading_from_replica()` blocks have sent to the replica (the cache's count)."""
    return int(cache.get(READS_KEY) or 0)


class ReplicaRouter:
    """DATABASE_ROUTERS entry: reads in a ready `reading_from_replica()` block go to the replica, outside a
    transaction on the primary; everything else, and every write and migration, to the primary."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if not replica_configured():
            return None  # Django's default choice, as with no router
        block = _block.get()
        if block is not None and block.on_replica and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA
        # Said outright: left to Django, a row read from the replica would take its later reads
        # (related objects) back there.
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        return False if db == REPLICA else None
