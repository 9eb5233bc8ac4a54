"""Importing referral lists: every kind of row error, CSV and XLSX, and atomic writes."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from accounts.models import AccessAction, AccessLogEntry
from accounts.tests.factories import CoordinatorFactory
from participants.duplicates import registered_by_identity_number
from participants.identity import make_test_identity_number
from participants.importing import (
    MAX_ROWS,
    ImportFileError,
    identity_numbers,
    mark_registered,
    parse_referral_file,
    template_csv,
)
from participants.models import Participant, ReferralImport, TargetGroup
from participants.services import participants_import
from participants.tests.factories import ParticipantFactory, ReferralImportFactory
from taxonomy.tests.factories import OccupationFactory

pytestmark = pytest.mark.django_db

HEADER = ";".join(
    [
        "personnummer",
        "förnamn",
        "efternamn",
        "målgrupp",
        "anvisad av",
        "anvisningsdatum",
        "uppehållstillstånd",
        "svenskanivå",
        "yrke (SSYK)",
        "år i yrket",
    ]
)


def _number(serial: int) -> str:
    return make_test_identity_number(dt.date(1985, 3, 1 + serial % 28), 980 + serial % 20)


def _csv(*lines: str) -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode("utf-8")


@pytest.fixture(autouse=True)
def occupation():
    return OccupationFactory(code="5321")


def test_a_clean_row_is_read_with_its_values() -> None:
    rows = parse_referral_file(
        _csv(f"{_number(1)};Amina;Hassan;nyanländ;Arbetsförmedlingen;2026-09-01;2026-02-01;B;5321;6"), "a.csv"
    )
    assert len(rows) == 1 and rows[0].valid, rows[0].errors
    assert rows[0].values["target_group"] == TargetGroup.NEWCOMER
    assert rows[0].values["occupation"] == "5321"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        # The identity module says what is wrong (its wording is its own): the row carries that message.
        ("19850301-9870;A;B;ung;AF;2026-09-01;;;;", "kontrollsiffran"),
        (f"{_number(2)};A;B;ung;AF;2026-09-01;;;9999;2", "Okänd yrkeskod 9999"),
        (f"{_number(3)};;B;ung;AF;2026-09-01;;;;", "förnamn saknas"),
        (f"{_number(4)};A;B;marsian;AF;2026-09-01;;;;", "Okänd målgrupp"),
        (f"{_number(5)};A;B;ung;AF;1 sept;;;;", "anvisningsdatum är inte ett datum"),
        (f"{_number(6)};A;B;nyanländ;AF;2026-09-01;;;;", "uppehållstillståndet"),
        (f"{_number(7)};A;B;ung;AF;2099-09-01;;;;", "framtiden"),
        (f"{_number(8)};A;B;ung;AF;2026-09-01;;;5321;99", "mellan 0 och 60"),
        (f"{_number(9)};A\x00;B;ung;AF;2026-09-01;;;;", "förnamn innehåller ett nolltecken"),
    ],
)
def test_each_kind_of_row_error_is_named(line: str, message: str) -> None:
    rows = parse_referral_file(_csv(line), "a.csv")
    assert not rows[0].valid
    assert any(message.lower() in error.lower() for error in rows[0].errors), rows[0].errors


def test_duplicates_in_the_file_and_in_the_register_are_found() -> None:
    coordinator = CoordinatorFactory()
    mine = ParticipantFactory(team=coordinator.team)
    theirs = ParticipantFactory()
    rows = parse_referral_file(
        _csv(
            f"{_number(9)};A;B;ung;AF;2026-09-01;;;;",
            f"{_number(9)};A;B;ung;AF;2026-09-01;;;;",
            f"{mine.identity_number};C;D;ung;AF;2026-09-01;;;;",
            f"{theirs.identity_number};E;F;ung;AF;2026-09-01;;;;",
        ),
        "a.csv",
    )
    assert rows[0].valid
    assert "rad 2" in " ".join(rows[1].errors)
    assert rows[2].valid and rows[3].valid  # parsing alone does not ask the register
    mark_registered(rows, registered_by_identity_number(user=coordinator, identity_numbers=identity_numbers(rows)))
    assert rows[2].errors == ["Redan registrerad, i en akt som du kan öppna."] and rows[2].registered_pk == mine.pk
    assert rows[3].errors == ["Redan registrerad i ett annat team."] and rows[3].registered_elsewhere
    assert rows[3].registered_pk is None


def _upload(client: Client, *lines: str) -> str:
    response = client.post(reverse("participants:import_upload"), {"file": SimpleUploadedFile("a.csv", _csv(*lines))})
    assert response.status_code == 302, response.content.decode()
    return response["Location"]


def test_the_preview_tells_only_another_team_links_the_lookup_and_logs_the_check(client: Client) -> None:
    """The preview asked the whole register for every number of the file (up to 20,000) and wrote
    no access-log entry; the exact lookup, which answers the same for one number, is logged."""
    coordinator = CoordinatorFactory()
    mine = ParticipantFactory(team=coordinator.team, coordinator=coordinator)
    theirs = ParticipantFactory(team__name="Team Norrbacka")
    client.force_login(coordinator)
    preview = _upload(
        client,
        f"{mine.identity_number};Mina;Egna;ung;AF;2026-09-01;;;;",
        f"{theirs.identity_number};Deras;Andra;ung;AF;2026-09-01;;;;",
        f"{_number(14)};Ny;Person;ung;AF;2026-09-01;;;;",
    )
    assert not AccessLogEntry.objects.exists()  # the upload alone reads the file, not the register
    page = client.get(preview).content.decode()
    assert "Redan registrerad i ett annat team." in page
    assert "Norrbacka" not in page
    assert f'href="{reverse("participants:lookup")}"' in page  # the way on, with no number in the link
    assert f'href="{reverse("participants:detail", args=[mine.pk])}"' in page
    assert reverse("participants:detail", args=[theirs.pk]) not in page
    entries = set(AccessLogEntry.objects.values_list("participant_id", "action", "username"))
    assert entries == {
        (theirs.pk, AccessAction.LOOKUP, coordinator.username),
        (mine.pk, AccessAction.LIST, coordinator.username),
    }
    # Every showing of the preview runs the check again, and logs it again.
    client.get(preview)
    assert AccessLogEntry.objects.filter(participant_id=theirs.pk, action=AccessAction.LOOKUP).count() == 2
    # Confirming imports the new person only.
    assert client.post(preview, {"confirm": "1"}).status_code == 302
    assert Participant.objects.filter(first_name="Ny").exists()
    assert not Participant.objects.filter(first_name__in=["Mina", "Deras"]).exists()


def test_an_upload_stored_before_the_bounds_is_discarded_with_the_reason(client: Client) -> None:
    coordinator = CoordinatorFactory()
    content = _csv(*[f"{_number(15)};A;B;ung;AF;2026-09-01;;;;"] * (MAX_ROWS + 1))
    pending = ReferralImportFactory(created_by=coordinator, team=coordinator.team, filename="a.csv", content=content)
    client.force_login(coordinator)
    response = client.get(reverse("participants:import_preview", args=[pending.pk]), follow=True)
    assert "högst 20\xa0000 rader" in response.content.decode()  # Swedish thousands: a (no-break) space
    assert not ReferralImport.objects.exists()


def test_a_file_without_the_required_columns_is_refused() -> None:
    with pytest.raises(ImportFileError, match="personnummer"):
        parse_referral_file(b"namn;telefon\nA;1\n", "a.csv")
    with pytest.raises(ImportFileError):
        parse_referral_file(b"\x00\x01", "a.pdf")


def test_an_xlsx_file_is_read_like_a_csv() -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(";"))
    # Spreadsheets hold naive date-times; a date cell comes back as one.
    cell_date = dt.datetime(2026, 9, 1)  # noqa: DTZ001
    sheet.append([_number(10), "Amina", "Hassan", "ung", "Soc", cell_date, None, "C", "5321", 2])
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = parse_referral_file(buffer.getvalue(), "lista.xlsx")
    assert rows[0].valid, rows[0].errors
    assert str(rows[0].values["referral_date"]) == "2026-09-01"


def test_the_template_reads_back_without_errors() -> None:
    OccupationFactory(code="5120")  # the example's second interest
    rows = parse_referral_file(template_csv().encode("utf-8"), "mall.csv")
    assert len(rows) == 1 and rows[0].valid, rows[0].errors


def _rows():
    return parse_referral_file(
        _csv(
            f"{_number(11)};A;B;ung;AF;2026-09-01;;;5321;3",
            f"{_number(12)};C;D;ung;AF;2026-09-01;;;;",
            "bad;E;F;ung;AF;2026-09-01;;;;",
        ),
        "a.csv",
    )


def test_valid_rows_are_written_in_one_go_and_bad_ones_skipped() -> None:
    coordinator = CoordinatorFactory()
    result = participants_import(rows=_rows(), by=coordinator, team=coordinator.team, all_or_nothing=False)
    assert (result.created, result.skipped) == (2, 1)
    assert Participant.objects.filter(team=coordinator.team, coordinator=coordinator).count() == 2
    assert Participant.objects.get(first_name="A").work_experiences.get().years == 3
    assert all(p.status_changes.count() == 1 for p in Participant.objects.all())


def test_all_or_nothing_writes_nothing_when_a_row_is_bad() -> None:
    coordinator = CoordinatorFactory()
    with pytest.raises(ValidationError):
        participants_import(rows=_rows(), by=coordinator, team=coordinator.team, all_or_nothing=True)
    assert not Participant.objects.exists()


def test_the_pages_upload_preview_and_confirm(client: Client) -> None:
    coordinator = CoordinatorFactory()
    client.force_login(coordinator)
    assert client.get(reverse("participants:import_template")).status_code == 200
    upload = SimpleUploadedFile(
        "lista.csv", _csv(f"{_number(13)};A;B;ung;AF;2026-09-01;;;;", "bad;C;D;ung;AF;2026-09-01;;;;")
    )
    response = client.post(reverse("participants:import_upload"), {"file": upload})
    pending = ReferralImport.objects.get()
    assert response["Location"] == reverse("participants:import_preview", args=[pending.pk])
    page = client.get(response["Location"]).content.decode()
    assert "2 rader: 1 kan importeras, 1 har fel" in page
    assert not Participant.objects.exists()  # nothing written before confirmation
    response = client.post(
        reverse("participants:import_preview", args=[pending.pk]), {"all_or_nothing": "on", "confirm": "1"}
    )
    assert response.status_code == 200 and not Participant.objects.exists()
    response = client.post(reverse("participants:import_preview", args=[pending.pk]), {"confirm": "1"})
    assert response["Location"] == reverse("participants:import_result", args=[pending.pk])
    assert Participant.objects.count() == 1
    # The file (personal data) is gone; the record of the import stays, with whom it registered.
    pending.refresh_from_db()
    assert pending.status == ReferralImport.Status.IMPORTED and bytes(pending.content) == b""
    assert list(pending.participants.all()) == list(Participant.objects.all())


def test_another_coordinators_upload_is_404(client: Client) -> None:
    owner = CoordinatorFactory()
    pending = ReferralImportFactory(created_by=owner, team=owner.team, filename="a.csv", content=_csv())
    client.force_login(CoordinatorFactory(team=owner.team))
    assert client.get(reverse("participants:import_preview", args=[pending.pk])).status_code == 404


def test_an_unreadable_upload_is_refused_next_to_the_field(client: Client) -> None:
    client.force_login(CoordinatorFactory())
    upload = SimpleUploadedFile("lista.xlsx", b"not a workbook")
    response = client.post(reverse("participants:import_upload"), {"file": upload})
    assert response.status_code == 200
    assert "XLSX" in response.content.decode()
    assert not ReferralImport.objects.exists()


def test_a_line_over_the_length_limit_is_refused_next_to_the_field(client: Client) -> None:
    client.force_login(CoordinatorFactory())
    content = _csv(f"{_number(10)};{'x' * 200_000};B;ung;AF;2026-09-01;;;;")
    response = client.post(reverse("participants:import_upload"), {"file": SimpleUploadedFile("a.csv", content)})
    assert response.status_code == 200
    assert "Rad 2 i CSV-filen är längre än 10\xa0000 tecken" in response.content.decode()
    assert not ReferralImport.objects.exists()


def test_a_stray_quote_that_runs_a_cell_past_the_csv_modules_limit_is_refused(client: Client) -> None:
    """Lines within the length limit, but one unclosed quote makes a single cell of the rest of the file."""
    client.force_login(CoordinatorFactory())
    lines = [f'{_number(10)};"A;B;ung;AF;2026-09-01;;;;'] + ["x" * 9_000] * 20
    content = _csv(*lines)
    response = client.post(reverse("participants:import_upload"), {"file": SimpleUploadedFile("a.csv", content)})
    assert response.status_code == 200
    assert "i CSV-filen går inte att läsa" in response.content.decode()
    assert not ReferralImport.objects.exists()


def test_a_carriage_return_alone_ends_a_line_instead_of_failing() -> None:
    """Files from old Mac software end lines with CR only; the csv module refused a stray one (a 500)."""
    rows = parse_referral_file(_csv(f"{_number(11)};A\rB;C;ung;AF;2026-09-01;;;;"), "a.csv")
    assert [row.line for row in rows] == [2, 3]
    assert not rows[0].valid and not rows[1].valid
