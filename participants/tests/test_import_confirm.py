"""Confirming a referral list happens once: a double click, a second tab or a second coordinator
confirming at the same moment gets a message, never a 500 or a second set of case files. Then the
result page lists whom the list registered, and hands them to a coordinator of the team."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from accounts.models import AccessAction, AccessLogEntry
from accounts.tests.factories import CoordinatorFactory, MunicipalityFactory
from participants.identity import make_test_identity_number
from participants.importing import parse_referral_file
from participants.models import Participant, ReferralImport
from participants.services import AlreadyImported, participants_assign_coordinator, referral_import_confirm
from participants.tests.factories import ParticipantFactory, ReferralImportFactory
from privacy.extract import register_extract
from privacy.tests.factories import AdministratorFactory

HEADER = "personnummer;förnamn;efternamn;målgrupp;anvisad av;anvisningsdatum"


def _number(serial: int) -> str:
    return make_test_identity_number(dt.date(1988, 5, 1 + serial % 28), 980 + serial % 20)


def _content(*serials: int) -> bytes:
    lines = [HEADER, *(f"{_number(s)};Namn{s};Efter{s};ung;AF;2026-09-01" for s in serials)]
    return ("\n".join(lines) + "\n").encode()


def _pending(coordinator, *serials: int) -> ReferralImport:
    return ReferralImportFactory(
        created_by=coordinator, team=coordinator.team, filename="lista.csv", content=_content(*serials)
    )


def _rows(pending: ReferralImport) -> list:
    return parse_referral_file(bytes(pending.content), pending.filename)


@pytest.mark.django_db
def test_a_second_confirm_is_told_the_list_was_already_imported(client: Client) -> None:
    """Before, the second click re-parsed the deleted upload (a 404) or, at the same moment, a 500."""
    coordinator = CoordinatorFactory()
    client.force_login(coordinator)
    upload = SimpleUploadedFile("lista.csv", _content(1, 2))
    preview = client.post(reverse("participants:import_upload"), {"file": upload})["Location"]
    first = client.post(preview, {"confirm": "1"}, follow=True)
    assert "2 deltagare är registrerade. 0 rader hoppades över." in first.content.decode()
    second = client.post(preview, {"confirm": "1"}, follow=True)
    pending = ReferralImport.objects.get()
    assert second.redirect_chain == [(reverse("participants:import_result", args=[pending.pk]), 302)]
    assert "Den här listan är redan importerad." in second.content.decode()
    assert Participant.objects.count() == 2
    # The upload page leads back to whom the list registered.
    upload_page = client.get(reverse("participants:import_upload")).content.decode()
    assert reverse("participants:import_result", args=[pending.pk]) in upload_page
    # An imported list's preview leads to its result.
    assert client.get(preview, follow=True).redirect_chain[-1][0] == reverse(
        "participants:import_result", args=[pending.pk]
    )


@pytest.mark.django_db
def test_a_confirm_after_a_discard_in_another_tab_is_told_the_upload_is_discarded(client: Client) -> None:
    coordinator = CoordinatorFactory()
    client.force_login(coordinator)
    upload = SimpleUploadedFile("lista.csv", _content(5))
    preview = client.post(reverse("participants:import_upload"), {"file": upload})["Location"]
    pending = ReferralImport.objects.get()
    # The other tab's discard lands between this tab's reading of the list and its confirm.
    original = referral_import_confirm

    def discarded_first(**kwargs):
        ReferralImport.objects.filter(pk=pending.pk).delete()
        return original(**kwargs)

    with mock.patch("participants.import_views.referral_import_confirm", discarded_first):
        response = client.post(preview, {"confirm": "1"}, follow=True)
    assert response.redirect_chain == [(reverse("participants:import_upload"), 302)]
    assert "Uppladdningen är borttagen." in response.content.decode()
    assert Participant.objects.count() == 0


@pytest.mark.django_db
def test_the_service_refuses_a_list_already_imported() -> None:
    coordinator = CoordinatorFactory()
    pending = _pending(coordinator, 3)
    rows = _rows(pending)
    referral_import_confirm(referral_import=pending, rows=rows, by=coordinator, all_or_nothing=False)
    with pytest.raises(AlreadyImported):
        referral_import_confirm(referral_import=pending, rows=rows, by=coordinator, all_or_nothing=False)
    assert Participant.objects.count() == 1


@pytest.mark.django_db
def test_a_list_with_no_row_to_import_is_refused_and_stays_pending(client: Client) -> None:
    coordinator = CoordinatorFactory()
    client.force_login(coordinator)
    content = (HEADER + "\n" + "19850301-9870;Fel;Kontroll;ung;AF;2026-09-01\n").encode()
    preview = client.post(reverse("participants:import_upload"), {"file": SimpleUploadedFile("l.csv", content)})
    response = client.post(preview["Location"], {"confirm": "1"})
    assert response.status_code == 200
    assert "Ingen rad i listan kan importeras" in response.content.decode()
    assert ReferralImport.objects.get().status == ReferralImport.Status.PENDING
    assert Participant.objects.count() == 0


@pytest.mark.django_db
def test_a_list_is_not_imported_by_a_coordinator_who_has_moved_to_another_team() -> None:
    coordinator = CoordinatorFactory()
    pending = _pending(coordinator, 4)
    rows = _rows(pending)
    coordinator.team = CoordinatorFactory().team
    coordinator.save()
    with pytest.raises(ValidationError) as refused:
        referral_import_confirm(referral_import=pending, rows=rows, by=coordinator, all_or_nothing=False)
    assert refused.value.code == "other_team"
    assert Participant.objects.count() == 0
    pending.refresh_from_db()
    assert pending.status == ReferralImport.Status.PENDING


def _on_a_database_whose_writers_wait() -> None:
    """PostgreSQL (CI's second pass). SQLite's in-memory test database shares one cache between the
    threads' connections, where a second writer fails at once ("database table is locked") instead
    of waiting for the first as a file database does (the settings' IMMEDIATE transactions with a
    20 s timeout): there the test would measure the test database, not the import."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers are exercised on PostgreSQL")


def _hold_then_race(first, second) -> dict[str, str]:
    """`first` runs in a transaction kept open until `second` has started and waits; what each ended in."""
    first_done = threading.Event()
    release = threading.Event()
    outcomes: dict[str, str] = {}

    def run_first() -> None:
        try:
            with transaction.atomic():
                first()
                first_done.set()
                release.wait(timeout=10)
            outcomes["first"] = "imported"
        finally:
            connection.close()

    def run_second() -> None:
        try:
            first_done.wait(timeout=10)
            second()
            outcomes["second"] = "imported"
        except AlreadyImported:
            outcomes["second"] = "already imported"
        except ValidationError as exc:
            outcomes["second"] = " ".join(exc.messages)
        except Exception as exc:  # the test reports any other failure as the outcome
            outcomes["second"] = f"{type(exc).__name__}: {exc}"
        finally:
            connection.close()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    first_done.wait(timeout=10)
    # The second now waits for the first's lock (a row lock on PostgreSQL, the write lock on SQLite).
    threads[1].join(timeout=0.5)
    release.set()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_confirms_of_one_list_at_the_same_moment_import_it_once() -> None:
    _on_a_database_whose_writers_wait()
    coordinator = CoordinatorFactory()
    pending = _pending(coordinator, 4, 5)
    rows = _rows(pending)
    copy = ReferralImport.objects.get(pk=pending.pk)  # the second request's own copy, read as pending

    def confirm(referral_import: ReferralImport) -> None:
        referral_import_confirm(referral_import=referral_import, rows=rows, by=coordinator, all_or_nothing=False)

    outcomes = _hold_then_race(lambda: confirm(pending), lambda: confirm(copy))
    assert outcomes == {"first": "imported", "second": "already imported"}
    assert Participant.objects.count() == 2
    assert ReferralImport.objects.get().participants.count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_coordinators_whose_lists_share_a_person_get_a_message_naming_the_line() -> None:
    """Both lists were checked before either was imported, so neither saw the other's person; the
    unique identity number stops the second (an IntegrityError and a 500 before)."""
    _on_a_database_whose_writers_wait()
    one, two = CoordinatorFactory(), CoordinatorFactory()
    first, second = _pending(one, 6, 7), _pending(two, 8, 6)
    first_rows, second_rows = _rows(first), _rows(second)
    outcomes = _hold_then_race(
        lambda: referral_import_confirm(referral_import=first, rows=first_rows, by=one, all_or_nothing=False),
        lambda: referral_import_confirm(referral_import=second, rows=second_rows, by=two, all_or_nothing=False),
    )
    assert outcomes["first"] == "imported"
    assert outcomes["second"].startswith("Personen på rad 3 registrerades av någon annan"), outcomes
    assert _number(6) not in outcomes["second"] and "Namn6" not in outcomes["second"]
    assert set(Participant.objects.values_list("first_name", flat=True)) == {"Namn6", "Namn7"}
    second.refresh_from_db()
    assert second.status == ReferralImport.Status.PENDING and bytes(second.content)  # to check again


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_clicks_on_the_page_give_one_import_and_no_error() -> None:
    _on_a_database_whose_writers_wait()
    coordinator = CoordinatorFactory()
    pending = _pending(coordinator, 9, 10, 11)
    url = reverse("participants:import_preview", args=[pending.pk])
    start = threading.Barrier(2)
    pages: list[str] = []

    def click() -> None:
        try:
            client = Client()
            client.force_login(coordinator)
            start.wait(timeout=10)
            response = client.post(url, {"confirm": "1"}, follow=True)
            pages.append(f"{response.status_code} {response.content.decode()}")
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(pages) == 2 and all(page.startswith("200 ") for page in pages)
    assert sum("3 deltagare är registrerade." in page for page in pages) == 1
    assert sum("Den här listan är redan importerad." in page for page in pages) == 1
    assert Participant.objects.count() == 3


def _imported(coordinator, *serials: int) -> ReferralImport:
    pending = _pending(coordinator, *serials)
    referral_import_confirm(referral_import=pending, rows=_rows(pending), by=coordinator, all_or_nothing=False)
    return pending


@pytest.mark.django_db
def test_the_register_extract_says_which_list_registered_the_person() -> None:
    owner = CoordinatorFactory()
    done = _imported(owner, 14)
    data = register_extract(participant=done.participants.get(), by=AdministratorFactory())
    sections: list[dict[str, Any]] = data["sections"]  # type: ignore[assignment]  # the extract is plain data
    (section,) = [s for s in sections if s["key"] == "referral_imports"]
    (row,) = section["rows"]
    assert row["Filnamn"] == "lista.csv" and row["Uppladdad av"] == str(owner)


@pytest.mark.django_db
def test_the_result_page_lists_the_imported_people_and_logs_them(client: Client) -> None:
    owner = CoordinatorFactory()
    done = _imported(owner, 12, 13)
    elsewhere = ParticipantFactory(team=owner.team)  # in the team, not from this list
    client.force_login(owner)
    page = client.get(reverse("participants:import_result", args=[done.pk])).content.decode()
    assert "Namn12 Efter12" in page and "Namn13 Efter13" in page
    assert elsewhere.full_name not in page
    listed = set(AccessLogEntry.objects.filter(action=AccessAction.LIST).values_list("participant_id", flat=True))
    assert listed == set(done.participants.values_list("pk", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["colleague", "other team", "anonymous"])
def test_the_result_page_is_only_for_whoever_imported_the_list(client: Client, who: str) -> None:
    owner = CoordinatorFactory()
    done = _imported(owner, 14)
    url = reverse("participants:import_result", args=[done.pk])
    if who == "anonymous":
        assert reverse("login") in client.get(url)["Location"]
        return
    client.force_login(CoordinatorFactory(team=owner.team) if who == "colleague" else CoordinatorFactory())
    assert client.get(url).status_code == 404
    assert client.post(url, {"everyone": "on", "coordinator": owner.pk}).status_code == 404


@pytest.mark.django_db
def test_the_owner_assigns_the_ticked_people_or_everyone_to_a_colleague(client: Client) -> None:
    owner = CoordinatorFactory()
    colleague = CoordinatorFactory(team=owner.team)
    done = _imported(owner, 15, 16, 17)
    first, *others = done.participants.order_by("pk")
    client.force_login(owner)
    url = reverse("participants:import_result", args=[done.pk])
    response = client.post(url, {"participants": [first.pk], "coordinator": colleague.pk}, follow=True)
    assert "1 deltagare har nu" in response.content.decode()
    assert Participant.objects.get(pk=first.pk).coordinator == colleague
    assert all(Participant.objects.get(pk=p.pk).coordinator == owner for p in others)
    changed = AccessLogEntry.objects.filter(action=AccessAction.CHANGE, participant_id=first.pk).get()
    assert "coordinator" in str(changed.fields)
    response = client.post(url, {"everyone": "on", "coordinator": colleague.pk}, follow=True)
    assert "3 deltagare har nu" in response.content.decode()
    assert set(Participant.objects.values_list("coordinator", flat=True)) == {colleague.pk}


@pytest.mark.django_db
@pytest.mark.parametrize("chosen", ["99999999999999999999", "-1", "x", "²"])
def test_a_chosen_id_no_column_can_hold_is_a_form_error_not_a_500(client: Client, chosen: str) -> None:
    owner = CoordinatorFactory()
    done = _imported(owner, 19)
    client.force_login(owner)
    url = reverse("participants:import_result", args=[done.pk])
    response = client.post(url, {"participants": [chosen], "coordinator": owner.pk})
    assert response.status_code == 200
    assert 'class="alert alert-danger"' in response.content.decode()
    assert Participant.objects.get().coordinator == owner


@pytest.mark.django_db
def test_a_coordinator_of_another_team_cannot_be_chosen(client: Client) -> None:
    owner = CoordinatorFactory()
    done = _imported(owner, 18)
    client.force_login(owner)
    url = reverse("participants:import_result", args=[done.pk])
    response = client.post(url, {"everyone": "on", "coordinator": CoordinatorFactory().pk})
    assert response.status_code == 200
    assert "Välj en aktiv koordinator i ditt team." in response.content.decode()
    assert set(Participant.objects.values_list("coordinator", flat=True)) == {owner.pk}
    response = client.post(url, {"coordinator": owner.pk})  # nobody ticked
    assert "Kryssa i deltagarna" in response.content.decode()


@pytest.mark.django_db
def test_the_assign_service_checks_every_participant_and_the_coordinator() -> None:
    owner = CoordinatorFactory()
    colleague = CoordinatorFactory(team=owner.team)
    mine = ParticipantFactory(team=owner.team, coordinator=owner)
    theirs = ParticipantFactory()
    with pytest.raises(ValidationError, match="Bara deltagare i ditt team"):
        participants_assign_coordinator(participant_ids=[mine.pk, theirs.pk], coordinator=colleague, by=owner)
    with pytest.raises(ValidationError, match="aktiv koordinator i ditt team"):
        participants_assign_coordinator(participant_ids=[mine.pk], coordinator=CoordinatorFactory(), by=owner)
    colleague.is_active = False
    colleague.save()
    with pytest.raises(ValidationError, match="aktiv koordinator i ditt team"):
        participants_assign_coordinator(participant_ids=[mine.pk], coordinator=colleague, by=owner)
    assert Participant.objects.get(pk=mine.pk).coordinator == owner
    assert Participant.objects.get(pk=theirs.pk).coordinator != colleague


@pytest.mark.django_db
def test_an_imported_case_file_belongs_to_the_municipality_of_the_lists_team() -> None:
    coordinator = CoordinatorFactory(team__municipality=MunicipalityFactory(code="0180"))
    pending = _pending(coordinator, 4, 5)
    referral_import_confirm(referral_import=pending, rows=_rows(pending), by=coordinator, all_or_nothing=False)
    assert set(Participant.objects.values_list("municipality__code", flat=True)) == {"0180"}
