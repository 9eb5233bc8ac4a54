"""Exits and the status 90 days after the establishment programme: recorded by the team's coordinators
through the services, with the rules the national statistics need, logged like every case-file change,
shown on the case file and out of reach of other teams, supervisors and managers."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import AccessAction, AccessLogEntry
from accounts.tests.factories import CoordinatorFactory, ManagerFactory, SupervisorUserFactory
from participants.models import (
    Exit,
    ExitReason,
    ParticipantStatus,
    ProgrammeStatus,
    StatusChange,
    TargetGroup,
    WorkLength,
)
from participants.services import exit_record, exit_remove, programme_status_record, programme_status_remove
from participants.tests.factories import ExitFactory, ParticipantFactory, ProgrammeStatusFactory
from privacy.extract import register_extract

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def participant():
    return ParticipantFactory(referral_date=dt.date(2026, 3, 2), status=ParticipantStatus.PLACED)


@pytest.fixture
def coordinator(participant):
    return CoordinatorFactory(team=participant.team)


def _newcomer(*, programme_ended: dt.date):
    return ParticipantFactory(
        newcomer=True,
        residence_permit_date=programme_ended - dt.timedelta(days=731),
        establishment_programme_end=programme_ended,
        referral_date=programme_ended - dt.timedelta(days=600),
    )


# --- the services' rules -------------------------------------------------------------------------------


def test_an_exit_is_recorded_the_case_closed_and_the_change_logged(participant, coordinator) -> None:
    exit_ = exit_record(
        participant=participant,
        by=coordinator,
        left_on=dt.date(2026, 11, 2),
        reason=ExitReason.WORK_SUBSIDISED,
        work_length=WorkLength.MONTH_OR_MORE,
    )
    assert (exit_.recorded_on, exit_.recorded_by, exit_.student_aid) == (TODAY, coordinator, None)
    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.EXITED
    step = StatusChange.objects.filter(participant=participant).latest("changed_at")
    assert (step.from_status, step.to_status) == (ParticipantStatus.PLACED, ParticipantStatus.EXITED)
    logged = AccessLogEntry.objects.filter(participant_id=participant.pk, action=AccessAction.CHANGE)
    assert ["exits"] in [entry.fields for entry in logged]


def test_an_exit_of_someone_already_exited_keeps_the_status(coordinator, participant) -> None:
    participant.status = ParticipantStatus.EXITED
    participant.save()
    exit_record(participant=participant, by=coordinator, left_on=TODAY, reason=ExitReason.MOVED)
    assert not StatusChange.objects.filter(participant=participant, to_status=ParticipantStatus.EXITED).exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"left_on": TODAY + dt.timedelta(days=1), "reason": ExitReason.MOVED}, "left_on"),
        ({"left_on": dt.date(2026, 3, 1), "reason": ExitReason.MOVED}, "left_on"),  # before the referral
        ({"left_on": TODAY, "reason": ExitReason.WORK_REGULAR}, "work_length"),  # work without its length
        ({"left_on": TODAY, "reason": ExitReason.WORK_MUNICIPAL}, "work_length"),
        ({"left_on": TODAY, "reason": ExitReason.STUDIES}, "student_aid"),  # studies: student aid or not?
        ({"left_on": TODAY, "reason": ExitReason.MOVED, "work_length": WorkLength.MONTH_OR_MORE}, "work_length"),
        ({"left_on": TODAY, "reason": ExitReason.OTHER, "student_aid": True}, "student_aid"),
        ({"left_on": TODAY, "reason": "holiday"}, "reason"),
    ],
)
def test_an_exit_that_breaks_a_rule_is_refused_and_nothing_changes(participant, coordinator, fields, field) -> None:
    with pytest.raises(ValidationError) as refused:
        exit_record(participant=participant, by=coordinator, **fields)
    assert field in refused.value.message_dict
    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.PLACED and not Exit.objects.exists()


def test_two_exits_on_the_same_day_are_refused(participant, coordinator) -> None:
    exit_record(participant=participant, by=coordinator, left_on=TODAY, reason=ExitReason.MOVED)
    with pytest.raises(ValidationError):
        exit_record(participant=participant, by=coordinator, left_on=TODAY, reason=ExitReason.OTHER)


def test_removing_an_exit_is_logged(coordinator) -> None:
    exit_ = ExitFactory(participant__team=coordinator.team)
    exit_remove(exit_=exit_, by=coordinator)
    assert not Exit.objects.exists()
    assert AccessLogEntry.objects.filter(participant_id=exit_.participant_id, fields=["exits"]).exists()


def test_the_status_after_the_programme_is_recorded_from_the_90th_day() -> None:
    person = _newcomer(programme_ended=TODAY - dt.timedelta(days=90))
    by = CoordinatorFactory(team=person.team)
    status = programme_status_record(participant=person, by=by, reason=ExitReason.STUDIES, student_aid=True)
    assert (status.recorded_on, status.recorded_by, status.participant) == (TODAY, by, person)
    with pytest.raises(ValidationError) as twice:
        programme_status_record(participant=person, by=by, reason=ExitReason.MOVED)
    assert twice.value.code == "exists"
    programme_status_remove(status=status, by=by)
    assert not ProgrammeStatus.objects.exists()


def test_the_status_after_the_programme_is_refused_before_the_90th_day() -> None:
    person = _newcomer(programme_ended=TODAY - dt.timedelta(days=89))
    with pytest.raises(ValidationError, match="2026-11-21"):
        programme_status_record(
            participant=person, by=CoordinatorFactory(team=person.team), reason=ExitReason.NO_CONTACT
        )
    assert not ProgrammeStatus.objects.exists()


def test_the_status_after_the_programme_is_for_newcomers_only(participant, coordinator) -> None:
    assert participant.target_group == TargetGroup.YOUTH
    with pytest.raises(ValidationError) as refused:
        programme_status_record(participant=participant, by=coordinator, reason=ExitReason.MOVED)
    assert refused.value.code == "not_newcomer"


def test_the_status_after_the_programme_follows_the_kind_rules() -> None:
    person = _newcomer(programme_ended=TODAY - dt.timedelta(days=120))
    with pytest.raises(ValidationError) as refused:
        programme_status_record(
            participant=person, by=CoordinatorFactory(team=person.team), reason=ExitReason.WORK_SUBSIDISED
        )
    assert "work_length" in refused.value.message_dict


# --- the pages -----------------------------------------------------------------------------------------


def test_the_owner_records_an_exit_on_the_case_file_and_sees_it(client: Client, participant, coordinator) -> None:
    client.force_login(coordinator)
    url = reverse("participants:exit_create", args=[participant.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"left_on": "2026-11-02", "reason": ExitReason.STUDIES, "work_length": "", "student_aid": "false"}
    )
    assert response.status_code == 302
    exit_ = Exit.objects.get()
    assert (exit_.reason, exit_.student_aid, exit_.recorded_by) == (ExitReason.STUDIES, False, coordinator)
    page = client.get(reverse("participants:detail", args=[participant.pk])).content.decode()
    assert "2026-11-02" in page and "Studier" in page and "inga studiemedel" in page


def test_the_exit_form_says_what_is_missing(client: Client, participant, coordinator) -> None:
    client.force_login(coordinator)
    response = client.post(
        reverse("participants:exit_create", args=[participant.pk]),
        {"left_on": "2026-11-02", "reason": ExitReason.WORK_REGULAR, "work_length": "", "student_aid": ""},
    )
    assert response.status_code == 200 and not Exit.objects.exists()
    assert response.context["form"].errors == {"work_length": ["Ange hur länge arbetet väntas vara."]}


def test_the_owner_records_the_status_after_the_programme(client: Client) -> None:
    person = _newcomer(programme_ended=TODAY - dt.timedelta(days=100))
    client.force_login(CoordinatorFactory(team=person.team))
    assert "Registrera status" in client.get(reverse("participants:detail", args=[person.pk])).content.decode()
    response = client.post(
        reverse("participants:programme_status_create", args=[person.pk]),
        {"reason": ExitReason.WORK_MUNICIPAL, "work_length": WorkLength.MONTH_OR_MORE, "student_aid": ""},
    )
    assert response.status_code == 302
    assert person.programme_status.reason == ExitReason.WORK_MUNICIPAL


def test_too_early_the_status_form_says_so_and_saves_nothing(client: Client) -> None:
    person = _newcomer(programme_ended=TODAY - dt.timedelta(days=10))
    client.force_login(CoordinatorFactory(team=person.team))
    url = reverse("participants:programme_status_create", args=[person.pk])
    assert "90 dagar" in client.get(url).content.decode()
    response = client.post(url, {"reason": ExitReason.MOVED, "work_length": "", "student_aid": ""})
    assert response.status_code == 200 and not ProgrammeStatus.objects.exists()


@pytest.mark.parametrize("who", ["other_coordinator", "manager", "supervisor"])
def test_others_get_nothing_and_change_nothing(client: Client, who: str) -> None:
    exit_ = ExitFactory(participant__last_name="Hemligsson")
    status = ProgrammeStatusFactory(participant=exit_.participant)
    user = {"other_coordinator": CoordinatorFactory, "manager": ManagerFactory, "supervisor": SupervisorUserFactory}[
        who
    ]()
    client.force_login(user)
    pk = exit_.participant_id
    for url in (
        reverse("participants:exit_create", args=[pk]),
        reverse("participants:exit_delete", args=[pk, exit_.pk]),
        reverse("participants:programme_status_create", args=[pk]),
        reverse("participants:programme_status_delete", args=[pk, status.pk]),
    ):
        for method in (client.get, client.post):
            response = method(url, {"left_on": "2026-11-02", "reason": ExitReason.MOVED})
            assert response.status_code in (404, 405), (url, method.__name__)
            assert b"Hemligsson" not in response.content
    assert Exit.objects.count() == 1 and ProgrammeStatus.objects.count() == 1


def test_anonymous_visitors_are_sent_to_the_login_page(client: Client) -> None:
    exit_ = ExitFactory()
    for url in (
        reverse("participants:exit_create", args=[exit_.participant_id]),
        reverse("participants:exit_delete", args=[exit_.participant_id, exit_.pk]),
    ):
        response = client.post(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert Exit.objects.count() == 1


def test_the_owner_removes_an_exit_and_an_exit_of_another_case_file_is_not_found(client: Client) -> None:
    exit_ = ExitFactory()
    other = ExitFactory(participant__team=exit_.participant.team)
    client.force_login(CoordinatorFactory(team=exit_.participant.team))
    wrong = reverse("participants:exit_delete", args=[exit_.participant_id, other.pk])
    assert client.post(wrong).status_code == 404
    assert client.post(reverse("participants:exit_delete", args=[exit_.participant_id, exit_.pk])).status_code == 302
    assert list(Exit.objects.all()) == [other]


def test_the_register_extract_holds_the_exits_and_the_status() -> None:
    exit_ = ExitFactory(reason=ExitReason.WORK_SUBSIDISED, work_length=WorkLength.UNDER_A_MONTH)
    ProgrammeStatusFactory(participant=exit_.participant, reason=ExitReason.STUDIES, student_aid=True)
    extract = register_extract(participant=exit_.participant, by=CoordinatorFactory())
    sections = {section["key"]: section["rows"] for section in extract["sections"]}  # type: ignore[attr-defined]  # JSON-shaped
    (row,) = sections["exits"]
    assert row["Skäl"].startswith("Arbete: subventionerad") and row["Arbetets väntade längd"] == "Kortare än en månad"
    (status,) = sections["programme_status"]
    assert status["Studierna ger rätt till studiemedel (CSN)"] == "Ja"
