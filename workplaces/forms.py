"""Forms for organisations, workplaces and needs."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.form_fields import IdsModelMultipleChoiceField
from taxonomy.models import Occupation, PlacementType, Prerequisite

from .models import Need, Organisation, Workplace
from .organisation_numbers import normalize_organisation_number

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _offer_active_prerequisites(form: forms.ModelForm) -> None:
    """Prerequisites as checkboxes of the active ones, and of those already chosen (so that editing
    does not drop one an administrator has since made inactive)."""
    field = form.fields["prerequisites"]
    chosen = Q(pk__in=form.instance.prerequisites.values("pk")) if form.instance.pk else Q(pk__in=[])
    field.queryset = Prerequisite.objects.filter(Q(active=True) | chosen)  # type: ignore[attr-defined]  # a ModelMultipleChoiceField


class OrganisationForm(forms.ModelForm):
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
            "occupation": forms.Select(attrs={"data-searchable": "true"}),
            "tasks": forms.Textarea(attrs={"rows": 3}),
            "prerequisites": forms.CheckboxSelectMultiple,
        }
        field_classes = {"prerequisites": IdsModelMultipleChoiceField}

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
