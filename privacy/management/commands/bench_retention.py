"""`manage.py bench_retention --participants N`: how fast the nightly retention run is, and that the
reports' figures are the same after it.

Seeds the demo municipality first when the database holds fewer participants. Then, inside one
transaction that is rolled back at the end (the database is left as it was), computes every quarterly
report's figures and the fairness view for last year and this year, runs the retention rules for today,
for a day ten years ahead (everything due) and that day again, and computes the figures once more.
Prints one JSON object:

- today_s, future_s: the run for today and for ten years ahead; again_ms: the second run the same day;
- changed: per record type, how many records the ten-years-ahead run changed;
- figures_equal: whether every figure and the fairness view are the same before and after.
"""

from __future__ import annotations

import datetime as dt
import json
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from participants.models import Participant
from privacy.services import retention_apply
from reporting.fairness import fairness
from reporting.services import report_figures


class _RollBack(Exception):
    pass


def _figures(today: dt.date) -> object:
    years = (today.year - 1, today.year)
    return (
        [report_figures(year, quarter, today) for year in years for quarter in range(1, 5)],
        [fairness(year=year, today=today) for year in years],
    )


class Command(BaseCommand):
    help = "Time the retention run and check that the reports' figures stay the same (rolled back)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--participants", type=int, default=20_000)

    def handle(self, *args: object, **options: object) -> None:
        wanted = int(options["participants"])  # type: ignore[call-overload]  # argparse gives an int
        if Participant.objects.count() < wanted:
            call_command("seed_demo", participants=wanted, verbosity=0)
        today = timezone.localdate()
        future = today + dt.timedelta(days=3650)
        result: dict[str, object] = {"participants": Participant.objects.count()}
        try:
            with transaction.atomic():
                before = _figures(today)
                started = time.perf_counter()
                retention_apply(today=today)
                result["today_s"] = round(time.perf_counter() - started, 2)
                started = time.perf_counter()
                run = retention_apply(today=future)
                result["future_s"] = round(time.perf_counter() - started, 2)
                started = time.perf_counter()
                retention_apply(today=future)
                result["again_ms"] = round(1000 * (time.perf_counter() - started), 1)
                result["changed"] = {c["record_type"]: c["count"] for c in run.counts}
                result["figures_equal"] = _figures(today) == before
                raise _RollBack
        except _RollBack:
            pass
        self.stdout.write(json.dumps(result))
