"""Identity numbers never reach application logs, reports, URLs or e-mail."""

from __future__ import annotations

import datetime as dt
import io
import logging

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.tests.factories import CoordinatorFactory
from participants.identity import make_test_identity_number
from participants.models import Participant
from placements.models import PlacementStatus
from placements.reminders import follow_up_reminders_send
from placements.tests.factories import FollowUpFactory, PlacementFactory
from reporting.tasks import generate_quarterly_report

pytestmark = pytest.mark.django_db


def test_registering_and_importing_log_no_identity_number(client: Client, caplog) -> None:
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


def test_reports_and_reminders_carry_no_identity_number(django_capture_on_commit_callbacks) -> None:
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
    text += "\n".join(m.subject + m.body for m in mail.outbox)  # type: ignore[operator]  # sent mail holds str
    numbers.add(active.participant.identity_number)
    assert not any(number in text for number in numbers)


# Error pages and error reports (config/error_reports.py, templates/4xx/500.html)

NUMBER = make_test_identity_number(dt.date(1981, 12, 18), 987)
FORMATTED = f"{NUMBER[:8]}-{NUMBER[8:]}"
SHORT = f"{NUMBER[2:8]}-{NUMBER[8:]}"
NAME = "Zlatana Hostilesson"


def _leaks(text: str) -> list[str]:
    return [value for value in (NUMBER, FORMATTED, SHORT, NUMBER[2:], "Zlatana", "Hostilesson") if value in text]


@pytest.fixture
def written_logs():
    """What the configured log handlers actually write (pytest's own capture would see records unfiltered)."""
    stream = io.StringIO()
    handlers = [h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler]
    assert handlers, "the root logger has no console handler"
    previous = [h.setStream(stream) for h in handlers]
    yield stream
    for handler, old in zip(handlers, previous, strict=True):
        handler.setStream(old)


@pytest.fixture
def coordinator_client(client: Client) -> Client:
    client.force_login(CoordinatorFactory())
    return client


@pytest.mark.parametrize(
    "url",
    [
        f"/participants/{NUMBER}/",
        f"/participants/{FORMATTED}/",
        f"/participants/lookup/{NUMBER}",
        f"/no-such-page/{SHORT}/?name={NAME}",
    ],
)
def test_a_404_shows_and_logs_no_identity_number(coordinator_client: Client, written_logs, url: str) -> None:
    response = coordinator_client.get(url)
    assert response.status_code == 404
    page = response.content.decode()
    assert "Sidan finns inte" in page
    assert not _leaks(page)
    assert not _leaks(written_logs.getvalue())


def test_the_404_page_is_translated_and_needs_no_logged_in_user(client: Client) -> None:
    response = client.get(f"/no-such-page/{NUMBER}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Sidan finns inte" in page and 'lang="sv"' in page
    assert not _leaks(page)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Page not found" in client.get("/no-such-page/").content.decode()


@pytest.mark.urls("tests.error_urls")
def test_a_500_shows_and_logs_no_identity_number_or_name(written_logs) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(CoordinatorFactory())
    response = client.post(
        f"/test-errors/fail/{FORMATTED}/?identity_number={NUMBER}",
        {"identity_number": NUMBER, "first_name": "Zlatana", "last_name": "Hostilesson"},
    )
    assert response.status_code == 500
    page = response.content.decode()
    assert "Något gick fel" in page
    assert not _leaks(page)
    logged = written_logs.getvalue()
    assert "Internal Server Error" in logged and "ValueError" in logged
    assert not _leaks(logged)


@pytest.mark.urls("tests.error_urls")
def test_error_mails_to_the_admins_hold_no_identity_number_or_name(settings) -> None:
    settings.ADMINS = [("Drift", "drift@example.org")]
    client = Client(raise_request_exception=False)
    client.force_login(CoordinatorFactory())
    client.post(
        f"/test-errors/fail/{NUMBER}/?q={SHORT}",
        {"identity_number": FORMATTED, "first_name": "Zlatana", "last_name": "Hostilesson"},
    )
    assert len(mail.outbox) == 1
    report = mail.outbox[0].subject + mail.outbox[0].body  # type: ignore[operator]  # sent mail holds str
    assert "ValueError" in report and "first_name" in report  # the report is there, the values are not
    assert not _leaks(report)


def test_the_exception_reporter_hides_posted_values_locals_and_identity_numbers(rf) -> None:
    import sys

    from django.views.debug import get_exception_reporter_class

    request = rf.post(
        f"/participants/new/?identity_number={FORMATTED}",
        {"identity_number": NUMBER, "first_name": "Zlatana", "last_name": "Hostilesson", "hours_per_day": "4"},
    )
    request.POST  # read, as the CSRF check and every form view do before anything can fail  # noqa: B018
    participant_name = NAME  # a local variable of the failing frame
    try:
        raise ValueError(f"duplicate key (identity_number)=({NUMBER}) for {participant_name}")
    except ValueError:
        reporter = get_exception_reporter_class(request)(request, *sys.exc_info())  # type: ignore[operator]  # the stubs type the class as an instance
        text, html = reporter.get_traceback_text(), reporter.get_traceback_html()
    assert "first_name" in text and "hours_per_day" in text and "participant_name" in text
    assert not _leaks(text)
    assert not _leaks(html)


def test_the_csrf_failure_page_shows_no_identity_number(written_logs) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(CoordinatorFactory())
    response = client.post(f"/participants/lookup/?n={NUMBER}", {"identity_number": FORMATTED, "first_name": NAME})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Formuläret har gått ut" in page
    assert not _leaks(page)
    assert not _leaks(written_logs.getvalue())


def test_a_403_page_shows_no_identity_number(written_logs) -> None:
    from django.core.exceptions import PermissionDenied
    from django.test import RequestFactory
    from django.views.defaults import permission_denied

    request = RequestFactory().get(f"/participants/?q={NUMBER}")
    response = permission_denied(request, PermissionDenied(f"not for {NUMBER} {NAME}"))
    assert response.status_code == 403
    assert "Åtkomst nekad" in response.content.decode()
    assert not _leaks(response.content.decode())


@pytest.mark.urls("tests.error_urls")
def test_a_400_shows_and_logs_no_identity_number(written_logs) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(CoordinatorFactory())
    response = client.post(f"/test-errors/suspicious/{NUMBER}/", {"identity_number": FORMATTED, "name": NAME})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Felaktig begäran" in page
    assert not _leaks(page)
    logged = written_logs.getvalue()
    assert "suspicious" in logged
    assert not _leaks(logged)


def test_a_request_with_too_many_fields_is_a_400_without_identity_numbers(
    coordinator_client: Client, written_logs
) -> None:
    data = {f"f{n}": NUMBER for n in range(1100)}
    response = coordinator_client.post(f"/participants/lookup/?n={NUMBER}", data)
    assert response.status_code == 400
    assert not _leaks(response.content.decode())
    assert not _leaks(written_logs.getvalue())
