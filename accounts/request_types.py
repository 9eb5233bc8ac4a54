"""Request types for type hints in views whose user has logged in.

LoginRequiredMiddleware sends every anonymous request for a page to the login page (unless the view is
`login_not_required`), and the API's IsAuthenticated refuses one with 401 before a handler runs, so in
those views `request.user` is a User, never the AnonymousUser that django-stubs must allow for. These
classes say so to mypy; at run time the request is an ordinary one.
"""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails
from rest_framework.request import Request

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A page request behind LoginRequiredMiddleware (and django-htmx's middleware)."""

    user: User
    htmx: HtmxDetails


class AuthenticatedRequest(Request):
    """An API request that has passed IsAuthenticated."""

    user: User
