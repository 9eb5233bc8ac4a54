"""The coordinator changes a participant's status on the case-file page, with the service's rules."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given

from accounts.models import AccessAction, AccessLogEntry
from accounts.tests.factories import CoordinatorFactory, ManagerFactory, SupervisorUserFactory
from participants.models import ParticipantStatus, StatusChange
from participants.tests.factories import ParticipantFactory
from tests.hostile_values import fuzz, hostile_data, post_hostile

pytestmark = pytest.mark.django_db


def _url(participant) -> str:
    return reverse("participants:status", args=[participant.pk])


def test_the_coordinator_marks_a_referred_participant_as_mapped(client: Client) -> None:
    participant = ParticipantFactory(status=ParticipantStatus.REFERRED)
    coordinator = CoordinatorFactory(team=participant.team)
    client.force_login(coordinator)
    page = client.get(reverse("participants:detail", args=[participant.pk])).content.decode()
    assert 'value="mapped"' in page and 'value="placed"' not in page  # a placement sets "placed"

    response = client.post(_url(participant), {"to_status": ParticipantStatus.MAPPED, "note": "Kartlagd"})
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.MAPPED
    step = StatusChange.objects.get(participant=participant)
    assert (step.from_status, step.to_status, step.changed_by, step.note) == (
        ParticipantStatus.REFERRED,
        ParticipantStatus.MAPPED,
        coordinator,
        "Kartlagd",
    )
    entry = AccessLogEntry.objects.get(participant_id=participant.pk, action=AccessAction.CHANGE)
    assert entry.fields == ["status"]


@pytest.mark.parametrize("to_status", [ParticipantStatus.PLACED, ParticipantStatus.REFERRED, "nonsense", ""])
def test_a_change_the_rules_do_not_allow_is_refused_next_to_the_field(client: Client, to_status: str) -> None:
    participant = ParticipantFactory(status=ParticipantStatus.REFERRED)
    client.force_login(CoordinatorFactory(team=participant.team))
    response = client.post(_url(participant), {"to_status": to_status})
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.REFERRED
    assert not StatusChange.objects.exists()
    # The page shown again is a view of the case file, logged once.
    assert list(AccessLogEntry.objects.values_list("participant_id", "action")) == [(participant.pk, AccessAction.VIEW)]


@pytest.mark.parametrize("make_user", [CoordinatorFactory, SupervisorUserFactory, ManagerFactory])
def test_outsiders_get_404_and_change_nothing(client: Client, make_user) -> None:
    participant = ParticipantFactory(status=ParticipantStatus.REFERRED)
    client.force_login(make_user())
    assert client.post(_url(participant), {"to_status": ParticipantStatus.MAPPED}).status_code == 404
    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.REFERRED


def test_only_post_is_accepted(client: Client) -> None:
    participant = ParticipantFactory()
    client.force_login(CoordinatorFactory(team=participant.team))
    assert client.get(_url(participant)).status_code == 405


@fuzz()
@given(post=hostile_data(["to_status", "note"]))
def test_hostile_input_never_fails_and_changes_only_by_the_rules(post: dict) -> None:
    participant = ParticipantFactory(status=ParticipantStatus.REFERRED)
    client = Client()
    client.force_login(CoordinatorFactory(team=participant.team))
    response = post_hostile(
        client,
        _url(participant),
        post,
        may_write=["accounts.AccessLogEntry"],
    )
    participant.refresh_from_db()
    if response.status_code == 302:
        assert participant.status == post["to_status"] and participant.status != ParticipantStatus.PLACED
        assert StatusChange.objects.get(participant=participant).note == post.get("note", "")
    else:
        assert participant.status == ParticipantStatus.REFERRED
        assert not StatusChange.objects.filter(participant=participant).exists()
