"""The SMS backends: console, file, locmem, and the HTTP API against a fake provider on 127.0.0.1."""

from __future__ import annotations

import base64
import io

import pytest
from django.core.exceptions import ImproperlyConfigured

from sms import SmsRejected, SmsUnavailable, SmsUncertain, send_sms
from sms.backends import console, locmem
from sms.backends.base import message_parts
from sms.backends.http import SmsBackend as HttpBackend

TEXT = "Påminnelse: i morgon är din första dag på praktiken."


def test_locmem_keeps_the_message_in_the_outbox_with_the_number_in_e164(settings) -> None:
    result = send_sms(to="070-123 45 67", text=TEXT)
    (sent,) = locmem.outbox
    assert (sent.to, sent.text, sent.sender) == ("+46701234567", TEXT, settings.SMS_SENDER)
    assert result.provider_id == sent.provider_id
    assert result.to == "+46701234567"


def test_an_invalid_number_or_an_empty_text_is_refused_before_the_backend() -> None:
    with pytest.raises(SmsRejected):
        send_sms(to="070-12", text=TEXT)
    with pytest.raises(SmsRejected):
        send_sms(to="070-123 45 67", text="  ")
    assert locmem.outbox == []


def test_the_console_backend_writes_the_message() -> None:
    stream = io.StringIO()
    console.SmsBackend(stream=stream).send(to="+46701234567", text=TEXT, sender="Platsa")
    assert "To: +46701234567" in stream.getvalue()
    assert TEXT in stream.getvalue()


def test_the_file_backend_writes_one_file_per_message(settings, tmp_path) -> None:
    settings.SMS_BACKEND = "sms.backends.filebased.SmsBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "sms")
    send_sms(to="070-123 45 67", text=TEXT)
    send_sms(to="070-765 43 21", text="Två")
    files = sorted((tmp_path / "sms").iterdir())
    assert len(files) == 2
    assert {"To: +46701234567", "To: +46707654321"} == {f.read_text().splitlines()[1] for f in files}


def test_the_file_backend_refuses_a_path_that_is_a_file(settings, tmp_path) -> None:
    settings.SMS_BACKEND = "sms.backends.filebased.SmsBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "a-file")
    (tmp_path / "a-file").write_text("")
    with pytest.raises(ImproperlyConfigured):
        send_sms(to="070-123 45 67", text=TEXT)


def test_the_http_backend_posts_from_to_and_message_with_basic_auth(sms_provider, settings) -> None:
    settings.SMS_SENDER = "Ostersund"
    result = send_sms(to="070-123 45 67", text=TEXT)
    (request,) = sms_provider.requests
    assert request.path == "/a1/sms"
    assert request.fields == {"from": ["Ostersund"], "to": ["+46701234567"], "message": [TEXT]}
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    expected = base64.b64encode(b"u0123456789abcdef:not-a-real-secret").decode()
    assert request.headers["authorization"] == f"Basic {expected}"
    assert result.provider_id.startswith("s0")
    assert result.to == "+46701234567"


def test_the_http_backend_says_unavailable_on_a_5xx_and_rejected_on_a_4xx(sms_provider) -> None:
    sms_provider.answers = [(503, "busy"), (400, "bad to"), (200, "")]
    with pytest.raises(SmsUnavailable):
        send_sms(to="070-123 45 67", text=TEXT)
    with pytest.raises(SmsRejected):
        send_sms(to="070-123 45 67", text=TEXT)
    assert send_sms(to="070-123 45 67", text=TEXT).provider_id


def test_wrong_credentials_are_a_fault_to_retry_not_a_refusal_of_the_message(sms_provider, caplog) -> None:
    """A 401 marked every queued message "refused" for good, and cleared its text."""
    sms_provider.answers = [(401, "unauthorized"), (403, "forbidden"), (200, "")]
    for _ in range(2):
        with pytest.raises(SmsUnavailable):
            send_sms(to="070-123 45 67", text=TEXT)
    assert "check SMS_HTTP_USERNAME" in caplog.text
    assert send_sms(to="070-123 45 67", text=TEXT).provider_id


def test_no_answer_after_the_request_went_out_is_uncertain_not_unavailable(sms_provider) -> None:
    """The provider read the request and closed without answering: it may have sent the message, so
    the caller must not retry (it answered SmsUnavailable, and the task sent the SMS again)."""
    sms_provider.answers = [(0, ""), (200, "")]
    with pytest.raises(SmsUncertain):
        send_sms(to="070-123 45 67", text=TEXT)
    assert len(sms_provider.requests) == 1


def test_the_http_backend_says_unavailable_when_nothing_answers(sms_provider, settings) -> None:
    settings.SMS_HTTP_URL = "http://127.0.0.1:1/a1/sms"  # nothing listens on port 1
    with pytest.raises(SmsUnavailable):
        send_sms(to="070-123 45 67", text=TEXT)


def test_the_http_backend_logs_neither_the_number_nor_the_text(sms_provider, caplog) -> None:
    sms_provider.answers = [(503, ""), (200, "")]
    with caplog.at_level("DEBUG"), pytest.raises(SmsUnavailable):
        send_sms(to="070-123 45 67", text=TEXT)
    send_sms(to="070-123 45 67", text=TEXT)
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert logged
    assert "701234567" not in logged
    assert "Påminnelse" not in logged


def test_the_http_backend_needs_credentials_and_https(settings) -> None:
    settings.SMS_HTTP_URL, settings.SMS_HTTP_USERNAME, settings.SMS_HTTP_PASSWORD = "https://sms.example", "", ""
    with pytest.raises(ImproperlyConfigured):
        HttpBackend()
    settings.SMS_HTTP_URL, settings.SMS_HTTP_USERNAME, settings.SMS_HTTP_PASSWORD = "http://sms.example", "u", "p"
    settings.SMS_HTTP_ALLOW_INSECURE = False
    with pytest.raises(ImproperlyConfigured):
        HttpBackend()


def test_message_parts_count_gsm_and_ucs2() -> None:
    assert message_parts("a" * 160) == 1
    assert message_parts("a" * 161) == 2
    assert message_parts("ሕ" * 70) == 1
    assert message_parts("ሕ" * 71) == 2
