"""Which occupations a text means: the one home of that rule, for the occupation searches.

`occupation_codes_matching(text="undersköterska")` gives the unit groups (level 4) whose Swedish or
English name, or one of whose synonyms (`OccupationSynonym`), contains the text, or whose code starts
with it; a minor group (level 3) whose name contains the text gives all its unit groups ("kockar"
finds 5120 through 512 "Kockar och kallskänkor", and "Installations- och industrielektriker" all
of 741). Names and text are compared through `accounts.search.fold`, so case and accents do not
matter ("UNDERSKOTERSKA" finds 5321).

The folded comparison is done in Python, over SSYK's 577 groups below the sub-major level (their
folded names kept per process) and over the synonyms' stored folded titles: two queries whatever the
text. The text is bounded as every search is (`accounts.search.search_words`: a longer one is a
ValidationError, not silently cut).
"""

from __future__ import annotations

from functools import lru_cache

from accounts.search import fold, search_words

from .models import Occupation, OccupationSynonym

# SSYK's names, folded once per process: keyed by the name itself, so a renamed group is folded anew.
_folded_name = lru_cache(maxsize=4096)(fold)


def occupation_codes_matching(*, text: str) -> frozenset[str]:
    """The codes of the unit groups `text` names (see the module); empty for an empty text."""
    search_words(text)
    needle = fold(text.strip())
    if not needle:
        return frozenset()
    groups = Occupation.objects.filter(level__in=(Occupation.Level.MINOR, Occupation.Level.UNIT)).values_list(
        "code", "level", "name_sv", "name_en"
    )
    units: set[str] = set()
    minors: set[str] = set()
    codes = []
    for code, level, name_sv, name_en in groups:
        if level == Occupation.Level.UNIT:
            codes.append(code)
        if code.startswith(needle) or needle in _folded_name(name_sv) or needle in _folded_name(name_en):
            (units if level == Occupation.Level.UNIT else minors).add(code)
    units.update(code for code in codes if code[:3] in minors)
    units.update(
        OccupationSynonym.objects.filter(title_folded__contains=needle).values_list("occupation_id", flat=True)
    )
    return frozenset(units)
