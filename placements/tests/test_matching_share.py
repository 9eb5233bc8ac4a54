"""A user who sees a part of the participants is scored over that part alone (matching.share_of): the
ranking is the same as scoring everyone and masking, candidates, scores, excluded and counts alike; and
the shares kept stay bounded and belong to the features they were cut from."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest

from accounts.models import User
from accounts.tests.factories import CoordinatorFactory
from participants.models import ParticipantStatus
from participants.tests.factories import ParticipantFactory, StudyTimeFactory, WorkExperienceFactory
from placements import matching
from placements.matching import rank_candidates, share_of, visible
from placements.matching.features import forget_features, load_features
from placements.tests.factories import PlacementFactory
from supervisors.tests.factories import SupervisorFactory
from taxonomy.tests.factories import OccupationFactory
from workplaces.models import Need
from workplaces.tests.factories import NeedFactory, WorkingHoursFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


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
    WorkingHoursFactory(need=need, weekday=1, starts_at=dt.time(8, 0), ends_at=dt.time(16, 0))
    return need


@pytest.fixture
def people(coordinator: User, need: Need) -> None:
    """The coordinator's team of seven, some of them excluded and why, and twelve in other teams."""
    mine = [ParticipantFactory(team=coordinator.team, coordinator=coordinator) for _ in range(7)]
    WorkExperienceFactory(participant=mine[0], occupation=need.occupation, years=Decimal("3"))
    WorkExperienceFactory(participant=mine[1], occupation=need.occupation, years=Decimal("1"))
    StudyTimeFactory(participant=mine[2])  # SFI on Tuesday morning: clashes with the need's hours
    mine[3].status = ParticipantStatus.REFERRED  # not ready yet
    mine[3].save()
    PlacementFactory(participant=mine[4], need=need)  # already proposed here
    for _ in range(12):
        WorkExperienceFactory(participant=ParticipantFactory(), occupation=need.occupation)


def _ranking(need: Need, user: User, **options: object) -> tuple:
    ranking = rank_candidates(need=need, user=user, limit=3, excluded_limit=2, **options)  # type: ignore[arg-type]  # the test passes paging and search
    return (
        [
            (c.participant.pk, c.score, [(x.criterion, x.points) for x in c.contributions], c.warnings)
            for c in ranking.candidates
        ],
        [(e.participant.pk, e.reasons) for e in ranking.excluded],
        ranking.excluded_counts,
        ranking.eligible_count,
        ranking.excluded_total,
        ranking.need_reasons,
    )


@pytest.mark.usefixtures("people")
@pytest.mark.parametrize(
    "options",
    [{}, {"excluded_offset": 2}, {"excluded_offset": 1}],
    ids=["first page", "second page of the excluded", "an offset"],
)
def test_scored_over_their_share_the_ranking_is_the_ranking_of_everyone_masked(
    coordinator: User, need: Need, monkeypatch: pytest.MonkeyPatch, options: dict
) -> None:
    seen = visible(load_features(), coordinator)
    assert 0 < seen.sum() < matching.SHARE_BELOW * len(seen)  # 7 of 19: scored over their share
    shared = _ranking(need, coordinator, **options)
    assert matching._shares  # it was cut
    monkeypatch.setattr(matching, "SHARE_BELOW", 0.0)  # everyone scored, then masked
    masked = _ranking(need, coordinator, **options)
    assert shared == masked
    candidates, excluded, counts, eligible, excluded_total, _ = masked
    assert eligible == 4 and excluded_total == 3 and len(candidates) == 3 and len(excluded) in (1, 2)
    assert sum(count for _, count in counts) >= 3


@pytest.mark.usefixtures("people")
def test_a_search_of_the_excluded_is_the_same_over_the_share(
    coordinator: User, need: Need, monkeypatch: pytest.MonkeyPatch
) -> None:
    ranking = rank_candidates(need=need, user=coordinator)
    wanted = [e.participant.pk for e in ranking.excluded][:1]
    shared = _ranking(need, coordinator, excluded_ids=wanted)
    monkeypatch.setattr(matching, "SHARE_BELOW", 0.0)
    assert shared == _ranking(need, coordinator, excluded_ids=wanted)
    assert [pk for pk, _ in shared[1]] == wanted


def test_the_shares_kept_hold_no_more_rows_than_the_features_and_only_of_these(coordinator: User) -> None:
    ParticipantFactory.create_batch(40)
    features = load_features()
    rng = np.random.default_rng(3)
    for _ in range(30):
        seen = rng.random(40) < 0.3
        share, mask = share_of(features, seen)
        assert np.array_equal(share.participants.ids, features.participants.ids[seen]) and mask.all()
    assert sum(len(kept.participants.ids) for _, kept in matching._shares.values()) <= 40
    again, _ = share_of(features, seen)
    assert again is share  # the same mask of the same features: kept
    ParticipantFactory()
    forget_features()
    reloaded = load_features()
    share_of(reloaded, np.arange(41) < 5)
    assert all(of.participants is reloaded.participants for of, _ in matching._shares.values())


def test_a_user_who_sees_most_of_them_is_scored_with_everyone(coordinator: User) -> None:
    ParticipantFactory.create_batch(3, team=coordinator.team, coordinator=coordinator)
    ParticipantFactory()
    features = load_features()
    seen = visible(features, coordinator)
    same, mask = share_of(features, seen)
    assert same is features and mask is seen
