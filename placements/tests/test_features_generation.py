"""The matching's cached features are dropped in every process when a case file or placement changes:
whom a user may see is read from them (accounts.access.ParticipantReach.select)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection, transaction

from accounts.tests.factories import TeamFactory
from participants.models import Participant
from participants.tests.factories import ParticipantFactory
from placements.matching import features
from placements.matching.features import GENERATION_KEY, load_features

pytestmark = pytest.mark.django_db

Capture = Callable[..., Any]


def _generation() -> str | None:
    return cache.get(GENERATION_KEY)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_case_file_erased_that_was_neither_the_newest_nor_the_highest_is_seen_by_another_process() -> None:
    """The version used to be the newest change and the highest id: deleting another row changed
    neither, and the arrays (whom a coordinator may see) kept the erased person. Real commits here."""
    team = TeamFactory()
    first, _second, _third = (ParticipantFactory(team=team, coordinator=None) for _ in range(3))
    assert first.pk in load_features().participants.index_of
    another_process = dict(features._cache)  # what a second worker holds, cached before the delete
    before = _generation()
    Participant.objects.filter(pk=first.pk).delete()  # a queryset delete: post_delete still fires
    assert _generation() not in (before, None)
    features._cache.update(another_process)  # that worker's memory was not cleared by this one
    assert first.pk not in load_features().participants.index_of


def test_many_rows_saved_in_one_transaction_drop_the_features_once_when_it_commits(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    team = TeamFactory()
    before = _generation()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for _ in range(5):
            ParticipantFactory(team=team)
        assert _generation() == before  # not before the commit
    assert [callback for callback in callbacks if callback is features.forget_features] == [features.forget_features]
    assert _generation() not in (before, None)


def test_a_change_rolled_back_drops_nothing(django_capture_on_commit_callbacks: Capture) -> None:
    team = TeamFactory()
    before = _generation()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            ParticipantFactory(team=team)
            raise RuntimeError("rolled back")
        assert not any(entry[1] is features.forget_features for entry in connection.run_on_commit)
    assert _generation() == before
    with django_capture_on_commit_callbacks(execute=True):
        ParticipantFactory(team=team)  # and the next change still counts
    assert _generation() not in (before, None)
