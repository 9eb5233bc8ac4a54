"""Deployment settings: `check --deploy` is clean with production settings from the environment."""

from __future__ import annotations

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
