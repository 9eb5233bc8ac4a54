"""A fake SMS provider on 127.0.0.1 for the tests: a 46elks-like endpoint in a thread, on a free port.

It records every request (path, headers, form fields) and answers from a script of (status, body)
pairs, the last one repeated: [(503, ...), (200, ...)] fails once and then accepts. Status 0 reads
the request and closes the connection without an answer.
"""

from __future__ import annotations

import itertools
import json
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class ReceivedRequest:
    path: str
    headers: dict[str, str]
    fields: dict[str, list[str]]


@dataclass
class FakeProvider:
    url: str = ""
    requests: list[ReceivedRequest] = field(default_factory=list)
    answers: list[tuple[int, str]] = field(default_factory=lambda: [(200, "")])
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self) -> tuple[int, str]:
        with self.lock:
            status, body = self.answers[0] if len(self.answers) == 1 else self.answers.pop(0)
            if status == 200 and not body:
                body = json.dumps({"id": f"s{next(self._ids):08x}", "status": "created", "parts": 1})
            return status, body


@contextmanager
def fake_provider() -> Iterator[FakeProvider]:
    provider = FakeProvider()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # http.server's name
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length).decode()
            provider.requests.append(
                ReceivedRequest(
                    path=self.path,
                    headers={k.lower(): v for k, v in self.headers.items()},
                    fields=urllib.parse.parse_qs(body, keep_blank_values=True),
                )
            )
            status, answer = provider.answer()
            if status == 0:
                # Took the request and closed without answering: the client cannot know what happened.
                self.close_connection = True
                return
            payload = answer.encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:  # http.server's name
            pass  # quiet test output

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    provider.url = f"http://127.0.0.1:{server.server_address[1]}/a1/sms"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
