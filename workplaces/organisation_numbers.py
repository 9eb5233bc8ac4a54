"""Swedish organisation numbers (organisationsnummer), validated with django-localflavor."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from localflavor.se.forms import SEOrganisationNumberField

_FIELD = SEOrganisationNumberField()


def normalize_organisation_number(value: str) -> str:
    """The number as NNNNNN-NNNN, or ValidationError."""
    try:
        digits = str(_FIELD.clean((value or "").strip()))
    except forms.ValidationError as exc:
        raise ValidationError(_("Enter a valid organisation number, e.g. 212000-2411."), code="invalid") from exc
    digits = digits[-10:]
    return f"{digits[:6]}-{digits[6:]}"


def validate_organisation_number(value: str) -> None:
    if value and normalize_organisation_number(value) != value:
        raise ValidationError(_("Write the organisation number as NNNNNN-NNNN."), code="not_normalized")
