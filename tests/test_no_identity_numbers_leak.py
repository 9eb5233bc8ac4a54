"""Identity numbers never reach application logs, reports, URLs or e-mail."""

from __future__ import annotations

import datetime as dt
import io
import logging

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.tests.factories import CoordinatorFactory
from participants.models import Participant
from placements.models import PlacementStatus
from placements.reminders import follow_up_reminders_send
from placements.tests.factories import FollowUpFactory, PlacementFactory
from reporting.tasks import generate_quarterly_report

pytestmark = pytest.mark.django_db


def test_registering_and_importing_log_no_identity_number(client: Client, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.DEBUG)
    coordinator = CoordinatorFactory()
    client.force_login(coordinator)
    csv = "personnummer;förnamn;efternamn;målgrupp;anvisad av;anvisningsdatum\n19811218-9876;A;B;ung;AF;2026-09-01\n"
    response = client.post(reverse("participants:import_upload"), {"file": SimpleUploadedFile("a.csv", csv.encode())})
    client.post(response["Location"], {"confirm": "1"})
    client.post(reverse("participants:list"), {"q": "19811218-9876"})
    page = client.get(reverse("participants:list"))
    person = Participant.objects.get()
    assert person.identity_number == "198112189876"
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "9876" not in logged
    assert "9876" not in page.request["PATH_INFO"] and "9876" not in response["Location"]


def test_reports_and_reminders_carry_no_identity_number(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    placements = [
        PlacementFactory(
            status=PlacementStatus.COMPLETED,
            planned_start=dt.date(2026, 7, 1 + n),
            planned_end=dt.date(2026, 8, 1 + n),
            actual_start=dt.date(2026, 7, 1 + n),
            actual_end=dt.date(2026, 8, 1 + n),
            outcome="employment",
        )
        for n in range(6)
    ]
    numbers = {p.participant.identity_number for p in placements}
    numbers |= {p.participant.formatted_identity_number for p in placements}
    from reporting.models import QuarterlyReport

    report = QuarterlyReport.objects.get(pk=generate_quarterly_report.delay(2026, 3).get())
    text = str(report.figures)
    text += "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(report.pdf.read())).pages)
    workbook = load_workbook(io.BytesIO(report.xlsx.read()))
    text += "\n".join(str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row)
    active = PlacementFactory(active=True)
    FollowUpFactory(placement=active, due_date=dt.date.today() - dt.timedelta(days=2))
    follow_up_reminders_send(today=dt.date.today())
    text += "\n".join(m.subject + m.body for m in mail.outbox)
    numbers.add(active.participant.identity_number)
    assert not any(number in text for number in numbers)
