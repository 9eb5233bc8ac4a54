"""API tokens, and who may hold one.

An *integration user* is an account for a machine client (`User.is_integration`, chosen when the
account is added and not changed afterwards by administrators): it has no usable password, gets no
password reset link, and so never signs in on the pages. Only integration users hold API tokens; a
person uses the API through their session.

Whoever creates a token sees its key once, so a token is as strong as the account it acts for. Hence:

- Administrators create tokens for integration users; the key is shown once, only a SHA-256 of it is
  stored (with an eight-character prefix to tell tokens apart), and it is revoked, not deleted.
- A token acts only while its user is active and an integration user, and, when that user holds a role
  that needs approval (Coordinator, Supervisor, Administrator: ROLES_NEEDING_APPROVAL), only if a
  superuser issued it. So an administrator never holds a key that opens a case file: a referral
  import with the Coordinator role gets its token from system administration (a superuser), a BI tool
  with the Manager role can get one from an administrator, and a token an administrator issued stops
  acting the moment its user is given a case-file role.
- "Log out everywhere" revokes the user's tokens as well as their sessions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.utils import timezone

from .models import ROLES_NEEDING_APPROVAL, ApiToken, User

PREFIX_LENGTH = 8
# last_used_at is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def new_key() -> str:
    """A random key: 256 bits, URL-safe."""
    return secrets.token_urlsafe(32)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def may_hold_a_token(user: User) -> bool:
    """Whether a token can be created for `user` at all."""
    return user.is_active and user.is_integration


def token_acts(token: ApiToken) -> bool:
    """The rule above, checked on every request (the user's roles may have changed since)."""
    user = token.user
    if token.revoked_at is not None or not may_hold_a_token(user):
        return False
    return token.issued_by_superuser or not (user.roles & ROLES_NEEDING_APPROVAL)


def api_token_authenticate(*, key: str) -> ApiToken | None:
    """The token with this key if it may act now, recording when it was last used."""
    token = ApiToken.objects.select_related("user").filter(key_hash=key_hash(key)).first()
    if token is None or not token_acts(token):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
