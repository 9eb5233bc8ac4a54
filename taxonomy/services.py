"""Writes to reference data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from .models import Occupation
from .ssyk import parse_ssyk_csv

SUBSET_FILE = Path(__file__).resolve().parent / "data" / "ssyk_subset.csv"


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int


@transaction.atomic
def occupations_load(*, path: Path | str) -> LoadResult:
    """Load or refresh SSYK occupations from a CSV file, idempotently.

    The file is validated whole first (`SsykFormatError` names the line); then new codes are
    inserted and changed names updated in one transaction. Codes missing from the file are kept:
    work experience may still point at them.
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


def occupations_load_subset() -> LoadResult:
    """Load the small SSYK subset the repository carries (enough for demo data and tests)."""
    return occupations_load(path=SUBSET_FILE)
