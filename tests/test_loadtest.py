"""The load test (loadtest/locustfile.py) stays valid: every page it visits is the page it means, and each
role's journey runs against a live server on a small demo without a failed request."""

from __future__ import annotations

import contextlib
import importlib.util
import os
from importlib import import_module
from io import StringIO
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import resolve

# Importing locust monkey-patches the standard library for gevent unless told not to; the test suite
# must keep its real threads and sockets. Set before locust is first imported (only here).
os.environ.setdefault("LOCUST_SKIP_MONKEY_PATCH", "1")

LOCUSTFILE = Path(__file__).resolve().parent.parent / "loadtest" / "locustfile.py"

# Each page constant of the locustfile, and the URL name it must resolve to.
PAGES = {
    "LOGIN": "login",
    "HOME": "home",
    "PARTICIPANT_LIST": "participants:list",
    "PARTICIPANT_DETAIL": "participants:detail",
    "NEED_LIST": "workplaces:need_list",
    "NEED_DETAIL": "workplaces:need_detail",
    "NEED_CANDIDATES": "placements:need_candidates",
    "PORTAL_PLACEMENT": "placements:portal_placement",
    "FOLLOW_UP_FORM": "placements:follow_up",
    "DASHBOARD": "reporting:dashboard",
    "DASHBOARD_YEAR": "reporting:dashboard",
    "REPORT_ARCHIVE": "reporting:archive",
    "TARGETS": "reporting:targets",
}


@pytest.fixture(scope="module")
def locustfile() -> ModuleType:
    os.environ.pop("LOADTEST_USERS_FILE", None)  # the demo users koordinator, handledare, chef
    spec = importlib.util.spec_from_file_location("platsa_locustfile", LOCUSTFILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_page_of_the_journeys_resolves_to_the_intended_view(locustfile: ModuleType) -> None:
    constants = {name for name, value in vars(locustfile).items() if name.isupper() and isinstance(value, str)}
    assert {name for name in constants if str(getattr(locustfile, name)).startswith("/")} == set(PAGES)
    for constant, url_name in PAGES.items():
        path = urlsplit(getattr(locustfile, constant).format(1)).path
        assert resolve(path).view_name == url_name, constant


def test_the_three_roles_are_weighted_coordinators_first(locustfile: ModuleType) -> None:
    weights = {cls.role: cls.weight for cls in (locustfile.Coordinator, locustfile.Supervisor, locustfile.Manager)}
    assert weights["coordinator"] > weights["supervisor"] > weights["manager"] > 0


def _reference_data() -> None:
    """The rows of the data migrations (role groups, placement types, job tracks, languages), which a
    transactional test run before this one flushed away. Both loaders are idempotent."""
    from django.apps import apps

    for module, loader in (
        ("accounts.migrations.0002_role_groups", "create_groups"),
        ("taxonomy.migrations.0002_reference_data", "load"),
    ):
        getattr(import_module(module), loader)(apps, None)


# A live server answers from another thread, so the demo must be committed: a transactional test.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_each_role_walks_every_step_of_its_journey_without_a_failed_request(
    locustfile: ModuleType, live_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from locust.env import Environment

    _reference_data()
    call_command("seed_demo", "--participants", "20", stdout=StringIO())
    user_classes = [locustfile.Coordinator, locustfile.Supervisor, locustfile.Manager]
    for user_class in user_classes:
        monkeypatch.setattr(user_class, "host", live_server.url)  # what `locust --host` does
    environment = Environment(user_classes=user_classes)
    requests: list[tuple[str, str]] = []
    failures: list[str] = []

    def record(*, request_type: str, name: str, exception: Exception | None = None, **_: Any) -> None:
        requests.append((request_type, name))
        if exception is not None:
            failures.append(f"{request_type} {name}: {exception}")

    environment.events.request.add_listener(record)
    for user_class in user_classes:
        user = user_class(environment)
        user.on_start()
        for step in dict.fromkeys(user.tasks):  # each task once, in the order written
            with contextlib.suppress(locustfile.JourneyFailed):  # already recorded as a failure
                step(user)
        user.client.client.close()  # end keep-alive connections while the live server may use the database
    assert failures == []
    names = {name for _type, name in requests}
    assert names >= {
        "login form",
        "login (POST)",
        "coordinator: start page",
        "coordinator: participant list",
        "coordinator: participant search (POST)",
        "coordinator: participant list (search result)",
        "coordinator: participant search reset (POST)",
        "coordinator: participant detail",
        "coordinator: open needs",
        "coordinator: need detail",
        "coordinator: find candidates",
        "supervisor: portal start",
        "supervisor: placement",
        "supervisor: follow-up form",
        "manager: dashboard",
        "manager: dashboard ?year=",
        "manager: report archive",
        "manager: targets",
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_page_that_sends_the_user_to_the_login_page_is_a_failure(
    locustfile: ModuleType, live_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from locust.env import Environment

    monkeypatch.setattr(locustfile.Manager, "host", live_server.url)
    environment = Environment(user_classes=[locustfile.Manager])
    failures: list[str] = []
    environment.events.request.add_listener(
        lambda *, name, exception=None, **_: failures.append(name) if exception else None
    )
    user = locustfile.Manager(environment)  # never logged in
    with pytest.raises(locustfile.JourneyFailed):
        user.dashboard()
    user.client.client.close()
    assert failures == ["manager: dashboard"]


REPO = Path(__file__).resolve().parent.parent


def test_the_topology_modes_haproxy_config_is_valid(tmp_path: Path) -> None:
    """deploy/haproxy.cfg, with the environment loadtest/topology.sh gives it, passes `haproxy -c`."""
    import shutil
    import subprocess

    from conftest import require_service

    haproxy = shutil.which("haproxy") or next((p for p in ("/usr/sbin/haproxy",) if Path(p).exists()), None)
    require_service(haproxy is not None, "haproxy (Debian package haproxy)")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-days", "1", "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    pem = tmp_path / "haproxy.pem"
    pem.write_bytes(cert.read_bytes() + key.read_bytes())
    environment = {
        **os.environ,
        "PLATSA_HAPROXY_BIND": "127.0.0.1:58443",
        "PLATSA_HAPROXY_CERT": str(pem),
        "PLATSA_HOST": "127.0.0.1",
        "PLATSA_WEB1": "127.0.0.1:58444",
        "PLATSA_WEB2": "127.0.0.1:58445",
        "PLATSA_WEB_MAXCONN": "5",
    }
    config = REPO / "deploy" / "haproxy.cfg"
    checked = subprocess.run([str(haproxy), "-c", "-f", str(config)], env=environment, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # Without a node's address it is refused: the check reads the file, not only its syntax.
    del environment["PLATSA_WEB2"]
    broken = subprocess.run([str(haproxy), "-c", "-f", str(config)], env=environment, capture_output=True, text=True)
    assert broken.returncode != 0
    text = config.read_text(encoding="utf-8")
    for line in ("option redispatch", "retries 3", "http-check send meth GET uri /healthz", "X-Forwarded-Proto https"):
        assert line in text


def test_the_summary_does_not_count_the_stopped_nodes_failures_against_the_target() -> None:
    spec = importlib.util.spec_from_file_location("platsa_loadtest_summary", REPO / "loadtest" / "summary.py")
    assert spec is not None and spec.loader is not None
    summary = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(summary)
    row = {"Name": "Aggregated", "Type": "", "Failure Count": "2", "Request Count": "100", "Requests/s": "5",
           "50%": "40", "95%": "150", "99%": "300", "Max Response Time": "400"}  # fmt: skip
    assert summary.summarise([row], target_p95_ms=200)["target_met"] is False
    assert summary.summarise([row], target_p95_ms=200, in_flight_errors=2)["target_met"] is True
    assert summary.summarise([row], target_p95_ms=100, in_flight_errors=2)["target_met"] is False
