"""Whom matching ranks: the user's scope read from the cached features (accounts.access.ParticipantReach),
with no query that grows with the participants, and every change of visibility seen at once."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Team, User
from accounts.tests.factories import BreakGlassGrantFactory, CoordinatorFactory, TeamFactory
from participants.models import Participant, ParticipantStatus, ReferralSource, TargetGroup
from participants.tests.factories import ParticipantFactory
from placements.matching import rank_candidates
from placements.matching.allocation import best_allocation
from placements.models import PlacementStatus
from placements.tests.factories import PlacementFactory
from privacy.services import case_files_pseudonymise
from supervisors.tests.factories import SupervisorFactory
from taxonomy.tests.factories import OccupationFactory
from workplaces.models import Need
from workplaces.tests.factories import NeedFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
PARTICIPANTS = Participant._meta.db_table


@pytest.fixture
def coordinator() -> User:
    return CoordinatorFactory()


@pytest.fixture
def need() -> Need:
    need = NeedFactory(
        occupation=OccupationFactory(code="5321"),
        start_date=TODAY + dt.timedelta(days=7),
        end_date=TODAY + dt.timedelta(days=90),
        places=2,
    )
    SupervisorFactory(workplace=need.workplace, max_participants=2)
    return need


def _add_participants(team: Team, count: int) -> None:
    """`count` waiting participants in the team, written in one statement (factories take too long)."""
    first = Participant.objects.count()
    Participant.objects.bulk_create(
        [
            Participant(
                first_name="Bulk",
                last_name=f"Person {first + i}",
                identity_number=f"{900_000_000_000 + first + i}",
                target_group=TargetGroup.YOUTH,
                referral_source=ReferralSource.EMPLOYMENT_SERVICE,
                referral_date=TODAY - dt.timedelta(days=60),
                team=team,
                municipality_id=team.municipality_id,
                status=ParticipantStatus.MAPPED,
            )
            for i in range(count)
        ],
        batch_size=2000,
    )


def _captured(call: Callable[[], Any]) -> list[str]:
    """The SQL of `call` once the features are cached (the first call after a change loads them)."""
    call()
    with CaptureQueriesContext(connection) as captured:
        call()
    return [query["sql"] for query in captured]


def _reading_participants_in_bulk(queries: list[str]) -> list[str]:
    """The queries that read the participants table other than by a list of ids (the rows shown)."""
    by_ids = re.compile(rf'"{PARTICIPANTS}"\."id" IN \(\d')
    return [sql for sql in queries if f'FROM "{PARTICIPANTS}"' in sql and not by_ids.search(sql)]


def test_a_ranking_and_an_allocation_make_the_same_queries_at_10_and_10000_participants(
    coordinator: User, need: Need
) -> None:
    """Whom the coordinator may see (the team, and a break-glass grant outside it) comes from the
    cached features: no query reads the participants beyond the rows shown, at any size."""
    outsider = ParticipantFactory()
    BreakGlassGrantFactory(user=coordinator, participant_id=outsider.pk)

    def rank() -> object:
        return rank_candidates(need=need, user=coordinator)

    def allocate() -> object:
        return best_allocation(user=coordinator)

    _add_participants(coordinator.team, 10)
    few = [_captured(rank), _captured(allocate)]
    _add_participants(coordinator.team, 9_990)
    many = [_captured(rank), _captured(allocate)]
    assert rank_candidates(need=need, user=coordinator).eligible_count == 10_001
    assert len(best_allocation(user=coordinator)) == 2
    assert [len(queries) for queries in many] == [len(queries) for queries in few]
    assert not _reading_participants_in_bulk(many[0] + many[1])


def _ranked(need: Need, user: User) -> set[int]:
    """Everyone the ranking shows, among the candidates and the excluded."""
    ranking = rank_candidates(need=need, user=user, excluded_limit=1000)
    return {c.participant.pk for c in ranking.candidates} | {e.participant.pk for e in ranking.excluded}


def test_every_change_of_visibility_reaches_the_cached_ranking(coordinator: User, need: Need) -> None:
    mine = ParticipantFactory(team=coordinator.team, coordinator=coordinator)
    leaving = ParticipantFactory(team=coordinator.team, coordinator=coordinator)
    forgotten = ParticipantFactory(team=coordinator.team, coordinator=coordinator)
    elsewhere = ParticipantFactory()
    assert _ranked(need, coordinator) == {mine.pk, leaving.pk, forgotten.pk}
    # A grant changes no participant row: it is read at ranking time, and so is its expiry.
    grant = BreakGlassGrantFactory(user=coordinator, participant_id=elsewhere.pk)
    assert _ranked(need, coordinator) == {mine.pk, leaving.pk, forgotten.pk, elsewhere.pk}
    with time_machine.travel(grant.expires_at + dt.timedelta(seconds=1), tick=False):
        assert _ranked(need, coordinator) == {mine.pk, leaving.pk, forgotten.pk}
    # Moved to another team.
    leaving.team = TeamFactory()
    leaving.save()
    assert _ranked(need, coordinator) == {mine.pk, forgotten.pk, elsewhere.pk}
    # Pseudonymised by retention or an erasure request.
    case_files_pseudonymise(participant_ids=[forgotten.pk], now=timezone.now())
    assert _ranked(need, coordinator) == {mine.pk, elsewhere.pk}


def test_a_change_the_cached_features_have_not_seen_yet_shows_no_one_outside_the_scope(
    coordinator: User, need: Need
) -> None:
    """The rows shown are fetched through the access rule too: one the cache still holds as visible
    (moved in an update that did not touch its updated_at) is left out, not shown."""
    stays = ParticipantFactory(team=coordinator.team, coordinator=coordinator)
    moved = ParticipantFactory(team=coordinator.team, coordinator=coordinator, status=ParticipantStatus.REFERRED)
    assert _ranked(need, coordinator) == {stays.pk, moved.pk}
    Participant.objects.filter(pk=moved.pk).update(team=TeamFactory())
    assert _ranked(need, coordinator) == {stays.pk}


def test_the_allocation_takes_the_waiting_people_the_user_may_see_without_a_pending_proposal(
    coordinator: User, need: Need
) -> None:
    waiting = ParticipantFactory(team=coordinator.team, coordinator=coordinator)
    proposed = ParticipantFactory(team=coordinator.team, coordinator=coordinator)
    PlacementFactory(participant=proposed, status=PlacementStatus.PROPOSED)
    ParticipantFactory(team=coordinator.team, coordinator=coordinator, status=ParticipantStatus.REFERRED)
    ParticipantFactory()  # another team
    assert {p.participant.pk for p in best_allocation(user=coordinator)} == {waiting.pk}
    # The proposal cancelled: the person is waiting again.
    placement = proposed.placements.get()
    placement.status = PlacementStatus.CANCELLED
    placement.save()
    assert {p.participant.pk for p in best_allocation(user=coordinator)} == {waiting.pk, proposed.pk}
