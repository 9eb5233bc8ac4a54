from __future__ import annotations

import importlib
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db.models import F

from taxonomy.models import Occupation, OccupationSynonym
from taxonomy.services import SSYK_FILE, occupations_load
from taxonomy.ssyk import SsykFormatError, parse_ssyk_csv
from taxonomy.tests.factories import occupation_with_ancestors

pytestmark = pytest.mark.django_db

REPOSITORY = Path(__file__).resolve().parents[2]

GOOD = """code,level,parent,name_sv,name_en
5,1,,Service-yrken,Service workers
53,2,5,Omsorgsyrken,Care workers
532,3,53,Undersköterskor,Assistant nurses
5321,4,532,"Undersköterskor, hemtjänst","Assistant nurses, home care"
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ssyk.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def no_occupations() -> None:
    """An empty occupation table, for the loader's own tests (the migrations load the whole SSYK)."""
    OccupationSynonym.objects.all().delete()
    for level in (4, 3, 2, 1):
        Occupation.objects.filter(level=level).delete()


def _snapshot() -> list[tuple[str, int, str | None, str, str]]:
    return list(Occupation.objects.values_list("code", "level", "parent_id", "name_sv", "name_en"))


@pytest.mark.usefixtures("no_occupations")
def test_it_loads_a_classification_and_links_parents(tmp_path: Path) -> None:
    result = occupations_load(path=_write(tmp_path, GOOD))
    assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
    unit = Occupation.objects.get(code="5321")
    assert unit.level == 4 and unit.parent_id == "532" and unit.parent.parent.parent.code == "5"
    assert unit.name_sv == "Undersköterskor, hemtjänst"


@pytest.mark.usefixtures("no_occupations")
def test_loading_twice_changes_nothing_and_a_renamed_group_is_updated(tmp_path: Path) -> None:
    occupations_load(path=_write(tmp_path, GOOD))
    assert occupations_load(path=_write(tmp_path, GOOD)).unchanged == 4
    result = occupations_load(path=_write(tmp_path, GOOD.replace("Omsorgsyrken", "Omsorgsyrken m.fl.")))
    assert (result.created, result.updated) == (0, 1)
    assert Occupation.objects.count() == 4


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("", 1, "empty"),
        ("kod,niva\n5,1\n", 1, "header"),
        (GOOD + "5322,3,532,X,Y\n", 6, "level"),
        (GOOD + "5322,4,531,X,Y\n", 6, "parent of 5322 must be 532"),
        (GOOD + "5321,4,532,X,Y\n", 6, "appears twice"),
        (GOOD + "6111,4,611,X,Y\n", 6, "parent 611 of 6111 is missing"),
        (GOOD + "5329,4,532,,Y\n", 6, "name_sv is empty"),
        (GOOD + "53A1,4,532,X,Y\n", 6, "not one to four digits"),
        (GOOD + "5329,4,532,X\n", 6, "expected 5 columns"),
        (GOOD.replace("5,1,,", "5,1,0,"), 2, "cannot have a parent"),
    ],
)
def test_a_malformed_file_is_refused_with_line_and_reason(tmp_path: Path, text: str, line: int, reason: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(SsykFormatError) as excinfo:
        parse_ssyk_csv(path)
    assert excinfo.value.line == line
    assert reason in excinfo.value.reason


def test_the_command_refuses_a_malformed_file_and_writes_nothing(tmp_path: Path) -> None:
    before = _snapshot()
    path = _write(tmp_path, GOOD.replace("Omsorgsyrken", "Omdöpt") + "5322,4,531,X,Y\n")
    with pytest.raises(CommandError, match="line 6"):
        call_command("load_ssyk", str(path))
    assert _snapshot() == before


def test_the_migrations_load_the_whole_classification_with_both_names() -> None:
    counts = {level: Occupation.objects.filter(level=level).count() for level in (1, 2, 3, 4)}
    assert counts == {1: 10, 2: 46, 3: 148, 4: 429}
    # Every group below the top has its parent one level up, and every non-unit group has children.
    assert not Occupation.objects.exclude(level=1).exclude(parent__level=F("level") - 1).exists()
    assert not Occupation.objects.filter(level__lt=4, children__isnull=True).exists()
    assert not Occupation.objects.filter(name_sv="").exists() and not Occupation.objects.filter(name_en="").exists()
    # Codes are strings: the armed forces keep their leading zero.
    assert Occupation.objects.get(code="0110").parent_id == "011"
    # SCB's names, as the shipped file has them.
    assert {(r.code, r.level, r.parent, r.name_sv, r.name_en) for r in parse_ssyk_csv(SSYK_FILE)} == set(_snapshot())
    electricians = Occupation.objects.get(code="7411")
    assert (electricians.name_sv, electricians.name_en) == (
        "Installations- och serviceelektriker",
        "Electricians, installation and service",
    )


def test_loading_the_shipped_file_again_changes_nothing() -> None:
    before = _snapshot()
    result = occupations_load()
    assert (result.created, result.updated, result.unchanged) == (0, 0, 633)
    out = StringIO()
    call_command("load_ssyk", stdout=out)
    assert "0 created, 0 updated, 633 unchanged" in out.getvalue()
    assert _snapshot() == before


def test_the_migration_keeps_codes_it_does_not_know_and_restores_scbs_names() -> None:
    """Run again on a database `load_ssyk` or a user has changed: a code missing from the file stays
    (work experience may point at it), a renamed group gets SCB's name back, the rest is untouched."""
    migration = importlib.import_module("taxonomy.migrations.0007_ssyk2012")
    occupation_with_ancestors("9999", "Ett eget yrke")
    Occupation.objects.filter(code="5120").update(name_sv="Kockar")
    migration.load(apps, None)
    assert Occupation.objects.get(code="9999").name_sv == "Ett eget yrke"
    assert Occupation.objects.get(code="5120").name_sv == "Kockar och kallskänkor"
    before = _snapshot()
    migration.load(apps, None)
    assert _snapshot() == before


def test_the_repository_carries_the_classification_and_nothing_points_outside_it() -> None:
    """A fresh clone has all it needs: no setting names an outside file, and neither the Makefile
    nor the CI script nor the settings nor the README refer to the development layout's ../shared directory."""
    assert SSYK_FILE.is_file() and SSYK_FILE.is_relative_to(REPOSITORY)
    assert not hasattr(settings, "SSYK_FILE")
    config = [str(p.relative_to(REPOSITORY)) for p in REPOSITORY.glob("config/**/*.py")]
    for name in ("Makefile", ".ci/run", "README.md", *config):
        text = (REPOSITORY / name).read_text(encoding="utf-8")
        assert "shared/data" not in text and "SSYK_FILE" not in text and "ssyk_subset" not in text, name
