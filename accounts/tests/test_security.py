"""Authentication hardening: lock-out, session lifetime, log out everywhere, Content-Security-Policy."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory

pytestmark = pytest.mark.django_db


def _try(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.1.2.3")


def test_the_eleventh_attempt_after_ten_failures_is_refused_even_with_the_right_password(client: Client) -> None:
    CoordinatorFactory(username="anna")
    for _ in range(9):
        assert _try(client, "anna", "wrong").status_code == 200  # the form again, with an error
    response = _try(client, "anna", "wrong")  # the tenth failure locks
    assert response.status_code == 429
    response = _try(client, "anna", "platsa-test")
    assert response.status_code == 429
    assert "låst" in response.content.decode()
    assert client.get("/").status_code == 302  # not logged in


def test_the_lock_lifts_after_fifteen_minutes(client: Client) -> None:
    CoordinatorFactory(username="anna")
    for _ in range(10):
        _try(client, "anna", "wrong")
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(minutes=16)):
        response = _try(client, "anna", "platsa-test")
    assert response.status_code == 302


def test_failed_attempts_during_the_lock_do_not_extend_it(client: Client) -> None:
    """Anyone can try any user name: were each try during the lock to restart it, anyone could keep
    any account locked for good. The lock ends 15 minutes after it began, whatever is tried meanwhile."""
    CoordinatorFactory(username="anna")
    start = dt.datetime.now(tz=dt.UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(10):
            _try(client, "anna", "wrong")
    for minutes in (1, 5, 10, 14):
        with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
            for _ in range(3):
                assert _try(client, "anna", "wrong").status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=14, seconds=50), tick=False):
        assert _try(client, "anna", "platsa-test").status_code == 429  # still locked
    with time_machine.travel(start + dt.timedelta(minutes=15, seconds=10), tick=False):
        assert _try(client, "anna", "platsa-test").status_code == 302  # the lock ended on time


def test_a_session_ends_after_thirty_idle_minutes_and_twelve_hours_at_most(client: Client, settings) -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    CoordinatorFactory(username="anna")
    start = dt.datetime.now(tz=dt.UTC)
    with time_machine.travel(start, tick=False):
        _try(client, "anna", "platsa-test")
        assert client.get("/").status_code == 200
    # Busy all day: a request every 20 minutes keeps the session alive until the 12th hour.
    for minutes in range(20, 12 * 60, 20):
        with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
            assert client.get("/").status_code == 200, minutes
    with time_machine.travel(start + dt.timedelta(hours=12, minutes=5), tick=False):
        response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_log_out_everywhere_ends_the_other_sessions_too(client: Client) -> None:
    CoordinatorFactory(username="anna")
    other = Client()
    _try(client, "anna", "platsa-test")
    _try(other, "anna", "platsa-test")
    assert other.get("/").status_code == 200
    client.post(reverse("logout_everywhere"))
    assert client.get("/").status_code == 302
    assert other.get("/").status_code == 302


def test_the_login_rotates_the_session_key(client: Client) -> None:
    CoordinatorFactory(username="anna")
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    _try(client, "anna", "platsa-test")
    assert client.session.session_key != before


def test_pages_carry_a_content_security_policy_without_inline_code(client: Client) -> None:
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert "<script>" not in response.content.decode() and " style=" not in response.content.decode()
