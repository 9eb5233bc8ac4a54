"""Filters for the need list."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.search import SearchFilter, filter_words, search_words
from taxonomy.forms import choose_occupation_codes
from taxonomy.models import District, Occupation

from .models import Need, NeedStatus, Organisation, OrganisationKind


class NeedFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"), method="search", help_text=_("Words in the title or the workplace's name."))
    status = django_filters.ChoiceFilter(label=capfirst(_("status")), choices=NeedStatus.choices)
    kind = django_filters.ChoiceFilter(
        label=capfirst(_("kind of organisation")),
        field_name="workplace__organisation__kind",
        choices=OrganisationKind.choices,
    )
    district = django_filters.ModelChoiceFilter(
        label=capfirst(_("district")), field_name="workplace__district", queryset=District.objects.all()
    )
    # Plain codes, not model instances: the 429 unit groups are read for every page of the list, and
    # written out in Python (taxonomy.forms.OccupationCodeSelect), as the participant list's are.
    occupation = django_filters.ChoiceFilter(label=capfirst(_("occupation")), choices=[], method="by_occupation_group")
    free_places = django_filters.BooleanFilter(label=_("Has free places"), method="with_free_places")

    class Meta:
        model = Need
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choose_occupation_codes(self.filters["occupation"], levels=(Occupation.Level.UNIT,))

    def search(self, queryset: QuerySet[Need], name: str, value: str) -> QuerySet[Need]:
        return filter_words(queryset, words=search_words(value), fields=["title", "workplace__name"])

    def by_occupation_group(self, queryset: QuerySet[Need], name: str, value: str) -> QuerySet[Need]:
        """Needs in the same 3-digit group as the chosen unit group (a code among the choices): close
        enough to consider."""
        return queryset.filter(occupation__code__startswith=value[:3])

    def with_free_places(self, queryset: QuerySet[Need], name: str, value: bool | None) -> QuerySet[Need]:
        if value is None:
            return queryset
        # `free` in the need's coming period, annotated before filtering by the view and the API
        # (placements.occupancy.with_places_taken_coming).
        return queryset.filter(free__gt=0) if value else queryset.filter(free__lte=0)  # type: ignore[misc]  # free is annotated by placements.occupancy


class OrganisationFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(label=capfirst(_("kind")), choices=OrganisationKind.choices)
    contract = django_filters.BooleanFilter(
        label=_("Holds a procurement contract with social requirements"), method="with_contract"
    )

    class Meta:
        model = Organisation
        fields: list[str] = []

    def search(self, queryset: QuerySet[Organisation], name: str, value: str) -> QuerySet[Organisation]:
        return filter_words(queryset, words=search_words(value), fields=["name"])

    def with_contract(self, queryset: QuerySet[Organisation], name: str, value: bool | None) -> QuerySet[Organisation]:
        if value is None:
            return queryset
        current = Organisation.objects.with_social_procurement_contract(timezone.localdate()).values("pk")
        return queryset.filter(pk__in=current) if value else queryset.exclude(pk__in=current)
