"""Ending a placement: the coordinator chooses the outcome, follow-ups due after the actual end are
cancelled (kept, never counted as due), and nothing offers a follow-up of a finished placement."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory, SupervisorUserFactory
from api.tests.conftest import session_client
from placements.links import link_create
from placements.models import FollowUp, Outcome, Placement, PlacementStatus
from placements.services import follow_up_log, placement_complete, placement_end_early
from placements.tests.factories import FollowUpFactory, PlacementFactory
from reporting.indicators import Period, follow_ups_on_time

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
CANCELLED = "inställd: praktikperioden slutade innan den skulle göras"
LOG_BUTTON = "Registrera en uppföljning"


def _days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


@pytest.fixture
def supervisor_user():
    return SupervisorUserFactory()


@pytest.fixture
def placement(coordinator, supervisor_user) -> Placement:
    """A running placement, planned to end in two months, with its follow-ups."""
    placement = PlacementFactory(active=True, participant__team=coordinator.team, supervisor__user=supervisor_user)
    FollowUpFactory(placement=placement, due_date=_days(-10), done_on=_days(-9))  # logged
    FollowUpFactory(placement=placement, due_date=_days(-3))  # missed
    FollowUpFactory(placement=placement, due_date=TODAY)  # due on the day it ends
    FollowUpFactory(placement=placement, due_date=_days(14))
    FollowUpFactory(placement=placement, due_date=_days(40))
    return placement


def _by_due(placement: Placement) -> dict[dt.date, FollowUp]:
    return {f.due_date: f for f in FollowUp.objects.filter(placement=placement)}


def _end(placement: Placement, *, on: dt.date = TODAY) -> None:
    placement_end_early(placement=placement, reason="Flyttar", outcome=Outcome.UNKNOWN, by=None, on=on)


# --- The outcome: the coordinator chooses it ---------------------------------------------------


def test_the_outcome_starts_blank_on_the_placement_page(client: Client, coordinator, placement) -> None:
    client.force_login(coordinator)
    page = client.get(reverse("placements:detail", args=[placement.pk])).content.decode()
    assert page.count('<option value="" selected>Välj utfall</option>') == 2  # complete and end early
    assert 'value="employment" selected' not in page


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("complete", {"complete-on": TODAY.isoformat()}),
        ("end_early", {"end_early-on": TODAY.isoformat(), "end_early-reason": "Flyttar"}),
    ],
)
def test_ending_without_choosing_the_outcome_is_refused_next_to_the_field(
    client: Client, coordinator, placement, action, data
) -> None:
    client.force_login(coordinator)
    response = client.post(reverse("placements:transition", args=[placement.pk, action]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="error_1_id_{action}-outcome"' in page
    assert "Välj utfall." in page
    placement.refresh_from_db()
    assert (placement.status, placement.outcome) == (PlacementStatus.ACTIVE, "")


@pytest.mark.parametrize(
    ("action", "data"),
    [("complete", {"on": TODAY.isoformat()}), ("end-early", {"on": TODAY.isoformat(), "reason": "Flyttar"})],
)
def test_the_api_requires_the_outcome_with_the_same_message(coordinator, placement, action, data) -> None:
    response = session_client(coordinator).post(f"/api/v1/placements/{placement.pk}/{action}/", data, format="json")
    assert response.status_code == 400
    assert response.json() == {"outcome": ["Välj utfall."]}
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.ACTIVE


# --- Follow-ups after the actual end are cancelled ---------------------------------------------


@pytest.mark.parametrize("ending", ["complete", "end_early"])
def test_ending_cancels_the_follow_ups_due_after_the_actual_end(placement, ending) -> None:
    if ending == "complete":
        placement_complete(placement=placement, outcome=Outcome.EMPLOYMENT, by=None, on=TODAY)
    else:
        _end(placement)
    follow_ups = _by_due(placement)
    assert len(follow_ups) == 5  # kept, for the history
    assert {due for due, f in follow_ups.items() if f.cancelled_on is not None} == {_days(14), _days(40)}
    assert follow_ups[_days(14)].cancelled_on == TODAY
    assert follow_ups[_days(-10)].done_on == _days(-9)


def test_the_actual_end_decides_which_are_cancelled(placement) -> None:
    _end(placement, on=_days(-5))
    cancelled = {due for due, f in _by_due(placement).items() if f.cancelled_on is not None}
    assert cancelled == {_days(-3), TODAY, _days(14), _days(40)}


def test_a_cancelled_follow_up_is_never_done_in_the_database(placement) -> None:
    _end(placement)
    cancelled = FollowUp.objects.filter(placement=placement, cancelled_on__isnull=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        cancelled.update(done_on=TODAY)


def test_follow_up_log_refuses_a_cancelled_follow_up(placement) -> None:
    _end(placement)
    cancelled = _by_due(placement)[_days(14)]
    with pytest.raises(ValidationError) as refused:
        follow_up_log(placement=placement, follow_up=cancelled, by=None, done_on=TODAY)
    assert refused.value.code == "cancelled"
    assert refused.value.messages == [
        f"Uppföljningen är inställd: praktikperioden slutade {TODAY.isoformat()}, innan den skulle göras."
    ]
    cancelled.refresh_from_db()
    assert cancelled.done_on is None


def test_after_the_end_only_a_follow_up_due_by_then_is_logged(placement) -> None:
    _end(placement)
    logged = follow_up_log(placement=placement, follow_up=_by_due(placement)[TODAY], by=None, done_on=TODAY)
    assert logged.done_on == TODAY
    with pytest.raises(ValidationError) as refused:
        follow_up_log(placement=placement, by=None, done_on=TODAY)
    assert refused.value.code == "placement_ended"
    assert FollowUp.objects.filter(placement=placement).count() == 5


def test_cancelled_follow_ups_are_never_counted_as_due(coordinator, placement) -> None:
    period = Period(_days(-30), _days(60), "")
    later = _days(70)
    before = follow_ups_on_time(period.on(later))
    assert (before.numerator, before.denominator) == (1, 5)
    _end(placement)
    figure = follow_ups_on_time(period.on(later))
    assert (figure.numerator, figure.denominator) == (1, 3)  # logged, missed, due on the last day
    assert set(FollowUp.objects.overdue(later).values_list("due_date", flat=True)) == {_days(-3), TODAY}
    rows = session_client(coordinator).get("/api/v1/follow-ups/", {"outstanding": "true"}).json()["results"]
    assert sorted(row["due_date"] for row in rows) == [_days(-3).isoformat(), TODAY.isoformat()]
    cancelled = session_client(coordinator).get("/api/v1/follow-ups/", {"cancelled": "true"}).json()["results"]
    assert sorted(row["cancelled_on"] for row in cancelled) == [TODAY.isoformat()] * 2


# --- Nothing offers a follow-up of a finished placement -----------------------------------------


def test_the_portal_offers_no_follow_up_once_the_placement_has_ended(
    client: Client, supervisor_user, placement
) -> None:
    client.force_login(supervisor_user)
    url = reverse("placements:portal_placement", args=[placement.pk])
    running = client.get(url).content.decode()
    assert LOG_BUTTON in running and "?due=" in running
    _end(placement)
    ended = client.get(url).content.decode()
    assert LOG_BUTTON not in ended and "?due=" not in ended
    assert ended.count(CANCELLED) == 2


def test_the_placement_page_keeps_the_cancelled_follow_ups_as_history(client: Client, coordinator, placement) -> None:
    _end(placement)
    client.force_login(coordinator)
    page = client.get(reverse("placements:detail", args=[placement.pk])).content.decode()
    assert page.count(CANCELLED) == 2
    assert page.count("inte gjord") == 2
    assert LOG_BUTTON not in page


def test_the_follow_up_form_says_why_before_anything_is_typed(client: Client, supervisor_user, placement) -> None:
    _end(placement)
    cancelled = _by_due(placement)[_days(14)]
    client.force_login(supervisor_user)
    url = reverse("placements:follow_up", args=[placement.pk])
    page = client.get(url, {"due": cancelled.pk}).content.decode()
    assert "Uppföljningen är inställd: praktikperioden slutade" in page
    assert 'class="follow-up-form"' not in page
    response = client.post(url, {"due": str(cancelled.pk), "done_on": TODAY.isoformat()})
    assert response.status_code == 200 and "Uppföljningen är inställd" in response.content.decode()
    new = client.get(url).content.decode()
    assert "Praktikperioden har avslutats: inga nya uppföljningar registreras för den." in new
    assert not FollowUp.objects.filter(placement=placement, done_on=TODAY).exists()


def test_a_personal_link_to_a_cancelled_follow_up_says_it_is_no_longer_needed(client: Client, placement) -> None:
    path = link_create(follow_up=_by_due(placement)[_days(14)])
    assert client.get(path).status_code == 200
    _end(placement)
    response = client.get(path)
    assert response.status_code == 410
    assert "Uppföljningen behövs inte längre" in response.content.decode()


def test_the_api_refuses_to_log_a_cancelled_or_a_new_follow_up_after_the_end(supervisor_user, placement) -> None:
    _end(placement)
    client = session_client(supervisor_user)
    cancelled = _by_due(placement)[_days(14)]
    data = {"placement": placement.pk, "done_on": TODAY.isoformat()}
    response = client.post("/api/v1/follow-ups/", {**data, "due": cancelled.pk}, format="json")
    assert response.status_code == 400
    assert "Uppföljningen är inställd" in response.json()["non_field_errors"][0]
    response = client.post("/api/v1/follow-ups/", data, format="json")
    assert response.status_code == 400
    assert "inga nya uppföljningar" in response.json()["non_field_errors"][0]
    assert FollowUp.objects.filter(placement=placement).count() == 5
