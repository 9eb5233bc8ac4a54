"""`manage.py bench_matching --participants N --needs M [--json]`: how fast matching is.

Builds the demo municipality at that size with seed_demo (or reuses it when the database already
holds at least N participants), then prints one JSON object:

- rank_ms: rank_candidates for one need over every participant (median over several needs),
  database reads included: the staleness check of the cached features and of the need's kept arrays,
  and the top candidates' rows; the need ranked once before, as a coordinator paging through the
  candidates or searching the excluded has (the need's arrays kept, settings.MATCHING_KEEP_NEED_ARRAYS,
  printed as need_arrays_kept);
- rank_coordinator_ms: the same rankings by the demo's coordinator (`koordinator`), who sees
  coordinator_sees of the participants (whom matching may show them is chosen in the arrays);
- rank_first_ms: the first ranking of each need, its arrays read (the need, its period's places and
  supervisors, working hours, prerequisites);
- floor_ms: the same scoring as one plain vectorised numpy pass over the prepared arrays, with
  nothing else (the floor); ratio: rank_ms / floor_ms;
- load_s: reading the features into memory the first time (once per process and data change);
- features_shared: whether the features are shared through files (settings.MATCHING_FEATURES_DIR); if so,
  map_s is what another worker then pays for them (mapping the files, reading only the versions), and
  shared_mb the files' size, held once for all the machine's workers;
- allocation_s: the best overall allocation of `--waiting` waiting participants to M open needs
  (wall time), and allocation_cpu_s its processor time (what a machine shared with others inflates less);
- peak_mb: the process's peak resident memory.
"""

from __future__ import annotations

import json
import resource
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from accounts.models import User
from participants.models import Participant, ParticipantStatus
from placements.matching import need_arrays, rank_candidates, shared, visible, weights_in_force
from placements.matching.allocation import build_problem, open_needs_with_room, solve
from placements.matching.features import forget_here, load_features, subset
from placements.matching.scoring import score
from workplaces.models import Need


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


class Command(BaseCommand):
    help = "Benchmark matching (ranking, its numpy floor, the best allocation); prints JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--participants", type=int, default=100_000)
        parser.add_argument("--needs", type=int, default=1000, help="Open needs in the allocation.")
        parser.add_argument("--waiting", type=int, default=5000, help="Waiting participants in the allocation.")
        parser.add_argument("--samples", type=int, default=9, help="Needs to rank for the median.")
        parser.add_argument("--json", action="store_true", help="Print only the JSON object (the default output).")

    def handle(self, *args: Any, **options: Any) -> None:
        wanted = options["participants"]
        if Participant.objects.count() < wanted:
            call_command("seed_demo", participants=wanted, reset=True, verbosity=0)
        today = timezone.localdate()
        # A superuser-like reader sees every participant, so a ranking covers all of them.
        reader = User(username="bench", is_superuser=True, is_active=True)

        started = time.perf_counter()
        features = load_features()
        load_s = time.perf_counter() - started
        map_s = shared_mb = None
        if shared.enabled():
            forget_here()  # as a second worker, which has no copy of its own yet
            started = time.perf_counter()
            features = load_features()
            map_s = round(time.perf_counter() - started, 3)
            files = Path(settings.MATCHING_FEATURES_DIR).rglob("*.npy")
            shared_mb = round(sum(path.stat().st_size for path in files) / 2**20, 1)

        needs = list(
            Need.objects.select_related("workplace__district", "occupation").order_by("pk")[: options["samples"]]
        )
        rank_times, first_times, floor_times = [], [], []
        # Each participant's municipality's weights, as rank_candidates reads them (outside the floor's time).
        weights = weights_in_force().for_rows(features.participants.municipality)
        # The process's first queries, on a need outside the sample (whose first rankings are timed).
        warm = Need.objects.exclude(pk__in=[n.pk for n in needs]).select_related("workplace__district").first()
        rank_candidates(need=warm or needs[-1], user=reader, today=today)
        for need in needs:
            started = time.perf_counter()
            rank_candidates(need=need, user=reader, today=today)
            first_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            rank_candidates(need=need, user=reader, today=today)
            rank_times.append(time.perf_counter() - started)
            data = need_arrays([need], today)
            started = time.perf_counter()
            scores = score(features, data, weights, today.toordinal())
            eligible = np.flatnonzero(scores.excluded[:, 0] == 0)
            if len(eligible) > 25:
                eligible[np.argpartition(-scores.total[eligible, 0], 25)[:25]]
            floor_times.append(time.perf_counter() - started)

        coordinator = User.objects.filter(username="koordinator").first()
        coordinator_times = []
        if coordinator is not None:
            for need in needs:
                started = time.perf_counter()
                rank_candidates(need=need, user=coordinator, today=today)
                coordinator_times.append(time.perf_counter() - started)

        waiting = np.fromiter(
            Participant.objects.filter(status=ParticipantStatus.MAPPED)
            .order_by("pk")
            .values_list("pk", flat=True)[: options["waiting"]],
            dtype=np.int64,
        )
        started, started_cpu = time.perf_counter(), time.process_time()
        pool = subset(features, np.flatnonzero(np.isin(features.participants.ids, waiting)))
        open_needs = list(open_needs_with_room(user=reader, today=today)[: options["needs"]])
        problem = build_problem(pool, open_needs, today)
        pairs = solve(problem)
        allocation_s = time.perf_counter() - started
        allocation_cpu_s = time.process_time() - started_cpu

        rank_ms = statistics.median(rank_times) * 1000
        floor_ms = statistics.median(floor_times) * 1000
        result = {
            "participants": len(features.participants.ids),
            "rank_ms": round(rank_ms, 2),
            "rank_coordinator_ms": round(statistics.median(coordinator_times) * 1000, 2) if coordinator_times else None,
            "coordinator_sees": None if coordinator is None else int(visible(features, coordinator).sum()),
            "rank_first_ms": round(statistics.median(first_times) * 1000, 2),
            "need_arrays_kept": settings.MATCHING_KEEP_NEED_ARRAYS,
            "floor_ms": round(floor_ms, 2),
            "ratio": round(rank_ms / floor_ms, 2) if floor_ms else None,
            "load_s": round(load_s, 2),
            "features_shared": shared.enabled(),
            "map_s": map_s,
            "shared_mb": shared_mb,
            "allocation_s": round(allocation_s, 2),
            "allocation_cpu_s": round(allocation_cpu_s, 2),
            "allocation_waiting": len(pool.participants.ids),
            "allocation_needs": len(open_needs),
            "allocation_pairs": len(pairs),
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
        self.stdout.write(json.dumps(result))
