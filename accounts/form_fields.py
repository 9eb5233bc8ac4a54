"""Form fields every app's forms share."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

if TYPE_CHECKING:
    _MultipleChoice = forms.ModelMultipleChoiceField[Any]
else:  # the field is generic only in django-stubs
    _MultipleChoice = forms.ModelMultipleChoiceField


class IdsModelMultipleChoiceField(_MultipleChoice):
    """A multiple choice of rows by integer id that refuses ids no database column can hold.

    Django checks the chosen ids with an `__in` query, and an id beyond 64 bits makes the database
    driver fail (a 500) instead of answering "not one of the choices"."""

    LIMIT = 2**63 - 1

    def _check_values(self, value: Iterable[Any]) -> QuerySet[Any]:
        for item in value:
            text = str(item).strip()
            digits = text.lstrip("-")
            # isdigit() alone accepts "²", which int() refuses; int() refuses more than 4300 digits.
            if not (digits.isascii() and digits.isdigit() and len(digits) <= 19) or abs(int(text)) > self.LIMIT:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": item}
                )
        return super()._check_values(value)  # type: ignore[misc, no-any-return]  # Django's own, not in django-stubs
