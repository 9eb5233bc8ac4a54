"""`manage.py bench_import [--rows N] [--format csv|xlsx] [--encoding utf-8-sig|cp1252]`: time the
preview of a referral list.

Builds a synthetic list of N valid rows (test identity numbers, serials 980–999) with every column
of the template, the optional ones too, then times `parse_referral_file` (the bounds, the encoding
and separator detection, the reading and the row checks), and prints one JSON object. A CSV is
written as the template is (UTF-8 with a BOM) or, with `--encoding cp1252`, as Excel's
"CSV (semikolonavgränsad)" saves it (Windows-1252, no BOM: the encoding is then detected). The
preview also asks the register (`participants.duplicates`, one query per 900 numbers), not timed here.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import time

from django.core.management.base import BaseCommand, CommandParser

from accounts.spreadsheets import csv_text
from participants.identity import make_test_identity_number
from participants.importing import COLUMNS, parse_referral_file


def synthetic_rows(count: int) -> list[list[str]]:
    rows = []
    start = dt.date(1960, 1, 1)
    for n in range(count):
        birth = start + dt.timedelta(days=n // 20)
        number = make_test_identity_number(birth, 980 + n % 20)
        newcomer = n % 2 == 0
        rows.append(
            [
                number,
                f"Förnamn{n}",
                f"Efternamn{n}",
                "nyanländ" if newcomer else "ung",
                "Arbetsförmedlingen",
                "2026-09-01",
                "2026-02-01" if newcomer else "",
                "B",
                "gymnasium",
                "4",
                "",
                "",
                "5321",
                "3",
                "kvinna" if newcomer else "man",
                "arabiska, engelska",
                "B" if newcomer else "nej",
                "5321",
                "",
            ]
        )
    return rows


class Command(BaseCommand):
    help = "Time the preview (parse and check) of a synthetic referral list; prints JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, default=5000)
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--encoding", choices=["utf-8-sig", "cp1252"], default="utf-8-sig")

    def handle(self, *args: object, **options: object) -> None:
        count = int(options["rows"])  # type: ignore[call-overload]  # argparse gives an int
        table = [[c.header for c in COLUMNS], *synthetic_rows(count)]
        if options["format"] == "xlsx":
            from openpyxl import Workbook

            # A workbook as Excel saves it: its sheet states its size (<dimension>). openpyxl's
            # write-only mode leaves that out, and reading such a sheet parses it twice (openpyxl
            # measures it first): about 40 % more time, within the target too.
            workbook = Workbook()
            sheet = workbook.active
            for row in table:
                sheet.append(row)
            buffer = io.BytesIO()
            workbook.save(buffer)
            content, name = buffer.getvalue(), "bench.xlsx"
        else:
            text = csv_text(header=table[0], rows=table[1:])
            if options["encoding"] == "cp1252":
                content = text.removeprefix("\ufeff").encode("cp1252")
            else:
                content = text.encode("utf-8")
            name = "bench.csv"
        started = time.perf_counter()
        rows = parse_referral_file(content, name)
        elapsed = time.perf_counter() - started
        invalid = sum(1 for r in rows if not r.valid)
        self.stdout.write(
            json.dumps(
                {
                    "rows": len(rows),
                    "invalid": invalid,
                    "format": options["format"],
                    "encoding": options["encoding"] if options["format"] == "csv" else "",
                    "preview_s": round(elapsed, 3),
                }
            )
        )
