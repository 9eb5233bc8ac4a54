"""The database's own bound on case files: PostgreSQL row-level security keyed by municipality.

The application scopes every query (`accounts.access`, `.visible_to(user)`); this is the second line
of defence, for a query that forgot its scope. The case-file tables in `ROW_SECURITY_TABLES` carry a
policy that lets a statement see, insert or update only the rows whose `municipality_id` is in the
custom setting `platsa.municipalities` of the database session:

- unset or empty (`''`): the system context. Every row: Celery tasks (`config.celery`, eager ones
  too), management commands, migrations, `manage.py shell`, the test suite outside a request, and
  the reads that must see past a user's municipality on purpose (`municipality_scope(None)`).
- an array of ids (`'{3}'`, `'{3,7}'`; `'{}'` for none): only those municipalities' rows. A request
  of a signed-in user runs with `accounts.access.database_municipalities(user)` (their own
  municipality, a supervisor's also those of their placements; a superuser the system context);
  every other request (the login page, anonymous API calls before the token is read) with `'{}'`.

The placements' tables are bound too, but what is taken of a need or a supervisor is counted over
every municipality's placements (a regional employer's need is published to several): those counts
read `placements.PlacementHold`, a table of only the columns they need (nothing personal, no
row-level security), which triggers on the placements' table keep equal to every municipality's
holding placements (placements 0027; see placements.occupancy).

The setting belongs to the session (`set_config(..., false)`), not to one transaction: requests run
in autocommit (no ATOMIC_REQUESTS), so a transaction-local setting would have to be sent before
every statement. `TenancyMiddleware` sets it when a request begins, whatever the previous request
on the same persistent connection (CONN_MAX_AGE) left, and puts the system context back when the
request ends, on an exception too; a connection opened during a request (after a lost
one) gets the request's value as it opens (`_apply_on_connect`). A setting is rolled back with the
transaction it was made in, which is what keeps tests apart: pytest-django's transaction around each
test ends with the session as it was before the test.

The setting is sent on the driver's own cursor, as Django sets the session's time zone: it is state
of the connection, not a read, and stays out of the query counts the list pages are held to.

SQLite has no row-level security: there the application's scope is the only one, and these functions
do nothing. PostgreSQL applies no policy to superusers and to roles with BYPASSRLS: production must
connect as an ordinary role that owns the tables (FORCE makes the policy bind the owner too).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import DEFAULT_DB_ALIAS, Error, connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.http import HttpRequest, HttpResponse

from .access import AnyUser, database_municipalities

SETTING = "platsa.municipalities"

# Every table with row-level security by municipality, in the order the migrations added them. The one
# list the code and the tests go by; accounts/tests/test_tenancy.py checks the database has exactly
# these policies. A migration adds a table with its own frozen SQL and list of names (see "The
# policies" below), and the table goes here in the same commit.
ROW_SECURITY_TABLES: tuple[str, ...] = (
    "participants_participant",
    # privacy 0007: the rest of the case file.
    "participants_casenote",
    "participants_exit",
    "participants_interest",
    "participants_participantprerequisite",
    "participants_programmestatus",
    "participants_recordsextractcheck",
    "participants_referralimport",
    "participants_statuschange",
    "participants_studytime",
    "participants_task",
    "participants_textmessage",
    "participants_workexperience",
    # privacy 0008: the placements' rows. Their counts (a need's places, a supervisor's load) read
    # every municipality's through placements.PlacementHold, a table kept by triggers, not bound.
    "placements_acknowledgement",
    "placements_agreementdocument",
    "placements_certificate",
    "placements_followup",
    "placements_followuplink",
    "placements_lateroutcome",
    "placements_meeting",
    "placements_placement",
    "placements_placementevent",
    "placements_reminder",
    "placements_signature",
    "placements_signinglink",
)

POLICY = "platsa_municipality"

# None: the system context (every row). Per thread and per asyncio task, as Django's connections are.
_current: ContextVar[frozenset[int] | None] = ContextVar("platsa_municipalities", default=None)
_in_request: ContextVar[bool] = ContextVar("platsa_in_request", default=False)


def setting_value(municipalities: frozenset[int] | None) -> str:
    """The setting's text for a set of municipality ids (None: the system context, '')."""
    if municipalities is None:
        return ""
    return "{" + ",".join(str(municipality_id) for municipality_id in sorted(municipalities)) + "}"


def current_municipalities() -> frozenset[int] | None:
    """The municipalities this thread's statements are bound to; None in the system context."""
    return _current.get()


def _send(database: BaseDatabaseWrapper, municipalities: frozenset[int] | None) -> None:
    with database.wrap_database_errors, database.connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, false)", [SETTING, setting_value(municipalities)])


def _apply(database: BaseDatabaseWrapper, municipalities: frozenset[int] | None) -> None:
    if database.vendor == "postgresql":
        database.ensure_connection()
        _send(database, municipalities)


def _restore(database: BaseDatabaseWrapper) -> None:
    """Put the enclosing scope's setting back. A session that cannot be reset is never reused:
    outside a transaction it is closed (the next one starts unset); inside one (a test's), the
    setting made within it goes with the rollback that an error there forces."""
    if database.vendor != "postgresql" or database.connection is None:
        return  # closed meanwhile: the next session starts unset, or bound as it opens
    try:
        _send(database, _current.get())
    except Error:
        if not database.in_atomic_block:
            database.close()


def _apply_on_connect(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    # A new session starts in the system context; inside a bound scope it must not stay there. Only
    # the default database's: the bound is set and reset on it alone, and the reporting replica
    # (config/db_router.py) reads in the system context, bounded by its owner's filter; bound as it
    # opened, a replica connection would have kept one request's municipality for every later one.
    if _current.get() is not None and connection.vendor == "postgresql" and connection.alias == DEFAULT_DB_ALIAS:
        _send(connection, _current.get())


connection_created.connect(_apply_on_connect, dispatch_uid="platsa-tenancy-apply-on-connect")


def _set(municipalities: frozenset[int] | None) -> None:
    _current.set(municipalities)
    _apply(connection, municipalities)


@contextmanager
def municipality_scope(municipalities: frozenset[int] | None) -> Iterator[None]:
    """Run the block bound to these municipalities' rows (None: the system context), and put back
    whatever held before, on an exception too."""
    token = _current.set(municipalities)
    try:
        _apply(connection, municipalities)
        yield
    finally:
        _current.reset(token)
        _restore(connection)


@contextmanager
def user_scope(user: AnyUser) -> Iterator[None]:
    """Run the block as a request of this user would run (`database_municipalities`)."""
    with municipality_scope(_municipalities_of(user)):
        yield


def _municipalities_of(user: AnyUser) -> frozenset[int] | None:
    if connection.vendor != "postgresql":
        return frozenset()  # no policy to feed; spares the supervisor's query
    if _current.get() is None:
        return database_municipalities(user)
    # Worked out within a bound (the API reads its token inside the view, under the anonymous one):
    # a supervisor's placements, which say whose rows they may read, are themselves bound.
    with municipality_scope(None):
        return database_municipalities(user)


def narrow_to_user(user: AnyUser) -> None:
    """Within a request: bind the rest of it to this user, known only now (the API reads its token
    inside the view). The request's scope puts back what held before it when the request ends; a
    view called without the middleware (a test's RequestFactory) is left as it was, so no bound
    outlives the call."""
    if _in_request.get():
        _set(_municipalities_of(user))


def system_context_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For the pages a signed link opens instead of a login (a supervisor's follow-up link, the
    signing link): they have no user to bind, and the link's token, which the view checks, names
    the one object they show. They run in the system context. (The calendar feed's token names a
    user: it reads as that user, `narrow_to_user`.)"""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with municipality_scope(None):
            return view(request, *args, **kwargs)

    return wrapped


class TenancyMiddleware:
    """Every request runs bound to its user's municipalities (`user_scope`); after the session and
    authentication middleware, and after SessionLifetimeMiddleware, which may log the user out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _in_request.set(True)
        try:
            with user_scope(request.user):
                return self.get_response(request)
        finally:
            _in_request.reset(token)


# --- The policies --------------------------------------------------------------------------------
# Written out in the migrations that make them (privacy 0006, 0007, 0008), each with its own frozen copy of
# the SQL: a migration must do the same thing whenever it runs, whatever this module later says. Every
# table gets one policy, POLICY, for all commands, with the same expression for USING and WITH CHECK:
#
#   (SELECT coalesce(current_setting('platsa.municipalities', true), '') = '')
#   OR municipality_id = ANY ((SELECT nullif(current_setting('platsa.municipalities', true), '')::bigint[])::bigint[])
#
# The setting is read once per statement: each scalar subquery is an InitPlan, evaluated before the
# rows are, so no row parses the array, and `municipality_id = ANY ($1)` can use the index. (The outer
# cast, a no-op, keeps ANY from taking the subquery for a set of rows.) Unset (NULL) and '' are the
# system context; a row whose municipality_id were NULL matches no bound context. To cover another
# table: a new migration like 0008 with its name, and the name in ROW_SECURITY_TABLES
# (accounts/tests/test_tenancy.py checks that the database's policies are exactly that list).
