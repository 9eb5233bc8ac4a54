"""Which occupations a text means: the one home of that rule, for the occupation searches.

`occupation_codes_matching(text="undersköterska")` gives the unit groups (level 4) whose Swedish or
English name, or one of whose synonyms (`OccupationSynonym`), has a word that starts with the text,
or whose code starts with it; a minor group (level 3) whose name matches gives all its unit groups
("kockar" finds 5120 through 512 "Kockar och kallskänkor", and "Installations- och
industrielektriker" all of 741). Names and text are compared through `accounts.search.fold`, so case
and accents do not matter ("UNDERSKOTERSKA" finds 5321). Words, not any part of a name: a search
for the name "Ali" found the 34 unit groups whose names hold "ali" ("specialister", "kvalitet");
the compounds people type ("elektriker" for "serviceelektriker") are synonyms.

The folded comparison is done in Python, over SSYK's 577 groups below the sub-major level (their
folded names kept per process) and over the synonyms' stored folded titles: two queries whatever the
text. The text is bounded as every search is (`accounts.search.search_words`: a longer one is a
ValidationError, not silently cut).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from accounts.search import fold, search_words

from .models import Occupation, OccupationSynonym

WORD = re.compile(r"\w+")


@lru_cache(maxsize=8192)
def _words(text: str) -> str:
    """`text` folded, as its words with a space before each: " kockar och kallskankor". Kept per
    process, keyed by the text itself, so a renamed group or a new synonym is folded anew."""
    return "".join(" " + word for word in WORD.findall(fold(text)))


def containing_groups(codes: Iterable[str]) -> set[str]:
    """The codes and every group that contains them (a code's prefixes are its ancestors): an interest
    in a whole field counts for each occupation in it, as in the ranking (placements.matching)."""
    return {code[:length] for code in codes for length in range(1, len(code) + 1)}


def occupation_codes_matching(*, text: str) -> frozenset[str]:
    """The codes of the unit groups `text` names (see the module); empty for an empty text."""
    search_words(text)
    needle = _words(text)
    if not needle:
        return frozenset()
    code = needle.strip()
    groups = Occupation.objects.filter(level__in=(Occupation.Level.MINOR, Occupation.Level.UNIT)).values_list(
        "code", "level", "name_sv", "name_en"
    )
    units: set[str] = set()
    minors: set[str] = set()
    codes = []
    for group, level, name_sv, name_en in groups:
        if level == Occupation.Level.UNIT:
            codes.append(group)
        if group.startswith(code) or needle in _words(name_sv) or needle in _words(name_en):
            (units if level == Occupation.Level.UNIT else minors).add(group)
    units.update(group for group in codes if group[:3] in minors)
    synonyms = OccupationSynonym.objects.values_list("occupation_id", "title")
    units.update(occupation for occupation, title in synonyms if needle in _words(title))
    return frozenset(units)
