"""A Swedish SMS provider's REST API, modelled on 46elks (and the many like it): an HTTPS POST of the
form fields `from`, `to` (E.164) and `message` to `SMS_HTTP_URL` with basic authentication
(`SMS_HTTP_USERNAME`, `SMS_HTTP_PASSWORD`), answered with JSON that carries the message's `id`.

Only the number, the sender name and the text go to the provider: nothing else about the person.
Logs name the provider's id and the HTTP status, never the number or the text. A 5xx answer, a
refused or failed connection raises SmsUnavailable (the task retries), and so does an answer that the
credentials are wrong (401, 403, 407: a configuration fault, logged as an error, not the message's);
another 4xx answer SmsRejected. A timeout or a reset after the request went out raises SmsUncertain:
the provider may have sent it, so it is not sent again.
urllib, not requests: requests is not a runtime dependency.
"""

from __future__ import annotations

import base64
import http.client
import json
import logging
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .base import BaseSmsBackend, SmsRejected, SmsResult, SmsUnavailable, SmsUncertain, message_parts

logger = logging.getLogger(__name__)

# Wrong or rotated credentials: every message would be refused, none of them for itself.
CREDENTIALS_REFUSED = frozenset({401, 403, 407})


class SmsBackend(BaseSmsBackend):
    def __init__(self) -> None:
        self.url = settings.SMS_HTTP_URL
        self.username = settings.SMS_HTTP_USERNAME
        self.password = settings.SMS_HTTP_PASSWORD
        self.timeout = settings.SMS_HTTP_TIMEOUT
        if not self.url or not self.username or not self.password:
            raise ImproperlyConfigured("SMS_HTTP_URL, SMS_HTTP_USERNAME and SMS_HTTP_PASSWORD must be set")
        if not self.url.startswith("https://") and not settings.SMS_HTTP_ALLOW_INSECURE:
            raise ImproperlyConfigured("SMS_HTTP_URL must be an https:// address")

    def send(self, *, to: str, text: str, sender: str) -> SmsResult:
        body = urllib.parse.urlencode({"from": sender, "to": to, "message": text}).encode()
        credentials = base64.b64encode(f"{self.username}:{self.password}".encode()).decode("ascii")
        request = urllib.request.Request(  # the URL is the configured https:// address
            self.url,
            data=body,
            method="POST",
            headers={
                "Authorization": f"Basic {credentials}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # as above
                status, payload = response.status, response.read()
        except urllib.error.HTTPError as exc:
            if exc.code in CREDENTIALS_REFUSED:
                logger.error("SMS provider refused the credentials (%s): check SMS_HTTP_USERNAME/PASSWORD", exc.code)
                raise SmsUnavailable(f"provider refused the credentials ({exc.code})") from None
            logger.warning("SMS provider answered %s", exc.code)
            if exc.code >= 500 or exc.code == 429:
                raise SmsUnavailable(f"provider answered {exc.code}") from None
            raise SmsRejected(f"provider answered {exc.code}") from None
        except urllib.error.URLError as exc:
            # urllib wraps what fails while connecting or sending the request: nothing was taken.
            logger.warning("SMS provider not reachable (%s)", type(exc.reason).__name__)
            raise SmsUnavailable(f"provider not reachable ({type(exc.reason).__name__})") from None
        except (TimeoutError, ConnectionError, http.client.HTTPException) as exc:
            # Raised while the answer was awaited or read: the provider has the request, and may send it.
            logger.warning("SMS provider gave no answer (%s)", type(exc).__name__)
            raise SmsUncertain(f"provider gave no answer ({type(exc).__name__})") from None
        try:
            provider_id = str(json.loads(payload)["id"])
        except (ValueError, KeyError, TypeError):
            # Accepted (2xx) without an id we can read: it was sent; retrying would send it twice.
            logger.warning("SMS provider answered %s without a message id", status)
            provider_id = ""
        logger.info("SMS sent, provider id %s", provider_id)
        return SmsResult(provider_id=provider_id, to=to, parts=message_parts(text))
