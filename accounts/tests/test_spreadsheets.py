"""CSV for Swedish Excel: `;`, a byte-order mark, and no cell or fragment of a cell that starts a
formula, whichever separator Excel splits on (finding 7 of issue 13)."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AccessAction
from accounts.spreadsheets import FORMULA_STARTS, csv_text, spreadsheet_text
from accounts.tests.factories import AccessLogEntryFactory, AdminAuditEntryFactory, AdministratorFactory

pytestmark = pytest.mark.django_db

ATTACK = "Akut ärende;+cmd|' /C calc'!A0"
NASTY = [ATTACK, "=1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", 'ok, =HYPERLINK("x")', 'a,"=x', "a\t@b", "a\n+b", " =x"]


def _fragments(raw: str) -> list[str]:
    """What any Excel could make a cell of: the raw text split on every separator it may use."""
    pieces = [raw]
    for separator in (";", ",", "\t", "\r", "\n"):
        pieces = [part for piece in pieces for part in piece.split(separator)]
    return pieces


def _starts_a_formula(fragment: str) -> bool:
    return fragment.lstrip(' "').startswith(FORMULA_STARTS)


@pytest.mark.parametrize("value", NASTY)
def test_no_fragment_of_a_cell_starts_a_formula(value: str) -> None:
    text = spreadsheet_text(value)
    assert not any(_starts_a_formula(fragment) for fragment in _fragments(text)), text


def test_the_break_glass_reason_of_the_finding_stays_text_under_every_separator() -> None:
    raw = csv_text(header=["reason"], rows=[[ATTACK]])
    assert raw.startswith("\ufeff")
    body = raw.removeprefix("\ufeff")
    assert not any(_starts_a_formula(fragment) for fragment in _fragments(body))
    # Swedish Excel (`;`, quotes honoured) sees one cell, with the text readable.
    assert list(csv.reader(io.StringIO(body), delimiter=";")) == [["reason"], ["Akut ärende;'+cmd|' /C calc'!A0"]]


def test_numbers_and_plain_text_are_left_alone() -> None:
    assert spreadsheet_text(-5) == "-5"
    assert spreadsheet_text("2026-11-22T09:00:00+01:00") == "2026-11-22T09:00:00+01:00"
    assert spreadsheet_text("Anna-Karin Öberg") == "Anna-Karin Öberg"
    assert spreadsheet_text(None) == ""


def _export(url: str, pk: int) -> bytes:
    client = Client()
    client.force_login(AdministratorFactory())
    response = client.post(url, {"action": "export_csv", "_selected_action": [pk]})
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    return response.content


def test_the_access_log_export_opens_in_swedish_excel() -> None:
    entry = AccessLogEntryFactory(action=AccessAction.BREAK_GLASS, reason=ATTACK, fields=["phone", "email"])
    content = _export(reverse("admin:accounts_accesslogentry_changelist"), entry.pk)
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM: å ä ö come out right
    text = content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["at", "user", "participant_id", "action", "fields", "reason"]
    assert rows[1][1:] == [
        entry.username,
        str(entry.participant_id),
        "break_glass",
        "phone,email",
        "Akut ärende;'+cmd|' /C calc'!A0",
    ]
    assert not any(_starts_a_formula(fragment) for fragment in _fragments(text))


def test_the_administration_log_export_is_written_the_same_way() -> None:
    entry = AdminAuditEntryFactory(detail="=cmd")
    text = _export(reverse("admin:accounts_adminauditentry_changelist"), entry.pk).decode("utf-8-sig")
    assert "'=cmd" in text and not any(_starts_a_formula(f) for f in _fragments(text))
