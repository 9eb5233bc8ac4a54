"""Writes to reference data."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from .models import Occupation
from .ssyk import SSYK_FILE, LoadResult, load_rows, parse_ssyk_csv

__all__ = ["SSYK_FILE", "LoadResult", "occupations_load"]


@transaction.atomic
def occupations_load(*, path: Path | str = SSYK_FILE) -> LoadResult:
    """Load or refresh SSYK occupations from a CSV file (by default the one the repository ships), idempotently.

    The file is validated whole first (`SsykFormatError` names the line); then new codes are
    inserted and changed names updated in one transaction. Codes missing from the file are kept:
    work experience may still point at them.
    """
    return load_rows(model=Occupation, rows=parse_ssyk_csv(path))
