"""Placement pages: propose, and every transition through the UI, as each role."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory, ManagerFactory, SupervisorUserFactory
from participants.models import ParticipantStatus
from participants.tests.factories import ParticipantFactory
from placements.models import Outcome, Placement, PlacementStatus
from placements.services import placement_activate, placement_agree
from placements.tests.factories import PlacementFactory, with_signatures
from supervisors.tests.factories import SupervisorFactory
from workplaces.tests.factories import NeedFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


def _open_need():
    return NeedFactory(places=1, start_date=TODAY, end_date=TODAY + dt.timedelta(days=60))


def test_a_coordinator_proposes_a_placement_for_a_need(client: Client, coordinator) -> None:
    need = _open_need()
    supervisor = SupervisorFactory(workplace=need.workplace)
    participant = ParticipantFactory(team=coordinator.team, coordinator=coordinator)
    client.force_login(coordinator)
    assert client.get(reverse("placements:propose"), {"need": need.pk}).status_code == 200
    data = {
        "participant": participant.pk,
        "need": need.pk,
        "supervisor": supervisor.pk,
        "start": TODAY.isoformat(),
        "end": (TODAY + dt.timedelta(days=30)).isoformat(),
        "hours_per_day": "4.0",
    }
    response = client.post(reverse("placements:propose"), data)
    assert response.status_code == 200  # the supervisor is untrained: a warning to confirm
    assert "har ingen handledarutbildning som gäller" in response.content.decode()
    assert not Placement.objects.exists()
    response = client.post(reverse("placements:propose"), {**data, "confirm_untrained": "on"})
    placement = Placement.objects.get()
    assert response["Location"] == reverse("placements:detail", args=[placement.pk])
    assert placement.status == PlacementStatus.PROPOSED and placement.coordinator == coordinator


def test_a_proposal_ending_before_it_starts_is_refused(client: Client, coordinator) -> None:
    need = _open_need()
    participant = ParticipantFactory(team=coordinator.team, coordinator=coordinator)
    client.force_login(coordinator)
    data = {
        "participant": participant.pk,
        "need": need.pk,
        "supervisor": SupervisorFactory(workplace=need.workplace).pk,
        "start": TODAY.isoformat(),
        "end": TODAY.isoformat(),
        "hours_per_day": "4.0",
    }
    response = client.post(reverse("placements:propose"), data)
    assert response.status_code == 200
    assert "Slutdatumet måste ligga efter startdatumet" in response.content.decode()
    assert not Placement.objects.exists()


def test_another_teams_participant_cannot_be_proposed(client: Client, coordinator) -> None:
    need = _open_need()
    client.force_login(coordinator)
    data = {
        "participant": ParticipantFactory().pk,
        "need": need.pk,
        "supervisor": SupervisorFactory(workplace=need.workplace).pk,
        "start": TODAY.isoformat(),
        "end": (TODAY + dt.timedelta(days=30)).isoformat(),
        "hours_per_day": "4.0",
    }
    assert client.post(reverse("placements:propose"), data).status_code == 200
    assert not Placement.objects.exists()


def test_the_life_cycle_through_the_pages(client: Client, coordinator) -> None:
    placement = PlacementFactory(
        participant__team=coordinator.team,
        need=_open_need(),
        planned_start=TODAY,
        planned_end=TODAY + dt.timedelta(days=30),
    )
    client.force_login(coordinator)
    url = lambda action: reverse("placements:transition", args=[placement.pk, action])  # noqa: E731
    refused = client.post(url("agree"))  # not signed yet
    assert refused.status_code == 200 and "inte undertecknad" in refused.content.decode()
    with_signatures(placement)
    assert client.post(url("agree"))["Location"] == reverse("placements:detail", args=[placement.pk])
    client.post(url("activate"), {"activate-on": TODAY.isoformat()})
    client.post(url("complete"), {"complete-outcome": Outcome.STUDIES, "complete-on": TODAY.isoformat()})
    placement.refresh_from_db()
    assert (placement.status, placement.outcome) == (PlacementStatus.COMPLETED, Outcome.STUDIES)
    placement.participant.refresh_from_db()
    assert placement.participant.status == ParticipantStatus.EXITED


def test_a_refused_transition_is_explained_and_changes_nothing(client: Client, coordinator) -> None:
    placement = PlacementFactory(participant__team=coordinator.team, active=True)
    client.force_login(coordinator)
    response = client.post(reverse("placements:transition", args=[placement.pk, "agree"]))
    assert response.status_code == 200
    assert "kan inte" in response.content.decode()
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.ACTIVE


def test_ending_early_without_a_reason_shows_the_error(client: Client, coordinator) -> None:
    placement = PlacementFactory(participant__team=coordinator.team, active=True)
    client.force_login(coordinator)
    response = client.post(
        reverse("placements:transition", args=[placement.pk, "end_early"]),
        {"end_early-outcome": Outcome.UNKNOWN, "end_early-on": TODAY.isoformat(), "end_early-reason": ""},
    )
    assert response.status_code == 200
    assert 'id="error_1_id_end_early-reason"' in response.content.decode()
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.ACTIVE


def test_an_unknown_action_is_404(client: Client, coordinator) -> None:
    placement = PlacementFactory(participant__team=coordinator.team)
    client.force_login(coordinator)
    assert client.post(reverse("placements:transition", args=[placement.pk, "teleport"])).status_code == 404


@pytest.mark.parametrize(
    "make_user",
    [CoordinatorFactory, SupervisorUserFactory, ManagerFactory],
    ids=["other-team", "supervisor", "manager"],
)
def test_others_get_404(client: Client, make_user) -> None:
    placement = PlacementFactory()
    client.force_login(make_user())
    assert client.get(reverse("placements:detail", args=[placement.pk])).status_code == 404
    assert client.post(reverse("placements:transition", args=[placement.pk, "agree"])).status_code == 404
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.PROPOSED


def test_anonymous_users_are_sent_to_log_in(client: Client) -> None:
    placement = PlacementFactory()
    for url in (reverse("placements:detail", args=[placement.pk]), reverse("placements:propose")):
        assert client.get(url)["Location"].startswith(reverse("login"))


def test_choosing_a_need_offers_its_workplaces_supervisors(client: Client, coordinator) -> None:
    need = _open_need()
    here = SupervisorFactory(workplace=need.workplace, last_name="Härifrån")
    SupervisorFactory(last_name="Annanstans")
    client.force_login(coordinator)
    page = client.get(reverse("placements:supervisor_options"), {"need": need.pk}).content.decode()
    assert f'value="{here.pk}"' in page and "Härifrån" in page and "inte utbildad" in page
    assert "Annanstans" not in page
    assert client.get(reverse("placements:supervisor_options"), {"need": 987654}).status_code == 404


@pytest.mark.parametrize("value", ["²", "٣", "9" * 5000, "1e3", "-1", " 1"])
def test_an_id_parameter_that_is_not_plain_digits_is_ignored_or_404(client: Client, coordinator, value: str) -> None:
    """'²'.isdigit() is true but int('²') fails, and int() refuses 5000 digits: both were 500s."""
    client.force_login(coordinator)
    placement = PlacementFactory(active=True, participant__team=coordinator.team)
    assert client.get(reverse("placements:propose"), {"need": value, "participant": value}).status_code == 200
    assert client.get(reverse("placements:supervisor_options"), {"need": value}).status_code == 200
    assert client.post(reverse("placements:quick_propose"), {"need": value, "participant": value}).status_code == 404
    assert client.get(reverse("placements:follow_up", args=[placement.pk]), {"due": value}).status_code == 200


def test_a_proposal_is_changed_until_it_is_agreed_and_the_page_shows_the_actual_period(
    client: Client, coordinator
) -> None:
    need = _open_need()
    placement = PlacementFactory(
        participant__team=coordinator.team, need=need, planned_start=TODAY, planned_end=TODAY + dt.timedelta(days=30)
    )
    client.force_login(coordinator)
    page = client.get(reverse("placements:detail", args=[placement.pk])).content.decode()
    assert reverse("placements:proposal_change", args=[placement.pk]) in page
    url = reverse("placements:proposal_change", args=[placement.pk])
    data = {
        "participant": placement.participant_id,
        "need": need.pk,
        "supervisor": placement.supervisor_id,
        "start": TODAY.isoformat(),
        "end": (TODAY + dt.timedelta(days=20)).isoformat(),
        "hours_per_day": "3.0",
        "confirm_untrained": "on",
    }
    assert client.post(url, data)["Location"] == reverse("placements:detail", args=[placement.pk])
    placement.refresh_from_db()
    assert (placement.planned_end, placement.hours_per_day) == (TODAY + dt.timedelta(days=20), Decimal("3.0"))
    placement_agree(placement=with_signatures(placement), by=None)
    assert client.get(url).status_code == 404  # agreed: no longer changed
    placement_activate(placement=placement, by=None, on=TODAY)
    Placement.objects.filter(pk=placement.pk).update(actual_start=TODAY - dt.timedelta(days=2))
    page = client.get(reverse("placements:detail", args=[placement.pk])).content.decode()
    assert f"{TODAY - dt.timedelta(days=2):%Y-%m-%d} – {TODAY + dt.timedelta(days=20):%Y-%m-%d}" in page
