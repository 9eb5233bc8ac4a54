"""A URL configuration for tests of the error pages: the project's URLs and views that fail on purpose."""

from __future__ import annotations

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


def fail(request: HttpRequest, value: str) -> HttpResponse:
    """A programming error whose message repeats what the request held, as real ones often do."""
    raise ValueError(f"cannot handle {value} {dict(request.GET)} {dict(request.POST)}")


def suspicious(request: HttpRequest, value: str) -> HttpResponse:
    raise SuspiciousOperation(f"suspicious {value} {dict(request.POST)}")


urlpatterns = [
    path("test-errors/fail/<str:value>/", fail),
    path("test-errors/suspicious/<str:value>/", suspicious),
    *project_urlpatterns,
]
