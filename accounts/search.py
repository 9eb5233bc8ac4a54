"""Free-text search of the lists (needs, organisations, participants, supervisors; pages and API).

A search is a few words, each of which must appear, without regard to case, in one text made by
joining the searched columns once. N words make N LIKEs on that one expression, joined by AND:
the query grows by one condition a word and keeps its shape. (Combining two filtered querysets
with `|` once a word, as the need search did, doubled the SQL with every word: 14 words took 18 s.)

A search holds at most MAX_SEARCH_WORDS words and MAX_SEARCH_LENGTH characters; more is a form
error (a 400 in the API), not silently cut, so that nobody reads a list filtered other than they typed.
"""

from __future__ import annotations

import unicodedata
from typing import Any, TypeVar

import django_filters
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import F, Model, QuerySet, Value
from django.db.models.functions import Concat
from django.http import HttpRequest
from django.utils.translation import ngettext_lazy

MAX_SEARCH_WORDS = 8
MAX_SEARCH_LENGTH = 100

SEARCH_TEXT = "search_text"
M = TypeVar("M", bound=Model)


def fold(text: str) -> str:
    """`text` as searches compare it: without case and without accents or diacritics, so that
    "jonkoping" finds "Jönköping" and "JOSE" finds "José". Both the searched text and the search
    words go through this one function."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search_words(text: str) -> list[str]:
    """The words of a search, or a ValidationError if it holds too many words or characters."""
    if len(text) > MAX_SEARCH_LENGTH:
        raise ValidationError(
            ngettext_lazy(
                "A search may hold at most %(max)d character.", "A search may hold at most %(max)d characters.", "max"
            ),
            code="search_too_long",
            params={"max": MAX_SEARCH_LENGTH},
        )
    words = text.split()
    if len(words) > MAX_SEARCH_WORDS:
        raise ValidationError(
            ngettext_lazy("Search for at most %(max)d word.", "Search for at most %(max)d words.", "max"),
            code="search_too_many_words",
            params={"max": MAX_SEARCH_WORDS},
        )
    return words


def _validate_search(value: str) -> None:
    search_words(value)


class SearchField(forms.CharField):
    """A search box: at most MAX_SEARCH_LENGTH characters and MAX_SEARCH_WORDS words."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs["validators"] = [*kwargs.get("validators", []), _validate_search]
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # The browser stops at the bound; the validator (not max_length, which would say it twice) tells the rest.
        return {**super().widget_attrs(widget), "maxlength": str(MAX_SEARCH_LENGTH)}

    def to_python(self, value: Any) -> str:
        # A NUL character is no search word, and PostgreSQL refuses it in a query.
        return str(super().to_python(value)).replace("\x00", "")


class SearchFilter(django_filters.CharFilter):  # type: ignore[misc]  # django-filter ships no type hints
    """django-filter's CharFilter with the search box's bounds."""

    field_class = SearchField


def filter_words(queryset: QuerySet[M], *, words: list[str], fields: list[str]) -> QuerySet[M]:
    """Rows in which every word appears in one of `fields` (case-insensitively), in one query shape.

    The fields are joined once, with a space between them (a search word holds no space, so no
    word can match across two fields), and every word is one `icontains` on that text."""
    if not words:
        return queryset
    if len(fields) == 1:
        text: Any = F(fields[0])
    else:
        parts: list[Any] = []
        for name in fields:
            parts += [F(name), Value(" ")]
        text = Concat(*parts[:-1])
    queryset = queryset.alias(**{SEARCH_TEXT: text})
    for word in words:
        queryset = queryset.filter(**{f"{SEARCH_TEXT}__icontains": word})
    return queryset


class BoundedSearchAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # for any model; ModelAdmin[Any] fails at run time
    """An admin list whose search has the lists' bounds. Django's own admin search has none: each
    word is one more OR over the search fields, and 1,300 words made SQLite fail (a 500)."""

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        try:
            search_words(search_term)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)
