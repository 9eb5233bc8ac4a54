"""Deployment settings: `check --deploy` is clean with production settings from the environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from conftest import IN_CI, require_service

ROOT = Path(__file__).resolve().parent.parent


def test_production_settings_pass_check_deploy_without_warnings() -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "k8#Vq2!zR7pW4mN9xT1bL6cF3hJ0sD5gA8eY2uI7oP4rQ1wE6tZ9",
        "DJANGO_ALLOWED_HOSTS": "platsa.example.se",
        "DATABASE_URL": "sqlite:////tmp/platsa-check-deploy.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", "DJANGO_ALLOWED_HOSTS": "x.example.se"})
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_the_suite_runs_on_the_database_ci_asked_for() -> None:
    """.ci/run runs the suite twice and names the database each pass must really use."""
    expected = os.environ.get("PLATSA_EXPECT_DB_VENDOR")
    if not expected:
        require_service(not IN_CI, "PLATSA_EXPECT_DB_VENDOR (set by .ci/run)")
        pytest.skip("not run by .ci/run")
    assert connection.vendor == expected


def test_several_servers_sessions_in_redis_and_a_replica_that_is_never_migrated() -> None:
    """README "Several servers": with REDIS_URL sessions are cached_db (shared by every web node, kept by the
    database), DATABASE_REPLICA_URL adds the `replica` alias behind the router; `check --deploy` stays clean."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "k8#Vq2!zR7pW4mN9xT1bL6cF3hJ0sD5gA8eY2uI7oP4rQ1wE6tZ9",
        "DJANGO_ALLOWED_HOSTS": "platsa.example.se",
        "DATABASE_URL": "postgres://platsa:x@primary.example.se:5432/platsa",
        "DATABASE_REPLICA_URL": "postgres://platsa:x@replica.example.se:5432/platsa",
        "DATABASE_REPLICA_MAX_LAG": "2.5",
        "REDIS_URL": "redis://127.0.0.1:1/0",
    }
    script = (
        "import json; from django.conf import settings; from django.db import router; "
        "print(json.dumps([settings.SESSION_ENGINE, sorted(settings.DATABASES), settings.DATABASE_REPLICA_MAX_LAG, "
        "settings.DATABASES['replica']['OPTIONS'], settings.DATABASES['replica']['HOST'], "
        "router.allow_migrate('replica', 'reporting'), router.allow_migrate('default', 'reporting')]))"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        "django.contrib.sessions.backends.cached_db",
        ["default", "replica"],
        2.5,
        {"connect_timeout": 2, "options": "-c jit=off"},
        "replica.example.se",
        False,
        True,
    ]
    without = {k: v for k, v in env.items() if k not in ("REDIS_URL", "DATABASE_REPLICA_URL")}
    plain = (
        "import json; from django.conf import settings; "
        "print(json.dumps([settings.SESSION_ENGINE, sorted(settings.DATABASES)]))"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", plain],
        cwd=ROOT,
        env=without,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == ["django.contrib.sessions.backends.db", ["default"]]


@pytest.mark.django_db
def test_postgresql_connections_compile_no_query_just_in_time() -> None:
    """config/settings/base.py turns JIT off per connection: compiling the capacity queries cost more than
    running them (the allocation's open needs: 1.2 of 1.3 s)."""
    if connection.vendor != "postgresql":
        pytest.skip("JIT is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
