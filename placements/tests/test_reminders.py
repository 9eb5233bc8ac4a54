"""Reminders: once per follow-up and stage however often the task runs; personal links."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory, SupervisorUserFactory
from placements.links import link_create
from placements.models import FollowUp, FollowUpLink, Reminder
from placements.reminders import follow_up_reminders_send
from placements.tasks import send_follow_up_reminders
from placements.tests.factories import FollowUpFactory, PlacementFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


@pytest.fixture
def overdue():
    placement = PlacementFactory(active=True, participant__first_name="Amina")
    placement.coordinator = CoordinatorFactory(team=placement.participant.team, email="koordinator@example.org")
    placement.save()
    return FollowUpFactory(placement=placement, due_date=TODAY - dt.timedelta(days=3))


def test_running_the_task_twice_sends_each_reminder_once(overdue) -> None:
    FollowUpFactory(placement=overdue.placement, due_date=TODAY + dt.timedelta(days=30))  # not yet
    assert send_follow_up_reminders.delay().get() == 2
    assert send_follow_up_reminders.delay().get() == 0
    assert len(mail.outbox) == 2
    assert {m.to[0] for m in mail.outbox} == {overdue.placement.supervisor.email, "koordinator@example.org"}
    assert Reminder.objects.filter(follow_up=overdue, stage=Reminder.Stage.OVERDUE).count() == 2
    assert "försenad" in mail.outbox[0].subject.lower()
    assert overdue.placement.participant.identity_number not in mail.outbox[0].body


def test_a_follow_up_gets_a_second_reminder_only_when_it_becomes_overdue() -> None:
    follow_up = FollowUpFactory(due_date=TODAY + dt.timedelta(days=1))
    assert follow_up_reminders_send(today=TODAY) == 2  # the supervisor and the coordinator
    assert follow_up_reminders_send(today=TODAY) == 0
    assert follow_up_reminders_send(today=TODAY + dt.timedelta(days=2)) == 2  # now overdue
    stages = sorted(follow_up.reminders.values_list("stage", flat=True))
    assert stages == ["due", "due", "overdue", "overdue"]


def test_a_failed_send_is_not_counted_as_sent(overdue, settings) -> None:
    settings.EMAIL_BACKEND = "tests.broken_mail.BrokenBackend"
    with pytest.raises(ConnectionError):
        follow_up_reminders_send(today=TODAY)
    assert not Reminder.objects.exists()


def test_done_follow_ups_and_ended_placements_get_no_reminder(overdue) -> None:
    overdue.done_on = TODAY
    overdue.save()
    FollowUpFactory(placement=PlacementFactory(completed=True), due_date=TODAY - dt.timedelta(days=3))
    assert follow_up_reminders_send(today=TODAY) == 0


def test_the_beat_schedule_runs_the_task_every_weekday_morning_after_the_quiet_hours() -> None:
    """The run may queue text messages to supervisors: not before the night's quiet hours end."""
    from sms.quiet_hours import QUIET_FROM, QUIET_UNTIL

    entry = settings.CELERY_BEAT_SCHEDULE["follow-up-reminders"]
    assert entry["task"] == "placements.tasks.send_follow_up_reminders"
    assert entry["schedule"].hour == {8}
    assert all(QUIET_UNTIL.hour <= hour < QUIET_FROM.hour for hour in entry["schedule"].hour)
    assert entry["schedule"].day_of_week == {1, 2, 3, 4, 5}


def test_a_supervisor_with_an_account_gets_the_portal_link(overdue) -> None:
    supervisor = overdue.placement.supervisor
    supervisor.user = SupervisorUserFactory()
    supervisor.save()
    follow_up_reminders_send(today=TODAY)
    body = next(m.body for m in mail.outbox if m.to == [supervisor.email])
    assert reverse("placements:follow_up", args=[overdue.placement.pk]) in body
    assert not FollowUpLink.objects.exists()


def _link_path(overdue) -> str:
    follow_up_reminders_send(today=TODAY)
    body = next(m.body for m in mail.outbox if m.to == [overdue.placement.supervisor.email])
    return re.search(r"/f/[^\s]+/", body).group(0)  # type: ignore[arg-type]  # sent mail holds str


def _follow_up_data() -> dict[str, str]:
    return {"done_on": TODAY.isoformat(), "progress_work": "4", "next_steps": "Fortsätt"}


def test_a_personal_link_logs_that_follow_up_once(client: Client, overdue) -> None:
    path = _link_path(overdue)
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Amina" in html and overdue.placement.participant.identity_number not in html
    response = client.post(path, _follow_up_data())
    assert response.status_code == 200
    overdue.refresh_from_db()
    assert overdue.done_on == TODAY and overdue.progress_work == 4 and overdue.author is None
    again = client.get(path)
    assert again.status_code == 410 and "redan registrerad" in again.content.decode()


def test_an_expired_link_says_so(client: Client, overdue) -> None:
    path = _link_path(overdue)
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=15)):
        response = client.get(path)
    assert response.status_code == 410 and "gått ut" in response.content.decode()


def test_a_tampered_link_is_refused(client: Client, overdue) -> None:
    path = _link_path(overdue)
    response = client.get(path[:-3] + "xx/")
    assert response.status_code == 410 and "inte giltig" in response.content.decode()
    assert FollowUp.objects.get(pk=overdue.pk).done_on is None


def test_a_link_reaches_only_its_own_follow_up(client: Client, overdue) -> None:
    other = FollowUpFactory(due_date=TODAY - dt.timedelta(days=1))
    path = link_create(follow_up=overdue)
    client.post(path, _follow_up_data())
    other.refresh_from_db()
    assert other.done_on is None
