"""The reporting benchmark runs end to end at a small size (its SQL floor needs PostgreSQL)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

# Transactions really commit here: the bench's change marks the dashboard stale after its commit.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_bench_reporting_prints_the_figures_as_json() -> None:
    out = StringIO()
    call_command("bench_reporting", placements=50, repeat=2, stdout=out)
    figures = json.loads(out.getvalue())
    assert figures["placements"] >= 50
    assert figures["report_s"] > 0 and figures["dashboard_ms"] > 0 and figures["dashboard_cold_ms"] > 0
    assert figures["refresh_s"] > 0 and figures["dashboard_first_ms"] > 0
    # From the stored summary: session, user, roles, whose figures (the manager's municipality), the
    # summary, saving the session (three on SQLite); stale, also the update that finds its refresh
    # queued already.
    assert figures["dashboard_queries"] <= 8
    assert figures["dashboard_cold_queries"] <= 9
    if connection.vendor == "postgresql":
        assert figures["floor_s"] > 0 and figures["ratio"] > 0
    else:
        assert figures["floor_s"] is None
