"""The register extract (GDPR art. 15): everything stored about one person, as JSON and PDF, for the
person's own team's coordinator and administrators only, logged as an export."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AccessAction, AccessLogEntry
from accounts.tests.factories import (
    AccessLogEntryFactory,
    BreakGlassGrantFactory,
    CoordinatorFactory,
    ManagerFactory,
    MunicipalityFactory,
    SupervisorUserFactory,
    TeamFactory,
    UserFactory,
)
from participants.models import Participant
from participants.tests.factories import ParticipantFactory, ReferralImportFactory
from placements.tests.factories import PlacementFactory
from privacy.extract import register_extract
from privacy.tests.cases import full_case_file
from privacy.tests.factories import AdministratorFactory
from supervisors.tests.factories import SupervisorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person() -> Participant:
    return full_case_file(0, exited=False)


def _sections(data: dict[str, object]) -> dict[str, list[dict[str, str]]]:
    return {s["key"]: s["rows"] for s in data["sections"]}  # type: ignore[attr-defined]  # the extract is JSON-shaped (dict[str, object])


def _post(client: Client, person: Participant, kind: str = "json"):
    return client.post(reverse("privacy:extract", args=[person.pk]), {"format": kind})


def test_the_extract_holds_everything_stored_about_the_person(person: Participant) -> None:
    AccessLogEntryFactory(participant_id=person.pk, action=AccessAction.VIEW, username="koordinator7")
    header = "personnummer;förnamn;efternamn;målgrupp;anvisad av;anvisningsdatum"
    line = f"{person.identity_number};{person.first_name};{person.last_name};ung;Arbetsförmedlingen;2026-01-05"
    ReferralImportFactory(filename="vecka2.csv", content=f"{header}\n{line}\n".encode())
    ReferralImportFactory(filename="annan.csv", content=f"{header}\n".encode())

    data = register_extract(participant=person, by=AdministratorFactory())
    text = json.dumps(data, ensure_ascii=False)
    sections = _sections(data)

    profile = sections["profile"][0]
    assert profile["Förnamn"] == person.first_name and profile["Efternamn"] == person.last_name
    assert profile["Personnummer"] == person.formatted_identity_number
    assert profile["E-post"] == person.email
    for key in (
        "work_experience",
        "status_history",
        "records_checks",
        "prerequisites",
        "placements",
        "follow_ups",
        "acknowledgements",
        "later_outcomes",
    ):
        assert len(sections[key]) == 1, key
    assert len(sections["interests"]) == 0
    (held,) = sections["prerequisites"]
    assert held["Förutsättning"] == "Vaccination" and held["Giltig till"] == ""
    for content in ("Undersköterska i Aleppo", "Flyttar till sin syster", "Dukade i matsalen", "Mycket noggrann"):
        assert content in text
    assert [row["Filnamn"] for row in sections["referral_uploads"]] == ["vecka2.csv"]
    assert [row["Användarnamn"] for row in sections["access_log"]] == ["koordinator7"]


def test_the_extract_lists_only_its_municipalitys_uploads_of_the_number(person: Participant) -> None:
    """Identity numbers are unique per municipality: another municipality's list naming the same
    number is that municipality's register (there it may be its own case file of the person)."""
    header = "personnummer;förnamn;efternamn;målgrupp;anvisad av;anvisningsdatum"
    line = f"{person.identity_number};{person.first_name};{person.last_name};ung;Arbetsförmedlingen;2026-01-05"
    elsewhere = CoordinatorFactory(team=TeamFactory(municipality=MunicipalityFactory(code="0180")))
    ReferralImportFactory(created_by=elsewhere, filename="solna.csv", content=f"{header}\n{line}\n".encode())
    ReferralImportFactory(filename="egen.csv", content=f"{header}\n{line}\n".encode())
    sections = _sections(register_extract(participant=person, by=AdministratorFactory()))
    assert [row["Filnamn"] for row in sections["referral_uploads"]] == ["egen.csv"]


@pytest.mark.parametrize("kind", ["json", "pdf"])
def test_the_coordinator_of_the_team_downloads_it_and_it_is_logged(
    client: Client, person: Participant, kind: str
) -> None:
    coordinator = person.coordinator
    client.force_login(coordinator)
    before = AccessLogEntry.objects.count()

    response = _post(client, person, kind)

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="registerutdrag-{person.pk}.{kind}"'
    assert {"no-store", "private"} <= {part.strip() for part in response["Cache-Control"].split(",")}
    if kind == "json":
        assert json.loads(response.content)["name"] == person.full_name
    else:
        assert response.content.startswith(b"%PDF")
    entries = AccessLogEntry.objects.order_by("-pk")[: AccessLogEntry.objects.count() - before]
    assert [(e.participant_id, e.action, e.username) for e in entries] == [
        (person.pk, AccessAction.EXPORT, coordinator.username)
    ]


def test_an_administrator_downloads_anyones_extract(client: Client, person: Participant) -> None:
    client.force_login(AdministratorFactory())
    assert _post(client, person).status_code == 200


def _supervisor_of(person: Participant):
    user = SupervisorUserFactory()
    PlacementFactory(participant=person, supervisor=SupervisorFactory(user=user), active=True)
    return user


@pytest.mark.parametrize(
    "make_user",
    [
        lambda person: CoordinatorFactory(),
        lambda person: BreakGlassGrantFactory(user=CoordinatorFactory(), participant_id=person.pk).user,
        _supervisor_of,
        lambda person: ManagerFactory(),
    ],
    ids=["other-team", "break-glass", "supervisor", "manager"],
)
def test_others_get_404_and_nothing_is_logged(client: Client, person: Participant, make_user) -> None:
    client.force_login(make_user(person))
    before = AccessLogEntry.objects.count()
    assert _post(client, person).status_code == 404
    assert AccessLogEntry.objects.count() == before


def test_anonymous_users_are_sent_to_log_in(client: Client, person: Participant) -> None:
    response = _post(client, person)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_it_is_made_by_post_only_and_a_bad_format_is_refused(client: Client, person: Participant) -> None:
    client.force_login(person.coordinator)
    assert client.get(reverse("privacy:extract", args=[person.pk])).status_code == 405
    assert _post(client, person, "docx").status_code == 400


def test_the_participant_page_offers_it_to_the_own_team_only(client: Client, person: Participant) -> None:
    url = reverse("privacy:extract", args=[person.pk])
    client.force_login(person.coordinator)
    assert url in client.get(reverse("participants:detail", args=[person.pk])).content.decode()
    outsider = BreakGlassGrantFactory(user=CoordinatorFactory(), participant_id=person.pk).user
    client.force_login(outsider)
    page = client.get(reverse("participants:detail", args=[person.pk]))
    assert page.status_code == 200 and url not in page.content.decode()


def test_administrators_find_the_person_by_a_posted_identity_number(client: Client, person: Participant) -> None:
    admin = AdministratorFactory()
    client.force_login(admin)
    assert client.get(reverse("privacy:requests")).status_code == 200
    response = client.post(reverse("privacy:requests"), {"identity_number": person.identity_number})
    assert response.status_code == 200 and response.context["found"] == [person]
    assert AccessLogEntry.objects.filter(participant_id=person.pk, action=AccessAction.LOOKUP, user=admin).count() == 1
    other = client.post(reverse("privacy:requests"), {"identity_number": ParticipantFactory.build().identity_number})
    assert other.context["found"] == []


def test_a_superuser_finds_the_persons_case_file_in_each_municipality(client: Client, person: Participant) -> None:
    """An identity number is unique within a municipality only: the same person registered in two
    municipalities is two case files, and the request page shows both, each with its municipality."""
    second = MunicipalityFactory(code="0180", name="Andra kommunen")
    elsewhere = ParticipantFactory(team=TeamFactory(municipality=second), identity_number=person.identity_number)
    superuser = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(superuser)
    response = client.post(reverse("privacy:requests"), {"identity_number": person.identity_number})
    assert response.status_code == 200
    assert {p.pk for p in response.context["found"]} == {person.pk, elsewhere.pk}
    page = response.content.decode()
    assert "Andra kommunen" in page and reverse("privacy:erase", args=[elsewhere.pk]) in page
    assert reverse("privacy:erase", args=[person.pk]) in page
    logged = AccessLogEntry.objects.filter(action=AccessAction.LOOKUP, user=superuser)
    assert set(logged.values_list("participant_id", flat=True)) == {person.pk, elsewhere.pk}


@pytest.mark.parametrize("make_user", [CoordinatorFactory, SupervisorUserFactory, ManagerFactory])
def test_only_administrators_reach_the_requests_page(client: Client, make_user) -> None:
    client.force_login(make_user())
    assert client.get(reverse("privacy:requests")).status_code == 404
    assert client.post(reverse("privacy:requests"), {"identity_number": "x"}).status_code == 404
