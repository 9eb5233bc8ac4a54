"""Queued work survives a broker outage: kept in the database, sent when the broker is back."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory, ManagerFactory
from conftest import require_service, use_broker
from outbox.models import OutboxMessage
from outbox.services import RELAY_GRACE, outbox_enqueue, outbox_relay
from placements.models import PlacementStatus, Reminder
from placements.tests.factories import FollowUpFactory, PlacementFactory
from reporting.models import QuarterlyReport

pytestmark = pytest.mark.django_db

# Commit hooks run when the test's transaction would commit (pytest-django's capture fixture).

DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_with_no_broker_queued_work_runs_at_once_and_is_marked_sent(django_capture_on_commit_callbacks) -> None:
    follow_up = FollowUpFactory(concern=True, concern_text="Kommer sent varje dag", done_on=dt.date(2026, 5, 4))
    with django_capture_on_commit_callbacks(execute=True):
        outbox_enqueue(
            task_name="placements.tasks.send_concern_alert", args=[follow_up.pk], key="k1", municipality_id=None
        )
    message = OutboxMessage.objects.get(key="k1")
    assert message.sent_at is not None and message.attempts == 1
    assert Reminder.objects.filter(follow_up=follow_up, stage=Reminder.Stage.CONCERN).count() == 1
    assert len(mail.outbox) == 1


def test_the_same_work_queued_twice_is_one_message(django_capture_on_commit_callbacks) -> None:
    follow_up = FollowUpFactory(concern=True, concern_text="Kommer sent", done_on=dt.date(2026, 5, 4))
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            outbox_enqueue(
                task_name="placements.tasks.send_concern_alert", args=[follow_up.pk], key="same", municipality_id=None
            )
    assert OutboxMessage.objects.filter(key="same").count() == 1
    assert len(mail.outbox) == 1


def test_a_report_requested_while_the_broker_is_down_is_kept_and_sent_later(
    client: Client,
    django_capture_on_commit_callbacks,
) -> None:
    client.force_login(ManagerFactory())
    with use_broker(DEAD_BROKER), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reporting:generate"), {"year": 2026, "quarter": 3})
    assert response.status_code == 302  # the page works; the manager is told it is being generated
    report = QuarterlyReport.objects.get()
    message = OutboxMessage.objects.get()
    assert message.args == [2026, 3, report.pk] and message.sent_at is None
    assert message.attempts == 1 and message.last_error

    # The broker is still down: the relay keeps it.
    later = timezone.now() + RELAY_GRACE * 2
    with use_broker(DEAD_BROKER):
        assert outbox_relay(now=later) == 0
    assert OutboxMessage.objects.get().sent_at is None

    # The broker is back (here: in-process): the relay sends it and the report is made.
    assert outbox_relay(now=later) == 1
    report.refresh_from_db()
    assert report.status == QuarterlyReport.Status.DONE
    assert OutboxMessage.objects.get().sent_at is not None
    assert outbox_relay(now=later) == 0  # nothing twice


def test_a_follow_up_with_a_concern_saved_while_the_broker_is_down_alerts_the_coordinator_later(
    client: Client,
    django_capture_on_commit_callbacks,
) -> None:
    responsible = CoordinatorFactory(email="ansvarig@example.se")
    placement = PlacementFactory(
        status=PlacementStatus.ACTIVE,
        coordinator=responsible,
        actual_start=timezone.localdate() - dt.timedelta(days=10),
        planned_start=timezone.localdate() - dt.timedelta(days=10),
    )
    colleague = CoordinatorFactory(team=placement.participant.team)
    client.force_login(colleague)
    with use_broker(DEAD_BROKER), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("placements:follow_up", args=[placement.pk]),
            {
                "done_on": timezone.localdate().isoformat(),
                "days_present": 5,
                "tasks_done": "Plockade varor",
                "concern": "on",
                "concern_text": "Har svårt med tiderna",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    follow_up = placement.follow_ups.get(done_on=timezone.localdate())
    assert follow_up.concern_text == "Har svårt med tiderna"  # nothing lost
    assert mail.outbox == []
    outbox_relay(now=timezone.now() + RELAY_GRACE * 2)
    assert [m.to for m in mail.outbox] == [["ansvarig@example.se"]]
    assert reverse("placements:detail", args=[placement.pk]) in mail.outbox[0].body


def test_the_responsible_coordinator_is_not_alerted_about_their_own_follow_up() -> None:
    from placements.services import follow_up_log

    placement = PlacementFactory(status=PlacementStatus.ACTIVE, actual_start=dt.date(2026, 5, 1))
    follow_up_log(
        placement=placement,
        by=placement.coordinator,
        done_on=dt.date(2026, 5, 4),
        concern=True,
        concern_text="Sjuk ofta",
    )
    assert not OutboxMessage.objects.exists()


@pytest.mark.services
def test_a_live_redis_broker_takes_the_message_at_once(django_capture_on_commit_callbacks) -> None:
    url = os.environ.get("REDIS_URL", "")
    require_service(bool(url), "Redis (REDIS_URL)")
    follow_up = FollowUpFactory(concern=True, concern_text="Kommer sent", done_on=dt.date(2026, 5, 4))
    with use_broker(url), django_capture_on_commit_callbacks(execute=True):
        outbox_enqueue(
            task_name="placements.tasks.send_concern_alert", args=[follow_up.pk], key="live", municipality_id=None
        )
    assert OutboxMessage.objects.get(key="live").sent_at is not None
    assert mail.outbox == []  # published to Redis for a worker, not run here
