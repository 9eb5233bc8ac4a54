"""Tests: messages are kept in `outbox` (a list of SentSms), as Django's locmem e-mail backend keeps
`django.core.mail.outbox`. The project's conftest empties it before each test."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from .base import BaseSmsBackend, SmsResult, message_parts


@dataclass(frozen=True)
class SentSms:
    to: str
    text: str
    sender: str
    provider_id: str


outbox: list[SentSms] = []
_ids = itertools.count(1)


class SmsBackend(BaseSmsBackend):
    def send(self, *, to: str, text: str, sender: str) -> SmsResult:
        provider_id = f"locmem-{next(_ids)}"
        outbox.append(SentSms(to=to, text=text, sender=sender, provider_id=provider_id))
        return SmsResult(provider_id=provider_id, to=to, parts=message_parts(text))
