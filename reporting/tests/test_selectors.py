"""The manager's key figures count their own municipality only."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.tests.factories import ManagerFactory, MunicipalityFactory, TeamFactory, UserFactory
from participants.models import Participant
from placements.tests.factories import PlacementFactory
from reporting.selectors import manager_overview

pytestmark = pytest.mark.django_db


def test_a_managers_key_figures_count_the_own_municipality_only() -> None:
    other = MunicipalityFactory(code="0180")
    PlacementFactory.create_batch(6, active=True)
    PlacementFactory.create_batch(7, active=True, participant__team=TeamFactory(municipality=other))
    today = dt.date.today()
    ours = ManagerFactory()
    assert manager_overview(user=ours, today=today).active == 6
    assert manager_overview(user=ManagerFactory(municipality=other), today=today).active == 7
    assert manager_overview(user=UserFactory(is_superuser=True), today=today).active == 13
    # Without a municipality, nothing at all.
    assert manager_overview(user=ManagerFactory(municipality=None), today=today).active == 0
    # And a manager lists no one's case file, of either municipality.
    assert not Participant.objects.visible_to(ours).exists()
