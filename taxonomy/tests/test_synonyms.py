"""The shipped synonyms of SSYK unit groups, their loading, and the rules of the model."""

from __future__ import annotations

import importlib
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command

from accounts.search import fold
from taxonomy.models import Occupation, OccupationSynonym
from taxonomy.services import SYNONYMS_FILE, occupation_synonyms_load
from taxonomy.synonyms import parse_synonyms_csv

pytestmark = pytest.mark.django_db


def _synonyms() -> set[tuple[str, str, str]]:
    return set(OccupationSynonym.objects.values_list("occupation_id", "title", "language"))


def test_the_migrations_load_every_shipped_synonym_on_its_unit_group() -> None:
    rows = parse_synonyms_csv(SYNONYMS_FILE)
    assert len(rows) >= 150
    assert _synonyms() == {(r.code, r.title, r.language) for r in rows}
    assert not OccupationSynonym.objects.exclude(occupation__level=Occupation.Level.UNIT).exists()
    assert set(OccupationSynonym.objects.values_list("language", flat=True)) == {"sv", "en"}
    for code, title in [("5321", "undersköterska"), ("7411", "elektriker"), ("5120", "kock"), ("9111", "städare")]:
        assert OccupationSynonym.objects.filter(occupation_id=code, title=title).exists()


def test_each_shipped_title_names_work_of_its_group() -> None:
    """Spot checks of the file against SCB's names: a title on the wrong code would send people to
    the wrong group."""
    expected = {
        "undersköterska": "Undersköterskor, hemtjänst, hemsjukvård och äldreboende",
        "elektriker": "Installations- och serviceelektriker",
        "kock": "Kockar och kallskänkor",
        "lastbilschaufför": "Lastbilsförare m.fl.",
        "barnskötare": "Barnskötare",
        "vårdbiträde": "Vårdbiträden",
        "sjuksköterska": "Grundutbildade sjuksköterskor",
        "truckförare": "Truckförare",
        "frisör": "Frisörer",
    }
    for title, name in expected.items():
        assert OccupationSynonym.objects.get(title=title).occupation.name_sv == name


def test_loading_again_adds_nothing() -> None:
    before = _synonyms()
    migration = importlib.import_module("taxonomy.migrations.0009_ssyk_synonyms")
    migration.load(apps, None)
    assert occupation_synonyms_load() == 0
    out = StringIO()
    call_command("load_ssyk", stdout=out)
    assert "Synonyms: 0 added." in out.getvalue()
    assert _synonyms() == before


def test_a_removed_synonym_is_added_back_by_the_command_only() -> None:
    OccupationSynonym.objects.filter(title="elektriker").delete()
    assert occupation_synonyms_load() == 1
    assert OccupationSynonym.objects.get(title="elektriker").occupation_id == "7411"


def test_a_title_is_stored_folded_and_is_unique_per_unit_group_in_that_form() -> None:
    cook = Occupation.objects.get(code="5120")
    synonym = OccupationSynonym(occupation=cook, title="Köksbiträde i skolan ")
    synonym.full_clean()
    synonym.save()
    assert synonym.title == "Köksbiträde i skolan" and synonym.title_folded == fold("köksbiträde i skolan")
    with pytest.raises(ValidationError) as excinfo:
        OccupationSynonym(occupation=cook, title="KOKSBITRADE I SKOLAN").full_clean()
    assert "title" in excinfo.value.message_dict
    # The same title on another group is another synonym.
    OccupationSynonym(occupation=Occupation.objects.get(code="9412"), title="Köksbiträde i skolan").full_clean()


def test_a_synonym_belongs_to_a_unit_group() -> None:
    with pytest.raises(ValidationError) as excinfo:
        OccupationSynonym(occupation=Occupation.objects.get(code="512"), title="kockar").full_clean()
    assert "occupation" in excinfo.value.message_dict


def test_a_file_with_an_unknown_code_or_language_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "synonyms.csv"
    path.write_text("code,title,language\n9998,något,sv\n", encoding="utf-8")
    with pytest.raises(ValueError, match="9998"):
        occupation_synonyms_load(path=path)
    path.write_text("code,title,language\n7411,elektriker,de\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        occupation_synonyms_load(path=path)


def test_the_migration_folds_titles_as_searches_do() -> None:
    """The migration keeps its own copy of the fold (data migrations import no app code): the
    titles it stores must be what `accounts.search.fold` makes of them, or searches would miss them."""
    migration = importlib.import_module("taxonomy.migrations.0009_ssyk_synonyms")
    for title in OccupationSynonym.objects.values_list("title", flat=True):
        assert migration.fold(title) == fold(title), title
    assert set(OccupationSynonym.objects.values_list("title_folded", flat=True)) == {
        fold(t) for t in OccupationSynonym.objects.values_list("title", flat=True)
    }
