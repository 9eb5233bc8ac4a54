"""Which occupations a search word names (a names-only stand-in; the synonym-aware one replaces it)."""

from __future__ import annotations

from accounts.search import fold

from .models import Occupation


def occupation_codes_matching(*, text: str) -> frozenset[str]:
    """The unit-group codes whose Swedish or English name holds `text`, case and accents aside."""
    word = fold(text.strip())
    if not word:
        return frozenset()
    rows = Occupation.objects.units().values_list("code", "name_sv", "name_en")
    return frozenset(code for code, name_sv, name_en in rows if word in fold(name_sv) or word in fold(name_en))
