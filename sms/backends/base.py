"""What every SMS backend does: send one message and say the provider's id for it."""

from __future__ import annotations

import math
from dataclasses import dataclass


class SmsError(Exception):
    """A message was not sent. The text never carries the number or the message."""


class SmsUnavailable(SmsError):
    """The provider could not be reached or failed (a 5xx answer, a timeout): try again later."""


class SmsUncertain(SmsError):
    """The provider took the request but gave no answer (a timeout or a reset while it answered): the
    message may have been sent. Never sent again: a second SMS is worse than a missing one."""


class SmsRejected(SmsError):
    """The provider refused the message (a 4xx answer, a number it does not take): retrying will not help."""


@dataclass(frozen=True)
class SmsResult:
    """A message the backend took: the provider's id for it (what a delivery report would name)."""

    provider_id: str
    to: str
    parts: int = 1


def is_gsm(text: str) -> bool:
    """Whether `text` is written in the GSM 03.38 alphabet (with its extension table)."""
    return all(c in GSM_BASIC or c in GSM_EXTENSION for c in text)


def message_parts(text: str) -> int:
    """How many SMS segments `text` takes: the one count (the summary's limit, the provider's bill).
    160 GSM characters in one (153 each when concatenated; the extension table's take two), or 70
    UCS-2 code units (67 each) when any character is outside the GSM alphabet (Arabic, Ge'ez,
    Cyrillic, an emoji)."""
    if is_gsm(text):
        units, single, each = len(text) + sum(c in GSM_EXTENSION for c in text), 160, 153
    else:
        units, single, each = len(text.encode("utf-16-le")) // 2, 70, 67
    return 1 if units <= single else math.ceil(units / each)


# The GSM 03.38 alphabet (an SMS in it holds 160 characters) and its extension table, whose
# characters take two.
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("^{}\\[~]|€\f")


class BaseSmsBackend:
    """Subclasses implement `send`; `to` is already E.164."""

    def send(self, *, to: str, text: str, sender: str) -> SmsResult:
        raise NotImplementedError
