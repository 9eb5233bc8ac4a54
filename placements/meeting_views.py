"""The coordinator's meeting pages: book, change and cancel a placement's meetings, the week's
meetings and due follow-ups on one page, and the personal calendar feed (its page, and the feed
itself, which a calendar app fetches without a session)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import tenancy
from accounts.models import Role
from accounts.municipal_settings import site_url_for
from accounts.request_types import AuthenticatedHttpRequest
from accounts.roles import role_required
from accounts.service_views import save_with_service

from . import feeds, meetings
from .forms import MeetingForm
from .models import MEETING_STATUSES, Placement
from .selectors import placement_for_view

coordinator_only = role_required(Role.COORDINATOR)


def _meetings_url(placement: Placement) -> str:
    return reverse("placements:detail", args=[placement.pk]) + "#meetings"


@coordinator_only
@require_http_methods(["GET", "POST"])
def meeting_book(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    placement = placement_for_view(user=request.user, pk=pk)
    if placement.status not in MEETING_STATUSES:
        raise Http404
    form = MeetingForm(request.POST or None)
    done = save_with_service(
        request,
        form,
        lambda data: meetings.meeting_book(placement=placement, by=request.user, **data),
        success=lambda _meeting: _("The meeting is booked and the invitations are on their way."),
        redirect_to=lambda _meeting: _meetings_url(placement),
    )
    return done or render(request, "placements/meeting_form.html", {"form": form, "placement": placement})


@coordinator_only
@require_http_methods(["GET", "POST"])
def meeting_change(request: AuthenticatedHttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    placement = placement_for_view(user=request.user, pk=pk)
    meeting = meetings.get_meeting_for_user(request.user, meeting_pk, placement=placement)
    if meeting.is_cancelled:
        raise Http404
    form = MeetingForm(request.POST or None, instance=meeting)
    done = save_with_service(
        request,
        form,
        lambda data: meetings.meeting_change(meeting=meeting, by=request.user, **data),
        success=lambda _meeting: _("The meeting is changed and the updated invitations are on their way."),
        redirect_to=lambda _meeting: _meetings_url(placement),
    )
    context = {"form": form, "placement": placement, "meeting": meeting}
    return done or render(request, "placements/meeting_form.html", context)


@coordinator_only
@require_POST
def meeting_cancel(request: AuthenticatedHttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    placement = placement_for_view(user=request.user, pk=pk)
    meeting = meetings.get_meeting_for_user(request.user, meeting_pk, placement=placement)
    try:
        meetings.meeting_cancel(meeting=meeting, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The meeting is cancelled and the cancellations are on their way."))
    return redirect(_meetings_url(placement))


# ISO weeks the week page shows: a bounded parameter, anything else is 404.
WEEK_PATTERN = re.compile(r"\A(\d{4})-W(\d{2})\Z")
WEEK_YEARS = range(2000, 2101)


def _monday(value: str | None) -> dt.date:
    if not value:
        today = timezone.localdate()
        return today - dt.timedelta(days=today.weekday())
    match = WEEK_PATTERN.match(value)
    if not match or int(match.group(1)) not in WEEK_YEARS:
        raise Http404
    try:
        return dt.date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError as exc:  # week 00, or week 53 of a year with 52
        raise Http404 from exc


def _week_param(monday: dt.date) -> str:
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


@coordinator_only
@require_GET
def week(request: AuthenticatedHttpRequest) -> HttpResponse:
    monday = _monday(request.GET.get("week"))
    week_meetings, follow_ups = meetings.week_for_view(user=request.user, monday=monday)
    days = [monday + dt.timedelta(days=n) for n in range(7)]
    by_day = [
        {
            "day": day,
            "meetings": [m for m in week_meetings if timezone.localdate(m.starts_at) == day],
            "follow_ups": [f for f in follow_ups if f.due_date == day],
        }
        for day in days
    ]
    year, number, _day = monday.isocalendar()
    context = {
        "monday": monday,
        "sunday": days[-1],
        "week_number": number,
        "year": year,
        "days": by_day,
        "previous": _week_param(monday - dt.timedelta(days=7)),
        "next": _week_param(monday + dt.timedelta(days=7)),
        "this_week": _week_param(timezone.localdate()),
        "empty": not week_meetings and not follow_ups,
    }
    return render(request, "placements/week.html", context)


@coordinator_only
@require_http_methods(["GET", "POST"])
@never_cache
def calendar_feed_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The feed's page: make or renew the secret URL. The URL is shown once, right after."""
    feed_url = ""
    if request.method == "POST":
        token = feeds.calendar_feed_renew(user=request.user)
        # The site's public address, as in the e-mails (behind a proxy the request's host may be an inner
        # one): the coordinator's municipality's, as the feed holds its placements only.
        feed_url = site_url_for(request.user.municipality) + reverse("calendar_feed", args=[token])
        messages.success(request, _("Your calendar feed has a new address. The old address no longer works."))
    has_feed = hasattr(request.user, "calendar_feed")
    return render(request, "placements/calendar_feed.html", {"feed_url": feed_url, "has_feed": has_feed})


# How often one feed URL may be fetched: calendar apps poll every 15 minutes to a few hours.
FEED_REQUESTS_PER_HOUR = 60


def _throttled(token: str) -> bool:
    """Counted per feed (by the secret's hash, never the secret) in the cache the API's throttle uses."""
    cache = caches[settings.API_THROTTLE_CACHE]
    key = "calendar-feed:" + hashlib.sha256(token.encode("utf-8")).hexdigest()
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    return count > FEED_REQUESTS_PER_HOUR


@login_not_required
@require_GET
@never_cache
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The calendar feed: no session, the secret in the URL is the key; an unknown one is 404."""
    if _throttled(token):
        response = HttpResponse(_("Too many requests. Try again later."), status=429, content_type="text/plain")
        response["Retry-After"] = "3600"
        return response
    user = feeds.calendar_feed_user(token=token)
    if user is None:
        raise Http404
    tenancy.narrow_to_user(user)  # the feed's owner, known only from the token
    response = HttpResponse(feeds.calendar_feed_ics(user=user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="platsa.ics"'
    return response
