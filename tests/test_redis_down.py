"""With Redis down, pages keep working: the cache reads as empty and writes are dropped."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory, ManagerFactory
from config.cache import resilient_redis_cache

pytestmark = pytest.mark.django_db

DEAD_REDIS = {"default": resilient_redis_cache("redis://127.0.0.1:1/0")}  # nothing listens on port 1


def test_a_cache_that_is_down_reads_as_empty(settings, caplog) -> None:
    settings.CACHES = DEAD_REDIS
    cache.set("figures", {"a": 1})
    assert cache.get("figures", "missing") == "missing"
    assert cache.get_or_set("figures", lambda: 42) == 42
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert not cache.add("x", 1) and not cache.delete("x")
    assert cache.incr("counter") == 0
    assert "cache unavailable" in caplog.text and "figures" not in caplog.text  # no keys or values in logs


def test_the_dashboard_and_the_start_page_work_with_redis_down(client: Client, settings) -> None:
    settings.CACHES = DEAD_REDIS
    client.force_login(ManagerFactory())
    assert client.get(reverse("reporting:dashboard")).status_code == 200
    client.force_login(CoordinatorFactory())
    assert client.get(reverse("home")).status_code == 200


def test_a_case_file_saved_with_redis_down_is_saved_and_the_page_answers(
    client: Client, settings, django_capture_on_commit_callbacks
) -> None:
    """Saving a case file bumps the matching features' generation in the cache on commit
    (placements.apps): with Redis down that must not turn the saved change into an error."""
    from participants.tests.factories import ParticipantFactory

    settings.CACHES = DEAD_REDIS
    coordinator = CoordinatorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        participant = ParticipantFactory(team=coordinator.team, coordinator=coordinator)
        participant.first_name = "Sparad"
        participant.save()
    client.force_login(coordinator)
    assert client.get(reverse("participants:detail", args=[participant.pk])).status_code == 200
