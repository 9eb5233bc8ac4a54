"""Development: every message is written to standard output, nothing leaves the machine."""

from __future__ import annotations

import sys
import threading
import uuid
from typing import TextIO

from .base import BaseSmsBackend, SmsResult, message_parts


class SmsBackend(BaseSmsBackend):
    _lock = threading.Lock()

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout

    def send(self, *, to: str, text: str, sender: str) -> SmsResult:
        result = SmsResult(provider_id=f"console-{uuid.uuid4().hex}", to=to, parts=message_parts(text))
        with self._lock:
            self.stream.write(f"SMS {result.provider_id}\nFrom: {sender}\nTo: {to}\n\n{text}\n{'-' * 79}\n")
            self.stream.flush()
        return result
