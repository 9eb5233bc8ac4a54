"""Forms for the supervisor registry and training."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.search import SearchField
from sms.phone_numbers import PhoneNumberField, phone_can_receive_sms

from .models import ReminderChannel, Supervisor, TrainingSession

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SupervisorForm(forms.ModelForm):
    phone = PhoneNumberField(label=capfirst(_("phone")), required=False)

    class Meta:
        model = Supervisor
        fields = ["first_name", "last_name", "title", "email", "phone", "reminders_by", "max_participants", "active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A post without it (a script, the API before it existed) keeps what the supervisor has.
        self.fields["reminders_by"].required = False

    def clean_reminders_by(self) -> str:
        return str(self.cleaned_data.get("reminders_by") or self.instance.reminders_by or ReminderChannel.EMAIL)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        if cleaned.get("reminders_by") == ReminderChannel.SMS and not phone_can_receive_sms(cleaned.get("phone") or ""):
            self.add_error("reminders_by", _("Reminders by text message need a mobile number."))
        return cleaned


class SessionForm(forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = ["course", "starts_at", "ends_at", "location", "capacity", "trainer"]
        widgets = {"starts_at": DATETIME, "ends_at": DATETIME}


class EnrolForm(forms.Form):
    supervisor = forms.ModelChoiceField(label=capfirst(_("supervisor")), queryset=Supervisor.objects.none())

    def __init__(self, *args: Any, supervisors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = supervisors  # type: ignore[attr-defined]  # a ModelChoiceField
        self.fields["supervisor"].widget.attrs["data-searchable"] = "true"
        self.fields["supervisor"].label_from_instance = lambda s: f"{s.full_name} ({s.workplace.name})"  # type: ignore[attr-defined]  # a ModelChoiceField


class SupervisorSearchForm(forms.Form):
    q = SearchField(label=_("Search"))
