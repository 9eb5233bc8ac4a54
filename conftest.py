"""Shared pytest fixtures and helpers."""

from __future__ import annotations

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def require_service(available: bool, what: str) -> None:
    """A test that needs a service fails in CI when it is missing, and skips elsewhere."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI but is not available")
    pytest.skip(f"{what} is not available outside CI")


@pytest.fixture(autouse=True)
def _swedish_by_default(settings):  # type: ignore[no-untyped-def]
    """Tests see the UI as a user does: Swedish unless a test switches language."""
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _fresh_matching_features():  # type: ignore[no-untyped-def]
    """Matching caches its arrays per process; each test starts from its own database state."""
    from placements.matching.features import forget_features

    forget_features()
    yield
    forget_features()


@pytest.fixture(autouse=True)
def _empty_cache():  # type: ignore[no-untyped-def]
    from django.core.cache import cache

    cache.clear()
    yield
