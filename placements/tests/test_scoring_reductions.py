"""Scoring's per-participant reductions (the best experience or interest, any placement held, any check)
equal the unbuffered ufunc.at they replace, for rows grouped by participant and for rows in any order."""

from __future__ import annotations

import numpy as np
import pytest

from participants.tests.factories import InterestFactory, ParticipantFactory, WorkExperienceFactory
from placements.matching.features import load_features
from placements.matching.scoring import _any_per_owner, _best_per_owner


@pytest.mark.parametrize("grouped", [True, False])
def test_the_best_per_participant_is_maximum_at_with_zero_for_none(grouped: bool) -> None:
    rng = np.random.default_rng(7)
    owner = rng.integers(0, 40, size=300).astype(np.int32)
    if grouped:
        owner.sort()
    values = rng.normal(size=(300, 5)).astype(np.float32)  # negatives too: a participant's best is at least 0
    expected = np.zeros((50, 5), dtype=np.float32)  # participants 40-49 have no rows
    np.maximum.at(expected, owner, values)
    best = _best_per_owner(owner, values, 50)
    assert np.array_equal(best, expected)
    assert (best[40:] == 0).all() and (best >= 0).all() and (best > 0).any()


def test_the_best_of_no_rows_is_zero() -> None:
    assert not _best_per_owner(np.zeros(0, dtype=np.int32), np.zeros((0, 3), dtype=np.float32), 4).any()


def test_any_per_participant_is_logical_or_at() -> None:
    rng = np.random.default_rng(11)
    owner = rng.integers(0, 30, size=200).astype(np.int32)
    holds = rng.random((200, 4)) < 0.05
    expected = np.zeros((35, 4), dtype=bool)
    np.logical_or.at(expected, owner, holds)
    result = _any_per_owner(owner, holds, 35)
    assert np.array_equal(result, expected)
    assert result.any() and not result.all()


@pytest.mark.django_db
def test_the_features_group_each_participants_experience_and_interests_together() -> None:
    """Rows added in turns, as people add them, still load as one run per participant (the fast path)."""
    first, second = ParticipantFactory(), ParticipantFactory()
    for person in (second, first, second, first):
        WorkExperienceFactory(participant=person)
        InterestFactory(participant=person)
    people = load_features().participants
    for owner in (people.exp_index, people.int_index):
        assert len(owner) == 4
        assert (np.diff(owner) >= 0).all()
