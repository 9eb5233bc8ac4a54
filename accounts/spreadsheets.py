"""CSV files that Excel opens safely, in Swedish and in any other locale. Every CSV Platsa writes goes
through here.

- `;` between cells and a UTF-8 byte-order mark: Swedish Excel splits on `;` (its list separator)
  and reads the file as UTF-8 only with the mark, so å ä ö come out right.
- No cell can start a formula (CSV injection). A cell is quoted when it holds a `;`, so Excel keeps
  it whole, but Excel with another list separator (`,` in English, or a tab) splits it again, and
  then each fragment is a cell of its own. So every fragment between `;`, `,`, tab or line breaks
  that would start with `= + - @`, a tab or a carriage return (after the spaces and quotes a
  spreadsheet skips) gets a leading `'`, which makes it text: `Akut ärende;+cmd|' /C calc'!A0` is
  written `Akut ärende;'+cmd|' /C calc'!A0`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse

BOM = "\ufeff"
DELIMITER = ";"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A fragment starts at the start of the cell or after a separator Excel may split on; a formula
# character there, after spaces or quotes, would be read as the start of a formula.
_DANGEROUS_FRAGMENT = re.compile(r"(^|[;,\t\r\n])([ \"]*)(?=[=+\-@\t\r])")


def spreadsheet_text(value: object) -> str:
    """A cell's text with every fragment that could start a formula made text. Numbers, dates and
    other non-text values are written as they are: a negative number is a number, not a formula."""
    if not isinstance(value, str):
        return "" if value is None else str(value)
    return _DANGEROUS_FRAGMENT.sub(lambda m: f"{m.group(1)}{m.group(2)}'", value)


def csv_text(*, header: Iterable[object], rows: Iterable[Iterable[Any]]) -> str:
    """The whole file as text, starting with the byte-order mark."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow([spreadsheet_text(cell) for cell in header])
    for row in rows:
        writer.writerow([spreadsheet_text(cell) for cell in row])
    return buffer.getvalue()


def csv_response(*, filename: str, header: Iterable[object], rows: Iterable[Iterable[Any]]) -> HttpResponse:
    """A CSV download; `filename` must be plain ASCII and carry nothing personal."""
    response = HttpResponse(csv_text(header=header, rows=rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
