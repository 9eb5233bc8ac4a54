"""Account pages of the user's own."""

from __future__ import annotations

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from .services import user_log_out_everywhere


@require_POST
def log_out_everywhere(request: HttpRequest) -> HttpResponse:
    user_log_out_everywhere(user=request.user)
    logout(request)
    return redirect("login")
