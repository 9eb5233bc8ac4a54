"""Form fields every app's forms share."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import QuerySet

from .numbers import with_localized_limits

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


class DecimalInputField(forms.DecimalField):
    """A decimal typed and shown as the active language writes it: "4,5" in Swedish (a typed "4.5"
    is read too), "4.5" in English; its limits are written so in the errors ("högst 0,5").

    A text input with a decimal keypad, not `type="number"`: a number input holds "4.5" whatever
    the language, and browsers differ in whether they accept a typed comma."""

    widget = forms.TextInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)
        self.validators = with_localized_limits(self.validators)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.setdefault("inputmode", "decimal")
        return attrs


def localized_formfield(db_field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """`Meta.formfield_callback` of model forms: a decimal model field becomes a DecimalInputField, and
    a number field checks the model field's own limits (the model's validators stay their one home),
    so the form refuses an out-of-range value first and writes the limit in the active language."""
    numeric = isinstance(db_field, (models.DecimalField, models.IntegerField)) and not db_field.choices
    if numeric:
        if isinstance(db_field, models.DecimalField):
            kwargs.setdefault("form_class", DecimalInputField)
        lows = [v.limit_value for v in db_field.validators if isinstance(v, MinValueValidator)]
        highs = [v.limit_value for v in db_field.validators if isinstance(v, MaxValueValidator)]
        if lows and not any(callable(low) for low in lows):
            kwargs.setdefault("min_value", max(lows))
        if highs and not any(callable(high) for high in highs):
            kwargs.setdefault("max_value", min(highs))
    formfield = db_field.formfield(**kwargs)
    if numeric and isinstance(formfield, forms.IntegerField):
        formfield.validators = with_localized_limits(formfield.validators)
    return formfield
