from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from participants.identity import (
    CHECK_DIGIT_CODE,
    DATE_CODE,
    ERROR_CODES,
    FORMAT_CODE,
    FUTURE_CODE,
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


def _refusal(typed: str, language: str = "sv") -> tuple[str, str]:
    with pytest.raises(ValidationError) as excinfo:
        normalize_identity_number(typed)
    with translation.override(language):
        (message,) = excinfo.value.messages
    assert excinfo.value.code in ERROR_CODES
    return excinfo.value.code, message


@pytest.mark.parametrize(
    "bad", ["abc", "", "   ", "1981121898760", "1981121-9876", "19811218-987", "19811218+98X6", "19811218 9876"]
)
def test_a_number_of_the_wrong_length_or_with_letters_is_told_how_many_digits(bad: str) -> None:
    assert _refusal(bad) == (FORMAT_CODE, "Personnumret ska ha 10 eller 12 siffror, t.ex. ÅÅÅÅMMDD-NNNN.")
    assert _refusal(bad, "en") == (FORMAT_CODE, "A personal identity number has 10 or 12 digits, e.g. YYYYMMDD-NNNN.")


@pytest.mark.parametrize(
    ("bad", "date"),
    [
        ("19811318-9876", "19811318"),  # month 13
        ("19900231-1234", "19900231"),  # 31 February
        ("19810018-9876", "19810018"),  # month 0
        ("19811240-9876", "19811240"),  # day 40: neither a day nor a coordination day
        ("010229-1234", "010229"),  # 2001 was no leap year
        ("17991218-1234", "17991218"),  # no identity numbers before 1800
    ],
)
def test_a_date_that_does_not_exist_is_named(bad: str, date: str) -> None:
    assert _refusal(bad) == (DATE_CODE, f"Datumet {date} finns inte: kontrollera år, månad och dag.")
    assert _refusal(bad, "en") == (DATE_CODE, f"The date {date} does not exist: check the year, month and day.")


def test_a_coordination_number_whose_day_minus_60_does_not_exist_says_how_the_day_is_written() -> None:
    # Day 91 is 31 + 60: 31 February.
    code, message = _refusal("19900291-1234")
    assert code == DATE_CODE
    assert message == "Datumet 19900291 finns inte: i ett samordningsnummer är dagen födelsedagen plus 60."
    assert _refusal("19900291-1234", "en")[1] == (
        "The date 19900291 does not exist: in a coordination number the day is the day of birth plus 60."
    )


def test_a_date_of_birth_in_the_future_is_refused_as_such() -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    number = f"{tomorrow:%Y%m%d}-9876"
    assert _refusal(number) == (FUTURE_CODE, f"Födelsedatumet {tomorrow:%Y%m%d} har inte inträffat än.")
    assert _refusal(number, "en") == (FUTURE_CODE, f"The date of birth {tomorrow:%Y%m%d} has not come yet.")


@pytest.mark.parametrize("bad", ["19811218-9875", "811218-9875", "8112189875", "19900577-9826"])
def test_a_wrong_check_digit_is_named(bad: str) -> None:
    code, message = _refusal(bad)
    assert code == CHECK_DIGIT_CODE
    assert message.startswith("Kontrollsiffran (den sista siffran) stämmer inte")
    assert _refusal(bad, "en")[1].startswith("The check digit (the last digit) does not match")


def test_the_messages_quote_no_more_than_the_date() -> None:
    for bad in ("19811318-9876", "19900291-9876", "20991218-9876", "19811218-9875", "1981121898760"):
        for language in ("sv", "en"):
            assert "9876" not in _refusal(bad, language)[1]
            assert "9875" not in _refusal(bad, language)[1]


def test_the_model_validator_wants_the_normal_form() -> None:
    validate_identity_number("198112189876")
    with pytest.raises(ValidationError):
        validate_identity_number("19811218-9876")


def test_masking_hides_the_last_four_digits() -> None:
    assert mask_identity_number("198112189876") == "19811218-XXXX"
