"""The SMS backends and `send_sms`. `SMS_BACKEND` names one by its dotted path, as `EMAIL_BACKEND` does:

- `sms.backends.console.SmsBackend`: writes each message to standard output (development).
- `sms.backends.filebased.SmsBackend`: one file per message in `SMS_FILE_PATH`.
- `sms.backends.locmem.SmsBackend`: appends to `sms.backends.locmem.outbox` (tests).
- `sms.backends.http.SmsBackend`: a Swedish SMS provider's REST API (`SMS_HTTP_*`).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from ..phone_numbers import phone_e164
from .base import BaseSmsBackend, SmsError, SmsRejected, SmsResult, SmsUnavailable, SmsUncertain


def get_backend(path: str | None = None) -> BaseSmsBackend:
    """The configured backend (or the one at `path`). Loaded by its dotted path, as Django loads
    e-mail backends: the choice is a deployment setting, not code."""
    backend_class = import_string(path or settings.SMS_BACKEND)
    backend: BaseSmsBackend = backend_class()
    return backend


def send_sms(*, to: str, text: str, sender: str | None = None) -> SmsResult:
    """Send one text message to `to` (any way of writing a valid number; sent as E.164) from `sender`
    (by default `SMS_SENDER`). Raises SmsRejected for a number or message the provider will never take,
    SmsUnavailable when it may work later (the caller retries), SmsUncertain when the provider may have
    taken it without answering (the caller does not send it again)."""
    number = phone_e164(to)
    if number is None:
        raise SmsRejected("not a valid phone number")
    if not text.strip():
        raise SmsRejected("empty message")
    return get_backend().send(to=number, text=text, sender=sender or settings.SMS_SENDER)


__all__ = [
    "BaseSmsBackend",
    "SmsError",
    "SmsRejected",
    "SmsResult",
    "SmsUnavailable",
    "SmsUncertain",
    "get_backend",
    "send_sms",
]
