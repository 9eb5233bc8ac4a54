from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from participants.identity import (
    birth_date_of,
    is_coordination_number,
    make_test_identity_number,
    mask_identity_number,
    normalize_identity_number,
    validate_identity_number,
)


@pytest.mark.parametrize(
    "typed",
    ["19811218-9876", "198112189876", "811218-9876", "8112189876"],
)
def test_it_normalizes_every_common_format_to_twelve_digits(typed: str) -> None:
    assert normalize_identity_number(typed) == "198112189876"


def test_it_accepts_a_samordningsnummer() -> None:
    number = make_test_identity_number(dt.date(1990, 5, 17), 982, coordination=True)
    assert number[6:8] == "77"
    assert normalize_identity_number(number) == number
    assert is_coordination_number(number)
    assert birth_date_of(number) == dt.date(1990, 5, 17)


@pytest.mark.parametrize(
    "bad",
    ["19811218-9875", "19811318-9876", "abc", "", "1981121898760", "20991218-9876", "19811218+98X6"],
)
def test_it_refuses_invalid_numbers_with_a_translated_message(bad: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        normalize_identity_number(bad)
    assert excinfo.value.code == "invalid_identity_number"
    assert "personnummer" in str(excinfo.value.messages[0]).lower() or "identitets" in str(excinfo.value.messages[0])


def test_the_model_validator_wants_the_normal_form() -> None:
    validate_identity_number("198112189876")
    with pytest.raises(ValidationError):
        validate_identity_number("19811218-9876")


def test_masking_hides_the_last_four_digits() -> None:
    assert mask_identity_number("198112189876") == "19811218-XXXX"
