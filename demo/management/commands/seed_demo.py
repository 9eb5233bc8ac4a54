"""`manage.py seed_demo`: a realistic, deterministic demo region of three municipalities for development and demos."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError, transaction

from demo.generation import DEMO_PASSWORD, demo_build, demo_counts, demo_delete, demo_exists


class Command(BaseCommand):
    help = (
        "Build a deterministic demo region: a large municipality (Östersund-like, the settings' own) with "
        "districts, teams, coordinators, municipal departments and partner employers with workplaces and needs, "
        "supervisors and their training, participants with placements, follow-ups and outcomes, and the "
        "strategy's indicators and targets; and two small municipalities of the same county (Bräcke and Ragunda), "
        "each with its letterhead, one team, local employers and participants of its own. "
        f"Demo users koordinator, handledare, chef, regionchef, administrator, koordinator-bracke, chef-bracke, "
        f"koordinator-ragunda and chef-ragunda (and admin, if missing) get the password {DEMO_PASSWORD}. "
        "The same --seed gives the same data; dates are relative to today. If the demo already exists "
        "(the user 'koordinator' is there) nothing is done. --reset first deletes ALL participants, "
        "placements, workplaces, organisations, supervisors, trainings, targets and quarterly reports and the demo "
        "users (reference data and municipalities stay), then builds the demo again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--participants",
            type=int,
            default=300,
            help="How many participants the large municipality has (default 300); the small ones have theirs "
            "whatever the size.",
        )
        parser.add_argument("--seed", type=int, default=1, help="Seed of the random generators (default 1).")
        parser.add_argument(
            "--reset", action="store_true", help="Delete the existing demo data (see above) and build it again."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        participants: int = options["participants"]
        if participants < 1:
            raise CommandError("--participants must be at least 1.")
        started = time.monotonic()
        try:
            with transaction.atomic():
                if options["reset"]:
                    demo_delete()
                elif demo_exists():
                    self.stdout.write(
                        "Demo data already exists (user 'koordinator'); nothing done. Use --reset to rebuild it."
                    )
                    return
                demo_build(participants=participants, seed=options["seed"])
        except IntegrityError as exc:
            raise CommandError(
                f"Could not build the demo next to the data already in the database ({exc}). "
                "Run again with --reset to replace it."
            ) from exc
        counts = demo_counts()
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo data built in {time.monotonic() - started:.1f} s: {summary}."))
