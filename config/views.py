"""Project-level views: the health check for load balancers, and each role's start page.

The start pages compose selectors of several apps, so they live above the apps.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.access_log import last_months_review, reviews_a_log
from accounts.models import Role
from accounts.request_types import AuthenticatedHttpRequest
from placements import selectors as placement_selectors
from reporting import selectors as reporting_selectors

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any driver error means "not answering"
        logger.warning("healthz: the database does not answer", exc_info=True)
        return False


def _broker_state() -> str:
    url = settings.CELERY_BROKER_URL
    if not url or url.startswith("memory://"):
        return "not configured"
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception:  # any transport error means "not answering"
        logger.warning("healthz: the broker does not answer", exc_info=True)
        return "error"


@login_not_required
@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database (and the broker, if one is configured) answer, else 503."""
    database = "ok" if _database_ok() else "error"
    broker = _broker_state()
    healthy = database == "ok" and broker != "error"
    return JsonResponse(
        {"status": "ok" if healthy else "error", "database": database, "broker": broker}, status=200 if healthy else 503
    )


# When the service was last assessed and the statement last reviewed: change both with the text.
STATEMENT_ASSESSED_ON = dt.date(2026, 12, 1)
STATEMENT_REVIEWED_ON = dt.date(2026, 12, 1)


@login_not_required
@require_GET
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    """The accessibility statement the law on accessible digital public services requires (DOS-lagen),
    in the structure of DIGG's model statement. Public: people must reach it without an account."""
    return render(
        request,
        "accessibility.html",
        {
            "organisation": settings.ACCESSIBILITY_ORGANISATION,
            "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
            "contact_phone": settings.ACCESSIBILITY_CONTACT_PHONE,
            "assessed_on": STATEMENT_ASSESSED_ON,
            "reviewed_on": STATEMENT_REVIEWED_ON,
        },
    )


def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The start page for the user's role; a user with several roles sees each part."""
    user = request.user
    today = timezone.localdate()
    context: dict[str, object] = {"today": today}
    if user.has_role(Role.COORDINATOR):
        context["coordinator"] = placement_selectors.coordinator_overview(user=user, today=today)
    if user.has_role(Role.SUPERVISOR):
        context["supervisor"] = placement_selectors.supervisor_overview(user=user, today=today)
    if user.has_role(Role.MANAGER):
        context["manager"] = reporting_selectors.manager_overview(user=user, today=today)
    if (user.has_role(Role.ADMINISTRATOR) or user.is_superuser) and reviews_a_log(user):
        month, review = last_months_review(today=today, user=user)
        context["administrator"] = {"month": month, "review": review}
    return render(request, "home.html", context)


START_LIST_PER_PAGE = 25
START_LIST_TITLES = {
    "concerns": _("Concerns from supervisors not yet handled"),
    "waiting": _("Participants waiting for a placement"),
    "overdue": _("Follow-ups overdue"),
    "starting": _("Starting within two weeks"),
    "ending": _("Ending within two weeks"),
    "needs": _("Open needs with free places"),
    "later-outcomes": _("Later outcomes to record"),
    "inactive": _("Case files without activity for a year"),
    "follow-ups-due": _("Follow-ups due"),
}


@require_GET
def start_list(request: AuthenticatedHttpRequest, panel: str) -> HttpResponse:
    """The whole list behind one start-page panel, a page at a time; the panel's own role only (others,
    and an unknown panel, 404)."""
    user = request.user
    if panel in placement_selectors.COORDINATOR_PANELS:
        role = Role.COORDINATOR
    elif panel in placement_selectors.SUPERVISOR_PANELS:
        role = Role.SUPERVISOR
    else:
        raise Http404
    if not (user.is_superuser or user.has_role(role)):
        raise Http404
    today = timezone.localdate()
    rows = placement_selectors.start_panel_rows(user=user, today=today, panel=panel)
    page = Paginator(rows, START_LIST_PER_PAGE).get_page(request.GET.get("page"))
    shown = placement_selectors.start_panel_shown(user=user, panel=panel, rows=page.object_list)
    return render(
        request,
        "start_list.html",
        {"panel": panel, "title": START_LIST_TITLES[panel], "page": page, "rows": shown, "today": today},
    )
