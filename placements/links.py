"""Personal follow-up links for supervisors without an account (see FollowUpLink)."""

from __future__ import annotations

import datetime as dt
import secrets

from django.core import signing
from django.urls import reverse

from accounts.access_log import log_access_by_link
from accounts.models import AccessAction
from participants.tenancy import tenant_key

from .models import FollowUp, FollowUpLink

SALT = "platsa.follow-up-link"


class LinkError(Exception):
    """The link is broken, expired, used, or its follow-up cancelled; `reason` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def link_create(*, follow_up: FollowUp) -> str:
    """A new personal link (path) to log `follow_up`."""
    link = FollowUpLink.objects.create(follow_up=follow_up, **tenant_key(follow_up), nonce=secrets.token_hex(16))
    token = signing.dumps({"link": link.pk, "nonce": link.nonce}, salt=SALT)
    return reverse("follow_up_link", args=[token])


def link_resolve(token: str) -> FollowUpLink:
    """The link a token stands for, if it is genuine, unexpired and unused; LinkError otherwise."""
    try:
        data = signing.loads(token, salt=SALT, max_age=dt.timedelta(days=FollowUpLink.VALID_DAYS))
    except signing.SignatureExpired as exc:
        raise LinkError("expired") from exc
    except signing.BadSignature as exc:
        raise LinkError("invalid") from exc
    link = (
        FollowUpLink.objects.select_related("follow_up__placement__participant", "follow_up__placement__coordinator")
        .filter(pk=data.get("link"), nonce=data.get("nonce"))
        .first()
    )
    if link is None:
        raise LinkError("invalid")
    if link.used_at is not None or link.follow_up.done_on is not None:
        raise LinkError("used")
    if link.follow_up.cancelled_on is not None:
        raise LinkError("cancelled")
    return link


def link_for_view(token: str) -> FollowUpLink:
    """The link, as `link_resolve`, for the page that shows the placement to its holder: logged as a
    view of the participant's case file by the placement's supervisor, through the link."""
    link = link_resolve(token)
    placement = link.follow_up.placement
    log_access_by_link(
        holder=f"follow-up-link:supervisor-{placement.supervisor_id}",
        participant_ids=[placement.participant_id],
        action=AccessAction.VIEW,
    )
    return link
