"""A supervisor's room is room in a period: the selectors, quick propose, the supervisor select,
the ranking's supervisor term and the allocation's capacity all judge the load in the period."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory
from participants.tests.factories import ParticipantFactory
from placements.matching import supervisor_terms
from placements.matching.allocation import build_problem, open_needs_with_room
from placements.matching.features import load_features
from placements.models import Placement, PlacementStatus
from placements.selectors import SupervisorRoom, best_supervisor, supervisor_room_for_needs, supervisors_with_room
from placements.tests.factories import PlacementFactory
from supervisors.models import Supervisor
from supervisors.selectors import with_training_through
from supervisors.tests.factories import EnrolmentFactory, SupervisorFactory
from workplaces.models import Need
from workplaces.tests.factories import NeedFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
DAY = dt.timedelta(days=1)


def _trained(supervisor: Supervisor) -> Supervisor:
    EnrolmentFactory(completed=True, supervisor=supervisor)
    return supervisor


def _agreed(supervisor: Supervisor, start: dt.date, end: dt.date) -> Placement:
    return PlacementFactory(
        supervisor=supervisor,
        need__workplace=supervisor.workplace,
        planned_start=start,
        planned_end=end,
        status=PlacementStatus.AGREED,
    )


@pytest.fixture
def busy_until():
    """A one-slot trained supervisor with two consecutive agreed placements; the day the second ends."""
    supervisor = _trained(SupervisorFactory(max_participants=1, last_name="Enplatsson"))
    _agreed(supervisor, TODAY, TODAY + 30 * DAY)
    _agreed(supervisor, TODAY + 31 * DAY, TODAY + 60 * DAY)
    return supervisor, TODAY + 60 * DAY


def test_a_one_slot_supervisor_has_room_after_two_consecutive_placements(busy_until) -> None:
    supervisor, last = busy_until
    after = (last + DAY, last + 90 * DAY)
    assert supervisors_with_room(workplace_id=supervisor.workplace_id, start=after[0], end=after[1]) == [supervisor]
    assert supervisors_with_room(workplace_id=supervisor.workplace_id, start=TODAY + 20 * DAY, end=after[1]) == []
    found: Any = supervisors_with_room(workplace_id=supervisor.workplace_id, start=after[0], end=after[1])[0]
    assert (found.load, found.room, found.trained_until is not None) == (0, 1, True)


def test_best_supervisor_prefers_the_trained_then_the_one_with_most_room_in_the_period(busy_until) -> None:
    supervisor, last = busy_until
    need = NeedFactory(workplace=supervisor.workplace, start_date=last + DAY, end_date=last + 90 * DAY)
    untrained = SupervisorFactory(workplace=need.workplace, max_participants=5)
    assert best_supervisor(need=need, start=need.start_date, end=need.end_date) == supervisor
    roomier = _trained(SupervisorFactory(workplace=need.workplace, max_participants=3))
    assert best_supervisor(need=need, start=need.start_date, end=need.end_date) == roomier
    # In the busy month the one-slot supervisor is full, and the trained one with room wins.
    assert best_supervisor(need=need, start=TODAY, end=TODAY + 10 * DAY) == roomier
    roomier.delete()
    assert best_supervisor(need=need, start=TODAY, end=TODAY + 10 * DAY) == untrained


def test_quick_propose_finds_the_one_slot_supervisor_for_a_third_placement_after_both(
    client: Client, busy_until
) -> None:
    supervisor, last = busy_until
    coordinator = CoordinatorFactory()
    need = NeedFactory(workplace=supervisor.workplace, start_date=last + DAY, end_date=last + 80 * DAY)
    person = ParticipantFactory(team=coordinator.team, coordinator=coordinator)
    client.force_login(coordinator)
    response = client.post(reverse("placements:quick_propose"), {"need": need.pk, "participant": person.pk})
    placement = Placement.objects.get(participant=person)
    assert response["Location"] == reverse("placements:detail", args=[placement.pk])
    assert placement.supervisor == supervisor
    assert (placement.planned_start, placement.planned_end) == (need.start_date, need.end_date)


def test_quick_propose_in_the_busy_period_finds_no_room(client: Client, busy_until) -> None:
    supervisor, _last = busy_until
    coordinator = CoordinatorFactory()
    need = NeedFactory(workplace=supervisor.workplace, start_date=TODAY + 10 * DAY, end_date=TODAY + 40 * DAY)
    person = ParticipantFactory(team=coordinator.team, coordinator=coordinator)
    client.force_login(coordinator)
    response = client.post(
        reverse("placements:quick_propose"), {"need": need.pk, "participant": person.pk}, follow=True
    )
    assert "ingen handledare med plats" in response.content.decode()
    assert not Placement.objects.filter(participant=person).exists()


def test_a_training_that_runs_out_within_the_period_does_not_count_as_trained(client: Client) -> None:
    supervisor = SupervisorFactory()
    EnrolmentFactory(supervisor=supervisor, attended=True, completed_on=TODAY - 300 * DAY, valid_until=TODAY + 30 * DAY)
    rows = Supervisor.objects.filter(pk=supervisor.pk)

    def trained_until(start: dt.date, end: dt.date) -> Any:
        row: Any = with_training_through(rows, start=start, end=end).get()  # annotated
        return row.trained_until

    assert trained_until(TODAY, TODAY + 30 * DAY) == TODAY + 30 * DAY
    assert trained_until(TODAY, TODAY + 31 * DAY) is None
    # A training completed after the period starts does not cover it either.
    assert trained_until(TODAY - 301 * DAY, TODAY) is None
    coordinator = CoordinatorFactory()
    need = NeedFactory(workplace=supervisor.workplace, start_date=TODAY + 7 * DAY, end_date=TODAY + 60 * DAY)
    person = ParticipantFactory(team=coordinator.team, coordinator=coordinator)
    client.force_login(coordinator)
    response = client.post(reverse("placements:quick_propose"), {"need": need.pk, "participant": person.pk})
    assert response.status_code == 200  # the dialog asks to confirm the untrained supervisor
    assert "confirm_untrained" in response.context["form"].errors
    assert not Placement.objects.exists()


def test_each_need_is_judged_in_its_own_period_in_one_query(busy_until, django_assert_num_queries) -> None:
    supervisor, last = busy_until
    untrained = SupervisorFactory(workplace=supervisor.workplace, max_participants=2)
    _agreed(untrained, TODAY, TODAY + 90 * DAY)
    after = NeedFactory(workplace=supervisor.workplace, start_date=last + DAY, end_date=last + 30 * DAY)
    during = NeedFactory(workplace=supervisor.workplace, start_date=TODAY + 10 * DAY, end_date=TODAY + 20 * DAY)
    nobody = NeedFactory()
    begun = NeedFactory(workplace=supervisor.workplace, start_date=TODAY - 30 * DAY, end_date=TODAY + 5 * DAY)
    with django_assert_num_queries(1):
        rooms = supervisor_room_for_needs(need_ids=[after.pk, during.pk, nobody.pk, begun.pk], today=TODAY)
    assert rooms[after.pk] == SupervisorRoom(room=2, trained_room=1)  # both free after the consecutive two
    assert rooms[during.pk] == SupervisorRoom(room=1, trained_room=0)  # the trained one is full then
    assert rooms[nobody.pk] == SupervisorRoom(room=0, trained_room=0)
    # A need that has begun is judged from today: the one-slot supervisor's first placement holds it.
    assert rooms[begun.pk] == SupervisorRoom(room=1, trained_room=0)
    assert supervisor_terms([after, during, nobody], TODAY) == {after.pk: 1.0, during.pk: 0.5, nobody.pk: 0.0}


def test_the_ranking_counts_a_supervisor_with_room_in_the_needs_period(busy_until) -> None:
    supervisor, last = busy_until
    later = NeedFactory(workplace=supervisor.workplace, start_date=last + DAY, end_date=last + 60 * DAY)
    now = NeedFactory(workplace=supervisor.workplace, start_date=TODAY, end_date=TODAY + 20 * DAY)
    assert supervisor_terms([later], TODAY) == {later.pk: 1.0}
    assert supervisor_terms([now], TODAY) == {now.pk: 0.0}


def test_the_allocation_offers_the_supervisors_room_in_the_needs_period(busy_until) -> None:
    supervisor, last = busy_until
    later = NeedFactory(workplace=supervisor.workplace, start_date=last + DAY, end_date=last + 60 * DAY, places=2)
    user = CoordinatorFactory()
    needs = list(open_needs_with_room(user=user, today=TODAY).filter(pk=later.pk))
    problem = build_problem(load_features(), needs, TODAY)
    assert (problem.group_capacity.tolist(), problem.need_places.tolist()) == ([1.0], [1.0])
    # With a need in the busy month beside it, that need gets no place and the later one keeps its one.
    busy = NeedFactory(workplace=supervisor.workplace, start_date=TODAY + 10 * DAY, end_date=TODAY + 20 * DAY)
    needs = list(open_needs_with_room(user=user, today=TODAY).filter(pk__in=[later.pk, busy.pk]).order_by("pk"))
    problem = build_problem(load_features(), needs, TODAY)
    assert (problem.group_capacity.tolist(), problem.need_places.tolist()) == ([1.0], [1.0, 0.0])
    Need.objects.filter(pk=later.pk).update(start_date=TODAY + 40 * DAY)
    needs = list(open_needs_with_room(user=user, today=TODAY).filter(pk=later.pk))
    assert build_problem(load_features(), needs, TODAY).group_capacity.tolist() == [0.0]


def test_the_supervisor_select_shows_training_and_load_in_the_period(client: Client, busy_until) -> None:
    supervisor, last = busy_until
    need = NeedFactory(workplace=supervisor.workplace, start_date=TODAY + 7 * DAY, end_date=TODAY + 40 * DAY)
    untrained = SupervisorFactory(workplace=need.workplace, max_participants=3, last_name="Otränadsson")
    _agreed(untrained, TODAY + 7 * DAY, TODAY + 40 * DAY)
    client.force_login(CoordinatorFactory())
    url = reverse("placements:supervisor_options")
    page = client.get(url, {"need": need.pk}).content.decode()
    until = supervisor.enrolments.get().valid_until.isoformat()
    assert f"{supervisor.full_name} · utbildad till och med {until} · 1 av 1</option>" in page
    assert f"{untrained.full_name} · inte utbildad under hela perioden · 1 av 3</option>" in page
    # The form's own period, when sent, decides: after both placements the one-slot supervisor is free.
    later = {"need": need.pk, "start": (last + DAY).isoformat(), "end": (last + 30 * DAY).isoformat()}
    assert (
        f"{supervisor.full_name} · utbildad till och med {until} · 0 av 1</option>"
        in client.get(url, later).content.decode()
    )
    for odd in ("", "yesterday", "2026-02-30", "9" * 5000):
        assert client.get(url, {"need": need.pk, "start": odd, "end": odd}).status_code == 200


def test_the_supervisor_select_keeps_its_number_of_queries(client: Client, django_assert_max_num_queries) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    need = NeedFactory(start_date=TODAY + 7 * DAY, end_date=TODAY + 40 * DAY)

    def add(n: int) -> None:
        for _ in range(n):
            supervisor = _trained(SupervisorFactory(workplace=need.workplace, max_participants=3))
            _agreed(supervisor, TODAY, TODAY + 20 * DAY)

    client.force_login(CoordinatorFactory())
    url = reverse("placements:supervisor_options")
    add(2)
    client.get(url, {"need": need.pk})
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"need": need.pk})
    add(15)
    with django_assert_max_num_queries(len(few)):
        page = client.get(url, {"need": need.pk}).content.decode()
    assert page.count("· 1 av 3</option>") == 17
