"""The municipality-wide identity-number lookup and break-glass access: both logged, neither reaching
another municipality's register."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import AccessAction, AccessLogEntry, BreakGlassGrant
from accounts.services import break_glass_open
from accounts.tests.factories import (
    BreakGlassGrantFactory,
    CoordinatorFactory,
    ManagerFactory,
    MunicipalityFactory,
    TeamFactory,
)
from participants.lookup_views import break_glass_ticket
from participants.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


def test_a_lookup_finds_the_own_teams_person_and_is_logged(client: Client, coordinator) -> None:
    mine = ParticipantFactory(team=coordinator.team, coordinator=coordinator, last_name="Egen")
    client.force_login(coordinator)
    page = client.post(
        reverse("participants:lookup"), {"identity_number": mine.formatted_identity_number}
    ).content.decode()
    assert reverse("participants:detail", args=[mine.pk]) in page
    assert AccessLogEntry.objects.get().action == AccessAction.LOOKUP


def test_another_teams_person_is_named_by_team_only(client: Client, coordinator) -> None:
    theirs = ParticipantFactory(last_name="Främmandesson")
    client.force_login(coordinator)
    page = client.post(reverse("participants:lookup"), {"identity_number": theirs.identity_number}).content.decode()
    assert theirs.team.name in page and "Främmandesson" not in page
    assert client.get(reverse("participants:detail", args=[theirs.pk])).status_code == 404


def test_an_unknown_or_invalid_number(client: Client, coordinator) -> None:
    client.force_login(coordinator)
    page = client.post(reverse("participants:lookup"), {"identity_number": "19811218-9876"}).content.decode()
    assert "Ingen med det personnumret" in page
    page = client.post(reverse("participants:lookup"), {"identity_number": "19811218-9875"}).content.decode()
    assert "Kontrollsiffran (den sista siffran) stämmer inte" in page
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("19900231-9876", "Datumet 19900231 finns inte: kontrollera år, månad och dag."),
        ("19900291-9876", "Datumet 19900291 finns inte: i ett samordningsnummer är dagen födelsedagen plus 60."),
        ("1990023-9876", "Personnumret ska ha 10 eller 12 siffror, t.ex. ÅÅÅÅMMDD-NNNN."),
    ],
)
def test_the_lookup_says_what_is_wrong_with_the_number(client: Client, coordinator, typed: str, said: str) -> None:
    client.force_login(coordinator)
    page = client.post(reverse("participants:lookup"), {"identity_number": typed}).content.decode()
    assert said in page
    assert not AccessLogEntry.objects.exists()


def _hit(client: Client, person) -> str:
    """Look the person up; the break-glass ticket the hit carries."""
    page = client.post(reverse("participants:lookup"), {"identity_number": person.identity_number}).content.decode()
    found = re.search(r'name="ticket" value="([^"]+)"', page)
    assert found is not None, "the hit offers break-glass"
    return found.group(1)


def test_break_glass_opens_with_a_reason_for_a_few_hours_and_is_logged(client: Client, coordinator) -> None:
    theirs = ParticipantFactory()
    client.force_login(coordinator)
    ticket = _hit(client, theirs)
    url = reverse("participants:break_glass")
    page = client.post(url, {"ticket": ticket, "reason": "kort"})
    assert page.status_code == 200 and "minst tio tecken" in page.content.decode()  # the error by the field
    assert client.get(reverse("participants:detail", args=[theirs.pk])).status_code == 404
    response = client.post(url, {"ticket": ticket, "reason": "Deltagaren har flyttat till vårt område"})
    assert response["Location"] == reverse("participants:detail", args=[theirs.pk])
    assert client.get(response["Location"]).status_code == 200
    glass = AccessLogEntry.objects.get(action=AccessAction.BREAK_GLASS)
    assert glass.reason == "Deltagaren har flyttat till vårt område" and glass.participant_id == theirs.pk
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(hours=5)):
        client.force_login(coordinator)
        assert client.get(reverse("participants:detail", args=[theirs.pk])).status_code == 404


def test_the_own_teams_hit_offers_no_break_glass(client: Client, coordinator) -> None:
    mine = ParticipantFactory(team=coordinator.team)
    client.force_login(coordinator)
    page = client.post(reverse("participants:lookup"), {"identity_number": mine.identity_number}).content.decode()
    assert 'name="ticket"' not in page


def test_break_glass_takes_no_record_number_and_answers_alike_for_existing_and_missing(
    client: Client, coordinator
) -> None:
    theirs = ParticipantFactory()
    missing = theirs.pk + 1000
    client.force_login(coordinator)
    reason = {"reason": "Deltagaren har flyttat till vårt område"}
    answers = []
    for pk in (theirs.pk, missing):
        for url, data in (
            (f"/participants/{pk}/break-glass/", reason),  # a record number in the path
            (reverse("participants:break_glass"), {**reason, "participant": pk, "pk": pk}),
            (reverse("participants:break_glass"), {**reason, "ticket": str(pk)}),
        ):
            response = client.post(url, data)
            answers.append((url.replace(str(pk), "<pk>"), response.status_code, response.get("Location")))
    assert answers[:3] == answers[3:]  # the same answers for the existing and the missing record
    assert not BreakGlassGrant.objects.exists()
    assert not AccessLogEntry.objects.filter(action=AccessAction.BREAK_GLASS).exists()


def test_a_ticket_is_the_users_own_short_lived_and_for_a_record_still_there(client: Client, coordinator) -> None:
    theirs = ParticipantFactory()
    client.force_login(coordinator)
    ticket = _hit(client, theirs)
    reason = "Deltagaren har flyttat till vårt område"
    url = reverse("participants:break_glass")
    refused = reverse("participants:lookup")
    colleague = CoordinatorFactory(team=coordinator.team)
    other = Client()
    other.force_login(colleague)
    assert other.post(url, {"ticket": ticket, "reason": reason})["Location"] == refused  # not theirs
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(minutes=16)):
        client.force_login(coordinator)
        assert client.post(url, {"ticket": ticket, "reason": reason})["Location"] == refused  # expired
    gone = ParticipantFactory()
    gone_ticket = _hit(client, gone)
    gone.delete()
    assert client.post(url, {"ticket": gone_ticket, "reason": reason})["Location"] == refused
    assert not BreakGlassGrant.objects.exists()
    assert client.post(url, {"ticket": ticket, "reason": reason})["Location"] != refused  # still good


def test_only_coordinators_look_up_or_break_glass(client: Client) -> None:
    theirs = ParticipantFactory()
    client.force_login(ManagerFactory())
    assert client.get(reverse("participants:lookup")).status_code == 404
    assert (
        client.post(reverse("participants:break_glass"), {"ticket": str(theirs.pk), "reason": "x" * 20}).status_code
        == 404
    )


@pytest.fixture
def elsewhere():
    """A person registered in another municipality."""
    return ParticipantFactory(team=TeamFactory(municipality=MunicipalityFactory(code="0180")), last_name="Annanström")


def test_the_lookup_tells_nothing_of_another_municipalitys_register(client: Client, coordinator, elsewhere) -> None:
    client.force_login(coordinator)
    page = client.post(reverse("participants:lookup"), {"identity_number": elsewhere.identity_number}).content.decode()
    assert "Ingen med det personnumret är registrerad i kommunen." in page
    assert elsewhere.team.name not in page and "Annanström" not in page and 'name="ticket"' not in page
    assert not AccessLogEntry.objects.exists()  # nothing found, nothing opened
    assert client.get(reverse("participants:detail", args=[elsewhere.pk])).status_code == 404


def test_break_glass_stays_within_the_municipality(client: Client, coordinator, elsewhere) -> None:
    """Not even a ticket signed for the person (the lookup never issues one) opens the case file."""
    client.force_login(coordinator)
    ticket = break_glass_ticket(user=coordinator, participant=elsewhere)
    response = client.post(
        reverse("participants:break_glass"), {"ticket": ticket, "reason": "Deltagaren har flyttat till vårt område"}
    )
    assert response["Location"] == reverse("participants:lookup")
    assert not BreakGlassGrant.objects.exists()
    assert client.get(reverse("participants:detail", args=[elsewhere.pk])).status_code == 404


def test_the_break_glass_service_refuses_another_municipalitys_person(coordinator, elsewhere) -> None:
    with translation.override("sv"), pytest.raises(ValidationError) as excinfo:
        break_glass_open(user=coordinator, participant_id=elsewhere.pk, reason="Deltagaren har flyttat hit")
    assert excinfo.value.messages == [
        "Ett ärende i en annan kommun kan inte öppnas, inte heller med ett skäl.",
    ]
    assert not BreakGlassGrant.objects.exists()
    assert not AccessLogEntry.objects.exists()


def test_a_grant_row_for_another_municipalitys_person_opens_nothing(client: Client, coordinator, elsewhere) -> None:
    BreakGlassGrantFactory(user=coordinator, participant_id=elsewhere.pk)  # a row no service writes
    client.force_login(coordinator)
    assert client.get(reverse("participants:detail", args=[elsewhere.pk])).status_code == 404
    assert elsewhere.last_name not in client.get(reverse("participants:list")).content.decode()
