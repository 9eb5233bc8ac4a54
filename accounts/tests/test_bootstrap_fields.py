"""`bootstrap_field` writes what crispy-bootstrap5 writes, for every field of the list filters."""

from __future__ import annotations

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.test.html import parse_html
from django.utils.safestring import mark_safe

from accounts.templatetags.bootstrap_fields import bootstrap_field
from accounts.tests.factories import CoordinatorFactory
from participants.filters import ParticipantFilter
from workplaces.filters import NeedFilter, OrganisationFilter

pytestmark = pytest.mark.django_db

# Valid choices and values that fail (a number out of range, an unknown code, a status that is none).
DATA = {
    "empty": None,
    "valid": {"q": "Ali <b>", "occupation": "5321", "status": ["mapped"], "programme_months_left": "3", "kind": ""},
    "invalid": {
        "q": "x",
        "programme_months_left": "99",
        "occupation": "9999",
        "status": ["bogus"],
        "kind": "bogus",
        "free_places": "maybe",
        "district": "0",
    },
}


def _filters(data):
    user = CoordinatorFactory()
    return [
        lambda: ParticipantFilter(data, user=user),
        lambda: NeedFilter(data),
        lambda: OrganisationFilter(data),
    ]


@pytest.mark.parametrize("case", DATA)
def test_every_list_filter_field_is_written_as_crispy_writes_it(case: str) -> None:
    compared = 0
    for make in _filters(DATA[case]):
        ours, crispys = make(), make()
        if DATA[case] is not None:
            ours.form.is_valid()
            crispys.form.is_valid()
        for mine, theirs in zip(ours.form, crispys.form, strict=True):
            assert parse_html(str(bootstrap_field(mine))) == parse_html(str(as_crispy_field(theirs))), mine.name
            compared += 1
    assert compared >= 20
    if case == "invalid":
        # The errors were there to compare: next to the field, linked for screen readers.
        html = str(bootstrap_field(ours.form["kind"]))
        assert 'class="invalid-feedback"' in html and 'aria-invalid="true"' in html and "is-invalid" in html


def test_a_field_crispy_writes_with_templates_of_its_own_goes_through_crispy() -> None:
    class Form(forms.Form):
        agree = forms.BooleanField(label="Agree", required=True)
        choice = forms.ChoiceField(label="Choice", choices=[("a", "A")], widget=forms.RadioSelect)
        secret = forms.CharField(widget=forms.HiddenInput)
        name = forms.CharField(label="Namn & <efternamn>", help_text="Som i folkbokföringen.")
        marked = forms.CharField(label=mark_safe("<abbr>SFI</abbr>-nivå"), required=False)  # a constant
        born = forms.DateField(label="Född", widget=forms.SelectDateWidget(years=[2000]), required=False)

    form = Form(data={})
    form.is_valid()
    for bound in form:
        assert parse_html(str(bootstrap_field(bound))) == parse_html(str(as_crispy_field(bound))), bound.name
    # A required field's label and asterisk, and an escaped label.
    assert "Namn &amp; &lt;efternamn&gt;" in str(bootstrap_field(form["name"]))
    assert "asteriskField" in str(bootstrap_field(form["name"]))
