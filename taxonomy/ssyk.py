"""Reading SSYK 2012 from SCB's CSV layout: code, level, parent, name_sv, name_en.

The repository ships the whole classification (`SSYK_FILE`, taxonomy/data/ssyk2012.csv); migration
0007 loads it, and `manage.py load_ssyk [FILE]` refreshes it from a newer file
(`taxonomy.services.occupations_load`).

Parsing is pure and checks the whole file before anything is written, so a malformed file is
refused with the line and the reason and leaves the database as it was.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

HEADER = ["code", "level", "parent", "name_sv", "name_en"]
NAME_MAX_LENGTH = 200
DATA_DIR = Path(__file__).resolve().parent / "data"
SSYK_FILE = DATA_DIR / "ssyk2012.csv"


@dataclass(frozen=True)
class SsykRow:
    code: str
    level: int
    parent: str | None
    name_sv: str
    name_en: str


class SsykFormatError(ValueError):
    """The file is not a valid SSYK table; `line` is the 1-based line in the file."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


def parse_ssyk_csv(path: Path | str) -> list[SsykRow]:
    """Parse and validate a whole SSYK file; rows come back ordered parents first."""
    try:
        handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise SsykFormatError(0, f"cannot open the file ({exc.strerror})") from exc
    with handle:
        try:
            return _parse(handle)
        except UnicodeDecodeError as exc:
            raise SsykFormatError(0, "the file is not UTF-8 text") from exc


def _parse(handle: TextIO) -> list[SsykRow]:
    reader = csv.reader(handle)
    header = next(reader, None)
    if header is None:
        raise SsykFormatError(1, "the file is empty")
    if [h.strip() for h in header] != HEADER:
        raise SsykFormatError(1, f"expected the header {','.join(HEADER)}, found {','.join(header)}")

    rows: dict[str, SsykRow] = {}
    for record in reader:
        line = reader.line_num
        if not any(field.strip() for field in record):
            continue
        rows_code = _row(record, line)
        if rows_code.code in rows:
            raise SsykFormatError(line, f"the code {rows_code.code} appears twice")
        rows[rows_code.code] = rows_code
    if not rows:
        raise SsykFormatError(2, "the file has no occupations")

    for row in rows.values():
        if row.parent is not None and row.parent not in rows:
            raise SsykFormatError(_line_of(handle, row.code), f"the parent {row.parent} of {row.code} is missing")
    return sorted(rows.values(), key=lambda r: (r.level, r.code))


def _row(record: list[str], line: int) -> SsykRow:
    if len(record) != len(HEADER):
        raise SsykFormatError(line, f"expected {len(HEADER)} columns, found {len(record)}")
    code, level_text, parent, name_sv, name_en = (field.strip() for field in record)
    if not code.isdigit() or not 1 <= len(code) <= 4:
        raise SsykFormatError(line, f"the code {code!r} is not one to four digits")
    if not level_text.isdigit() or int(level_text) != len(code):
        raise SsykFormatError(line, f"the level {level_text!r} does not match the code {code} ({len(code)} digits)")
    level = int(level_text)
    if level == 1 and parent:
        raise SsykFormatError(line, f"the major group {code} cannot have a parent")
    if level > 1 and parent != code[:-1]:
        raise SsykFormatError(line, f"the parent of {code} must be {code[:-1]}, found {parent!r}")
    for column, name in (("name_sv", name_sv), ("name_en", name_en)):
        if not name:
            raise SsykFormatError(line, f"{column} is empty")
        if len(name) > NAME_MAX_LENGTH:
            raise SsykFormatError(line, f"{column} is longer than {NAME_MAX_LENGTH} characters")
    return SsykRow(code=code, level=level, parent=parent or None, name_sv=name_sv, name_en=name_en)


def _line_of(handle: TextIO, code: str) -> int:
    """The line a code stands on, for an error found after the whole file was read."""
    handle.seek(0)
    for number, record in enumerate(csv.reader(handle), start=1):
        if record and record[0].strip() == code:
            return number
    return 0
