"""The fairness view's figures: groups by gender, age band and referral source, small numbers withheld."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory, ManagerFactory
from participants.identity import make_test_identity_number
from participants.models import Gender, ParticipantStatus, ReferralSource
from participants.tests.factories import ParticipantFactory
from placements.models import PlacementStatus
from placements.tests.factories import PlacementFactory
from reporting.disclosure import protect_fairness
from reporting.fairness import COUNTS, fairness

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 22)


def _person(birth_year: int, serial: int, **fields):
    number = make_test_identity_number(dt.date(birth_year, 3, 1 + serial % 28), 980 + serial % 20)
    return ParticipantFactory(identity_number=number, **fields)


def test_groups_are_counted_and_small_ones_withheld() -> None:
    for n in range(6):
        _person(1996, n, gender=Gender.FEMALE, status=ParticipantStatus.MAPPED)  # aged 30
    for n in range(6, 12):
        person = _person(1966, n, gender=Gender.MALE, referral_source=ReferralSource.SOCIAL_SERVICES)  # aged 60
        PlacementFactory(
            participant=person,
            status=PlacementStatus.ACTIVE,
            planned_start=dt.date(2026, 9, 1),
            planned_end=dt.date(2026, 12, 1),
            actual_start=dt.date(2026, 9, 1),
        )
    _person(2004, 13, gender=Gender.OTHER, status=ParticipantStatus.MAPPED)  # one person: withheld
    raw = fairness(year=2026, today=TODAY)  # raw counts; the view shows them through protect_fairness
    gender = {row["group"]: row for row in raw["gender"]}
    assert gender["female"]["waiting"] == 6 and gender["female"]["started"] == 0
    assert gender["male"]["started"] == 6 and gender["male"]["proposed"] == 6
    assert gender["other"]["waiting"] == 1
    ages = {row["group"]: row for row in raw["age_band"]}
    assert ages["25–34"]["waiting"] == 6 and ages["55–"]["started"] == 6
    sources = {row["group"]: row for row in raw["referral_source"]}
    assert sources["social_services"]["started"] == 6
    shown = {row["group"]: row for row in protect_fairness(raw, columns=COUNTS)["gender"]}
    # The one person is withheld, and so is the only other waiting count: 7 waiting is known elsewhere.
    assert shown["other"]["waiting"] is None and shown["female"]["waiting"] is None
    # The 0s beside it are withheld too (the one person got no proposal), and 6 = 0 + ? + 0 is broken.
    assert shown["other"]["started"] is None and shown["male"]["started"] is None


def test_the_page_is_for_managers(client: Client) -> None:
    client.force_login(ManagerFactory())
    page = client.get(reverse("reporting:fairness")).content.decode()
    assert "Rättvisa" in page and "Ålder" in page
    client.force_login(CoordinatorFactory())
    assert client.get(reverse("reporting:fairness")).status_code == 404
