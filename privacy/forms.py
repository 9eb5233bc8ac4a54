"""Forms of the privacy pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ErasureMethod


class ExtractForm(forms.Form):
    format = forms.ChoiceField(label=_("Format"), choices=[("pdf", "PDF"), ("json", "JSON")])


class ErasureForm(forms.Form):
    method = forms.ChoiceField(
        label=_("How"), choices=ErasureMethod.choices, initial=ErasureMethod.PSEUDONYMISE, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why the case file is erased, e.g. the date of the request. Write no names or identity numbers."),
    )
    confirm = forms.BooleanField(
        label=_("I have checked the request and understand that this cannot be undone."), required=True
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 10:
            raise forms.ValidationError(_("State the reason (at least ten characters)."))
        return reason
