"""Load test: the usual journeys of Platsa's three roles, for locust (`make loadtest`, see README).

Each simulated user logs in once, through the real login form with its CSRF token, as one of the demo
users `seed_demo` makes, and then walks its role's pages with a few seconds' thought between clicks:

- coordinators (most users): the start page, the participant list and a search posted through its form,
  a participant's case file, a need and its *find candidates* ranking, the list of open needs;
- supervisors: the portal start page, one of their placements, the follow-up form;
- managers: the dashboard (this year and an earlier one), the report archive, the targets page.

Every request that should succeed is checked: a page must answer 200 itself (a redirect, e.g. to the
login page when a session is lost, is a failure), and a form post must redirect where the app sends it
after success. Ids are read from the links on the pages, as a person would click them.

Settings, from the environment:
- `LOADTEST_USERS_FILE`: JSON `{"coordinator": [...], "supervisor": [...], "manager": [...]}` of
  usernames to spread the simulated users over (`loadtest/run.sh` writes it from the database); without
  it, the demo users `koordinator`, `handledare` and `chef`.
- `LOADTEST_PASSWORD`: their password (default `platsa-demo`, the demo password).
- `LOADTEST_FAILURES_FILE`: where to append one JSON line per failed request (when it ended, its time,
  the page and the error), so that the topology mode can tell the failures around a stopped web node
  from the others.

Only the standard library and locust are imported: the file runs in locust's process, not Django's.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random
import re
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from locust import FastHttpUser, between, events, task
from locust.exception import RescheduleTask

PASSWORD = os.environ.get("LOADTEST_PASSWORD", "platsa-demo")
DEFAULT_USERS = {"coordinator": ["koordinator"], "supervisor": ["handledare"], "manager": ["chef"]}

# The pages the journeys use. `{}` is an id read from a page. tests/test_loadtest.py resolves each one.
LOGIN = "/accounts/login/"
HOME = "/"
PARTICIPANT_LIST = "/participants/"
PARTICIPANT_DETAIL = "/participants/{}/"
NEED_LIST = "/needs/?status=open"
NEED_DETAIL = "/needs/{}/"
NEED_CANDIDATES = "/placements/for-need/{}/"
PORTAL_PLACEMENT = "/placements/portal/{}/"
FOLLOW_UP_FORM = "/placements/{}/follow-up/"
DASHBOARD = "/dashboard/"
DASHBOARD_YEAR = "/dashboard/?year={}"
REPORT_ARCHIVE = "/dashboard/reports/"
TARGETS = "/dashboard/targets/"

# Links to follow, as they appear in the pages' HTML.
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PARTICIPANT_LINK = re.compile(r'href="/participants/(\d+)/"')
NEED_LINK = re.compile(r'href="/needs/(\d+)/"')
PORTAL_LINK = re.compile(r'href="/placements/portal/(\d+)/"')
FOLLOW_UP_LINK = re.compile(r'href="(/placements/\d+/follow-up/(?:\?due=\d+)?)"')

# Parts of names that coordinators type into the search box; most find someone in the demo.
SEARCH_WORDS = ["an", "son", "lin", "Ali", "Maria", "Ahmed", "berg", "Sara", "Mohamed", "ström", "Erik", "Fatima"]


def _usernames() -> dict[str, list[str]]:
    path = os.environ.get("LOADTEST_USERS_FILE")
    if not path:
        return DEFAULT_USERS
    with open(path, encoding="utf-8") as handle:
        found = json.load(handle)
    return {role: found.get(role) or DEFAULT_USERS[role] for role in DEFAULT_USERS}


USERNAMES = _usernames()
# Simulated users of a role take that role's usernames in turn, so 30 coordinators are 30 people.
_NEXT_USERNAME: dict[str, Iterator[str]] = {role: itertools.cycle(names) for role, names in USERNAMES.items()}


FAILURES_FILE = os.environ.get("LOADTEST_FAILURES_FILE")


@events.request.add_listener
def record_failure(*, request_type: str, name: str, response_time: float, exception: Any = None, **_: Any) -> None:
    """With LOADTEST_FAILURES_FILE set: one line per failed request, written as it ends."""
    if exception is None or not FAILURES_FILE:
        return
    line = {"end": time.time(), "ms": response_time, "page": f"{request_type} {name}", "error": str(exception)[:200]}
    with open(FAILURES_FILE, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(line) + "\n")


class JourneyFailed(RescheduleTask):
    """A page did not answer as a working app does. The request is already counted as failed; the rest of
    that journey step is skipped and the user thinks, then goes on with another (locust's RescheduleTask)."""


class PlatsaUser(FastHttpUser):
    """Logs in once, then follows its role's journey. Subclasses set `role` and the tasks."""

    abstract = True
    role = ""
    # Seconds between clicks, reading a list or a case file: brisk for people at work.
    wait_time = between(3, 10)
    # One connection per simulated user, as a browser tab; Django answers with `Connection: close`
    # under gunicorn's sync workers anyway.
    concurrency = 1

    csrf_token = ""

    def on_start(self) -> None:
        self.username = next(_NEXT_USERNAME[self.role])
        self.log_in()

    # --- requests -------------------------------------------------------------------------------

    def page(self, path: str, *, name: str) -> str:
        """GET a page that must answer 200 itself; returns its HTML. Keeps the CSRF token it carries."""
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                where = response.headers.get("Location", "") if response.headers else ""
                response.failure(f"{response.status_code} {where}".strip())
                raise JourneyFailed(name)
            html = response.text or ""
            response.success()
        if token := CSRF_INPUT.search(html):
            self.csrf_token = token.group(1)
        return html

    def post_form(self, path: str, data: dict[str, str], *, name: str, expect: str) -> None:
        """POST a form as a browser does (CSRF token, Referer) and check it redirects to `expect`."""
        headers = {"Referer": self._absolute(path)}
        body = {"csrfmiddlewaretoken": self.csrf_token, **data}
        with self.client.post(
            path, data=body, headers=headers, name=name, allow_redirects=False, catch_response=True
        ) as response:
            where = response.headers.get("Location", "") if response.headers else ""
            if response.status_code != 302 or urlsplit(where).path != expect:
                response.failure(f"{response.status_code} {where}".strip())
                raise JourneyFailed(name)
            response.success()

    def _absolute(self, path: str) -> str:
        return f"{self.host.rstrip('/')}{path}"  # type: ignore[union-attr]  # locust sets host before any task runs

    def log_in(self) -> None:
        self.page(LOGIN, name="login form")
        self.post_form(LOGIN, {"username": self.username, "password": PASSWORD}, name="login (POST)", expect=HOME)

    @staticmethod
    def pick(pattern: re.Pattern[str], html: str) -> str | None:
        found = pattern.findall(html)
        return random.choice(found) if found else None

    def must_pick(self, pattern: re.Pattern[str], html: str, *, what: str) -> str:
        """An id from a link on the page; a page without one means the journey cannot go on."""
        found = self.pick(pattern, html)
        if found is None:
            self.environment.events.request.fire(
                request_type="CHECK",
                name=f"link to {what}",
                response_time=0,
                response_length=0,
                exception=JourneyFailed(f"no link to {what}"),
                context={},
            )
            raise JourneyFailed(what)
        return found


class Coordinator(PlatsaUser):
    """Works through the caseload: lists, searches, case files, needs and candidate rankings."""

    weight = 7
    role = "coordinator"

    @task(3)
    def start_page(self) -> None:
        self.page(HOME, name="coordinator: start page")

    @task(3)
    def participant_list(self) -> None:
        self.page(PARTICIPANT_LIST, name="coordinator: participant list")

    @task(2)
    def search(self) -> None:
        self.page(PARTICIPANT_LIST, name="coordinator: participant list")
        self.post_form(
            PARTICIPANT_LIST,
            {"q": random.choice(SEARCH_WORDS)},
            name="coordinator: participant search (POST)",
            expect=PARTICIPANT_LIST,
        )
        html = self.page(PARTICIPANT_LIST, name="coordinator: participant list (search result)")
        if pk := self.pick(PARTICIPANT_LINK, html):
            self.page(PARTICIPANT_DETAIL.format(pk), name="coordinator: participant detail")
        # Back to the whole list, as the "clear" button does.
        self.post_form(
            PARTICIPANT_LIST,
            {"reset": "1"},
            name="coordinator: participant search reset (POST)",
            expect=PARTICIPANT_LIST,
        )

    @task(4)
    def participant(self) -> None:
        html = self.page(PARTICIPANT_LIST, name="coordinator: participant list")
        pk = self.must_pick(PARTICIPANT_LINK, html, what="a participant")
        self.page(PARTICIPANT_DETAIL.format(pk), name="coordinator: participant detail")

    @task(2)
    def need_and_candidates(self) -> None:
        html = self.page(NEED_LIST, name="coordinator: open needs")
        pk = self.must_pick(NEED_LINK, html, what="an open need")
        self.page(NEED_DETAIL.format(pk), name="coordinator: need detail")
        self.page(NEED_CANDIDATES.format(pk), name="coordinator: find candidates")

    @task(1)
    def need_list(self) -> None:
        self.page(NEED_LIST, name="coordinator: open needs")


class Supervisor(PlatsaUser):
    """Checks on their participants from a phone and opens the follow-up form."""

    weight = 2
    role = "supervisor"
    wait_time = between(5, 15)

    @task(2)
    def start_page(self) -> None:
        self.page(HOME, name="supervisor: portal start")

    @task(3)
    def placement_and_follow_up(self) -> None:
        html = self.page(HOME, name="supervisor: portal start")
        pk = self.must_pick(PORTAL_LINK, html, what="a supervised placement")
        placement = self.page(PORTAL_PLACEMENT.format(pk), name="supervisor: placement")
        # The link of a follow-up that is due, or else the form for an unscheduled one.
        form = self.pick(FOLLOW_UP_LINK, placement) or FOLLOW_UP_FORM.format(pk)
        self.page(form, name="supervisor: follow-up form")


class Manager(PlatsaUser):
    """Follows the figures: dashboard, an earlier year, reports and targets."""

    weight = 1
    role = "manager"
    wait_time = between(5, 15)

    @task(4)
    def dashboard(self) -> None:
        self.page(DASHBOARD, name="manager: dashboard")

    @task(2)
    def dashboard_earlier_year(self) -> None:
        year = dt.datetime.now(tz=dt.UTC).year - random.randint(1, 2)
        self.page(DASHBOARD_YEAR.format(year), name="manager: dashboard ?year=")

    @task(1)
    def reports(self) -> None:
        self.page(REPORT_ARCHIVE, name="manager: report archive")

    @task(1)
    def targets(self) -> None:
        self.page(TARGETS, name="manager: targets")
