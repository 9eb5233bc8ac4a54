"""The matching benchmark runs end to end at a small size and reports every figure."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_bench_matching_prints_the_figures_as_json() -> None:
    out = StringIO()
    call_command("bench_matching", participants=60, needs=20, waiting=30, samples=3, stdout=out)
    figures = json.loads(out.getvalue())
    assert figures["participants"] >= 60
    assert figures["rank_ms"] > 0 and figures["floor_ms"] > 0 and figures["rank_first_ms"] > 0
    assert figures["need_arrays_kept"] is True  # the test settings keep them, as Redis would
    # The ratio is taken before rounding the two times to 0.01 ms, so allow for that.
    assert figures["ratio"] == pytest.approx(figures["rank_ms"] / figures["floor_ms"], rel=0.1)
    assert figures["allocation_s"] >= 0 and figures["allocation_cpu_s"] >= 0 and figures["peak_mb"] > 0
    assert figures["allocation_pairs"] <= min(figures["allocation_waiting"], 30)
    assert figures["rank_coordinator_ms"] > 0  # the demo's coordinator, who sees a part of them
    assert 0 < figures["coordinator_sees"] < figures["participants"]
    assert figures["features_shared"] is False and figures["map_s"] is None and figures["shared_mb"] is None


def test_bench_matching_with_shared_features_says_what_another_worker_pays(settings, tmp_path) -> None:
    settings.MATCHING_FEATURES_DIR = str(tmp_path / "features")
    out = StringIO()
    call_command("bench_matching", participants=60, needs=5, waiting=10, samples=1, stdout=out)
    figures = json.loads(out.getvalue())
    assert figures["features_shared"] is True and figures["map_s"] > 0
    on_disk = sum(path.stat().st_size for path in (tmp_path / "features").rglob("*.npy"))
    assert figures["shared_mb"] == round(on_disk / 2**20, 1) and on_disk > 0
