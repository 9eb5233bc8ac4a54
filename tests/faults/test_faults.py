"""Fault tests on loopback: a worker killed mid-report, Redis stopped during a save, PostgreSQL
restarted under a running app. They start real processes (Celery worker, gunicorn, redis-server)
against the test database, so they need PostgreSQL; `.ci/run` runs them (`pytest -m faults`) and
tells them how to restart its PostgreSQL (PLATSA_PG_BIN, PLATSA_PG_DATA)."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tests.factories import CoordinatorFactory
from config.cache import resilient_redis_cache
from conftest import require_service, use_broker
from outbox.models import OutboxMessage
from outbox.services import RELAY_GRACE, outbox_relay
from placements.models import Outcome, PlacementStatus
from placements.tests.factories import FollowUpFactory, PlacementFactory
from reporting.models import QuarterlyReport
from reporting.services import quarterly_report_queue, report_figures

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(settings.BASE_DIR)
PYTHON_BIN = Path(sys.executable).parent
TASK_TIME_LIMIT = 10  # seconds; the broker's visibility timeout is twice that (config/settings/base.py)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


@pytest.fixture
def postgresql() -> None:
    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[dict[str, Callable[[], None] | str]]:
    """A Redis of the test's own, so stopping it disturbs nothing else."""
    require_service(shutil.which("redis-server") is not None, "redis-server")
    port = _free_port()

    def start() -> None:
        subprocess.run(
            [
                "redis-server",
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "yes",
                "--dir",
                str(tmp_path),
                "--logfile",
                str(tmp_path / "redis.log"),
            ],
            check=True,
        )
        _wait_for(lambda: _redis_ping(port), 10, "Redis to start")

    def stop() -> None:
        subprocess.run(["redis-cli", "-p", str(port), "shutdown", "nosave"], check=False, capture_output=True)
        _wait_for(lambda: not _redis_ping(port), 10, "Redis to stop")

    start()
    yield {"url": f"redis://127.0.0.1:{port}/0", "start": start, "stop": stop}
    stop()


def _redis_ping(port: int) -> bool:
    done = subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True, check=False)
    return done.stdout.strip() == "PONG"


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _env(redis_url: str, mail_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "CELERY_TASK_TIME_LIMIT": str(TASK_TIME_LIMIT),
        "CELERY_UNACKED_RESTORE_INTERVAL": "2",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "MEDIA_ROOT": str(mail_dir.parent / "media"),
    }


class Worker:
    """A Celery worker process (and its pool child) in a process group of its own."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log.open("ab")
        self.process = subprocess.Popen(
            [
                str(PYTHON_BIN / "celery"),
                "-A",
                "config",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                "1",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill_hard(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)  # the main process and the pool child, no goodbye
        self.process.wait(10)
        self.log.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()


@pytest.fixture
def workers(redis_server, tmp_path: Path) -> Iterator[Callable[[], Worker]]:
    started: list[Worker] = []

    def start() -> Worker:
        worker = Worker(_env(str(redis_server["url"]), tmp_path / "mail"), tmp_path / "worker.log")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        if not worker.log.closed:
            worker.stop()
    print((tmp_path / "worker.log").read_text(errors="replace")[-3000:] if (tmp_path / "worker.log").exists() else "")


def _history(n: int = 400) -> None:
    """Placements that ended in 2026 Q3, enough that the report takes a moment to make."""
    for i in range(n):
        start = dt.date(2026, 7, 1) + dt.timedelta(days=i % 40)
        PlacementFactory(
            status=PlacementStatus.COMPLETED,
            planned_start=start,
            planned_end=start + dt.timedelta(days=40),
            actual_start=start,
            actual_end=start + dt.timedelta(days=40),
            outcome=Outcome.EMPLOYMENT if i % 3 else Outcome.UNEMPLOYED,
        )


def test_a_worker_killed_mid_report_leaves_one_report_with_the_undisturbed_figures(
    postgresql,
    redis_server,
    workers,
) -> None:
    _history()
    with translation.override("sv"):
        undisturbed = json.loads(json.dumps(report_figures(2026, 3), default=str))

    first = workers()
    with use_broker(str(redis_server["url"])):
        report = quarterly_report_queue(year=2026, quarter=3, by=None)
    assert OutboxMessage.objects.get().sent_at is not None  # the broker took it

    def running() -> bool:
        report.refresh_from_db()
        return report.status == QuarterlyReport.Status.RUNNING

    _wait_for(running, 60, "the worker to start the report")
    first.kill_hard()
    report.refresh_from_db()
    assert report.status == QuarterlyReport.Status.RUNNING, "the report finished before the kill: make it bigger"

    workers()  # a new worker; the message comes back after the broker's visibility timeout

    def done() -> bool:
        report.refresh_from_db()
        return report.status == QuarterlyReport.Status.DONE

    _wait_for(done, 4 * TASK_TIME_LIMIT + 30, "the new worker to finish the report")
    reports = QuarterlyReport.objects.filter(year=2026, quarter=3)
    assert reports.count() == 1 and reports.get().is_current
    assert reports.get().figures["indicators"] == undisturbed["indicators"]


def test_redis_stopped_while_a_coordinator_saves_a_follow_up_loses_nothing(
    postgresql,
    redis_server,
    workers,
    settings,
    tmp_path,
) -> None:
    settings.CACHES = {"default": resilient_redis_cache(redis_server["url"])}
    today = timezone.localdate()
    responsible = CoordinatorFactory(email="ansvarig@example.se")
    placement = PlacementFactory(
        status=PlacementStatus.ACTIVE,
        coordinator=responsible,
        planned_start=today - dt.timedelta(days=10),
        planned_end=today + dt.timedelta(days=30),
        actual_start=today - dt.timedelta(days=10),
        supervisor__email="handledare@example.se",
    )
    FollowUpFactory(placement=placement, due_date=today + dt.timedelta(days=1), done_on=None)  # due soon
    colleague = CoordinatorFactory(team=placement.participant.team)
    client = Client()
    client.force_login(colleague)
    workers()

    redis_server["stop"]()
    with use_broker(str(redis_server["url"])):
        assert client.get(reverse("home")).status_code == 200
        response = client.post(
            reverse("placements:follow_up", args=[placement.pk]),
            {"done_on": today.isoformat(), "days_present": 5, "concern": "on", "concern_text": "Kommer sent"},
        )
    assert response.status_code == 302
    assert placement.follow_ups.get(done_on=today).concern_text == "Kommer sent"  # nothing lost
    assert OutboxMessage.objects.get().sent_at is None  # kept for later

    redis_server["start"]()
    with use_broker(str(redis_server["url"])):
        # What Celery beat does once the broker is back: relay the kept work, send the reminders.
        assert outbox_relay(now=timezone.now() + RELAY_GRACE * 2) == 1
        from placements.tasks import send_follow_up_reminders

        send_follow_up_reminders.apply_async()

    mail_dir = tmp_path / "mail"

    def mails() -> str:
        return "\n".join(p.read_text() for p in mail_dir.glob("*.log")) if mail_dir.exists() else ""

    _wait_for(lambda: "ansvarig@example.se" in mails() and "handledare@example.se" in mails(), 60, "the e-mail")
    assert "rapporterar ett problem" in mails()  # the concern alert to the responsible coordinator
    assert "Det är dags att följa upp" in mails()  # the reminder to the supervisor


def test_the_app_answers_the_first_request_after_postgresql_restarts(postgresql, tmp_path) -> None:
    pg_bin, pg_data = os.environ.get("PLATSA_PG_BIN", ""), os.environ.get("PLATSA_PG_DATA", "")
    require_service(bool(pg_bin and pg_data), "a PostgreSQL this test may restart (PLATSA_PG_BIN, PLATSA_PG_DATA)")
    client = Client()
    client.force_login(CoordinatorFactory())
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    port = _free_port()
    env = {**_env("", tmp_path / "mail"), "CONN_MAX_AGE": "600"}
    log = (tmp_path / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [str(PYTHON_BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )

    def get(path: str) -> int:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}", headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return 0

    try:
        _wait_for(lambda: get("/healthz") == 200, 30, "gunicorn to serve")
        assert get(reverse("participants:list")) == 200  # the worker now holds a database connection
        connection.close()
        subprocess.run(
            [
                "su",
                "postgres",
                "-s",
                "/bin/sh",
                "-c",
                f"{pg_bin}/pg_ctl -D {pg_data} -l {pg_data}/restart.log -m fast -w restart",
            ],
            check=True,
            # The restarted server keeps whatever output it is given open: give it none.
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # The very next requests succeed: the kept connection is checked and replaced.
        assert get(reverse("participants:list")) == 200
        assert get("/healthz") == 200
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(20)
        log.close()
