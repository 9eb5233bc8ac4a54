"""The import benchmark runs at a small size and reports the preview time of valid rows."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("file_format", "encoding"), [("csv", "utf-8-sig"), ("csv", "cp1252"), ("xlsx", "utf-8-sig")])
def test_bench_import_previews_a_synthetic_list(file_format: str, encoding: str) -> None:
    out = StringIO()
    call_command("bench_import", rows=200, format=file_format, encoding=encoding, stdout=out)
    figures = json.loads(out.getvalue())
    assert figures == {
        "rows": 200,
        "invalid": 0,
        "format": file_format,
        "encoding": encoding if file_format == "csv" else "",
        "preview_s": figures["preview_s"],
    }
    assert figures["preview_s"] > 0
