"""Forms for organisations, workplaces and needs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.form_fields import IdsModelMultipleChoiceField, localized_formfield
from taxonomy.forms import OccupationChoiceField
from taxonomy.models import Occupation, PlacementType, Prerequisite, Weekday, validate_whole_minutes

from .models import Need, Organisation, Workplace
from .organisation_numbers import normalize_organisation_number
from .services import WorkingSpan

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# A time in a table cell, labelled by its row and column (templates/partials/table_cell_field.html).
TIME_CELL = forms.TimeInput(attrs={"type": "time", "class": "form-control"}, format="%H:%M")


def _offer_active_prerequisites(form: forms.ModelForm) -> None:
    """Prerequisites as checkboxes of the active ones, and of those already chosen (so that editing
    does not drop one an administrator has since made inactive)."""
    field = form.fields["prerequisites"]
    chosen = Q(pk__in=form.instance.prerequisites.values("pk")) if form.instance.pk else Q(pk__in=[])
    field.queryset = Prerequisite.objects.filter(Q(active=True) | chosen)  # type: ignore[attr-defined]  # a ModelMultipleChoiceField


class OrganisationForm(forms.ModelForm):
    """An organisation's name and kind. Whether it is local or regional is not the form's: a new one
    is local to the municipality of the user who adds it (workplaces.services.organisation_save),
    and only a superuser makes one regional, in the admin."""

    class Meta:
        model = Organisation
        fields = ["name", "kind", "organisation_number", "active"]

    def clean_organisation_number(self) -> str:
        value = self.cleaned_data["organisation_number"]
        return normalize_organisation_number(value) if value else ""


class WorkplaceForm(forms.ModelForm):
    class Meta:
        model = Workplace
        fields = [
            "name",
            "street_address",
            "postal_code",
            "city",
            "district",
            "contact_name",
            "contact_phone",
            "contact_email",
            "prerequisites",
            "active",
        ]
        widgets = {"prerequisites": forms.CheckboxSelectMultiple}
        field_classes = {"prerequisites": IdsModelMultipleChoiceField}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # handed on to Form as given
        _offer_active_prerequisites(self)


class NeedForm(forms.ModelForm):
    class Meta:
        formfield_callback = localized_formfield
        model = Need
        fields = [
            "title",
            "occupation",
            "tasks",
            "placement_type",
            "job_track",
            "places",
            "hours_per_day",
            "start_date",
            "end_date",
            "min_swedish_level",
            "min_education_level",
            "requires_driving_licence",
            "records_extract",
            "prerequisites",
        ]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "tasks": forms.Textarea(attrs={"rows": 3}),
            "prerequisites": forms.CheckboxSelectMultiple,
        }
        field_classes = {"prerequisites": IdsModelMultipleChoiceField, "occupation": OccupationChoiceField}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # handed on to Form as given
        self.fields["occupation"].queryset = Occupation.objects.units()  # type: ignore[attr-defined]  # a ModelChoiceField
        types = PlacementType.objects.filter(active=True)
        if self.instance.pk:
            types = PlacementType.objects.filter(pk=self.instance.placement_type_id) | types
        self.fields["placement_type"].queryset = types  # type: ignore[attr-defined]  # a ModelChoiceField
        _offer_active_prerequisites(self)
        self.fields["records_extract"].help_text = _(
            "Required by law for work with children. Platsa records only that it was checked, never its content."
        )


class WorkingHoursForm(forms.Form):
    """The need's working hours, a from and a to per weekday (both or neither); every day left empty
    keeps no hours, and then nothing clashes with a person's studies."""

    def __init__(self, *args: Any, need: Need | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "hours")
        if need is not None and need.pk and "initial" not in kwargs:
            kwargs["initial"] = {
                key: value
                for hours in need.working_hours.all()
                for key, value in (
                    (f"day{hours.weekday}_from", hours.starts_at),
                    (f"day{hours.weekday}_to", hours.ends_at),
                )
            }
        super().__init__(*args, **kwargs)
        for day in Weekday:
            for end, word in (("from", _("from")), ("to", _("to"))):
                self.fields[f"day{day.value}_{end}"] = forms.TimeField(
                    label=f"{capfirst(day.label)}, {word}",
                    required=False,
                    widget=TIME_CELL,
                    validators=[validate_whole_minutes],
                )

    def days(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        """(weekday, from, to) per row of the form, Monday first."""
        return [(str(capfirst(day.label)), self[f"day{day.value}_from"], self[f"day{day.value}_to"]) for day in Weekday]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for day in Weekday:
            start: dt.time | None = data.get(f"day{day.value}_from")
            end: dt.time | None = data.get(f"day{day.value}_to")
            start_name, end_name = f"day{day.value}_from", f"day{day.value}_to"
            if start_name in self.errors or end_name in self.errors:
                continue
            if (start is None) != (end is None):
                missing = end_name if end is None else start_name
                self.add_error(missing, ValidationError(_("Give both from and to, or neither."), code="half_a_span"))
            elif start and end and end <= start:
                after = ValidationError(_("The end must be after the start."), code="ends_before_start")
                self.add_error(end_name, after)
        return data

    def spans(self) -> list[WorkingSpan]:
        data = self.cleaned_data
        return [
            WorkingSpan(weekday=day.value, starts_at=data[f"day{day.value}_from"], ends_at=data[f"day{day.value}_to"])
            for day in Weekday
            if data.get(f"day{day.value}_from") and data.get(f"day{day.value}_to")
        ]
