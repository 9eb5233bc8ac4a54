"""A municipality's own settings and the installation's defaults behind them: the follow-up schedule
(settings.FOLLOW_UP_SCHEDULE) and the site address in links that leave Platsa (settings.SITE_URL).

The one home of how a follow-up schedule is read: the municipality's form validates with it, and
placements.follow_ups turns what it reads into due dates. It lives here, below placements, because
accounts (which holds Municipality) never imports a higher app.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from .models import Municipality

MIDPOINT: Literal["mid"] = "mid"
END: Literal["end"] = "end"
# A point of the schedule: a number of days after the start, the midpoint or the end.
FollowUpPoint = int | Literal["mid", "end"]
# A follow-up later than two years after the start falls after any placement's end.
MAX_DAYS_AFTER_START = 730


def follow_up_schedule_parse(schedule: str | Iterable[str]) -> list[FollowUpPoint]:
    """The points of a schedule written "14d, mid, end" (or given as its items, as
    settings.FOLLOW_UP_SCHEDULE is): "<N>d" is N days after the start, "mid" the midpoint, "end" the
    end. Raises ValidationError, one message per item it cannot read."""
    items = schedule.split(",") if isinstance(schedule, str) else list(schedule)
    points: list[FollowUpPoint] = []
    errors: list[ValidationError] = []
    for item in items:
        token = item.strip().lower()
        if token in (MIDPOINT, END):
            points.append(MIDPOINT if token == MIDPOINT else END)
        elif token.endswith("d") and token[:-1].isdigit() and token[:-1].isascii():
            days = int(token[:-1])
            if 1 <= days <= MAX_DAYS_AFTER_START:
                points.append(days)
            else:
                errors.append(
                    ValidationError(
                        _("A follow-up falls 1 to %(max)s days after the start, not %(days)s.")
                        % {"max": MAX_DAYS_AFTER_START, "days": days},
                        code="follow_up_days",
                    )
                )
        elif not token:
            errors.append(
                ValidationError(_("Separate the follow-ups by single commas, with none empty."), code="follow_up_empty")
            )
        else:
            errors.append(
                ValidationError(
                    _("“%(item)s” is no follow-up: write days after the start (14d), mid or end.")
                    % {"item": item.strip()},
                    code="follow_up_unreadable",
                )
            )
    if errors:
        raise ValidationError(errors)
    return points


# The site address: a scheme and a host (and a port), nothing a link could be bent with.
_site_url_validator = URLValidator(schemes=["http", "https"])


def site_url_check(value: str) -> str:
    """`value` as a municipality's site address is stored: http(s)://host[:port], no trailing
    slash. Raises ValidationError for anything else: a path, a query, a fragment or a login would
    be carried into every link."""
    error = ValidationError(
        _("Give the site's address as https://platsa.kommun.se: http or https and the host, no path, query or login."),
        code="site_url",
    )
    try:
        _site_url_validator(value)
    except ValidationError:
        raise error from None
    parts = urlsplit(value)
    if parts.username or parts.password or parts.path not in ("", "/") or parts.query or parts.fragment:
        raise error
    if "\\" in value or "?" in value or "#" in value:
        raise error
    return value.rstrip("/")


def site_url_for(municipality: Municipality | None) -> str:
    """The address links to Platsa begin with for what belongs to `municipality` (a case file's, a
    placement's): its own, or settings.SITE_URL when it has none (or there is no municipality)."""
    if municipality is not None and municipality.site_url:
        return municipality.site_url
    return str(settings.SITE_URL)
