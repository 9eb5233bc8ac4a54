"""The occupation picker: one field class for every form and filter that chooses SSYK occupations.

Each `<option>` carries the unit group's synonyms in `data-synonyms` ("elektriker" on 7411
"Installations- och serviceelektriker"), and the select says `data-search-synonyms`: static/js/platsa.js
then searches them too when it turns the select into a searchable picker. Without JavaScript the
select is an ordinary one and the form works the same.

The synonyms come in the query that reads the options (a join), so a picker costs the one query
Django's own would."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import F
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue

from .models import Occupation

SEARCHABLE = {"data-searchable": "true", "data-search-synonyms": "true"}


class OccupationChoiceValue(ModelChoiceIteratorValue):
    """An option's value, with the titles the option is also found by."""

    def __init__(self, value: Any, instance: Occupation, synonyms: list[str]) -> None:
        super().__init__(value, instance)
        self.synonyms = synonyms


class OccupationChoiceIterator(ModelChoiceIterator):
    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        occupations: dict[str, tuple[Occupation, list[str]]] = {}
        for occupation in self.queryset.annotate(synonym_title=F("synonyms__title")):
            _instance, titles = occupations.setdefault(occupation.pk, (occupation, []))
            if occupation.synonym_title:
                titles.append(occupation.synonym_title)
        for occupation, titles in occupations.values():
            yield (
                OccupationChoiceValue(self.field.prepare_value(occupation), occupation, titles),
                self.field.label_from_instance(occupation),
            )


class _SynonymOptions:
    """Writes an option's synonyms into its `data-synonyms` for the picker to search."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(*args, **kwargs)  # type: ignore[misc]  # mixed into a ChoiceWidget
        synonyms = getattr(option["value"], "synonyms", None)
        if synonyms:
            option["attrs"]["data-synonyms"] = " · ".join(synonyms)
        return option


class OccupationSelect(_SynonymOptions, forms.Select):
    def __init__(self, attrs: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(attrs={**SEARCHABLE, **(attrs or {})}, **kwargs)


class OccupationSelectMultiple(_SynonymOptions, forms.SelectMultiple):
    def __init__(self, attrs: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(attrs={**SEARCHABLE, **(attrs or {})}, **kwargs)


class OccupationChoiceField(forms.ModelChoiceField):
    """A choice of one occupation (by default a unit group), searchable by name, code and synonym."""

    iterator = OccupationChoiceIterator
    widget = OccupationSelect

    def __init__(self, queryset: Any = None, **kwargs: Any) -> None:
        super().__init__(queryset=Occupation.objects.units() if queryset is None else queryset, **kwargs)


class OccupationMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A choice of several occupations, searchable as `OccupationChoiceField`."""

    iterator = OccupationChoiceIterator
    widget = OccupationSelectMultiple

    def __init__(self, queryset: Any = None, **kwargs: Any) -> None:
        super().__init__(queryset=Occupation.objects.units() if queryset is None else queryset, **kwargs)


class OccupationFilter(django_filters.ModelChoiceFilter):
    """A list filter by one occupation, with the picker of the forms."""

    field_class = OccupationChoiceField
