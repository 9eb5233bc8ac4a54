"""Forms for the supervisor registry and training."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.search import SearchField

from .models import Supervisor, TrainingSession

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SupervisorForm(forms.ModelForm):
    class Meta:
        model = Supervisor
        fields = ["first_name", "last_name", "title", "email", "phone", "max_participants", "active"]


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
