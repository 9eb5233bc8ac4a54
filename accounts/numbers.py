"""Numbers written the way the active language writes them, for messages and form fields.

Python's own formatting writes "0.5" and "20000" whatever the language; Swedish writes "0,5" and
groups thousands with a no-break space ("20 000"). A quantity put into a translated message goes
through `number_text` (a year or a record number is not a quantity: it is never grouped).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import BaseValidator, MaxValueValidator, MinValueValidator
from django.utils.formats import number_format
from django.utils.functional import lazy


def number_text(value: int | float | Decimal) -> str:
    """A quantity in the active language: "0,5" and "20 000" in Swedish, "0.5" and "20,000" in English."""
    return number_format(value, use_l10n=True, force_grouping=True)


# Formatted when the message is shown, in the language it is shown in.
lazy_number_text = lazy(number_text, str)


class _LimitInActiveLanguage(BaseValidator):
    """Django's limit check, with the limit in the message written in the active language
    (Django interpolates the bare number: "större än eller lika med 0.5")."""

    def __call__(self, value: Any) -> None:
        cleaned = self.clean(value)
        limit = self.limit_value() if callable(self.limit_value) else self.limit_value
        if self.compare(cleaned, limit):
            params = {"limit_value": lazy_number_text(limit), "show_value": cleaned, "value": value}
            raise ValidationError(self.message, code=self.code, params=params)


class LocalizedMinValueValidator(_LimitInActiveLanguage, MinValueValidator):
    pass


class LocalizedMaxValueValidator(_LimitInActiveLanguage, MaxValueValidator):
    pass


def with_localized_limits(validators: list[Any]) -> list[Any]:
    """The validators, Django's min and max value checks replaced by ones that write the limit
    in the active language; their messages and codes are Django's."""
    replaced: list[Any] = []
    for validator in validators:
        if type(validator) is MinValueValidator:
            validator = LocalizedMinValueValidator(validator.limit_value, validator.message)
        elif type(validator) is MaxValueValidator:
            validator = LocalizedMaxValueValidator(validator.limit_value, validator.message)
        replaced.append(validator)
    return replaced
