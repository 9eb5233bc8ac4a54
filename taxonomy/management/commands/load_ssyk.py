"""`manage.py load_ssyk FILE`: load SCB's SSYK 2012 classification from CSV, idempotently."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from taxonomy.services import occupations_load
from taxonomy.ssyk import SsykFormatError


class Command(BaseCommand):
    help = (
        "Load or refresh the SSYK 2012 occupation classification from a CSV file (code,level,parent,name_sv,name_en)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="CSV file; defaults to the SSYK_FILE setting.")

    def handle(self, *args: object, **options: object) -> None:
        path = options["file"] or settings.SSYK_FILE
        if not path:
            raise CommandError("No file given and the SSYK_FILE setting is empty.")
        try:
            result = occupations_load(path=str(path))
        except SsykFormatError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        self.stdout.write(
            f"SSYK loaded from {path}: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged."
        )
