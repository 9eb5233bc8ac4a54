"""The features are read in chunks (features.CHUNK_ROWS) and found by a binary search (features.RowIndex):
read a few rows at a time, they are the arrays read all at once; and the row index answers as the dict it
replaced did."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from accounts import tenancy
from participants.tests.factories import (
    InterestFactory,
    ParticipantFactory,
    ParticipantPrerequisiteFactory,
    RecordsExtractCheckFactory,
    StudyTimeFactory,
    WorkExperienceFactory,
)
from placements.matching import features
from placements.matching.features import RowIndex, time_key
from placements.models import Outcome, PlacementStatus
from placements.tests.factories import PlacementFactory


def _read_all() -> tuple[features.ParticipantArrays, features.PlacementArrays, features.CheckArrays]:
    with tenancy.municipality_scope(None):
        people = features._participants()
        return people, features._placements(people.index_of), features._checks(people.index_of)


def _arrays(part: object) -> dict[str, np.ndarray]:
    return {name: value for name, value in vars(part).items() if isinstance(value, np.ndarray)}


@pytest.fixture
def people() -> list:
    team = ParticipantFactory.create_batch(5)
    for number, person in enumerate(team):
        for _ in range(number % 3 + 1):
            WorkExperienceFactory(participant=person)
            InterestFactory(participant=person)
        StudyTimeFactory(participant=person, starts_at=dt.time(8, number))
        ParticipantPrerequisiteFactory(participant=person, valid_until=None if number % 2 else dt.date(2027, 1, 31))
    RecordsExtractCheckFactory(participant=team[1])
    PlacementFactory(participant=team[0])
    PlacementFactory(participant=team[2], active=True)
    PlacementFactory(participant=team[3], completed=True)
    ended_early = {"status": PlacementStatus.ENDED_EARLY, "outcome": Outcome.UNEMPLOYED}
    PlacementFactory(participant=team[4], completed=True, **ended_early)
    return team


@pytest.mark.django_db
def test_read_two_rows_at_a_time_the_features_are_those_read_at_once(people, monkeypatch) -> None:
    at_once = _read_all()
    monkeypatch.setattr(features, "CHUNK_ROWS", 2)
    in_chunks = _read_all()
    for whole, chunked in zip(at_once, in_chunks, strict=True):
        whole_arrays, chunked_arrays = _arrays(whole), _arrays(chunked)
        assert whole_arrays.keys() == chunked_arrays.keys()
        for name, array in whole_arrays.items():
            assert array.dtype == chunked_arrays[name].dtype, name
            assert np.array_equal(array, chunked_arrays[name], equal_nan=array.dtype.kind == "f"), name
    participants, placements, checks = in_chunks
    assert len(participants.ids) == 5
    assert len(participants.exp_index) == len(participants.int_index) == 1 + 2 + 3 + 1 + 2
    # Checked by hand: the third person's study time starts at 08:02, their rows are theirs.
    third = participants.index_of[people[2].pk]
    assert participants.study_start[participants.study_index == third].tolist() == [time_key(dt.time(8, 2))]
    assert (participants.exp_index == third).sum() == 3
    assert placements.proposed_index.tolist() == [participants.index_of[people[0].pk]]
    assert placements.hold_index.tolist() == [third]
    assert sorted(placements.past_index.tolist()) == sorted(participants.index_of[p.pk] for p in people[3:])
    assert placements.past_good.sum() == 1 and placements.past_early.sum() == 1
    assert checks.index.tolist() == [participants.index_of[people[1].pk]] and checks.approved.tolist() == [True]
    assert sorted(checks.prereq_until.tolist()) == sorted(
        [dt.date(2027, 1, 31).toordinal()] * 3 + [features.NEVER_ENDS] * 2
    )


@pytest.mark.django_db
def test_rows_of_someone_not_in_the_people_read_are_left_out(people) -> None:
    """A case file saved between the reads of the people and their rows: the next version reads it whole."""
    with tenancy.municipality_scope(None):
        everyone = features._participants()
        without_third = RowIndex(np.delete(everyone.ids, everyone.index_of[people[2].pk]))
        placements = features._placements(without_third)
    assert len(placements.hold_index) == 0
    assert len(placements.proposed_index) == 1 and len(placements.past_index) == 2


def test_the_row_index_answers_as_a_dict_of_ordered_ids() -> None:
    index = RowIndex(np.array([3, 8, 21, 40], dtype=np.int64))
    assert [index[pk] for pk in (3, 8, 21, 40)] == [0, 1, 2, 3]
    assert index.get(9) is None and index.get(41, -1) == -1 and index.get(1) is None
    assert 21 in index and np.int64(21) in index and 22 not in index and "21" not in index
    assert len(index) == 4
    with pytest.raises(KeyError):
        index[5]
    rows, found = index.rows(np.array([40, 2, 8, 99]))
    assert found.tolist() == [True, False, True, False]
    assert rows[found].tolist() == [3, 1] and rows.dtype == np.int32


def test_the_row_index_of_ids_in_any_order_and_of_none() -> None:
    index = RowIndex(np.array([21, 3, 40, 8], dtype=np.int64))
    assert [index[pk] for pk in (21, 3, 40, 8)] == [0, 1, 2, 3]
    assert index.get(9) is None
    empty = RowIndex(np.zeros(0, dtype=np.int64))
    assert len(empty) == 0 and empty.get(1) is None
    rows, found = empty.rows(np.array([1, 2]))
    assert not found.any() and len(rows) == 2
