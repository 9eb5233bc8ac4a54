"""An e-mail backend that fails like an unreachable mail server, for tests of retries."""

from __future__ import annotations

from django.core.mail.backends.base import BaseEmailBackend


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionError("the mail server does not answer")
