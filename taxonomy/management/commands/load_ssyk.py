"""`manage.py load_ssyk [FILE]`: refresh SCB's SSYK 2012 classification from CSV, idempotently.

Migration 0007 already loads the file the repository ships; the command reloads it, or loads a newer
file from SCB in the same layout; then it adds the shipped synonyms that are missing."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from taxonomy.services import SSYK_FILE, occupation_synonyms_load, occupations_load
from taxonomy.ssyk import SsykFormatError


class Command(BaseCommand):
    help = (
        "Load or refresh the SSYK 2012 occupation classification from a CSV file (code,level,parent,name_sv,name_en)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", default=str(SSYK_FILE), help=f"CSV file; defaults to {SSYK_FILE}.")

    def handle(self, *args: object, **options: object) -> None:
        path = str(options["file"])
        try:
            result = occupations_load(path=path)
        except SsykFormatError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        self.stdout.write(
            f"SSYK loaded from {path}: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged."
        )
        added = occupation_synonyms_load()
        self.stdout.write(f"Synonyms: {added} added.")
