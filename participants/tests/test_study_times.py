"""The study timetable on the case file: every row in one form, saved all or nothing through the service,
errors beside the fields, logged like every case-file change, seen by matching at once, and out of reach
of everyone but the team's coordinators."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import AccessAction, AccessLogEntry
from accounts.tests.factories import CoordinatorFactory, ManagerFactory, SupervisorUserFactory
from participants.models import StudyKind, StudyTime
from participants.services import StudySpan, study_times_replace
from participants.tests.factories import ParticipantFactory, StudyTimeFactory
from placements.matching import rank_candidates
from placements.matching.features import forget_features
from privacy.services import case_files_pseudonymise
from supervisors.tests.factories import EnrolmentFactory, SupervisorFactory
from taxonomy.models import Weekday
from workplaces.tests.factories import NeedFactory, WorkingHoursFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


@pytest.fixture
def participant(coordinator):
    return ParticipantFactory(team=coordinator.team, coordinator=coordinator)


def _url(participant) -> str:
    return reverse("participants:study_times", args=[participant.pk])


def _post(rows: list[dict[str, Any]], *, initial: int = 0) -> dict[str, Any]:
    data: dict[str, Any] = {
        "study-TOTAL_FORMS": str(len(rows)),
        "study-INITIAL_FORMS": str(initial),
        "study-MIN_NUM_FORMS": "0",
        "study-MAX_NUM_FORMS": "14",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"study-{i}-{key}"] = value
    return data


def _row(day: int, start: str, end: str, kind: str = StudyKind.SFI, school: str = "") -> dict[str, Any]:
    return {"weekday": str(day), "starts_at": start, "ends_at": end, "kind": kind, "school": school}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _times(participant) -> list[tuple[int, str, str, str]]:
    return [
        (t.weekday, f"{t.starts_at:%H:%M}", f"{t.ends_at:%H:%M}", t.kind)
        for t in StudyTime.objects.filter(participant=participant)
    ]


def test_the_coordinator_saves_several_rows_in_one_form_and_the_case_file_shows_them(coordinator, participant) -> None:
    client = _client(coordinator)
    rows = [
        _row(Weekday.MONDAY, "08:30", "12:00", school="SFI Östersund"),
        _row(Weekday.TUESDAY, "08:30", "10:00"),
        _row(Weekday.TUESDAY, "10:00", "12:00"),  # touching the one before: no overlap
        _row(Weekday.THURSDAY, "13:00", "15:30", kind=StudyKind.OTHER, school="Komvux"),
        {"weekday": "", "starts_at": "", "ends_at": "", "kind": StudyKind.SFI, "school": ""},  # an empty extra row
    ]
    response = client.post(_url(participant), _post(rows))
    assert response.status_code == 302, response.context["formset"].errors
    assert _times(participant) == [
        (0, "08:30", "12:00", "sfi"),
        (1, "08:30", "10:00", "sfi"),
        (1, "10:00", "12:00", "sfi"),
        (3, "13:00", "15:30", "other"),
    ]
    changed = AccessLogEntry.objects.filter(participant_id=participant.pk, action=AccessAction.CHANGE).get()
    assert changed.fields == ["study_times"]

    page = client.get(reverse("participants:detail", args=[participant.pk]), HTTP_ACCEPT_LANGUAGE="sv")
    text = page.content.decode()
    assert "Studier / schema" in text
    assert "Måndag" in text and "08:30–12:00" in text and "Komvux" in text and "Annan utbildning" in text


def test_the_form_opens_with_the_rows_saved_and_a_saved_row_kept_unchanged_stays(coordinator, participant) -> None:
    StudyTimeFactory(participant=participant, weekday=Weekday.TUESDAY)
    client = _client(coordinator)
    formset = client.get(_url(participant)).context["formset"]
    assert formset.initial_form_count() == 1
    response = client.post(
        _url(participant),
        _post(
            [
                _row(Weekday.TUESDAY, "08:30", "12:00", school="SFI Östersund"),
                _row(Weekday.FRIDAY, "09:00", "11:00"),
            ],
            initial=1,
        ),
    )
    assert response.status_code == 302
    assert [t[0] for t in _times(participant)] == [Weekday.TUESDAY, Weekday.FRIDAY]


def test_a_row_marked_for_removal_is_removed(coordinator, participant) -> None:
    StudyTimeFactory(participant=participant)
    rows = [{**_row(Weekday.TUESDAY, "08:30", "12:00"), "DELETE": "on"}]
    assert _client(coordinator).post(_url(participant), _post(rows, initial=1)).status_code == 302
    assert _times(participant) == []


def test_overlapping_rows_on_one_day_are_refused_beside_the_field_and_nothing_is_saved(
    coordinator, participant
) -> None:
    StudyTimeFactory(participant=participant, weekday=Weekday.FRIDAY)
    rows = [_row(Weekday.MONDAY, "08:30", "12:00"), _row(Weekday.MONDAY, "11:00", "13:00")]
    response = _client(coordinator).post(_url(participant), _post(rows), HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 200
    forms = response.context["formset"].forms
    assert forms[0].errors == {}
    assert [e.code for e in forms[1].errors.as_data()["starts_at"]] == ["study_times_overlap"]
    assert "Överlappar en annan studietid samma dag." in response.content.decode()
    assert [t[0] for t in _times(participant)] == [Weekday.FRIDAY]  # as it was


def test_an_end_before_the_start_is_refused_beside_the_end(coordinator, participant) -> None:
    response = _client(coordinator).post(_url(participant), _post([_row(Weekday.MONDAY, "12:00", "08:30")]))
    assert response.status_code == 200
    errors = response.context["formset"].forms[0].errors.as_data()
    assert [e.code for e in errors["ends_at"]] == ["ends_before_start"]
    assert _times(participant) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("weekday", "9"),
        ("weekday", "måndag"),
        ("starts_at", "25:00"),
        ("starts_at", "08:30:15"),  # seconds: the rule compares whole minutes
        ("ends_at", "<b>12</b>"),
        ("kind", "yoga"),
        ("school", "x" * 101),
    ],
)
def test_bad_input_is_refused_beside_its_field(coordinator, participant, field: str, value: str) -> None:
    row = {**_row(Weekday.MONDAY, "08:30", "12:00"), field: value}
    response = _client(coordinator).post(_url(participant), _post([row]))
    assert response.status_code == 200
    assert field in response.context["formset"].forms[0].errors
    assert "<b>12</b>" not in response.content.decode()
    assert _times(participant) == []


def test_more_rows_than_allowed_are_refused(coordinator, participant) -> None:
    rows = [_row(day % 7, f"{8 + day // 7:02d}:00", f"{8 + day // 7:02d}:30") for day in range(15)]
    response = _client(coordinator).post(_url(participant), _post(rows))
    assert response.status_code == 200
    assert _times(participant) == []


def test_the_service_refuses_overlaps_and_keeps_the_old_timetable(coordinator, participant) -> None:
    StudyTimeFactory(participant=participant)
    times = [
        StudySpan(weekday=0, starts_at=dt.time(8), ends_at=dt.time(12)),
        StudySpan(weekday=0, starts_at=dt.time(9), ends_at=dt.time(10)),
    ]
    with pytest.raises(ValidationError) as refused:
        study_times_replace(participant=participant, by=coordinator, times=times)
    assert refused.value.code == "study_times_overlap"
    with pytest.raises(ValidationError):
        study_times_replace(
            participant=participant,
            by=coordinator,
            times=[StudySpan(weekday=0, starts_at=dt.time(12), ends_at=dt.time(8))],
        )
    assert len(_times(participant)) == 1


def test_matching_sees_a_timetable_saved_and_cleared_at_once(coordinator, participant) -> None:
    need = NeedFactory(places=1)
    EnrolmentFactory(supervisor=SupervisorFactory(workplace=need.workplace), completed=True)
    WorkingHoursFactory(need=need, weekday=Weekday.MONDAY, starts_at=dt.time(8), ends_at=dt.time(12))
    forget_features()

    def candidates() -> set[int]:
        return {c.participant.pk for c in rank_candidates(need=need, user=coordinator).candidates}

    assert participant.pk in candidates()
    study_times_replace(
        participant=participant, by=coordinator, times=[StudySpan(weekday=0, starts_at=dt.time(9), ends_at=dt.time(11))]
    )
    assert participant.pk not in candidates()
    study_times_replace(participant=participant, by=coordinator, times=[])
    assert participant.pk in candidates()


def test_pseudonymising_removes_the_timetable(participant) -> None:
    StudyTimeFactory(participant=participant)
    counts = case_files_pseudonymise(participant_ids=[participant.pk], now=participant.updated_at)
    assert counts["study_times"] == 1
    assert _times(participant) == []


@pytest.mark.parametrize("outsider", ["other_team", "supervisor", "manager"])
def test_no_one_else_reaches_the_timetable(participant, outsider: str) -> None:
    user = {"other_team": CoordinatorFactory, "supervisor": SupervisorUserFactory, "manager": ManagerFactory}[
        outsider
    ]()
    client = _client(user)
    assert client.get(_url(participant)).status_code == 404
    assert client.post(_url(participant), _post([_row(0, "08:00", "09:00")])).status_code == 404
    assert _times(participant) == []


def test_anonymous_is_sent_to_log_in(participant) -> None:
    response = Client().get(_url(participant))
    assert response.status_code == 302 and reverse("login") in response["Location"]
