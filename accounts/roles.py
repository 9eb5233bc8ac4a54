"""Role checks for views. Object-level access is decided in accounts.access."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from .models import Role


def role_required(*roles: Role) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Let in users with one of `roles`; others get 404, the same answer as a page that does not exist."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated or not (user.is_superuser or set(roles) & user.roles):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
