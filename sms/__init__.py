"""Text messages (SMS) through a backend chosen in settings, the way Django sends e-mail.

`send_sms(to=..., text=...)` hands one message to the backend named by `SMS_BACKEND`: the console
(development), a directory of files, an in-memory outbox (tests) or a Swedish SMS provider's REST API
(production). Phone numbers are validated and normalised to E.164 in `sms.phone_numbers`.

Not a Django app, and not in INSTALLED_APPS: it has no models, templates, tasks or migrations. What
was sent, to whom and when is recorded by the apps that send (participants.TextMessage for
participants, placements.Reminder for supervisors), which also hold the consent and the retries.
It imports no project app, so any app may use it.
"""

from __future__ import annotations

from .backends import SmsError, SmsRejected, SmsResult, SmsUnavailable, SmsUncertain, get_backend, send_sms

__all__ = ["SmsError", "SmsRejected", "SmsResult", "SmsUnavailable", "SmsUncertain", "get_backend", "send_sms"]
