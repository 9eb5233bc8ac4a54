"""For tables whose rows a template writes out from the record (for speed): check that every cell says
what the django-tables2 columns would have rendered, in their order."""

from __future__ import annotations

from html import unescape
from html.parser import HTMLParser

import django_tables2 as tables
from django.utils.html import strip_tags


class _Cells(HTMLParser):
    """The text of each <td> of each row of the table's body, and the links in them."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.links: list[str] = []
        self._in_body = self._in_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tbody":
            self._in_body = True
        elif self._in_body and tag == "tr":
            self.rows.append([])
        elif self._in_body and tag == "td":
            self._in_cell = True
            self.rows[-1].append("")
        elif self._in_cell and tag == "a":
            self.links.append(dict(attrs)["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self._in_body = False
        elif tag == "td":
            self._in_cell = False

    def handle_data(self, data: str) -> None:
        if self._in_cell:
            self.rows[-1][-1] += data


def assert_rows_as_the_columns_render_them(html: str, table: tables.Table) -> list[str]:
    """Compare each body row's cell texts with the columns' rendering; returns the links in the cells."""
    cells = _Cells()
    cells.feed(html)
    expected = [
        [unescape(strip_tags(str(row.get_cell(column.name)))).strip() for column in table.columns]
        for row in table.paginated_rows
    ]
    assert [[text.strip() for text in row] for row in cells.rows] == expected
    return cells.links
