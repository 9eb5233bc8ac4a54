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
from localflavor.se.forms import SWEDISH_ID_NUMBER, SEPersonalIdentityNumberField
from localflavor.se.utils import id_number_checksum, validate_id_birthday

_FIELD = SEPersonalIdentityNumberField(coordination_number=True, interim_number=False)

# The codes of the errors `normalize_identity_number` raises, one per thing that can be wrong. They are
# stable: forms, the API and the referral import may match on them.
FORMAT_CODE = "identity_number_format"  # not 10 or 12 digits (an optional - or + before the last four)
DATE_CODE = "identity_number_date"  # the date in it does not exist (samordningsnummer: day of birth + 60)
FUTURE_CODE = "identity_number_future"  # a date of birth still to come
CHECK_DIGIT_CODE = "identity_number_check_digit"  # the last digit does not match the nine before it
INVALID_CODE = "invalid_identity_number"  # anything else django-localflavor refuses
ERROR_CODES = frozenset({FORMAT_CODE, DATE_CODE, FUTURE_CODE, CHECK_DIGIT_CODE, INVALID_CODE})

INVALID_MESSAGE = _(
    "Enter a valid personal identity number or coordination number, e.g. 19900101-1234 (the check digit must match)."
)
FORMAT_MESSAGE = _("A personal identity number has 10 or 12 digits, e.g. YYYYMMDD-NNNN.")
DATE_MESSAGE = _("The date %(date)s does not exist: check the year, month and day.")
COORDINATION_DATE_MESSAGE = _(
    "The date %(date)s does not exist: in a coordination number the day is the day of birth plus 60."
)
FUTURE_MESSAGE = _("The date of birth %(date)s has not come yet.")
CHECK_DIGIT_MESSAGE = _("The check digit (the last digit) does not match: check that every digit is typed correctly.")


def normalize_identity_number(value: str) -> str:
    """The 12-digit normal form of a personnummer or samordningsnummer, or a ValidationError that
    says what is wrong (its code one of ERROR_CODES).

    What is accepted is django-localflavor's to say; only a refusal is examined here, to name its
    reason. The messages quote at most the date part of what was typed, never the last four digits."""
    typed = (value or "").strip()
    try:
        return str(_FIELD.clean(typed))
    except forms.ValidationError:
        # `from None`: localflavor's error adds nothing, and the value stays out of tracebacks.
        raise _why_refused(typed) from None


def _why_refused(typed: str) -> ValidationError:
    match = SWEDISH_ID_NUMBER.match(typed)
    if match is None or not match["serial"].isdigit():  # a letter in the serial is an interim number
        return ValidationError(FORMAT_MESSAGE, code=FORMAT_CODE)
    parts = match.groupdict()
    date_typed = f"{parts['century'] or ''}{parts['year']}{parts['month']}{parts['day']}"
    day = int(parts["day"])
    coordination = day > 60
    try:
        validate_id_birthday(parts)  # localflavor's own reading, a missing century inferred from today
    except ValueError:
        if parts["century"] is not None and _exists(int(parts["century"] + parts["year"]), parts, day):
            # The only other reason it refuses a date: a date of birth in the future.
            return ValidationError(FUTURE_MESSAGE, code=FUTURE_CODE, params={"date": date_typed})
        message = COORDINATION_DATE_MESSAGE if coordination else DATE_MESSAGE
        return ValidationError(message, code=DATE_CODE, params={"date": date_typed})
    if id_number_checksum(parts) != int(parts["checksum"]):
        return ValidationError(CHECK_DIGIT_MESSAGE, code=CHECK_DIGIT_CODE)
    return ValidationError(INVALID_MESSAGE, code=INVALID_CODE)


def _exists(year: int, parts: dict[str, str], day: int) -> bool:
    """Whether the date can be a date of birth at all (localflavor knows no number before 1800)."""
    try:
        dt.date(year, int(parts["month"]), day - 60 if day > 60 else day)
    except ValueError:
        return False
    return year >= 1800


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
