"""Keep identity numbers and names out of error reports and logs.

Django's error reporting (the `django.request` logger, AdminEmailHandler mails) would otherwise carry
what a failing request held: its URL and query string, every POSTed value (names, identity numbers,
notes) and the local variables of each frame (a participant's repr is their name). Platsa's rule is
that nothing personal reaches logs or error pages, so:

- `redact` replaces anything shaped like a Swedish identity number with a mask, and, given the
  request, every value the request carried (a name typed into a form and repeated in an exception
  message cannot be recognised by its shape, but it can by being what was sent);
- `RedactingFilter` (on every log handler) applies it to the message, its arguments and the traceback;
- `PersonalDataReporterFilter` hides every POSTed value and every frame variable's value (their
  names stay, which is what debugging needs), and masks identity numbers in the query string and META;
- `PersonalDataExceptionReporter` masks identity numbers in the finished report, whatever part of it
  (the request URL, the exception's message) they came from.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import parse_qsl

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, QueryDict
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

# 12 or 10 digits with an optional separator before the last four: 198112189876, 19811218-9876,
# 811218-9876, 8112189876, 811218+9876. Ten digits also catch phone numbers, which are personal too.
IDENTITY_NUMBER = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+ ]?\d{4}(?!\d)")
MASK = "[identity number removed]"


VALUE_MASK = "[value removed]"
# Shorter values ("4", "on", a year) say nothing about a person and would garble the whole report.
SHORTEST_MASKED_VALUE = 3


def request_values(request: object) -> list[str]:
    """The values of the request's query string and of its form data, if that was read already
    (reading it here could raise again what made the request fail: too many fields, too big)."""
    if not isinstance(request, HttpRequest):
        return []
    try:
        values = [v for _key, items in request.GET.lists() for v in items]
    except SuspiciousOperation:
        # More parameters than DATA_UPLOAD_MAX_NUMBER_FIELDS: the very error being logged. The query
        # string is as long as the server lets a request line be, so it is read here without the limit.
        values = [v for _key, v in parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True)]
    posted = request.__dict__.get("_post")
    if posted is not None:
        values += [v for _key, items in posted.lists() for v in items]
    unique = {v.strip() for v in values if len(v.strip()) >= SHORTEST_MASKED_VALUE}
    return sorted(unique, key=len, reverse=True)


def redact(text: str, request: object = None) -> str:
    for value in request_values(request):
        text = text.replace(value, VALUE_MASK)
    return IDENTITY_NUMBER.sub(MASK, text)


class RedactingFilter(logging.Filter):
    """Masks identity numbers in a record before any handler writes or sends it."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        record.msg, record.args = redact(record.getMessage(), request), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, request)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, request)
        return True


class PersonalDataReporterFilter(SafeExceptionReporterFilter):
    """Every form in Platsa may hold personal data, so no POSTed value and no local variable is shown."""

    def get_post_parameters(self, request: HttpRequest | None) -> dict[str, Any]:
        posted = request.__dict__.get("_post") if request is not None else None
        return {key: self.cleansed_substitute for key in posted or {}}

    def get_traceback_frame_variables(self, request: HttpRequest | None, tb_frame: Any) -> list[tuple[str, Any]]:  # type: ignore[override]  # Django takes any list of pairs
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]

    def get_safe_request_meta(self, request: HttpRequest) -> dict[str, Any]:
        meta = super().get_safe_request_meta(request)
        return {key: redact(value) if isinstance(value, str) else value for key, value in meta.items()}


class PersonalDataExceptionReporter(ExceptionReporter):
    """The report with identity numbers and the request's values masked wherever they appear
    (URL, query string, exception message)."""

    def get_traceback_data(self) -> dict[str, Any]:
        data = super().get_traceback_data()
        if self.request is not None:
            get = QueryDict(mutable=True)
            for key, values in self.request.GET.lists():
                get.setlist(redact(key), [redact(v) for v in values])
            data["request_GET_items"] = get.items()
        return data

    def get_traceback_text(self) -> str:  # type: ignore[override]  # redacted, so no longer Django's SafeString
        return redact(super().get_traceback_text(), self.request)

    def get_traceback_html(self) -> str:  # type: ignore[override]  # redacted, so no longer Django's SafeString
        return redact(super().get_traceback_html(), self.request)
