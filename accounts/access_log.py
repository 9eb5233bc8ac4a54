"""The access log: every read and change of a participant's personal data writes an entry here.
Reads for display are logged by the selectors that do them (participants.selectors,
placements.selectors: `..._for_view`, `..._shown`), which pages and the API both call; writes by the
views and services that make them. Entries are append-only (see AccessLogEntry)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Subquery

from .access import access_log_scope
from .models import AccessAction, AccessLogEntry, LogReview, User


def log_access(
    *, user: User, participant_ids: Iterable[int], action: AccessAction, fields: Iterable[str] = (), reason: str = ""
) -> int:
    """Write one entry per participant; returns how many."""
    return _write(
        user=user,
        username=user.get_username(),
        participant_ids=participant_ids,
        action=action,
        fields=fields,
        reason=reason,
    )


def _write(
    *,
    user: User | None,
    username: str,
    participant_ids: Iterable[int],
    action: AccessAction,
    fields: Iterable[str] = (),
    reason: str = "",
) -> int:
    """The one place entries are written. Each takes its case file's municipality in the same INSERT
    (a subquery per entry: no query more), whoever reads: so the entry stays in that municipality's
    log after the case file is erased. A case file that is not there (or, on PostgreSQL, outside the
    request's municipalities) gives no municipality, and the database refuses the entry."""
    Participant = apps.get_model("participants", "Participant")
    entries = [
        AccessLogEntry(
            user=user,
            username=username[:150],
            participant_id=pk,
            municipality_id=Subquery(Participant.objects.filter(pk=pk).order_by().values("municipality_id")[:1]),
            action=action,
            fields=sorted(fields),
            reason=reason[:300],
        )
        for pk in dict.fromkeys(participant_ids)
    ]
    AccessLogEntry.objects.bulk_create(entries)
    return len(entries)


# A user who opened more case files in a month than this many times the median user is listed.
UNUSUAL_FACTOR = 3
UNUSUAL_MINIMUM = 50


@dataclass(frozen=True)
class Review:
    month: dt.date
    break_glass: list[AccessLogEntry]
    lookups_outside_team: list[AccessLogEntry]
    unusual_volumes: list[dict[str, object]]


def log_review(*, month: dt.date, user: User) -> Review:
    """What the monthly review looks at: break-glass openings, lookups of people outside the user's
    team, and users who opened unusually many case files; of the reviewing user's municipality
    (`access_log_scope`)."""
    start = month.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    entries = AccessLogEntry.objects.filter(access_log_scope(user), at__date__gte=start, at__date__lt=end)
    Participant = apps.get_model("participants", "Participant")
    own_team = Participant.objects.filter(pk=OuterRef("participant_id"), team_id=OuterRef("user__team_id"))
    lookups = entries.filter(action=AccessAction.LOOKUP).exclude(Exists(own_team))
    volumes = list(
        entries.filter(action=AccessAction.VIEW).values("username").annotate(views=Count("pk")).order_by("-views")
    )
    median = statistics.median_low([row["views"] for row in volumes]) if volumes else 0
    threshold = max(UNUSUAL_MINIMUM, UNUSUAL_FACTOR * median)
    return Review(
        month=start,
        break_glass=list(entries.filter(action=AccessAction.BREAK_GLASS).order_by("at")),
        lookups_outside_team=list(lookups.order_by("at")),
        unusual_volumes=[row for row in volumes if row["views"] > threshold],
    )


def previous_month(today: dt.date) -> dt.date:
    """The first day of the month before `today`'s: the month a review looks at by default."""
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def reviews_a_log(user: User) -> bool:
    """Whether `user` has a log to review: their municipality's, or (a superuser) the installation's.
    An administrator of no municipality has none (`access_log_scope` shows them nothing), and may not
    sign off the installation's month."""
    return user.is_superuser or user.municipality_id is not None


def review_signed(*, month: dt.date, user: User) -> LogReview | None:
    """The sign-off of `month`'s review of the log `user` reviews (their municipality's), if any."""
    # A superuser's (no municipality) is the installation's sign-off.
    reviews = LogReview.objects.filter(month=month).select_related("reviewed_by")
    if user.municipality_id is None:
        return reviews.filter(municipality__isnull=True).first()
    return reviews.filter(municipality_id=user.municipality_id).first()


def review_sign_off(*, month: dt.date, user: User, notes: str) -> LogReview:
    """Sign off `month`'s review of the log of `user`'s municipality."""
    if not reviews_a_log(user):
        raise PermissionDenied("no log to review")
    return LogReview.objects.create(month=month, municipality_id=user.municipality_id, reviewed_by=user, notes=notes)


def last_months_review(*, today: dt.date, user: User) -> tuple[dt.date, LogReview | None]:
    """Last month, and its review's sign-off if there is one (the administrator's start page)."""
    month = previous_month(today)
    return month, review_signed(month=month, user=user)


def log_access_by_link(*, holder: str, participant_ids: Iterable[int], action: AccessAction) -> int:
    """Entries for an access without an account (a supervisor's personal follow-up link): no user,
    the entry names the link's holder instead (a stable, untranslated name such as
    "follow-up-link:supervisor-12")."""
    return _write(user=None, username=holder, participant_ids=participant_ids, action=action)


# The name an entry carries for a text message that no one sent by hand (a reminder run).
SMS_REMINDER_HOLDER = "sms-reminder"


def log_text_message(*, user: User | None, participant_id: int, kind: str, fields: Iterable[str] = ("phone",)) -> int:
    """An entry saying a text message of `kind` about the participant was sent: who sent it (or the
    reminder run) and about whom, never the text. `fields`, the participant's data that left for the
    SMS provider: their phone number when the message went to them, their first name when it went to
    their supervisor."""
    return _write(
        user=user,
        username=user.get_username() if user is not None else SMS_REMINDER_HOLDER,
        participant_ids=[participant_id],
        action=AccessAction.SMS,
        fields=fields,
        reason=f"sms:{kind}",
    )
