"""Writes to reference data."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from .models import Occupation, OccupationSynonym
from .ssyk import SSYK_FILE, LoadResult, load_rows, parse_ssyk_csv
from .synonyms import SYNONYMS_FILE, load_synonym_rows, parse_synonyms_csv

__all__ = ["SSYK_FILE", "SYNONYMS_FILE", "LoadResult", "occupation_synonyms_load", "occupations_load"]


@transaction.atomic
def occupations_load(*, path: Path | str = SSYK_FILE) -> LoadResult:
    """Load or refresh SSYK occupations from a CSV file (by default the one the repository ships), idempotently.

    The file is validated whole first (`SsykFormatError` names the line); then new codes are
    inserted and changed names updated in one transaction. Codes missing from the file are kept:
    work experience may still point at them.
    """
    return load_rows(model=Occupation, rows=parse_ssyk_csv(path))


@transaction.atomic
def occupation_synonyms_load(*, path: Path | str = SYNONYMS_FILE) -> int:
    """Add the synonyms of a file (by default the one the repository ships) that are not there yet;
    returns how many were added. One removed in the admin comes back only through this."""
    return load_synonym_rows(
        synonym_model=OccupationSynonym, occupation_model=Occupation, rows=parse_synonyms_csv(path)
    )
