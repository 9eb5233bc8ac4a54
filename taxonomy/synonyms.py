"""Reading the occupation titles the repository ships as synonyms of SSYK unit groups
(taxonomy/data/ssyk_synonyms.csv: code, title, language).

Like SSYK itself (taxonomy.ssyk), loading (`taxonomy.services.occupation_synonyms_load`) is idempotent
and only adds: a synonym an administrator has removed in the admin comes back only if the file is
loaded again (migration 0009 loads it once)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from .ssyk import DATA_DIR

SYNONYMS_FILE = DATA_DIR / "ssyk_synonyms.csv"
HEADER = ["code", "title", "language"]
LANGUAGES = ("sv", "en")
TITLE_MAX_LENGTH = 200


@dataclass(frozen=True)
class SynonymRow:
    code: str
    title: str
    language: str


def parse_synonyms_csv(path: Path | str = SYNONYMS_FILE) -> list[SynonymRow]:
    """The rows of a synonyms file, or ValueError naming the line of the first bad one."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        if [h.strip() for h in next(reader, [])] != HEADER:
            raise ValueError(f"line 1: expected the header {','.join(HEADER)}")
        rows = []
        for record in reader:
            if not any(field.strip() for field in record):
                continue
            if len(record) != len(HEADER):
                raise ValueError(f"line {reader.line_num}: expected {len(HEADER)} columns")
            code, title, language = (field.strip() for field in record)
            if not (code.isdigit() and len(code) == 4) or not title or len(title) > TITLE_MAX_LENGTH:
                raise ValueError(f"line {reader.line_num}: a four-digit code and a title are needed")
            if language not in LANGUAGES:
                raise ValueError(f"line {reader.line_num}: the language must be one of {', '.join(LANGUAGES)}")
            rows.append(SynonymRow(code=code, title=title, language=language))
    return rows
