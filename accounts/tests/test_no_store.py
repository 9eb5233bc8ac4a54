"""Answers with personal data are not kept by browsers or proxies (`Cache-Control: no-store`,
`private`): every answer to a signed-in user, every API answer and the follow-up-link pages.
Static files and public pages stay cacheable."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tests.factories import CoordinatorFactory
from participants.tests.factories import ParticipantFactory
from placements.links import link_create
from placements.models import PlacementStatus
from placements.tests.factories import FollowUpFactory, PlacementFactory

pytestmark = pytest.mark.django_db


def _not_stored(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


def test_a_case_file_page_is_not_stored(client: Client) -> None:
    participant = ParticipantFactory()
    client.force_login(CoordinatorFactory(team=participant.team))
    response = client.get(reverse("participants:detail", args=[participant.pk]))
    assert response.status_code == 200 and _not_stored(response)


def test_an_api_answer_is_not_stored() -> None:
    """An integration's token is checked inside the API view, after the middleware has seen the
    request: the API's answers are marked whatever the authentication."""
    participant = ParticipantFactory()
    api = APIClient()
    api.force_authenticate(CoordinatorFactory(team=participant.team))
    response = api.get(reverse("api:participant-detail", args=[participant.pk]))
    assert response.status_code == 200 and _not_stored(response)
    refused = APIClient().get(reverse("api:participant-detail", args=[participant.pk]))
    assert refused.status_code == 401 and _not_stored(refused)


def test_the_anonymous_follow_up_link_page_is_not_stored() -> None:
    today = timezone.localdate()
    placement = PlacementFactory(
        status=PlacementStatus.ACTIVE,
        planned_start=today - dt.timedelta(days=10),
        planned_end=today + dt.timedelta(days=30),
        actual_start=today - dt.timedelta(days=10),
    )
    follow_up = FollowUpFactory(placement=placement, due_date=today, done_on=None)
    link = link_create(follow_up=follow_up)
    response = Client().get(link)
    assert response.status_code == 200 and placement.participant.first_name in response.content.decode()
    assert _not_stored(response)
    assert _not_stored(Client().get("/f/not-a-token/"))  # the problem page too


def test_static_files_and_public_pages_stay_cacheable(client: Client) -> None:
    client.force_login(CoordinatorFactory())
    static = client.get("/static/favicon.svg")
    assert static.status_code == 200 and not _not_stored(static)
    public = Client().get(reverse("accessibility"))
    assert public.status_code == 200 and not _not_stored(public)
