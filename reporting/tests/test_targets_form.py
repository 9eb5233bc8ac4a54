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


@pytest.fixture
def quarter_targets(targets) -> list[Target]:
    return [
        TargetFactory(indicator=targets[0].indicator, year=2026, quarter=1, target_value=Decimal("20")),
        TargetFactory(indicator=targets[1].indicator, year=2026, quarter=4, target_value=Decimal("35")),
    ]


def _all_targets() -> list[tuple[str, int | None, Decimal]]:
    return sorted(Target.objects.values_list("indicator__code", "quarter", "target_value"), key=str)


@pytest.mark.parametrize("post", ["nothing at all", "every field cleared"])
def test_an_entirely_empty_post_keeps_the_year_and_quarter_targets_and_reports_an_error(
    client: Client, targets, quarter_targets, post: str
) -> None:
    before = _all_targets()
    client.force_login(ManagerFactory())
    data = {} if post == "nothing at all" else emptied(*(t.indicator_id for t in targets))
    response = client.post(URL, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Inget sparades" in page and "är sparade" not in page
    assert _all_targets() == before and len(before) == 4


def test_a_manager_sets_targets_for_quarters_besides_the_year(client: Client, targets) -> None:
    matched, started = targets
    client.force_login(ManagerFactory())
    data = {
        f"target_{matched.indicator_id}": "100",
        f"target_{started.indicator_id}": "120",
        f"quarter_{matched.indicator_id}_2": "30",
        f"quarter_{started.indicator_id}_4": "40.5",
    }
    assert client.post(URL, data).status_code == 302
    assert _all_targets() == sorted(
        [
            ("matched-per-year", None, 100),
            ("matched-per-year", 2, 30),
            ("placements-started", None, 120),
            ("placements-started", 4, Decimal("40.5")),
        ],
        key=str,
    )
    page = client.get(URL).content.decode()
    assert f'name="quarter_{matched.indicator_id}_2"' in page and 'value="30' in page


def test_a_quarter_target_is_removed_only_with_the_rows_remove_box(client: Client, targets, quarter_targets) -> None:
    matched, started = targets
    client.force_login(ManagerFactory())
    kept = {f"target_{matched.indicator_id}": "100", f"target_{started.indicator_id}": "120"}
    cleared = {**kept, f"quarter_{started.indicator_id}_4": ""}  # Q4's 35 emptied, Q1's 20 not sent
    response = client.post(URL, cleared)
    assert response.status_code == 200 and "Inget sparades" in response.content.decode()
    assert len(_all_targets()) == 4
    data = {**cleared, f"quarter_{matched.indicator_id}_1": "20", f"remove_{started.indicator_id}": "on"}
    assert client.post(URL, data).status_code == 302
    assert _all_targets() == sorted(
        [("matched-per-year", None, 100), ("matched-per-year", 1, 20), ("placements-started", None, 120)], key=str
    )


def test_a_share_target_for_a_quarter_cannot_exceed_100(client: Client) -> None:
    from reporting.models import Indicator

    share = IndicatorFactory(code="completed-work-or-studies-share", unit=Indicator.Unit.PERCENT)
    client.force_login(ManagerFactory())
    response = client.post(URL, {f"target_{share.pk}": "50", f"quarter_{share.pk}_3": "140"})
    assert response.status_code == 200 and not Target.objects.exists()
