"""The web process's warm-up (config/warmup.py) and gunicorn's pre-fork hook (config/gunicorn.conf.py)."""

from __future__ import annotations

import logging
import runpy
import sys
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError, connections

from config import warmup
from placements.matching import features
from placements.tests.factories import PlacementFactory

GUNICORN_CONF = Path(settings.BASE_DIR) / "config" / "gunicorn.conf.py"


def test_the_warm_up_imports_every_view_and_compiles_every_template(caplog) -> None:
    project_templates = list((Path(settings.BASE_DIR) / "templates").rglob("*.html"))
    with caplog.at_level(logging.WARNING, logger="config.warmup"):
        compiled = warmup.warm_up()
    assert caplog.records == []
    assert compiled == len(project_templates) + len(warmup.PACKAGE_TEMPLATES) + len(warmup.WIDGET_TEMPLATES)
    for module in ("placements.views", "reporting.views", "config.api_urls"):
        assert module in sys.modules


def test_a_template_that_cannot_be_compiled_is_named_in_a_warning_and_the_rest_go_on(caplog, monkeypatch) -> None:
    monkeypatch.setattr(warmup, "PACKAGE_TEMPLATES", ("no/such/template.html",))
    with caplog.at_level(logging.WARNING, logger="config.warmup"):
        compiled = warmup.warm_up()
    assert [record.getMessage() for record in caplog.records] == [
        "warm-up: template no/such/template.html could not be compiled"
    ]
    assert compiled > 50


def _server(*, preload: bool) -> SimpleNamespace:
    return SimpleNamespace(cfg=SimpleNamespace(preload_app=preload), log=mock.Mock())


@pytest.mark.django_db
def test_the_master_loads_the_matching_arrays_before_the_fork_and_hands_no_connection_on() -> None:
    PlacementFactory()
    features.forget_features()
    hook = runpy.run_path(str(GUNICORN_CONF))["when_ready"]

    # Closing the connection for real would end the test's transaction; that it is asked for is the point.
    with mock.patch.object(connections, "close_all") as close_all:
        hook(_server(preload=True))

    assert set(features._cache) == {"participants", "placements", "checks"}
    close_all.assert_called_once_with()


@pytest.mark.django_db
def test_the_app_still_starts_when_the_database_is_down() -> None:
    features.forget_features()
    hook = runpy.run_path(str(GUNICORN_CONF))["when_ready"]
    server = _server(preload=True)
    with (
        mock.patch("placements.matching.features._versions", side_effect=OperationalError("down")),
        mock.patch.object(connections, "close_all") as close_all,
    ):
        hook(server)
    server.log.warning.assert_called_once()
    assert "OperationalError" in server.log.warning.call_args.args
    assert features._cache == {}
    close_all.assert_called_once_with()


def test_without_preload_the_master_leaves_the_arrays_to_the_workers() -> None:
    features.forget_features()
    hook = runpy.run_path(str(GUNICORN_CONF))["when_ready"]
    hook(_server(preload=False))  # no database access: this test has none
    assert features._cache == {}
