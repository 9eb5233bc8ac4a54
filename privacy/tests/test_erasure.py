"""Erasure on request (GDPR art. 17): administrators only, with a required reason and a confirmation,
all or nothing, a record that holds no personal data, and the reports' figures unchanged when the
case file is pseudonymised."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse
from hypothesis import given

from accounts.models import AccessAction, AccessLogEntry
from accounts.tests.factories import AccessLogEntryFactory, CoordinatorFactory, ManagerFactory, SupervisorUserFactory
from participants.models import Participant, ParticipantPrerequisite, ParticipantStatus, RecordsExtractCheck
from placements.matching import features
from placements.models import FollowUp, Placement, PlacementStatus
from privacy.models import ErasureMethod, ErasureRecord
from privacy.services import participant_erase_on_request
from privacy.tests.cases import full_case_file
from privacy.tests.factories import AdministratorFactory
from reporting.indicators import quarter_of
from reporting.services import data_version, report_figures
from tests.hostile_values import as_querydict, assert_safe, fuzz, hostile_data

pytestmark = pytest.mark.django_db

REASON = "Begäran inkom 2026-11-20, diarienr 2026/123"


@pytest.fixture
def people() -> list[Participant]:
    return [full_case_file(n) for n in range(6)]


def _started(day) -> int:
    figures = report_figures(day.year, quarter_of(day))
    return next(i for i in figures["indicators"] if i["code"] == "placements-started")["quarter"]["numerator"]  # type: ignore[attr-defined]  # the figures are JSON-shaped (dict[str, object])


def _erase(person: Participant, method: ErasureMethod = ErasureMethod.PSEUDONYMISE, **kwargs) -> ErasureRecord:
    return participant_erase_on_request(
        participant=person,
        method=method,
        reason=kwargs.get("reason", REASON),
        by=kwargs.get("by") or AdministratorFactory(),
    )


def test_pseudonymising_on_request_keeps_the_report_figures(
    people: list[Participant], django_capture_on_commit_callbacks
) -> None:
    person = people[0]
    day = person.placements.get().actual_start
    before = report_figures(day.year, quarter_of(day))
    features.load_features()
    assert features._cache

    with django_capture_on_commit_callbacks(execute=True):
        record = _erase(person)

    assert report_figures(day.year, quarter_of(day)) == before
    erased = Participant.objects.get(pk=person.pk)
    assert erased.pseudonymised_at is not None and erased.identity_number is None and erased.last_name == ""
    assert record.counts["case_files"] == 1 and record.method == ErasureMethod.PSEUDONYMISE
    assert record.counts["prerequisites"] == 1  # a vaccination says something about health
    assert not ParticipantPrerequisite.objects.filter(participant=person).exists()
    assert not features._cache  # matching forgets its cached arrays


def test_erasing_everything_deletes_the_case_file_and_past_figures_change(people: list[Participant]) -> None:
    person = people[0]
    day = person.placements.get().actual_start
    assert _started(day) == 6
    AccessLogEntryFactory(participant_id=person.pk)

    _erase(person, ErasureMethod.ERASE)

    assert not Participant.objects.filter(pk=person.pk).exists()
    assert not Placement.objects.filter(participant_id=person.pk).exists()
    assert _started(day) == 5
    assert AccessLogEntry.objects.filter(participant_id=person.pk).exists()  # the log keeps its entries


def test_erasing_a_case_file_that_is_not_the_newest_moves_the_dashboards_data_version(
    people: list[Participant],
) -> None:
    """The dashboard keeps its figures until the data version moves; an erasure must move it, also
    when the erased rows hold none of the newest ids or change times."""
    FollowUp.objects.filter(placement__participant=people[0]).delete()  # no follow-up count to change
    before = data_version()

    _erase(people[0], ErasureMethod.ERASE)

    assert data_version() != before


def test_the_record_says_who_when_and_why_and_holds_no_personal_data(people: list[Participant]) -> None:
    person, admin = people[0], AdministratorFactory()
    name, number = person.last_name, person.identity_number

    record = _erase(person, by=admin)

    assert (record.participant_id, record.by, record.reason) == (person.pk, admin, REASON)
    stored = json.dumps(
        {f.name: str(getattr(record, f.attname)) for f in ErasureRecord._meta.concrete_fields}, ensure_ascii=False
    )
    assert name not in stored and number not in stored and number[:8] not in stored
    entry = AccessLogEntry.objects.get(participant_id=person.pk, action=AccessAction.ERASE)
    assert entry.user == admin and str(record.reference) in entry.reason


def test_nothing_is_half_erased_when_a_step_fails(people: list[Participant], monkeypatch) -> None:
    """The record is written last: if writing it fails, every change before it is rolled back. (The one
    place this suite fakes a failure inside the project: no real input makes that write fail.)"""
    person = people[0]

    def fail(*args: object, **kwargs: object) -> None:
        raise DatabaseError("disk full")

    monkeypatch.setattr(ErasureRecord, "save", fail)
    with pytest.raises(DatabaseError):
        _erase(person)

    kept = Participant.objects.get(pk=person.pk)
    assert (kept.last_name, kept.identity_number, kept.pseudonymised_at) == (
        person.last_name,
        person.identity_number,
        None,
    )
    assert RecordsExtractCheck.objects.filter(participant=person).exists()
    assert ParticipantPrerequisite.objects.filter(participant=person).exists()
    assert FollowUp.objects.get(placement__participant=person).tasks_done == "Dukade i matsalen"
    assert kept.languages.exists()
    assert not ErasureRecord.objects.exists()
    assert not AccessLogEntry.objects.filter(action=AccessAction.ERASE).exists()


def test_someone_still_in_the_programme_cannot_be_erased() -> None:
    person = full_case_file(0, exited=False)
    with pytest.raises(ValidationError) as error:
        _erase(person)
    assert error.value.code == "not_exited"
    assert Participant.objects.get(pk=person.pk).pseudonymised_at is None


def test_an_ongoing_placement_stops_the_erasure(people: list[Participant]) -> None:
    person = people[0]
    Placement.objects.filter(participant=person).update(status=PlacementStatus.ACTIVE, outcome="")
    with pytest.raises(ValidationError) as error:
        _erase(person)
    assert error.value.code == "placement_ongoing"


def test_a_reason_is_required(people: list[Participant]) -> None:
    with pytest.raises(ValidationError):
        _erase(people[0], reason="   ")
    assert Participant.objects.get(pk=people[0].pk).pseudonymised_at is None


# --- The page ------------------------------------------------------------------------------------------


def _url(person: Participant) -> str:
    return reverse("privacy:erase", args=[person.pk])


def _form(**overrides: object) -> dict[str, object]:
    return {"method": ErasureMethod.PSEUDONYMISE, "reason": REASON, "confirm": "on", **overrides}


def test_an_administrator_confirms_and_the_case_file_is_pseudonymised(
    client: Client, people: list[Participant]
) -> None:
    person = people[0]
    client.force_login(AdministratorFactory())
    page = client.get(_url(person))
    assert page.status_code == 200 and person.last_name in page.content.decode()
    assert AccessLogEntry.objects.filter(participant_id=person.pk, action=AccessAction.VIEW).count() == 1

    response = client.post(_url(person), _form())

    assert response.status_code == 302 and response["Location"] == reverse("privacy:requests")
    assert Participant.objects.get(pk=person.pk).pseudonymised_at is not None
    assert ErasureRecord.objects.get().participant_id == person.pk
    assert client.get(_url(person)).status_code == 404  # nothing left to erase


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"reason": ""}, "reason"),
        ({"reason": "för att"}, "reason"),
        ({"confirm": ""}, "confirm"),
        ({"method": "x"}, "method"),
    ],
)
def test_a_missing_reason_or_confirmation_is_shown_and_nothing_changes(
    client: Client, people: list[Participant], overrides: dict[str, object], field: str
) -> None:
    person = people[0]
    client.force_login(AdministratorFactory())
    response = client.post(_url(person), _form(**overrides))
    assert response.status_code == 200 and response.context["form"].errors[field]
    assert Participant.objects.get(pk=person.pk).pseudonymised_at is None
    assert not ErasureRecord.objects.exists()


def test_the_services_refusal_is_shown_on_the_form(client: Client) -> None:
    person = full_case_file(0, exited=False)
    client.force_login(AdministratorFactory())
    response = client.post(_url(person), _form())
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert Participant.objects.get(pk=person.pk).status == ParticipantStatus.MAPPED
    assert not ErasureRecord.objects.exists()


@pytest.mark.parametrize(
    "make_user",
    [
        lambda person: person.coordinator,
        lambda person: SupervisorUserFactory(),
        lambda person: ManagerFactory(),
        lambda person: CoordinatorFactory(),
    ],
    ids=["own-coordinator", "supervisor", "manager", "other-coordinator"],
)
def test_no_other_role_may_erase(client: Client, people: list[Participant], make_user) -> None:
    person = people[0]
    client.force_login(make_user(person))
    assert client.get(_url(person)).status_code == 404
    assert client.post(_url(person), _form()).status_code == 404
    assert Participant.objects.get(pk=person.pk).pseudonymised_at is None


def test_anonymous_users_are_sent_to_log_in(client: Client, people: list[Participant]) -> None:
    for method in (client.get, client.post):
        response = method(_url(people[0]))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert Participant.objects.get(pk=people[0].pk).pseudonymised_at is None


@fuzz()
@given(data=hostile_data(["reason", "method", "confirm"]))
def test_hostile_input_to_the_form_never_fails_or_half_erases(client: Client, data: dict) -> None:
    person = full_case_file(0, exited=False)  # the service refuses: nothing may change whatever is posted
    client.force_login(AdministratorFactory())
    response = client.post(_url(person), as_querydict(data))
    assert response.status_code == 200
    assert_safe(response)
    assert Participant.objects.get(pk=person.pk).pseudonymised_at is None
    assert not ErasureRecord.objects.exists()
