"""Language: Swedish unless the user has chosen English with the language switch.

Django's LocaleMiddleware would follow the browser's Accept-Language header; a municipal
service is Swedish by default whatever the browser says, so only the explicit choice (the
language cookie set by `set_language`) counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers


class LanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


SESSION_STARTED = "platsa_session_started"


class SessionLifetimeMiddleware:
    """End a session 12 hours after login whatever the activity, and every session of a user who
    chose "log out everywhere" since it began. (Inactivity is handled by SESSION_COOKIE_AGE.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now()
            started_text = request.session.get(SESSION_STARTED)
            if started_text is None:
                request.session[SESSION_STARTED] = now.isoformat()
            else:
                started = dt.datetime.fromisoformat(started_text)
                too_old = now - started > dt.timedelta(hours=settings.SESSION_MAX_HOURS)
                revoked = user.sessions_valid_after is not None and started < user.sessions_valid_after
                if too_old or revoked:
                    logout(request)
                    return redirect_to_login(request.get_full_path())
        return self.get_response(request)


# Pages without a signed-in user that still show personal data: a supervisor's follow-up link.
NO_STORE_URL_NAMES = frozenset({"follow_up_link"})


class NoStoreMiddleware:
    """Answers with personal data are kept by no browser cache or proxy: every answer to a signed-in
    user, every API answer (a token is only checked inside the API view, after this has seen the
    request) and the follow-up-link pages get `Cache-Control: no-store, private` (and Django's other
    never-cache directives). Static files, which WhiteNoise answers before this runs, and the public
    pages stay cacheable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        match = request.resolver_match
        if (user is not None and user.is_authenticated) or (
            match is not None and ("api" in match.namespaces or match.url_name in NO_STORE_URL_NAMES)
        ):
            add_never_cache_headers(response)  # max-age=0, no-cache, no-store, must-revalidate, private
        return response
