"""Swedish identity numbers: personnummer and samordningsnummer (coordination numbers).

Validation is django-localflavor's, which accepts both (python-stdnum alone rejects
samordningsnummer, which many newcomers have). Numbers are stored in one normal form,
YYYYMMDDNNNC, so uniqueness holds whatever way a number was typed.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from localflavor.se.forms import SEPersonalIdentityNumberField

_FIELD = SEPersonalIdentityNumberField(coordination_number=True, interim_number=False)

INVALID_MESSAGE = _(
    "Enter a valid personal identity number or coordination number, e.g. 19900101-1234 (the check digit must match)."
)


def normalize_identity_number(value: str) -> str:
    """The 12-digit normal form of a personnummer or samordningsnummer, or ValidationError."""
    try:
        return str(_FIELD.clean((value or "").strip()))
    except forms.ValidationError as exc:
        raise ValidationError(INVALID_MESSAGE, code="invalid_identity_number") from exc


def validate_identity_number(value: str) -> None:
    """Model-field validator: the stored value must already be a valid number in normal form."""
    if normalize_identity_number(value) != value:
        raise ValidationError(
            _("Store identity numbers as twelve digits, YYYYMMDDNNNN."), code="identity_number_not_normalized"
        )


def is_coordination_number(normalized: str) -> bool:
    """A samordningsnummer has 60 added to the day of birth."""
    return int(normalized[6:8]) > 60


def birth_date_of(normalized: str) -> dt.date:
    day = int(normalized[6:8])
    if day > 60:
        day -= 60
    return dt.date(int(normalized[0:4]), int(normalized[4:6]), day)


def mask_identity_number(normalized: str) -> str:
    """Shown in lists: the date of birth, never the last four digits."""
    return f"{normalized[:8]}-XXXX"


def format_identity_number(normalized: str) -> str:
    return f"{normalized[:8]}-{normalized[8:]}"


def luhn_check_digit(digits: str) -> int:
    """The check digit of a Swedish identity number over its nine digits YYMMDDNNN."""
    total = 0
    for index, char in enumerate(digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return (10 - total % 10) % 10


TEST_SERIALS = range(980, 1000)


def make_test_identity_number(birth: dt.date, serial: int, *, coordination: bool = False) -> str:
    """A valid 12-digit number for demo data, tests and benchmarks.

    Serials 980–999 are the range of Skatteverket's published test numbers (Testpersonnummer);
    staying in it makes a clash with a real person unlikely. Only numbers on the published list
    are guaranteed never to be assigned, so these belong in demo and test databases only.
    """
    if serial not in TEST_SERIALS:
        raise ValueError("test identity numbers use serials 980-999")
    day = birth.day + (60 if coordination else 0)
    short = f"{birth:%y%m}{day:02d}{serial:03d}"
    return f"{birth:%Y%m}{day:02d}{serial:03d}{luhn_check_digit(short)}"
