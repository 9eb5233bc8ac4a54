"""The register-wide identity-number lookup and break-glass access: both logged."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.models import AccessAction, AccessLogEntry, BreakGlassGrant
from accounts.tests.factories import CoordinatorFactory, ManagerFactory
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
