"""The occupation picker: one field class for every form and filter that chooses SSYK occupations.

Each `<option>` carries the unit group's synonyms in `data-synonyms` ("elektriker" on 7411
"Installations- och serviceelektriker"), and the select says `data-search-synonyms`: static/js/platsa.js
then searches them too when it turns the select into a searchable picker. Without JavaScript the
select is an ordinary one and the form works the same.

The synonyms come in the query that reads the options (a join), so a picker costs the one query
Django's own would."""

from __future__ import annotations

import functools
import html
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import django_filters
from django import forms
from django.db.models import F
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from .models import Occupation, OccupationSynonym, english_active

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


# A filter by code: the picker written out in Python.


@dataclass(frozen=True)
class OccupationOption:
    code: str
    label: str  # "code name", in the active language
    synonyms: tuple[str, ...]


def occupation_options(*, levels: Iterable[int]) -> list[OccupationOption]:
    """The groups at `levels`, by code, each with its synonyms: two queries."""
    levels = list(levels)
    english = english_active()
    synonyms: dict[str, list[str]] = {}
    titles = OccupationSynonym.objects.filter(occupation__level__in=levels).order_by("title")
    for code, title in titles.values_list("occupation_id", "title"):
        synonyms.setdefault(code, []).append(title)
    rows = Occupation.objects.filter(level__in=levels).order_by("code").values_list("code", "name_sv", "name_en")
    return [
        OccupationOption(code, f"{code} {name_en if english and name_en else name_sv}", tuple(synonyms.get(code, ())))
        for code, name_sv, name_en in rows
    ]


def choose_occupation_codes(code_filter: django_filters.ChoiceFilter, *, levels: Iterable[int]) -> None:
    """Make a list filter's `ChoiceFilter` offer the groups at `levels` by code, through an
    `OccupationCodeSelect`. The options are read when the form is shown or a choice is checked, once
    (not for an API list without one)."""
    levels = tuple(levels)
    options = functools.cache(lambda: occupation_options(levels=levels))
    code_filter.extra["choices"] = lambda: [(o.code, o.label) for o in options()]
    code_filter.extra["widget"] = OccupationCodeSelect(synonyms=lambda: {o.code: o.synonyms for o in options()})
    # A form field built before from the class's filters (the API schema builds them) would keep the
    # class's empty choices: this instance builds its own.
    code_filter.__dict__.pop("_field", None)


_SELECTED = mark_safe(" selected")  # a constant


class OccupationCodeSelect(forms.Select):
    """The picker of `OccupationSelect` for a choice of codes (a list filter), written out in Python:
    Django renders each option through a template, about 0.2 ms an option, and the participant
    list's 600 unit and minor groups took half of its page's time (`manage.py bench_participant_list`).
    The same HTML as `OccupationSelect`; no option groups. `synonyms` gives each code's titles
    (from the `occupation_options` the choices come from)."""

    def __init__(
        self, *, synonyms: Callable[[], Mapping[str, Sequence[str]]], attrs: dict[str, Any] | None = None
    ) -> None:
        super().__init__(attrs={**SEARCHABLE, **(attrs or {})})
        self.synonyms = synonyms

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        chosen = {str(v) for v in self.format_value(value)}
        titles = self.synonyms()
        # html.escape, which Django's escape() calls, straight: 600 options through format_html (and
        # its lazy-aware wrappers) were 4 ms of the list's page; the output is the same.
        options = "".join(
            '<option value="{}"{}{}>{}</option>'.format(
                html.escape(str(code)),
                _SELECTED if str(code) in chosen else "",
                ' data-synonyms="{}"'.format(html.escape(" · ".join(titles[code]))) if titles.get(code) else "",
                html.escape(str(label)),
            )
            for code, label in self.choices
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            mark_safe(options),  # every part escaped above
        )
