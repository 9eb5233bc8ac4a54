"""What every list table (django-tables2) shares: sorting from the request, pages of a fixed size."""

from __future__ import annotations

from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import HttpRequest
from django_tables2 import RequestConfig, Table


def configure_table(request: HttpRequest, table: Table, *, per_page: int) -> None:
    """Sort as the request asks, and show the requested page of `per_page` rows.

    django-tables2's own RequestConfig also takes the page size from `?per_page=`, without a
    ceiling: `?per_page=100000` rendered (and, for participants, access-logged) a whole register
    on one page. The size is the view's; only the page number comes from the request."""
    RequestConfig(request, paginate=False).configure(table)
    page = request.GET.get(table.prefixed_page_field, 1)
    try:
        table.paginate(per_page=per_page, page=page)
    except PageNotAnInteger:
        table.paginate(per_page=per_page, page=1)
    except EmptyPage:
        table.paginate(per_page=per_page, page=table.paginator.num_pages)
