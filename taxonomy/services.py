"""Writes to reference data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from accounts.search import fold

from .models import Occupation, OccupationSynonym
from .ssyk import SSYK_FILE, parse_ssyk_csv
from .synonyms import SYNONYMS_FILE, parse_synonyms_csv

__all__ = ["SSYK_FILE", "SYNONYMS_FILE", "LoadResult", "occupation_synonyms_load", "occupations_load"]


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int


@transaction.atomic
def occupations_load(*, path: Path | str = SSYK_FILE) -> LoadResult:
    """Load or refresh SSYK occupations from a CSV file (by default the one the repository ships), idempotently.

    The file is validated whole first (`SsykFormatError` names the line); then new codes are
    inserted and changed names updated in one transaction. Codes missing from the file are kept:
    work experience may still point at them. Running it twice changes nothing the second time.
    """
    rows = parse_ssyk_csv(path)
    existing = {o.code: o for o in Occupation.objects.all()}
    to_create: list[Occupation] = []
    to_update: list[Occupation] = []
    for row in rows:
        current = existing.get(row.code)
        if current is None:
            to_create.append(
                Occupation(
                    code=row.code, level=row.level, parent_id=row.parent, name_sv=row.name_sv, name_en=row.name_en
                )
            )
        elif (current.level, current.parent_id, current.name_sv, current.name_en) != (
            row.level,
            row.parent,
            row.name_sv,
            row.name_en,
        ):
            current.level, current.parent_id = row.level, row.parent
            current.name_sv, current.name_en = row.name_sv, row.name_en
            to_update.append(current)
    # Rows are ordered parents first, so each parent exists before its children on any database.
    Occupation.objects.bulk_create(to_create, batch_size=500)
    Occupation.objects.bulk_update(to_update, ["level", "parent", "name_sv", "name_en"], batch_size=500)
    return LoadResult(
        created=len(to_create), updated=len(to_update), unchanged=len(rows) - len(to_create) - len(to_update)
    )


@transaction.atomic
def occupation_synonyms_load(*, path: Path | str = SYNONYMS_FILE) -> int:
    """Add the synonyms of a file (by default the one the repository ships) that are not there yet
    (by folded title and unit group); returns how many were added. One removed in the admin comes
    back only through this. A row whose code is not a unit group in the table is an error
    (ValueError): the shipped file is checked against the shipped classification by the tests."""
    rows = parse_synonyms_csv(path)
    units = set(Occupation.objects.units().values_list("code", flat=True))
    unknown = sorted({row.code for row in rows} - units)
    if unknown:
        raise ValueError(f"no unit group {', '.join(unknown)} in the occupation table")
    existing = set(OccupationSynonym.objects.values_list("title_folded", "occupation_id"))
    new = []
    for row in rows:
        key = (fold(row.title), row.code)
        if key in existing:
            continue
        existing.add(key)
        new.append(
            OccupationSynonym(occupation_id=row.code, title=row.title, title_folded=key[0], language=row.language)
        )
    OccupationSynonym.objects.bulk_create(new, batch_size=500)
    return len(new)
