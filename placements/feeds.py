"""A user's personal calendar feed: a secret URL a calendar app subscribes to, without a session.

Only the SHA-256 hash of the secret is stored, so the URL is shown once, when it is made; renewing
makes a new secret and the old URL answers 404 from then on. The feed holds the meetings of the
placements the user coordinates or the meetings they booked, within what they may open today (a
coordinator who moves team stops seeing the old team's), and the due follow-ups of the active
placements they coordinate, as all-day events.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Role, User
from participants.selectors import participants_shown

from .calendars import feed_ics
from .models import CalendarFeed, FollowUp, Meeting, PlacementStatus

# What the feed covers: a month back (so a calendar keeps the recent past) and a year ahead.
FEED_PAST = dt.timedelta(days=31)
FEED_AHEAD = dt.timedelta(days=366)
FEED_ROLES = frozenset({Role.COORDINATOR})


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def may_have_feed(user: User) -> bool:
    return bool(user.is_active and (user.roles & FEED_ROLES))


@transaction.atomic
def calendar_feed_renew(*, user: User) -> str:
    """Make the user's feed secret anew and return it (the only time it is seen); the old one stops working."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(
        user=user, defaults={"token_hash": _hash(token), "created_at": timezone.now(), "last_used_at": None}
    )
    return token


def calendar_feed_user(*, token: str) -> User | None:
    """The active coordinator whose feed `token` opens, or None (unknown, renewed, or no longer allowed)."""
    if not token or len(token) > 100:
        return None
    feed = CalendarFeed.objects.select_related("user").filter(token_hash=_hash(token)).first()
    if feed is None or not may_have_feed(feed.user):
        return None
    return feed.user


def calendar_feed_ics(*, user: User, now: dt.datetime | None = None) -> bytes:
    """The feed's calendar for `user`; each participant named in it logged as listed to the user."""
    now = now or timezone.now()
    mine = Q(placement__coordinator=user) | Q(booked_by=user)
    meetings = list(
        Meeting.objects.visible_to(user)
        .filter(mine, starts_at__gte=now - FEED_PAST, starts_at__lte=now + FEED_AHEAD)
        .select_related("placement__participant", "placement__need__workplace", "placement__coordinator", "booked_by")
        .order_by("starts_at", "pk")
    )
    today = timezone.localdate(now)
    follow_ups = list(
        FollowUp.objects.visible_to(user)
        .outstanding()
        .filter(
            placement__coordinator=user,
            placement__status=PlacementStatus.ACTIVE,
            due_date__gte=today - FEED_PAST,
            due_date__lte=today + FEED_AHEAD,
        )
        .select_related("placement__participant", "placement__municipality")
        .order_by("due_date", "pk")
    )
    participants_shown(user=user, rows=[*meetings, *follow_ups], participant_id="placement.participant_id")
    CalendarFeed.objects.filter(user=user).update(last_used_at=now)
    return feed_ics(meetings=meetings, follow_ups=follow_ups, now=now)
