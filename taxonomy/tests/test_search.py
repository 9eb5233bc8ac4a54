"""taxonomy.search.occupation_codes_matching: which unit groups a text means."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts.search import MAX_SEARCH_LENGTH
from taxonomy.models import Occupation
from taxonomy.search import occupation_codes_matching
from taxonomy.tests.factories import OccupationSynonymFactory

pytestmark = pytest.mark.django_db

CARE = {"5321", "5322", "5323", "5324", "5325", "5326"}  # the minor group 532 "Undersköterskor"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("undersköterska", "5321"),
        ("elektriker", "7411"),
        ("kock", "5120"),
        ("lokalvårdare", "9111"),
        ("busschaufför", "8331"),
        ("personlig assistent", "5343"),
        ("programmerare", "2512"),
        ("electrician", "7411"),  # an English synonym
        ("Installations- och serviceelektriker", "7411"),  # SCB's Swedish name
        ("installation and service", "7411"),  # SCB's English name
    ],
)
def test_a_title_people_type_finds_its_unit_group(text: str, code: str) -> None:
    assert code in occupation_codes_matching(text=text)


def test_case_and_accents_do_not_matter() -> None:
    assert occupation_codes_matching(text="UNDERSKOTERSKA") == occupation_codes_matching(text="undersköterska")
    assert "5321" in occupation_codes_matching(text="UNDERSKOTERSKA")
    assert "9111" in occupation_codes_matching(text="  Lokalvardare ")


def test_only_unit_groups_the_text_means_are_returned() -> None:
    # SCB says "Undersköterskor, …": the singular is found through the synonyms of 5321-5324, and
    # stops there (5325 Barnsköterskor and 5326 Ambulanssjukvårdare are other work).
    assert occupation_codes_matching(text="undersköterska") == {"5321", "5322", "5323", "5324"}
    assert occupation_codes_matching(text="truckförare") == {"8344"}
    assert occupation_codes_matching(text="ingen sådan titel") == frozenset()
    assert occupation_codes_matching(text="") == frozenset()
    assert occupation_codes_matching(text="   ") == frozenset()


def test_a_minor_groups_name_gives_its_unit_groups() -> None:
    assert occupation_codes_matching(text="kockar") == {"5120"}
    # 532 "Undersköterskor" brings 5325 Barnsköterskor and 5326 Ambulanssjukvårdare too.
    assert occupation_codes_matching(text="undersköterskor") == CARE
    # 741 "Installations- och industrielektriker m.fl.": its units, whatever their own names say.
    assert occupation_codes_matching(text="industrielektriker m.fl.") == {"7411", "7412", "7413"}
    # A major or sub-major group's name does not sweep in hundreds of groups.
    assert occupation_codes_matching(text="Militära yrken") == frozenset()


def test_a_code_gives_the_unit_groups_under_it() -> None:
    assert occupation_codes_matching(text="7411") == {"7411"}
    assert occupation_codes_matching(text="532") == CARE
    assert len(occupation_codes_matching(text="5")) == Occupation.objects.units().filter(code__startswith="5").count()


def test_a_synonym_an_administrator_adds_is_found() -> None:
    assert occupation_codes_matching(text="elfixare") == frozenset()
    OccupationSynonymFactory(occupation=Occupation.objects.get(code="7411"), title="Elfixare")
    assert occupation_codes_matching(text="ELFIXARE") == {"7411"}


def test_two_queries_whatever_the_text(django_assert_num_queries) -> None:
    for text in ("undersköterska", "kock", "a", "7411"):
        with django_assert_num_queries(2):
            occupation_codes_matching(text=text)


def test_the_text_is_bounded_as_every_search() -> None:
    with pytest.raises(ValidationError):
        occupation_codes_matching(text="a" * (MAX_SEARCH_LENGTH + 1))
