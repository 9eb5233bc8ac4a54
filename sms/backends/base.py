"""What every SMS backend does: send one message and say the provider's id for it."""

from __future__ import annotations

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


def message_parts(text: str) -> int:
    """How many SMS the text takes: 160 characters fit in one in the GSM alphabet, 153 a part when
    split; any other character (Arabic, Ge'ez, Cyrillic, ...) makes it UCS-2, 70 and 67."""
    gsm = all(ch in _GSM_7 for ch in text)
    single, part = (160, 153) if gsm else (70, 67)
    return 1 if len(text) <= single else -(-len(text) // part)


_GSM_7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


class BaseSmsBackend:
    """Subclasses implement `send`; `to` is already E.164."""

    def send(self, *, to: str, text: str, sender: str) -> SmsResult:
        raise NotImplementedError
