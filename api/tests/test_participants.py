"""/api/v1/participants/ and /api/v1/work-experience/: the case files, as each role, with the
access log, the identity-number rule and the intake form's validation."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AccessAction, AccessLogEntry
from participants.models import Participant, ParticipantStatus, TargetGroup, WorkExperience
from participants.tests.factories import ParticipantFactory, WorkExperienceFactory
from taxonomy.tests.factories import DistrictFactory, LanguageFactory, OccupationFactory
from workplaces.tests.factories import NeedFactory

from .conftest import session_client, token_client

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def _logged(user, action: str) -> list[int]:
    return sorted(AccessLogEntry.objects.filter(user=user, action=action).values_list("participant_id", flat=True))


def _intake(coordinator, **overrides):
    occupation = OccupationFactory(code="5321")
    data = {
        "first_name": "Amina",
        "last_name": "Hassan",
        "identity_number": "811218-9876",
        "gender": "female",
        "target_group": TargetGroup.NEWCOMER,
        "referral_source": "employment_service",
        "referral_date": (TODAY - dt.timedelta(days=20)).isoformat(),
        "residence_permit_date": (TODAY - dt.timedelta(days=200)).isoformat(),
        "swedish_level": 2,
        "education_level": 2,
        "hours_per_day": "4.0",
        "has_driving_licence": True,
        "coordinator": coordinator.pk,
        "work_experience": [{"occupation": occupation.code, "years": "6", "country": "Syrien"}],
    }
    data.update(overrides)
    return data


def test_the_list_shows_the_teams_participants_masked_and_logs_each_row(coordinator, participant) -> None:
    ParticipantFactory()  # another team's
    response = session_client(coordinator).get("/api/v1/participants/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["id"] == participant.pk
    assert row["identity_number"] == participant.masked_identity_number
    content = response.content.decode()
    assert participant.identity_number not in content
    # The last four digits on their own ("-1239", "1239"), not inside another number: they turned up
    # in a timestamp's microseconds (".982893") about once in 300 runs.
    assert not re.search(rf"(?<![\d.:]){participant.identity_number[-4:]}(?!\d)", content)
    assert _logged(coordinator, AccessAction.LIST) == [participant.pk]


def test_the_list_logs_only_the_page_shown(coordinator) -> None:
    people = ParticipantFactory.create_batch(4, team=coordinator.team, coordinator=coordinator)
    response = session_client(coordinator).get("/api/v1/participants/", {"page_size": 2, "page": 2})
    shown = [row["id"] for row in response.json()["results"]]
    assert len(shown) == 2 and set(shown) <= {p.pk for p in people}
    assert _logged(coordinator, AccessAction.LIST) == sorted(shown)


def test_the_list_filters_with_the_pages_filters_but_never_searches_by_name(coordinator) -> None:
    mapped = ParticipantFactory(team=coordinator.team, coordinator=coordinator, status=ParticipantStatus.MAPPED)
    ParticipantFactory(team=coordinator.team, coordinator=coordinator, status=ParticipantStatus.REFERRED)
    client = session_client(coordinator)
    response = client.get("/api/v1/participants/", {"status": "mapped"})
    assert [row["id"] for row in response.json()["results"]] == [mapped.pk]
    # A name or an identity number in a URL ends up in server logs: the search is not offered.
    response = client.get("/api/v1/participants/", {"q": mapped.last_name})
    assert response.json()["count"] == 2
    assert client.get("/api/v1/participants/", {"status": "nonsense"}).status_code == 400


def test_the_list_costs_the_same_queries_for_more_rows(coordinator) -> None:
    client = session_client(coordinator)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/participants/").status_code == 200
        return len(captured)

    for person in ParticipantFactory.create_batch(2, team=coordinator.team, coordinator=coordinator):
        WorkExperienceFactory(participant=person)
    few = queries()
    for person in ParticipantFactory.create_batch(6, team=coordinator.team, coordinator=coordinator):
        WorkExperienceFactory(participant=person)
    assert queries() == few
    assert few <= 12


def test_opening_the_case_file_is_logged_and_the_number_stays_masked(coordinator, participant) -> None:
    WorkExperienceFactory(participant=participant, occupation=OccupationFactory(code="5120"))
    response = session_client(coordinator).get(f"/api/v1/participants/{participant.pk}/")
    assert response.status_code == 200
    assert response.json()["identity_number"] == participant.masked_identity_number
    assert response.json()["work_experience"][0]["occupation"] == "5120"
    assert _logged(coordinator, AccessAction.VIEW) == [participant.pk]


def test_revealing_the_number_takes_a_post_and_is_logged(coordinator, participant) -> None:
    client = session_client(coordinator)
    assert client.get(f"/api/v1/participants/{participant.pk}/reveal/").status_code == 405
    response = client.post(f"/api/v1/participants/{participant.pk}/reveal/")
    assert response.status_code == 200
    assert response.json() == {"identity_number": participant.formatted_identity_number}
    assert _logged(coordinator, AccessAction.REVEAL) == [participant.pk]


def test_another_teams_coordinator_gets_404_and_nothing_is_logged(other_coordinator, participant) -> None:
    client = session_client(other_coordinator)
    for url in ("", "reveal/", "needs/"):
        method = client.post if url == "reveal/" else client.get
        assert method(f"/api/v1/participants/{participant.pk}/{url}").status_code == 404
    assert client.patch(f"/api/v1/participants/{participant.pk}/", {"phone": "1"}).status_code == 404
    assert client.get("/api/v1/participants/").json()["count"] == 0
    assert not AccessLogEntry.objects.filter(participant_id=participant.pk).exists()


@pytest.mark.parametrize("role", ["manager", "supervisor_user", "administrator"])
def test_other_roles_get_no_case_files(request, role, participant) -> None:
    client = session_client(request.getfixturevalue(role))
    assert client.get("/api/v1/participants/").status_code == 403
    assert client.get(f"/api/v1/participants/{participant.pk}/").status_code == 403
    assert client.get("/api/v1/work-experience/").status_code == 403
    assert client.post("/api/v1/participants/", {}).status_code == 403
    assert not AccessLogEntry.objects.exists()


def test_a_token_works_like_the_session(coordinator, participant) -> None:
    response = token_client(coordinator).get(f"/api/v1/participants/{participant.pk}/")
    assert response.status_code == 200
    assert _logged(coordinator, AccessAction.VIEW) == [participant.pk]


def test_registering_a_participant_with_work_experience(coordinator) -> None:
    response = session_client(coordinator).post("/api/v1/participants/", _intake(coordinator), format="json")
    assert response.status_code == 201, response.json()
    participant = Participant.objects.get()
    assert participant.identity_number == "198112189876"
    assert participant.team == coordinator.team
    assert participant.establishment_programme_end is not None  # set by the service, as on the page
    assert list(participant.work_experiences.values_list("occupation_id", "country")) == [("5321", "Syrien")]
    assert response.json()["identity_number"] == participant.masked_identity_number
    assert _logged(coordinator, AccessAction.CREATE) == [participant.pk]


def test_bad_intake_gives_the_forms_field_errors_and_saves_nothing(coordinator) -> None:
    data = _intake(
        coordinator,
        identity_number="811218-9875",
        target_group="nonsense",
        hours_per_day=42,
        work_experience=[{"occupation": "5321", "years": 3}, {"occupation": "5321", "years": 2}],
    )
    response = session_client(coordinator).post("/api/v1/participants/", data, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert "kontrollsiffran" in errors["identity_number"][0].lower()
    assert set(errors) >= {"identity_number", "target_group", "hours_per_day", "work_experience"}
    assert errors["work_experience"][1] == {"occupation": ["Yrket finns redan med."]}
    assert not Participant.objects.exists() and not WorkExperience.objects.exists()
    assert not AccessLogEntry.objects.exists()


def test_a_newcomer_without_permit_date_is_refused_by_the_model_rules(coordinator) -> None:
    data = _intake(coordinator, residence_permit_date=None)
    response = session_client(coordinator).post("/api/v1/participants/", data, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["residence_permit_date"]


@pytest.mark.parametrize("payload", [[1, 2], "text", {"work_experience": "not a list"}, {"languages": [{"a": 1}]}])
def test_malformed_json_is_a_400_not_a_500(coordinator, payload) -> None:
    response = session_client(coordinator).post("/api/v1/participants/", payload, format="json")
    assert response.status_code == 400


def test_a_duplicate_identity_number_names_no_other_teams_person(coordinator) -> None:
    other = ParticipantFactory(first_name="Hemlig", last_name="Person")
    data = _intake(coordinator, identity_number=other.identity_number)
    response = session_client(coordinator).post("/api/v1/participants/", data, format="json")
    assert response.status_code == 400
    message = response.json()["identity_number"][0]
    # Only that the person is registered elsewhere (the exact lookup tells which team), and logged.
    assert message == "Personen är redan registrerad i ett annat team. Slå upp personen (loggas)"
    assert other.team.name not in message and "Hemlig" not in message
    entry = AccessLogEntry.objects.get()
    assert (entry.participant_id, entry.action, entry.user) == (other.pk, AccessAction.LOOKUP, coordinator)


def test_a_partial_update_changes_only_what_is_sent_and_logs_the_fields(coordinator, participant) -> None:
    WorkExperienceFactory(participant=participant, occupation=OccupationFactory(code="5120"))
    response = session_client(coordinator).patch(
        f"/api/v1/participants/{participant.pk}/", {"phone": "070-123 45 67"}, format="json"
    )
    assert response.status_code == 200, response.json()
    participant.refresh_from_db()
    assert participant.phone == "+46701234567"  # stored in E.164, as the form stores it (sms.phone_numbers)
    assert list(participant.work_experiences.values_list("occupation_id", flat=True)) == ["5120"]
    entry = AccessLogEntry.objects.get(action=AccessAction.CHANGE)
    assert entry.participant_id == participant.pk and entry.fields == ["phone"]


def test_an_update_replaces_the_work_experience(coordinator, participant) -> None:
    WorkExperienceFactory(participant=participant, occupation=OccupationFactory(code="5120"))
    OccupationFactory(code="9111")
    response = session_client(coordinator).patch(
        f"/api/v1/participants/{participant.pk}/",
        {"work_experience": [{"occupation": "9111", "years": "2.5"}]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert list(participant.work_experiences.values_list("occupation_id", flat=True)) == ["9111"]
    assert AccessLogEntry.objects.get(action=AccessAction.CHANGE).fields == ["work_experience"]


def test_an_invalid_update_changes_nothing(coordinator, participant) -> None:
    response = session_client(coordinator).patch(
        f"/api/v1/participants/{participant.pk}/",
        {"email": "not an address", "referral_date": (TODAY + dt.timedelta(days=3)).isoformat()},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"email", "referral_date"}  # the form and the model rules, as on the page
    participant.refresh_from_db()
    assert participant.email == ""


def test_work_experience_rows_are_listed_for_visible_participants_and_logged(coordinator, participant) -> None:
    row = WorkExperienceFactory(participant=participant)
    WorkExperienceFactory()  # another team's participant
    client = session_client(coordinator)
    response = client.get("/api/v1/work-experience/")
    assert [r["id"] for r in response.json()["results"]] == [row.pk]
    assert _logged(coordinator, AccessAction.LIST) == [participant.pk]
    assert client.get(f"/api/v1/work-experience/{row.pk}/").status_code == 200
    assert _logged(coordinator, AccessAction.VIEW) == [participant.pk]
    assert client.post("/api/v1/work-experience/", {}).status_code == 405


def test_ranked_needs_for_a_participant(coordinator, participant) -> None:
    need = NeedFactory(start_date=TODAY, end_date=TODAY + dt.timedelta(days=60))
    response = session_client(coordinator).get(f"/api/v1/participants/{participant.pk}/needs/")
    assert response.status_code == 200
    first = response.json()[0]
    assert first["need"]["id"] == need.pk
    assert {c["criterion"] for c in first["contributions"]} >= {"experience", "swedish_margin"}
    assert first["score"] == pytest.approx(sum(c["points"] for c in first["contributions"]), abs=0.01)


def test_messages_follow_the_language_cookie(coordinator) -> None:
    client = session_client(coordinator)
    client.cookies["django_language"] = "en"
    response = client.post("/api/v1/participants/", {"first_name": "A"}, format="json")
    assert response.json()["last_name"] == ["This field is required."]


def test_the_list_filters_by_occupation_language_licence_and_district(coordinator) -> None:
    district, arabic = DistrictFactory(name="Jönköping"), LanguageFactory(code="ar")
    wanted = ParticipantFactory(
        team=coordinator.team, coordinator=coordinator, has_driving_licence=True, home_district=district
    )
    wanted.languages.set([arabic])
    WorkExperienceFactory(participant=wanted, occupation=OccupationFactory(code="5321"))
    other = ParticipantFactory(team=coordinator.team, coordinator=coordinator, has_driving_licence=True)
    WorkExperienceFactory(participant=other, occupation=OccupationFactory(code="5120"))
    client = session_client(coordinator)
    query = {"occupation": "532", "occupation_in": "experience", "language": arabic.pk, "driving_licence": "yes"}
    response = client.get("/api/v1/participants/", {**query, "home_district": district.pk})
    assert [row["id"] for row in response.json()["results"]] == [wanted.pk]
    assert client.get("/api/v1/participants/", {"occupation": "5"}).status_code == 400  # a major group is no choice
