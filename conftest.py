"""Shared pytest fixtures and helpers."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

IN_CI = os.environ.get("CI", "").lower() == "true"

# Property-based tests run the same examples on every run (a red CI run is reproducible and
# never flaky), store nothing on disk, and have no per-example deadline: the first example of
# a test pays for template and URL loading. `HYPOTHESIS_PROFILE=explore` searches at random and longer.
_FIXTURE_CHECK = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
hypothesis_settings.register_profile(
    "platsa", derandomize=True, database=None, deadline=None, suppress_health_check=_FIXTURE_CHECK
)
hypothesis_settings.register_profile(
    "explore", max_examples=500, database=None, deadline=None, suppress_health_check=_FIXTURE_CHECK
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "platsa"))


def require_service(available: bool, what: str) -> None:
    """A test that needs a service fails in CI when it is missing, and skips elsewhere."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI but is not available")
    pytest.skip(f"{what} is not available outside CI")


@contextmanager
def use_broker(url: str) -> Iterator[None]:
    """Publish Celery tasks to a real broker URL instead of running them in-process."""
    from config.celery import app

    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url, app.conf.task_always_eager = url, False
    _forget_broker_connections(app)
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        _forget_broker_connections(app)


def _forget_broker_connections(app) -> None:
    # Celery keeps a pool of broker connections made from the URL it first saw.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture(autouse=True)
def _swedish_by_default(settings):
    """Tests see the UI as a user does: Swedish unless a test switches language."""
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _fresh_matching_features():
    """Matching caches its arrays per process; each test starts from its own database state."""
    from placements.matching.features import forget_features

    forget_features()
    yield
    forget_features()


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    """The locmem SMS backend's outbox, emptied before each test as pytest-django empties mail.outbox."""
    from sms.backends import locmem

    locmem.outbox.clear()
    yield


@pytest.fixture
def sms_provider(settings):
    """The HTTP SMS backend pointed at a fake provider on 127.0.0.1 (sms/tests/fake_provider.py)."""
    from sms.tests.fake_provider import fake_provider

    with fake_provider() as provider:
        settings.SMS_BACKEND = "sms.backends.http.SmsBackend"
        settings.SMS_HTTP_URL = provider.url
        settings.SMS_HTTP_USERNAME = "u0123456789abcdef"
        settings.SMS_HTTP_PASSWORD = "not-a-real-secret"
        settings.SMS_HTTP_ALLOW_INSECURE = True  # the fake listens on plain HTTP on loopback
        settings.SMS_SENDER = "Platsa"
        yield provider


@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import cache

    cache.clear()
    yield


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run last: Playwright keeps an event loop running in the main thread for the rest
    of the session, and Django refuses database calls from there (SynchronousOnlyOperation)."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
