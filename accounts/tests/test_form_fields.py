"""Numbers in forms are typed and shown as the active language writes them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from accounts.form_fields import DecimalInputField
from accounts.numbers import number_text
from participants.forms import WorkExperienceForm
from workplaces.forms import NeedForm


def _hours() -> DecimalInputField:
    return DecimalInputField(min_value=Decimal("0.5"), max_value=Decimal("10"), max_digits=3, decimal_places=1)


def test_a_quantity_is_written_with_the_languages_separators() -> None:
    assert number_text(Decimal("0.5")) == "0,5"
    assert number_text(20000) == "20\N{NO-BREAK SPACE}000"
    with translation.override("en"):
        assert number_text(Decimal("0.5")) == "0.5"
        assert number_text(20000) == "20,000"


@pytest.mark.parametrize("typed", ["4,5", "4.5", " 4,5 "])
def test_a_decimal_comma_and_a_decimal_point_are_both_read_in_swedish(typed: str) -> None:
    assert _hours().clean(typed) == Decimal("4.5")


def test_english_reads_a_decimal_point_and_refuses_a_comma() -> None:
    with translation.override("en"):
        assert _hours().clean("4.5") == Decimal("4.5")
        with pytest.raises(forms.ValidationError):
            _hours().clean("4,5")


def test_the_value_is_shown_with_a_decimal_comma_in_swedish_and_a_point_in_english() -> None:
    widget = _hours().widget
    assert isinstance(widget, forms.Widget)  # an instance once the field is made
    html = widget.render("hours", Decimal("4.5"))
    assert 'value="4,5"' in html and 'inputmode="decimal"' in html and 'type="text"' in html
    with translation.override("en"):
        assert 'value="4.5"' in widget.render("hours", Decimal("4.5"))


def test_the_limits_in_the_errors_are_written_in_the_active_language() -> None:
    with pytest.raises(forms.ValidationError) as low:
        _hours().clean("0,2")
    assert low.value.messages == ["Kontrollera att detta värde är större än eller lika med 0,5."]
    with translation.override("en"):
        assert low.value.messages == ["Ensure this value is greater than or equal to 0.5."]
    big = DecimalInputField(max_value=100000, decimal_places=2)
    with pytest.raises(forms.ValidationError) as high:
        big.clean("200000")
    assert high.value.messages == ["Kontrollera att detta värde är mindre än eller lika med 100\N{NO-BREAK SPACE}000."]
    assert high.value.error_list[0].code == "max_value"


@pytest.mark.django_db
def test_a_model_forms_decimal_field_takes_the_model_fields_limits() -> None:
    # NeedForm: hours_per_day is 0.5-10 on the model; the form checks it first and says "0,5".
    form = NeedForm(data={"hours_per_day": "0,2"})
    assert not form.is_valid()
    assert form.errors["hours_per_day"] == ["Kontrollera att detta värde är större än eller lika med 0,5."]
    assert NeedForm(data={"hours_per_day": "7,5"}).fields["hours_per_day"].clean("7,5") == Decimal("7.5")


def test_work_experience_years_take_a_decimal_comma() -> None:
    form = WorkExperienceForm(data={"years": "2,5"})
    form.is_valid()
    assert "years" not in form.errors
    assert form.cleaned_data["years"] == Decimal("2.5")
