"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

No browser is downloaded: the tests launch the system Chromium (`PLATSA_CHROMIUM`, default
/usr/bin/chromium). Without it they skip outside CI and fail in CI (`require_service`).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from conftest import require_service

CHROMIUM = os.environ.get("PLATSA_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("PLATSA_TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts"))
SCREENSHOTS = ARTIFACTS / "screenshots"
AXE = Path(os.environ.get("PLATSA_AXE", Path(__file__).resolve().parents[2] / "node_modules/axe-core/axe.min.js"))
PASSWORD = "platsa-test"  # the user factories' password

# The closed network refuses Chromium's own background connections; without these flags it
# waits on them. The others keep a headless run lean and deterministic.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright launches the system Chromium instead of a downloaded build."""
    executable = shutil.which(CHROMIUM)
    require_service(executable is not None, f"Chromium ({CHROMIUM})")
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # The Content-Security-Policy forbids inline script, which is how axe-core is injected.
    # Bypassing it in the test browser does not weaken the policy the server sends.
    return {**browser_context_args, "bypass_csp": True, "locale": "sv-SE", "accept_downloads": True}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[object]:
    """Playwright's sync API keeps an asyncio event loop running in the test thread, and Django
    refuses ORM calls from a thread with a running loop (SynchronousOnlyOperation): the test
    database's setup and flush as much as the tests' own data. The tests use the ORM
    synchronously, between Playwright calls, never from a coroutine: the case Django's
    documented DJANGO_ALLOW_ASYNC_UNSAFE switch is for. It is set around each test marked
    `browser` only (setup, call, teardown; pytest calls this hook for every test, whichever
    conftest defines it), so the rest of the suite, and `check --deploy` in a subprocess, keep
    Django's protection."""
    if item.get_closest_marker("browser") is None:
        return (yield)  # type: ignore[misc]  # a hookwrapper yields nothing
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        return (yield)  # type: ignore[misc]  # a hookwrapper yields nothing


@pytest.fixture(scope="session", autouse=True)
def _migrated_data(django_db_setup: None) -> str:
    """The migrations' data (roles, reference data) as pytest-django serialized it for
    `serialized_rollback`, taken before Playwright starts."""
    from django.db import connections

    return getattr(connections["default"], "_test_serialized_contents", "")


@pytest.fixture(scope="session", autouse=True)
def _migrated_data_inside_playwright(_migrated_data: str, playwright: Any) -> None:
    """Django keeps database connections per thread, but per asyncio context while an event loop
    runs in the thread (asgiref's Local): with Playwright's loop running, the tests get a new
    connection object that lacks the serialized data `serialized_rollback` restores before each
    test. Hand it over, so each browser test starts with the roles and reference data."""
    from django.db import connections

    if _migrated_data:
        connections["default"]._test_serialized_contents = _migrated_data  # type: ignore[attr-defined]  # set by Django's test runner


@pytest.fixture(autouse=True)
def _prompt_failures(page: Page) -> None:
    """A step that cannot happen fails within seconds, not Playwright's default half-minute."""
    page.set_default_timeout(10_000)
    expect.set_options(timeout=10_000)


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Iterator[Any]:
    """Call with the page at the end of a journey: the full page is saved as a test artefact."""

    def take(page: Page) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{request.node.name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    yield take


def log_in(page: Page, live_server: Any, username: str, password: str = PASSWORD) -> None:
    """Log in through the login form, as a person does."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{live_server.url}/")


WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")


def axe_violations(page: Page) -> list[str]:
    """Run axe-core (from npm) on the page against WCAG 2.1 A and AA; the serious and critical
    violations, one readable line per element: rule, help text, CSS selector."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_21_AA,
    )
    found = []
    for violation in result["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            found.append(f"{violation['id']} ({violation['impact']}): {violation['help']} at {target}")
    return found
