"""Phone numbers: validated and normalised to E.164 ("070-123 45 67" -> "+46701234567") with
`phonenumbers`, the one home of that rule for every form that takes a phone number and for sending.

Numbers without a country code are read as Swedish (`DEFAULT_REGION`). Stored numbers are E.164 since
the forms normalise them (older ones were normalised by a data migration where valid, and kept as
typed where not); sending normalises again, so a number that is not valid is never sent to.
"""

from __future__ import annotations

from typing import Any

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DEFAULT_REGION = "SE"
# Numbers that may receive a text message (Swedish mobile numbers are MOBILE; some countries do not
# tell mobile from fixed numbers).
SMS_CAPABLE = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)

INVALID_MESSAGE = _("Enter a valid phone number, for example 070-123 45 67 or +46 70 123 45 67.")


def _parse(value: str, region: str) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def phone_e164(value: str, *, region: str = DEFAULT_REGION) -> str | None:
    """The number in E.164 ("+46701234567"), or None when `value` is not a valid phone number."""
    if not value or not value.strip() or len(value) > 50:
        return None
    number = _parse(value.strip(), region)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) if number else None


def phone_normalise(value: str, *, region: str = DEFAULT_REGION) -> str:
    """ "" for an empty value, else the number in E.164; a ValidationError when it is not valid."""
    if not value or not value.strip():
        return ""
    normalised = phone_e164(value, region=region)
    if normalised is None:
        raise ValidationError(INVALID_MESSAGE, code="invalid_phone")
    return normalised


def phone_can_receive_sms(value: str, *, region: str = DEFAULT_REGION) -> bool:
    """Whether the number is valid and a mobile number (a landline gets no text messages)."""
    normalised = phone_e164(value, region=region)
    return normalised is not None and phonenumbers.number_type(phonenumbers.parse(normalised)) in SMS_CAPABLE


def phone_tel_uri(value: str) -> str:
    """A stored number as a `tel:` link: the E.164 number when it is valid ("+46 (0)70-123 45 67" ->
    "tel:+46701234567"). A number that is not valid (one left as typed by the data migrations) dials
    its digits as stored, read as Swedish; "" when it holds no digits."""
    normalised = phone_e164(value)
    if normalised is not None:
        return f"tel:{normalised}"
    digits = "".join(ch for ch in value if ch.isdigit())
    if not digits:
        return ""
    if value.strip().startswith("+"):
        return f"tel:+{digits}"
    if digits.startswith("00"):
        return f"tel:+{digits[2:]}"
    if digits.startswith("0"):
        return f"tel:+46{digits[1:]}"
    return f"tel:{digits}"


def phone_display(value: str) -> str:
    """A stored number as people read it: Swedish numbers in the national format ("070-123 45 67"),
    others internationally ("+358 40 1234567"); what cannot be read is shown as stored."""
    normalised = phone_e164(value)
    if normalised is None:
        return value
    number = phonenumbers.parse(normalised)
    if phonenumbers.region_code_for_number(number) == DEFAULT_REGION:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


class PhoneNumberField(forms.CharField):
    """A phone number typed as people write it, cleaned to E.164; the error is shown next to the field."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("autocomplete", "tel")
        self.widget.input_type = "tel"

    def prepare_value(self, value: Any) -> Any:
        # The stored E.164 number is shown as people write it; it cleans back to the same number.
        return phone_display(value) if isinstance(value, str) and value.startswith("+") else value

    def to_python(self, value: Any) -> str:
        return phone_normalise(super().to_python(value) or "")

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.disabled:
            return False
        try:
            return phone_normalise(data or "") != (initial or "")
        except ValidationError:
            return True
