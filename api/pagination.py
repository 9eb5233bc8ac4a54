"""Page-number pagination and filtering for every list (set as DRF's defaults in settings; kept
apart from api.base, which DRF's own modules would otherwise import while they load)."""

from __future__ import annotations

from typing import Any

from django_filters.rest_framework import DjangoFilterBackend, NumberFilter
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
