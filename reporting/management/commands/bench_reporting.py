"""`manage.py bench_reporting --placements N [--json]`: how fast reporting is.

Builds (or reuses) N placements of synthetic history: the demo municipality first, then on
PostgreSQL as many more placements as needed, inserted in SQL from the demo's participants,
needs and supervisors. Prints one JSON object:

- report_s: generating one quarterly report (figures, PDF and workbook) through the service;
- floor_s: the same figures as hand-written SQL GROUP BY queries (the floor); ratio: report_s / floor_s;
- dashboard_first_ms: the very first look at the dashboard, with no summary yet: it computes the
  figures in the request (once per year, ever);
- then as with a worker (reporting/dashboard.py; an in-memory broker stands in, and the bench runs
  the queued task itself): a placement is ended through its service, and
  dashboard_cold_ms: the first request after that change (the stale summary, with its note);
  refresh_s: the refresh task that the change queued;
  dashboard_ms and dashboard_queries: the dashboard's response time afterwards (median of repeated
  requests) and its SQL queries.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from celery import current_app
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import municipality_from_settings
from participants.models import Participant
from placements.models import Outcome, Placement, PlacementStatus
from placements.services import placement_complete
from reporting.models import DashboardSummary
from reporting.services import previous_quarter, quarterly_report_generate, quarterly_report_request
from reporting.tasks import refresh_dashboard_summary

FLOOR_SQL = """
WITH q AS (SELECT %(qs)s::date AS s, %(qe)s::date AS e), y AS (SELECT %(ys)s::date AS s, %(qe)s::date AS e)
SELECT
  (SELECT count(*) FROM placements_placement p, q WHERE p.status IN ('active','completed','ended_early') AND p.actual_start BETWEEN q.s AND q.e),
  (SELECT count(DISTINCT participant_id) FROM placements_placement p, q WHERE p.status IN ('active','completed','ended_early') AND p.actual_start BETWEEN q.s AND q.e),
  (SELECT count(*) FROM placements_placement p, q WHERE p.status IN ('active','completed','ended_early') AND p.actual_start <= q.e AND (p.actual_end IS NULL OR p.actual_end >= q.s)),
  (SELECT count(DISTINCT participant_id) FROM placements_placement p, q WHERE p.status IN ('active','completed','ended_early') AND p.actual_start <= q.e AND (p.actual_end IS NULL OR p.actual_end >= q.s)),
  (SELECT count(*) FILTER (WHERE outcome IN ('employment','studies')) * 1.0 / nullif(count(*), 0) FROM placements_placement p, q WHERE p.status IN ('completed','ended_early') AND p.actual_end BETWEEN q.s AND q.e),
  (SELECT count(*) FROM placements_placement p, q WHERE p.status = 'completed' AND p.actual_end BETWEEN q.s AND q.e),
  (SELECT count(*) FILTER (WHERE l.outcome IN ('employment','studies')) FROM placements_lateroutcome l JOIN placements_placement p ON p.id = l.placement_id, q WHERE l.days_after = 90 AND p.status IN ('completed','ended_early') AND p.actual_end BETWEEN q.s AND q.e),
  (SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM supervisors_enrolment e WHERE e.supervisor_id = p.supervisor_id AND e.completed_on <= p.actual_start AND e.valid_until >= p.actual_start)) FROM placements_placement p, q WHERE p.status IN ('active','completed','ended_early') AND p.actual_start <= q.e AND (p.actual_end IS NULL OR p.actual_end >= q.s)),
  (SELECT count(*) FILTER (WHERE done_on IS NOT NULL AND done_on <= due_date + 7) FROM placements_followup f, q WHERE f.due_date BETWEEN q.s AND q.e AND f.cancelled_on IS NULL AND f.scheduled),
  (SELECT count(DISTINCT supervisor_id) FROM supervisors_enrolment e, q WHERE e.completed_on BETWEEN q.s AND q.e)
"""

FLOOR_GROUP_BY = """
SELECT {key}, count(*) FILTER (WHERE p.actual_start BETWEEN %(s)s AND %(e)s),
       count(*) FILTER (WHERE p.status IN ('completed','ended_early') AND p.actual_end BETWEEN %(s)s AND %(e)s),
       count(*) FILTER (WHERE p.status IN ('completed','ended_early') AND p.actual_end BETWEEN %(s)s AND %(e)s
                        AND p.outcome IN ('employment','studies'))
FROM placements_placement p
JOIN participants_participant pa ON pa.id = p.participant_id
JOIN workplaces_need n ON n.id = p.need_id
JOIN workplaces_workplace w ON w.id = n.workplace_id
JOIN workplaces_organisation o ON o.id = w.organisation_id
LEFT JOIN taxonomy_jobtrack j ON j.id = pa.job_track_id
WHERE p.status IN ('active','completed','ended_early')
  AND (p.actual_start BETWEEN %(s)s AND %(e)s OR p.actual_end BETWEEN %(s)s AND %(e)s)
GROUP BY {key}
"""
BREAKDOWN_KEYS = ["o.name", "j.name", "pa.target_group", "pa.gender", "pa.referral_source"]

MORE_PLACEMENTS_SQL = """
INSERT INTO placements_placement
  (participant_id, need_id, supervisor_id, placement_type_id, coordinator_id, planned_start, planned_end,
   actual_start, actual_end, hours_per_day, decision_reference, status, end_reason, outcome, assessment,
   untrained_supervisor_confirmed, created_at, updated_at)
SELECT p.participant_id, p.need_id, p.supervisor_id, p.placement_type_id, p.coordinator_id,
       p.planned_start - (g * 7), p.planned_end - (g * 7),
       p.actual_start - (g * 7), p.actual_end - (g * 7), p.hours_per_day, p.decision_reference, p.status,
       p.end_reason, p.outcome, '', p.untrained_supervisor_confirmed, p.created_at, now()
FROM placements_placement p
CROSS JOIN generate_series(1, %(copies)s) AS g
WHERE p.status IN ('completed', 'ended_early') AND p.actual_start IS NOT NULL
LIMIT %(missing)s
"""


class Command(BaseCommand):
    help = "Benchmark reporting (one quarterly report, its SQL floor, the dashboard); prints JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--placements", type=int, default=1_000_000)
        parser.add_argument("--repeat", type=int, default=5, help="Dashboard requests for the median.")
        parser.add_argument("--json", action="store_true", help="Print only the JSON object (the default output).")

    def handle(self, *args: Any, **options: Any) -> None:
        wanted = options["placements"]
        if Participant.objects.count() == 0:
            call_command("seed_demo", participants=max(300, min(100_000, wanted // 10)), verbosity=0)
        missing = wanted - Placement.objects.count()
        if missing > 0:
            if connection.vendor != "postgresql":
                # Adding synthetic placements beyond the demo needs PostgreSQL: measure what there is.
                self.stderr.write(f"{connection.vendor}: {Placement.objects.count()} placements (the demo's only)")
            else:
                self._add_placements(missing)
        year, quarter = previous_quarter(timezone.localdate())

        started = time.perf_counter()
        # The large demo municipality's report (the demo region has three municipalities).
        owner = municipality_from_settings()
        report = quarterly_report_generate(
            report=quarterly_report_request(year=year, quarter=quarter, by=None, owner=owner)
        )
        report_s = time.perf_counter() - started

        floor_s = self._floor(report.figures) if connection.vendor == "postgresql" else None

        manager, _ = User.objects.get_or_create(
            username="bench-manager", defaults={"is_active": True, "municipality": report.municipality}
        )
        manager.groups.add(Group.objects.get(name=Role.MANAGER))
        client = Client(HTTP_HOST="localhost")  # allowed in the local and test settings
        client.force_login(manager)
        DashboardSummary.objects.all().delete()
        dashboard_first_ms = self._request_ms(client)  # computes and stores the year's summary

        with _as_with_a_worker():
            placement = (
                Placement.objects.filter(status=PlacementStatus.ACTIVE, actual_start__lte=timezone.localdate())
                .order_by("pk")
                .first()
            )
            if placement is None:
                raise CommandError("no active placement to end")
            placement_complete(placement=placement, outcome=Outcome.EMPLOYMENT, by=None)  # queues the refresh
            with CaptureQueriesContext(connection) as captured:
                dashboard_cold_ms = self._request_ms(client, expect="Siffrorna beräknades")
            cold_queries = len(captured)
            begun = time.perf_counter()
            refresh_dashboard_summary(
                timezone.localdate().year, report.municipality_id
            )  # what the worker does, DEBOUNCE_SECONDS later
            refresh_s = time.perf_counter() - begun
            times, queries = [], 0
            for _ in range(options["repeat"]):
                with CaptureQueriesContext(connection) as captured:
                    times.append(self._request_ms(client))
                queries = len(captured)
        result = {
            "placements": Placement.objects.count(),
            "report_s": round(report_s, 2),
            "floor_s": round(floor_s, 2) if floor_s is not None else None,
            "ratio": round(report_s / floor_s, 2) if floor_s else None,
            "dashboard_ms": round(statistics.median(times), 1),
            "dashboard_cold_ms": round(dashboard_cold_ms, 1),
            "refresh_s": round(refresh_s, 2),
            "dashboard_first_ms": round(dashboard_first_ms, 1),
            "dashboard_queries": queries,
            "dashboard_cold_queries": cold_queries,
        }
        self.stdout.write(json.dumps(result))

    def _add_placements(self, missing: int) -> None:
        ended = Placement.objects.filter(status__in=("completed", "ended_early")).count()
        with connection.cursor() as cursor:
            cursor.execute(MORE_PLACEMENTS_SQL, {"copies": missing // max(ended, 1) + 1, "missing": missing})
            cursor.execute("ANALYZE")

    def _request_ms(self, client: Client, *, expect: str = "") -> float:
        begun = time.perf_counter()
        response = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="sv")
        elapsed = (time.perf_counter() - begun) * 1000
        if response.status_code != 200:
            raise CommandError(f"the dashboard answered {response.status_code}")
        if expect and expect not in response.content.decode():
            raise CommandError(f"the dashboard did not say {expect!r}")
        return elapsed

    def _floor(self, figures: dict[str, Any]) -> float:
        periods = figures["periods"]
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for key in ("quarter", "year_to_date"):
                bounds = {
                    "qs": periods[key]["start"],
                    "qe": periods[key]["end"],
                    "ys": periods["year_to_date"]["start"],
                }
                cursor.execute(FLOOR_SQL, bounds)
                cursor.fetchall()
                for column in BREAKDOWN_KEYS:
                    cursor.execute(
                        FLOOR_GROUP_BY.format(key=column), {"s": periods[key]["start"], "e": periods[key]["end"]}
                    )
                    cursor.fetchall()
        return time.perf_counter() - started


@contextmanager
def _as_with_a_worker() -> Iterator[None]:
    """Tasks are queued, not run in the request, as with a broker and a worker. The broker is an
    in-memory one, so that no real worker takes the bench's task."""
    conf = current_app.conf
    saved = conf.task_always_eager, conf.broker_url
    conf.task_always_eager, conf.broker_url = False, "memory://"
    try:
        yield
    finally:
        conf.task_always_eager, conf.broker_url = saved
