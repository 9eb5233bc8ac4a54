"""The features shared by a machine's processes (settings.MATCHING_FEATURES_DIR, placements.matching.shared):
the first process writes a part's arrays, the others map them and read nothing but the versions; a
change writes a new version and removes the old; and where the files cannot be written, or the shared
cache is down, each process keeps its own copy as before."""

from __future__ import annotations

import logging
import os
import stat
import time

import numpy as np
import pytest

from participants.tests.factories import InterestFactory, ParticipantFactory, StudyTimeFactory, WorkExperienceFactory
from placements.matching import features, shared
from placements.matching.features import load_features
from placements.tests.factories import PlacementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def store(settings, tmp_path):
    settings.MATCHING_FEATURES_DIR = str(tmp_path / "features")
    return tmp_path / "features"


@pytest.fixture
def people() -> list:
    team = ParticipantFactory.create_batch(3)
    for person in team:
        WorkExperienceFactory(participant=person)
        InterestFactory(participant=person)
        StudyTimeFactory(participant=person)
    PlacementFactory(participant=team[0], active=True)
    return team


def _same(first: features.Features, second: features.Features) -> None:
    for part in ("participants", "placements", "checks"):
        one, other = getattr(first, part), getattr(second, part)
        for name, array in vars(one).items():
            if isinstance(array, np.ndarray):
                assert np.array_equal(array, getattr(other, name), equal_nan=array.dtype.kind == "f"), name


def test_another_process_maps_what_the_first_wrote_and_reads_only_the_versions(
    store, people, django_assert_num_queries
) -> None:
    first = load_features()
    assert isinstance(first.participants.ids, np.memmap)  # the writer maps them too: one copy on the machine
    assert sorted(path.name.split("-")[0] for path in store.iterdir()) == ["checks", "participants", "placements"]
    features.forget_here()  # a second worker, its own memory empty
    with django_assert_num_queries(1):  # the versions; no participant, experience or placement read
        second = load_features()
    assert isinstance(second.participants.ids, np.memmap) and isinstance(second.placements.hold_index, np.memmap)
    assert second.participants.index_of[people[1].pk] == first.participants.index_of[people[1].pk]
    assert len(second.placements.hold_index) == 1
    _same(first, second)
    with pytest.raises(ValueError, match="read-only"):
        second.participants.team[0] = 0


def test_the_shared_features_are_those_kept_in_memory(settings, store, people) -> None:
    in_files = load_features()
    settings.MATCHING_FEATURES_DIR = ""
    features.forget_here()
    in_memory = load_features()
    assert not isinstance(in_memory.participants.ids, np.memmap)
    assert not in_memory.participants.ids.flags.writeable  # read-only here too: no ranking may change them
    _same(in_files, in_memory)


def test_only_the_service_user_may_read_the_files(store, people) -> None:
    load_features()
    assert stat.S_IMODE(store.stat().st_mode) == 0o700
    for home in store.iterdir():
        assert stat.S_IMODE(home.stat().st_mode) == 0o700
        files = list(home.iterdir())
        assert files and all(stat.S_IMODE(path.stat().st_mode) == 0o600 for path in files)


def test_a_change_writes_a_new_version_and_removes_the_old(store, people) -> None:
    load_features()
    before = {path.name for path in store.iterdir()}
    newcomer = ParticipantFactory()
    features.forget_features()  # as the commit does (placements.apps)
    after = load_features()
    assert newcomer.pk in after.participants.index_of
    names = {path.name for path in store.iterdir()}
    assert len(names) == 3 and not names & before  # each part moved on, its old files gone


def test_files_that_cannot_be_written_leave_the_features_in_memory(settings, tmp_path, people, caplog) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    settings.MATCHING_FEATURES_DIR = str(blocker / "features")  # under a file: no directory can be made
    with caplog.at_level(logging.WARNING, logger="placements.matching.shared"):
        loaded = load_features()
    assert len(loaded.participants.ids) == 3 and not isinstance(loaded.participants.ids, np.memmap)
    assert "not shared between processes" in caplog.text
    assert str(blocker) not in caplog.text  # nothing of where, nor of whom


def test_while_the_shared_cache_is_down_nothing_is_shared(store, people, monkeypatch) -> None:
    monkeypatch.setattr(features, "_generation", lambda: None)
    loaded = load_features()
    assert len(loaded.participants.ids) == 3 and not isinstance(loaded.participants.ids, np.memmap)
    assert not store.exists()


def test_two_processes_writing_the_same_version_keep_one(store, people) -> None:
    load_features()
    home = next(path for path in store.iterdir() if path.name.startswith("participants-"))
    arrays = {path.stem: np.load(path) for path in home.iterdir()}
    shared._write(arrays, home)  # the slower one: its directory is dropped, the first one stays
    assert sorted(path.name for path in store.iterdir() if not path.name.startswith(".")) == sorted(
        path.name for path in store.iterdir()
    )
    assert {path.stem for path in home.iterdir()} == set(arrays)


def test_a_half_written_directory_is_removed_once_abandoned(store, people) -> None:
    load_features()
    abandoned, writing = store / ".participants-old-x1", store / ".participants-new-x2"
    abandoned.mkdir()
    writing.mkdir()
    long_ago = time.time() - shared.ABANDONED_AFTER_S - 60
    os.utime(abandoned, (long_ago, long_ago))
    ParticipantFactory()
    features.forget_features()
    load_features()
    assert not abandoned.exists() and writing.exists()  # another process may still be writing that one
