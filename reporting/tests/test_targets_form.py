"""The targets form never loses a year's targets by accident: a form sent empty changes nothing and
says why; a target goes only when its "remove" box is ticked."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import ManagerFactory
from reporting.models import Target
from reporting.tests.factories import IndicatorFactory, TargetFactory

pytestmark = pytest.mark.django_db

URL = reverse("reporting:targets") + "?year=2026"


def emptied(*indicator_ids: int) -> dict[str, str]:
    """What a browser sends for the form with every field cleared."""
    fields = ("target", "baseline", "quarter_{}_1", "quarter_{}_2", "quarter_{}_3", "quarter_{}_4")
    return {
        (f"{field}_{pk}" if "{}" not in field else field.format(pk)): "" for pk in indicator_ids for field in fields
    }


@pytest.fixture
def targets() -> list[Target]:
    return [
        TargetFactory(indicator=IndicatorFactory(code="matched-per-year"), year=2026, target_value=Decimal("100")),
        TargetFactory(indicator=IndicatorFactory(code="placements-started"), year=2026, target_value=Decimal("120")),
    ]


def test_an_empty_submit_keeps_every_target_and_says_nothing_was_saved(client: Client, targets) -> None:
    client.force_login(ManagerFactory())
    response = client.post(URL, emptied(*(t.indicator_id for t in targets)))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Inget sparades" in page and "är sparade" not in page
    assert page.count("Ange målet, eller kryssa i ”Ta bort”") == 2
    assert sorted(Target.objects.values_list("target_value", flat=True)) == [100, 120]


def test_a_target_is_removed_only_with_its_remove_box(client: Client, targets) -> None:
    matched, started = targets
    client.force_login(ManagerFactory())
    data = {
        **emptied(matched.indicator_id, started.indicator_id),
        f"target_{started.indicator_id}": "130",
        f"remove_{matched.indicator_id}": "on",
    }
    assert client.post(URL, data).status_code == 302
    assert list(Target.objects.values_list("indicator__code", "target_value")) == [("placements-started", 130)]


def test_a_year_without_targets_sent_empty_is_an_error_not_a_success(client: Client) -> None:
    indicator = IndicatorFactory(code="matched-per-year")
    client.force_login(ManagerFactory())
    response = client.post(URL, emptied(indicator.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Inget sparades: formuläret var tomt." in page and "är sparade" not in page
    assert not Target.objects.exists()


def test_the_remove_box_is_offered_only_where_a_target_exists(client: Client, targets) -> None:
    without = IndicatorFactory(code="supervisors-trained")
    client.force_login(ManagerFactory())
    page = client.get(URL).content.decode()
    assert f'name="remove_{targets[0].indicator_id}"' in page
    assert f'name="remove_{without.pk}"' not in page
