"""The register-wide identity-number lookup and break-glass access: both logged."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.models import AccessAction, AccessLogEntry
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
    assert "Ange ett giltigt personnummer" in page
    assert not AccessLogEntry.objects.exists()


def test_break_glass_opens_with_a_reason_for_a_few_hours_and_is_logged(client: Client, coordinator) -> None:
    theirs = ParticipantFactory()
    client.force_login(coordinator)
    url = reverse("participants:break_glass", args=[theirs.pk])
    client.post(url, {"reason": "kort"})
    assert client.get(reverse("participants:detail", args=[theirs.pk])).status_code == 404
    response = client.post(url, {"reason": "Deltagaren har flyttat till vårt område"})
    assert response["Location"] == reverse("participants:detail", args=[theirs.pk])
    assert client.get(response["Location"]).status_code == 200
    glass = AccessLogEntry.objects.get(action=AccessAction.BREAK_GLASS)
    assert glass.reason == "Deltagaren har flyttat till vårt område" and glass.participant_id == theirs.pk
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(hours=5)):
        client.force_login(coordinator)
        assert client.get(reverse("participants:detail", args=[theirs.pk])).status_code == 404


def test_only_coordinators_look_up_or_break_glass(client: Client) -> None:
    theirs = ParticipantFactory()
    client.force_login(ManagerFactory())
    assert client.get(reverse("participants:lookup")).status_code == 404
    assert client.post(reverse("participants:break_glass", args=[theirs.pk]), {"reason": "x" * 20}).status_code == 404
