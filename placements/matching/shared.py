"""The features' arrays shared by the processes of one machine: written once, memory-mapped by each.

Each gunicorn worker would otherwise read the same features from the database and hold its own copy
(at a million participants, about 17 s of reading and 143 MB each). With settings.MATCHING_FEATURES_DIR
set (a directory of the machine's own, best on tmpfs: /dev/shm/platsa-features), the first process to
need a part at a version writes its arrays there, one .npy file each, and every process maps those
files read-only: the kernel keeps one copy for all of them, and the others skip the read.

A version is what placements.matching.features reads for the part (the newest change and highest id of
its tables, and the shared cache's random generation), so a file is never read for data it does not
hold; when a part moves on, the files of its older versions are removed (a process still mapping them
keeps its mapping until it moves on too). The files hold no name, identity number or contact, only what
matching reads, and only the service's user may read them (0700 directory, 0600 files).
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

Part = TypeVar("Part")

# A half-written directory of a process that died is removed after this long.
ABANDONED_AFTER_S = 600


def enabled() -> bool:
    return bool(settings.MATCHING_FEATURES_DIR)


def _home(part: str, version: tuple[Any, ...]) -> Path:
    database = settings.DATABASES[connection.alias]
    where = (database.get("HOST"), database.get("PORT"), database["NAME"])
    key = hashlib.sha256(repr((where, part, version)).encode()).hexdigest()[:32]
    return Path(settings.MATCHING_FEATURES_DIR) / f"{part}-{key}"


def load_shared(
    part: str,
    version: tuple[Any, ...],
    load: Callable[[], Part],
    kind: type[Part],
    derived: dict[str, Callable[[dict[str, np.ndarray]], Any]] | None = None,
) -> Part:
    """The part at `version`, mapped from the shared files (written from `load()` if no process has yet).

    `kind` is the part's dataclass: every field is an array in a file, but those `derived` computes from
    the arrays. If the files cannot be written, or are gone by the time they are mapped, the part read
    stays in this process's memory."""
    derived = derived or {}
    fields = dataclasses.fields(kind)  # type: ignore[arg-type]  # a TypeVar cannot be bound to dataclasses
    names = [field.name for field in fields if field.name not in derived]
    home = _home(part, version)
    arrays = _mapped(home, names)
    if arrays is None:
        value = load()
        try:
            _write({name: getattr(value, name) for name in names}, home)
        except OSError as error:
            # Only the system's words (no path, no data): the features then stay in this process's memory.
            logger.warning("Matching features not shared between processes: %s", error.strerror)
            return value
        _remove_older(part, keep=home)
        arrays = _mapped(home, names)
        if arrays is None:  # removed at once by a process that has read a newer version
            return value
    return kind(**arrays, **{name: make(arrays) for name, make in derived.items()})


def _mapped(home: Path, names: list[str]) -> dict[str, np.ndarray] | None:
    """Each array of `home` mapped read-only, or None if it is not there whole."""
    arrays = {}
    for name in names:
        try:
            arrays[name] = np.load(home / f"{name}.npy", mmap_mode="r", allow_pickle=False)
        except OSError:  # not written, being removed (an older version), or no store at all: read afresh
            return None
    return arrays


def _write(arrays: dict[str, np.ndarray], home: Path) -> None:
    home.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    writing = Path(tempfile.mkdtemp(prefix=f".{home.name}-", dir=home.parent))  # 0700
    try:
        for name, array in arrays.items():
            descriptor = os.open(writing / f"{name}.npy", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with open(descriptor, "wb") as file:
                np.save(file, array, allow_pickle=False)
        try:
            writing.rename(home)  # whole or not at all
        except OSError:
            if not home.is_dir():
                raise
            # Another process wrote the same version first: theirs is as good.
    finally:
        if writing.exists():
            shutil.rmtree(writing)


def _remove_older(part: str, *, keep: Path) -> None:
    now = time.time()
    for path in keep.parent.iterdir():
        older = path.name.startswith(f"{part}-") and path != keep
        try:
            abandoned = path.name.startswith(f".{part}-") and now - path.stat().st_mtime > ABANDONED_AFTER_S
        except FileNotFoundError:  # removed by another process since the listing
            continue
        if older or abandoned:
            # Another process may be removing the same directory at the same time: what is gone is gone.
            shutil.rmtree(path, ignore_errors=True)
