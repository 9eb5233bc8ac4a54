"""Phone numbers to E.164: Swedish by default, any way people write them; invalid ones refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from sms.phone_numbers import PhoneNumberField, phone_can_receive_sms, phone_display, phone_e164, phone_normalise


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("070-123 45 67", "+46701234567"),
        ("0701234567", "+46701234567"),
        ("+46 70 123 45 67", "+46701234567"),
        ("0046 70-123 45 67", "+46701234567"),
        ("+46 (0)70 123 45 67", "+46701234567"),
        ("08-123 456 78", "+46812345678"),
        ("+358 40 1234567", "+358401234567"),
    ],
)
def test_a_valid_number_is_normalised_to_e164(typed: str, e164: str) -> None:
    assert phone_normalise(typed) == e164
    assert phone_e164(typed) == e164


@pytest.mark.parametrize(
    "typed", ["12", "070-123", "+4670123", "hello", "070-123 45 67 89 00", "+999 1234567", "1" * 60]
)
def test_an_invalid_number_is_refused_with_a_clear_message(typed: str) -> None:
    assert phone_e164(typed) is None
    with pytest.raises(ValidationError) as caught:
        phone_normalise(typed)
    assert caught.value.code == "invalid_phone"
    assert "070-123 45 67" in caught.value.messages[0]


def test_empty_stays_empty() -> None:
    assert phone_normalise("") == ""
    assert phone_normalise("   ") == ""


def test_only_mobile_numbers_receive_text_messages() -> None:
    assert phone_can_receive_sms("070-123 45 67")
    assert not phone_can_receive_sms("08-123 456 78")  # a Stockholm landline
    assert not phone_can_receive_sms("12")
    assert not phone_can_receive_sms("")


def test_a_stored_number_is_shown_as_people_write_it() -> None:
    assert phone_display("+46701234567") == "070-123 45 67"
    assert phone_display("+358401234567") == "+358 40 1234567"
    assert phone_display("not a number") == "not a number"


def test_the_form_field_cleans_to_e164_and_shows_the_stored_number_nationally() -> None:
    field = PhoneNumberField(required=False)
    assert field.clean("070-123 45 67") == "+46701234567"
    assert field.prepare_value("+46701234567") == "070-123 45 67"
    assert not field.has_changed("+46701234567", "070-123 45 67")
    assert field.has_changed("+46701234567", "070-765 43 21")
    with pytest.raises(ValidationError):
        field.clean("070-12")
