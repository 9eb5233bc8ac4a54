from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db.models import F

from conftest import require_service
from taxonomy.models import Occupation
from taxonomy.services import SUBSET_FILE, occupations_load, occupations_load_subset
from taxonomy.ssyk import SsykFormatError, parse_ssyk_csv

pytestmark = pytest.mark.django_db

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


def test_it_loads_a_classification_and_links_parents(tmp_path: Path) -> None:
    result = occupations_load(path=_write(tmp_path, GOOD))
    assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
    unit = Occupation.objects.get(code="5321")
    assert unit.level == 4 and unit.parent_id == "532" and unit.parent.parent.parent.code == "5"
    assert unit.name_sv == "Undersköterskor, hemtjänst"


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
    path = _write(tmp_path, GOOD + "5322,4,531,X,Y\n")
    with pytest.raises(CommandError, match="line 6"):
        call_command("load_ssyk", str(path))
    assert not Occupation.objects.exists()


def test_the_repository_subset_is_a_consistent_tree() -> None:
    result = occupations_load_subset()
    assert result.created == Occupation.objects.count() > 20
    for occupation in Occupation.objects.exclude(level=1):
        assert occupation.parent_id == occupation.code[:-1]
    assert SUBSET_FILE.is_file()


def test_the_full_classification_is_complete_at_each_level() -> None:
    path = settings.SSYK_FILE
    require_service(bool(path) and Path(path).is_file(), "The SSYK reference file (SSYK_FILE)")
    call_command("load_ssyk", path)
    counts = {level: Occupation.objects.filter(level=level).count() for level in (1, 2, 3, 4)}
    assert counts == {1: 10, 2: 46, 3: 148, 4: 429}
    # Every group below the top has its parent one level up, and every non-unit group has children.
    assert not Occupation.objects.exclude(level=1).exclude(parent__level=F("level") - 1).exists()
    assert not Occupation.objects.filter(level__lt=4, children__isnull=True).exists()
    # Codes are strings: the armed forces keep their leading zero.
    assert Occupation.objects.get(code="0110").parent_id == "011"
