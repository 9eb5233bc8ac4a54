"""The participant form reads and shows decimals as Swedish writes them (issue 17)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory
from participants.models import Participant
from participants.tests.test_views import _valid_post

pytestmark = pytest.mark.django_db


def test_a_coordinator_registers_hours_and_years_with_a_decimal_comma(client: Client) -> None:
    coordinator = CoordinatorFactory()
    client.force_login(coordinator)
    post = _valid_post(coordinator, hours_per_day="4,5", **{"experience-0-years": "2,5"})
    response = client.post(reverse("participants:create"), post)
    assert response.status_code == 302, response.content.decode()[:2000]
    participant = Participant.objects.get()
    assert participant.hours_per_day == Decimal("4.5")
    assert participant.work_experiences.get().years == Decimal("2.5")
    page = client.get(reverse("participants:edit", args=[participant.pk])).content.decode()
    assert 'value="4,5"' in page


def test_hours_out_of_range_are_refused_with_the_limit_in_swedish(client: Client) -> None:
    coordinator = CoordinatorFactory()
    client.force_login(coordinator)
    response = client.post(reverse("participants:create"), _valid_post(coordinator, hours_per_day="0,2"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "större än eller lika med 0,5" in page
    assert "0.5" not in page
    assert not Participant.objects.exists()
