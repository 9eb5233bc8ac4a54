"""Template context: the user's roles, for navigation per role."""

from __future__ import annotations

from django.http import HttpRequest

from .models import Role


def roles(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {
            "is_coordinator": False,
            "is_supervisor": False,
            "is_manager": False,
            "is_regional_manager": False,
            "is_administrator": False,
        }
    user_roles = user.roles
    return {
        "is_coordinator": Role.COORDINATOR in user_roles,
        "is_supervisor": Role.SUPERVISOR in user_roles,
        "is_manager": Role.MANAGER in user_roles,
        "is_regional_manager": Role.REGIONAL_MANAGER in user_roles,
        "is_administrator": Role.ADMINISTRATOR in user_roles or user.is_superuser,
    }
