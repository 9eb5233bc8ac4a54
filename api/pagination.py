"""Page-number pagination and filtering for every list (set as DRF's defaults in settings; kept
apart from api.base, which DRF's own modules would otherwise import while they load)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend, IsoDateTimeFilter, NumberFilter
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request


class PagePagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class FilterBackend(DjangoFilterBackend):
    """django-filter, passing the user to filtersets that take one (as the pages do)."""

    def get_filterset_kwargs(self, request: Request, queryset: Any, view: Any) -> dict[str, Any]:
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        if getattr(view, "filterset_takes_user", False):
            kwargs["user"] = request.user
        return kwargs


class IdFilter(NumberFilter):
    """An id to filter by, within what the database's id column holds (a larger number would
    make the driver fail, a 500, instead of the form saying it is out of range)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        kwargs.setdefault("decimal_places", 0)
        super().__init__(*args, **kwargs)


# The years a point in time of Platsa's may fall in: outside them a filter is a 400, not a query. In
# year 614 Europe/Stockholm is "local mean time", +01:12:12, which PostgreSQL refuses ("time zone
# displacement out of range": a 500, found by the API's schemathesis run).
FIRST_YEAR, LAST_YEAR = 1900, 2200


class BoundedIsoDateTimeField(IsoDateTimeField):
    def clean(self, value: Any) -> dt.datetime | None:
        moment: dt.datetime | None = super().clean(value)
        if moment is not None and not FIRST_YEAR <= moment.year <= LAST_YEAR:
            raise forms.ValidationError(
                _("Give a time between the years %(first)s and %(last)s."),
                code="year_out_of_range",
                params={"first": FIRST_YEAR, "last": LAST_YEAR},
            )
        return moment


class BoundedIsoDateTimeFilter(IsoDateTimeFilter):
    """An ISO 8601 point in time between FIRST_YEAR and LAST_YEAR."""

    field_class = BoundedIsoDateTimeField
