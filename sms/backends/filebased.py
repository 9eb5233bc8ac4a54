"""Development and fault tests: one file per message in `SMS_FILE_PATH`, as Django's filebased
e-mail backend writes one per message."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .base import BaseSmsBackend, SmsResult, message_parts


class SmsBackend(BaseSmsBackend):
    def __init__(self, file_path: str | None = None) -> None:
        self.file_path = Path(file_path or settings.SMS_FILE_PATH)
        if self.file_path.exists() and not self.file_path.is_dir():
            raise ImproperlyConfigured(f"SMS_FILE_PATH {self.file_path} is not a directory")
        self.file_path.mkdir(parents=True, exist_ok=True)

    def send(self, *, to: str, text: str, sender: str) -> SmsResult:
        provider_id = f"file-{uuid.uuid4().hex}"
        stamp = dt.datetime.now(tz=dt.UTC).strftime("%Y%m%d-%H%M%S")
        path = self.file_path / f"{stamp}-{provider_id}.sms"
        path.write_text(f"From: {sender}\nTo: {to}\n\n{text}\n", encoding="utf-8")
        return SmsResult(provider_id=provider_id, to=to, parts=message_parts(text))
