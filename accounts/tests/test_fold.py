"""The one comparison form every search uses."""

from __future__ import annotations

import pytest

from accounts.search import fold


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("jonkoping", "Jönköping"), ("JOSE", "José"), ("aangstrom", "Åångström"), ("sundsvall", "SUNDSVALL")],
)
def test_a_search_word_and_the_text_it_should_find_fold_alike(typed: str, stored: str) -> None:
    assert fold(stored).startswith(fold(typed)) or fold(typed) in fold(stored)


def test_folding_keeps_letters_and_digits_and_drops_only_the_marks() -> None:
    assert fold("Ångström D-000070") == "angstrom d-000070"
    assert fold("Straße") == "strasse"
