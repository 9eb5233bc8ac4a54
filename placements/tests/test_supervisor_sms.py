"""Text messages to supervisors who prefer them: the follow-up reminders, queued by the run and sent
by a task (retried, once, by e-mail when refused); and reminders the day before the first day and
before each meeting they take part in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import AccessAction, AccessLogEntry
from accounts.tests.factories import CoordinatorFactory, SupervisorUserFactory
from outbox.models import OutboxMessage
from placements.models import FollowUp, Meeting, Placement, PlacementStatus, Reminder
from placements.reminders import follow_up_reminders_send
from placements.supervisor_sms import FIRST_DAY_TEXT, MEETING_TEXT, SEND_TASK, supervisor_reminders_queue
from placements.tasks import queue_supervisor_reminders, send_supervisor_text_message
from placements.tests.factories import FollowUpFactory, MeetingFactory, PlacementFactory
from sms.backends import locmem
from supervisors.models import ReminderChannel, Supervisor
from workplaces.tests.factories import NeedFactory, WorkplaceFactory

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# A Wednesday morning; the placement starts on Thursday.
NOW = dt.datetime(2026, 12, 2, 10, 0, tzinfo=STOCKHOLM)
TOMORROW = dt.date(2026, 12, 3)
SUPERVISOR_PHONE = "+46701740699"

Capture = Callable[..., Any]


@pytest.fixture(autouse=True)
def _wednesday_morning() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def retrying_eagerly() -> Iterator[None]:
    """Eager tasks retry in-process; errors must not propagate for Celery to hand the Retry on."""
    from config.celery import app

    saved = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = saved


def _prefers_sms(supervisor: Supervisor, *, phone: str = SUPERVISOR_PHONE) -> Supervisor:
    supervisor.phone, supervisor.reminders_by = phone, ReminderChannel.SMS
    supervisor.user = SupervisorUserFactory()
    supervisor.save()
    return supervisor


@pytest.fixture
def overdue_follow_up() -> FollowUp:
    placement = PlacementFactory(active=True, participant__first_name="Amina")
    placement.coordinator = CoordinatorFactory(team=placement.participant.team, email="koordinator@example.org")
    placement.save()
    _prefers_sms(placement.supervisor)
    return FollowUpFactory(placement=placement, due_date=NOW.date() - dt.timedelta(days=3))


def _supervisor_reminder() -> Reminder:
    return Reminder.objects.get(recipient=Reminder.Recipient.SUPERVISOR)


# --- follow-up reminders ---------------------------------------------------------------------------------


def test_a_supervisor_who_prefers_sms_gets_the_follow_up_reminder_by_sms(
    overdue_follow_up: FollowUp, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert follow_up_reminders_send(today=NOW.date()) == 2
    (sent,) = locmem.outbox
    assert sent.to == SUPERVISOR_PHONE
    assert "Amina" in sent.text and "2026-11-29" in sent.text and settings.SITE_URL in sent.text
    assert f"?due={overdue_follow_up.pk}" in sent.text  # the portal's page, behind the login
    assert overdue_follow_up.placement.participant.last_name not in sent.text
    assert [m.to for m in mail.outbox] == [["koordinator@example.org"]]  # the coordinator by e-mail
    entry = AccessLogEntry.objects.get(action=AccessAction.SMS)
    assert entry.fields == ["first_name"] and entry.participant_id == overdue_follow_up.placement.participant_id
    reminder = _supervisor_reminder()
    assert (reminder.channel, reminder.failure, reminder.attempts) == (ReminderChannel.SMS, "", 1)
    assert reminder.sent_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        assert follow_up_reminders_send(today=NOW.date()) == 0
    assert len(locmem.outbox) == 1
    assert Reminder.objects.filter(follow_up=overdue_follow_up).count() == 2


def test_the_run_only_queues_the_text_message_and_never_calls_the_provider(
    overdue_follow_up: FollowUp, sms_provider: Any
) -> None:
    """A provider outage used to raise out of the run and stop the reminders of everyone after."""
    sms_provider.answers = [(503, "down")]
    later = FollowUpFactory(due_date=NOW.date() - dt.timedelta(days=1), placement__active=True)
    assert follow_up_reminders_send(today=NOW.date()) == 4  # the commit callbacks do not run here
    assert sms_provider.requests == []
    assert later.placement.supervisor.email in [m.to[0] for m in mail.outbox]
    reminder = Reminder.objects.get(follow_up=overdue_follow_up, recipient=Reminder.Recipient.SUPERVISOR)
    assert (reminder.channel, reminder.sent_at, reminder.claimed_at) == (ReminderChannel.SMS, None, None)
    queued = OutboxMessage.objects.get(task_name=SEND_TASK)
    assert queued.args == [reminder.pk]  # an id, no text: the text is written when it is sent


def test_a_provider_outage_is_retried_by_the_task_and_sent_once(
    overdue_follow_up: FollowUp, sms_provider: Any, retrying_eagerly: None, django_capture_on_commit_callbacks: Capture
) -> None:
    sms_provider.answers = [(503, ""), (502, ""), (200, "")]
    with django_capture_on_commit_callbacks(execute=True):
        assert follow_up_reminders_send(today=NOW.date()) == 2
    assert len(sms_provider.requests) == 3
    reminder = _supervisor_reminder()
    assert reminder.sent_at is not None and reminder.attempts == 3 and reminder.channel == ReminderChannel.SMS
    assert AccessLogEntry.objects.filter(action=AccessAction.SMS).count() == 1


def test_a_supervisor_reminder_the_provider_refuses_goes_by_e_mail(
    overdue_follow_up: FollowUp, sms_provider: Any, django_capture_on_commit_callbacks: Capture
) -> None:
    sms_provider.answers = [(400, "refused")]
    with django_capture_on_commit_callbacks(execute=True):
        assert follow_up_reminders_send(today=NOW.date()) == 2
    assert len(sms_provider.requests) == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [overdue_follow_up.placement.supervisor.email, "koordinator@example.org"]
    )
    reminder = _supervisor_reminder()
    assert (reminder.channel, reminder.failure) == (ReminderChannel.EMAIL, Reminder.Failure.REJECTED)
    assert reminder.sent_at is not None
    assert not AccessLogEntry.objects.filter(action=AccessAction.SMS).exists()


def test_a_supervisor_reminder_still_unsent_after_the_last_retry_goes_by_e_mail(
    overdue_follow_up: FollowUp,
    sms_provider: Any,
    retrying_eagerly: None,
    django_capture_on_commit_callbacks: Capture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sms import retries

    monkeypatch.setattr(retries, "SEND_RETRIES", 2)
    monkeypatch.setitem(send_supervisor_text_message.retry_kwargs, "max_retries", 2)
    sms_provider.answers = [(503, "busy")]
    with django_capture_on_commit_callbacks(execute=True):
        follow_up_reminders_send(today=NOW.date())
    assert len(sms_provider.requests) == 3
    reminder = _supervisor_reminder()
    assert (reminder.channel, reminder.failure) == (ReminderChannel.EMAIL, Reminder.Failure.UNAVAILABLE)
    assert overdue_follow_up.placement.supervisor.email in [m.to[0] for m in mail.outbox]


def test_a_supervisor_reminder_the_provider_may_have_sent_is_not_sent_again(
    overdue_follow_up: FollowUp, sms_provider: Any, django_capture_on_commit_callbacks: Capture
) -> None:
    sms_provider.answers = [(0, ""), (200, "")]
    with django_capture_on_commit_callbacks(execute=True):
        follow_up_reminders_send(today=NOW.date())
    reminder = _supervisor_reminder()
    assert reminder.failure == Reminder.Failure.UNCERTAIN and reminder.sent_at is not None
    assert send_supervisor_text_message.delay(reminder.pk).get() is False
    with django_capture_on_commit_callbacks(execute=True):
        follow_up_reminders_send(today=NOW.date())
    assert len(sms_provider.requests) == 1
    assert mail.outbox[0].to == ["koordinator@example.org"] and len(mail.outbox) == 1  # no e-mail either
    assert AccessLogEntry.objects.filter(action=AccessAction.SMS).count() == 1


def test_the_task_running_twice_sends_once(overdue_follow_up: FollowUp) -> None:
    follow_up_reminders_send(today=NOW.date())
    reminder = _supervisor_reminder()
    assert send_supervisor_text_message.delay(reminder.pk).get() is True
    assert send_supervisor_text_message.delay(reminder.pk).get() is False
    assert send_supervisor_text_message(reminder.pk) is False
    assert len(locmem.outbox) == 1


def test_a_reminder_being_sent_by_another_worker_is_left_to_it(overdue_follow_up: FollowUp) -> None:
    follow_up_reminders_send(today=NOW.date())
    reminder = _supervisor_reminder()
    Reminder.objects.filter(pk=reminder.pk).update(claimed_at=NOW)
    assert send_supervisor_text_message(reminder.pk) is False
    assert locmem.outbox == []


def test_a_follow_up_logged_before_the_text_message_goes_is_not_reminded(overdue_follow_up: FollowUp) -> None:
    follow_up_reminders_send(today=NOW.date())
    FollowUp.objects.filter(pk=overdue_follow_up.pk).update(done_on=NOW.date())
    reminder = _supervisor_reminder()
    assert send_supervisor_text_message(reminder.pk) is False
    assert locmem.outbox == []
    reminder.refresh_from_db()
    assert reminder.failure == Reminder.Failure.OBSOLETE and reminder.sent_at is None


def test_a_supervisor_who_changed_to_e_mail_after_queuing_gets_e_mail(overdue_follow_up: FollowUp) -> None:
    follow_up_reminders_send(today=NOW.date())
    Supervisor.objects.filter(pk=overdue_follow_up.placement.supervisor_id).update(reminders_by=ReminderChannel.EMAIL)
    reminder = _supervisor_reminder()
    assert send_supervisor_text_message(reminder.pk) is False
    assert locmem.outbox == []
    assert overdue_follow_up.placement.supervisor.email in [m.to[0] for m in mail.outbox]


def test_a_supervisor_without_an_account_gets_the_link_by_e_mail_not_through_the_sms_provider(
    overdue_follow_up: FollowUp, django_capture_on_commit_callbacks: Capture
) -> None:
    """Their reminder carries a bearer link to the follow-up form: it must not go to the SMS provider."""
    from placements.models import FollowUpLink

    supervisor = overdue_follow_up.placement.supervisor
    supervisor.user = None
    supervisor.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert follow_up_reminders_send(today=NOW.date()) == 2
    assert locmem.outbox == []
    assert supervisor.email in [m.to[0] for m in mail.outbox]
    assert FollowUpLink.objects.count() == 1  # the e-mail's, and no other


def test_a_supervisor_without_a_mobile_number_gets_e_mail(
    overdue_follow_up: FollowUp, django_capture_on_commit_callbacks: Capture
) -> None:
    supervisor = overdue_follow_up.placement.supervisor
    supervisor.phone = "+46812345678"
    supervisor.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert follow_up_reminders_send(today=NOW.date()) == 2
    assert locmem.outbox == [] and len(mail.outbox) == 2


# --- the first day and meetings ---------------------------------------------------------------------------


def _placement(*, started: bool = False, **kwargs: Any) -> Placement:
    workplace = WorkplaceFactory(name="Café Storsjön", street_address="Prästgatan 12", postal_code="83131")
    start = NOW.date() - dt.timedelta(days=10) if started else TOMORROW
    need = NeedFactory(workplace=workplace, start_date=start, end_date=start + dt.timedelta(weeks=8))
    if started:
        kwargs |= {"status": PlacementStatus.ACTIVE, "actual_start": start}
    placement = PlacementFactory(
        need=need, participant__first_name="Amina", **({"status": PlacementStatus.AGREED} | kwargs)
    )
    _prefers_sms(placement.supervisor)
    return placement


def _run(capture: Capture) -> int:
    with capture(execute=True):
        result: int = queue_supervisor_reminders.delay().get()
    return result


def test_the_day_before_the_first_day_the_supervisor_gets_a_reminder_in_swedish(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    placement = _placement()
    assert _run(django_capture_on_commit_callbacks) == 1
    (sent,) = locmem.outbox
    assert sent.to == SUPERVISOR_PHONE
    assert sent.text == "Platsa: i morgon, 2026-12-03, börjar Amina sin praktik hos er på Café Storsjön."
    assert placement.participant.last_name not in sent.text
    entry = AccessLogEntry.objects.get(action=AccessAction.SMS)
    assert entry.fields == ["first_name"] and entry.participant_id == placement.participant_id
    assert entry.reason == "sms:supervisor_first_day"
    assert _run(django_capture_on_commit_callbacks) == 0
    assert len(locmem.outbox) == 1


def test_no_first_day_reminder_to_a_supervisor_who_prefers_e_mail_or_has_no_account(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    by_email = _placement()
    Supervisor.objects.filter(pk=by_email.supervisor_id).update(reminders_by=ReminderChannel.EMAIL)
    no_account = _placement()
    Supervisor.objects.filter(pk=no_account.supervisor_id).update(user=None)
    landline = _placement()
    Supervisor.objects.filter(pk=landline.supervisor_id).update(phone="+46812345678")
    _placement(status=PlacementStatus.PROPOSED)
    assert _run(django_capture_on_commit_callbacks) == 0
    assert locmem.outbox == []


@pytest.mark.parametrize("hour", [8, 21, 23])
def test_no_supervisor_reminders_at_night_nor_the_first_day_reminder_before_nine(
    hour: int, django_capture_on_commit_callbacks: Capture
) -> None:
    _placement()
    started = _placement(started=True)
    at = NOW.replace(hour=hour, minute=30)
    MeetingFactory(placement=started, starts_at=at + dt.timedelta(hours=3))
    with time_machine.travel(at, tick=False), django_capture_on_commit_callbacks(execute=True):
        queued = supervisor_reminders_queue(now=at)
    assert queued == (1 if hour == 8 else 0)  # at 08:30 the meeting's, not yet the first day's


def test_before_a_meeting_the_supervisor_gets_a_reminder_with_date_time_and_place(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    placement = _placement(started=True)
    MeetingFactory(placement=placement, starts_at=NOW + dt.timedelta(hours=5), place="Prästgatan 12")
    assert _run(django_capture_on_commit_callbacks) == 1
    (sent,) = locmem.outbox
    assert sent.to == SUPERVISOR_PHONE
    assert sent.text == "Platsa: möte om praktiken för Amina 2026-12-02 kl. 15:00: Prästgatan 12."
    assert AccessLogEntry.objects.get(action=AccessAction.SMS).reason == "sms:supervisor_meeting"


def test_a_moved_meeting_gets_a_reminder_for_its_new_time(django_capture_on_commit_callbacks: Capture) -> None:
    placement = _placement(started=True)
    meeting = MeetingFactory(placement=placement, starts_at=NOW + dt.timedelta(hours=5))
    assert _run(django_capture_on_commit_callbacks) == 1
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=NOW + dt.timedelta(hours=7), ends_at=NOW + dt.timedelta(hours=8)
    )
    assert _run(django_capture_on_commit_callbacks) == 1
    assert ["15:00" in locmem.outbox[0].text, "17:00" in locmem.outbox[1].text] == [True, True]


def test_no_reminder_for_a_cancelled_meeting_one_without_the_supervisor_or_one_too_close(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    placement = _placement(started=True)
    MeetingFactory(placement=placement, starts_at=NOW + dt.timedelta(hours=5), cancelled_at=NOW)
    MeetingFactory(placement=placement, starts_at=NOW + dt.timedelta(hours=6), with_supervisor=False)
    MeetingFactory(placement=placement, starts_at=NOW + dt.timedelta(minutes=20))
    MeetingFactory(placement=placement, starts_at=NOW + dt.timedelta(hours=25))
    assert _run(django_capture_on_commit_callbacks) == 0


def test_a_meeting_cancelled_or_moved_after_queuing_gets_no_reminder(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    placement = _placement(started=True)
    cancelled = MeetingFactory(placement=placement, starts_at=NOW + dt.timedelta(hours=5))
    moved = MeetingFactory(placement=placement, starts_at=NOW + dt.timedelta(hours=6))
    assert supervisor_reminders_queue(now=NOW) == 2  # queued; the commit callbacks do not run here
    Meeting.objects.filter(pk=cancelled.pk).update(cancelled_at=NOW)
    Meeting.objects.filter(pk=moved.pk).update(
        starts_at=NOW + dt.timedelta(hours=9), ends_at=NOW + dt.timedelta(hours=10)
    )
    for reminder in Reminder.objects.all():
        assert send_supervisor_text_message(reminder.pk) is False
    assert locmem.outbox == []
    assert set(Reminder.objects.values_list("failure", flat=True)) == {Reminder.Failure.OBSOLETE}


def test_a_first_day_moved_after_queuing_gets_no_reminder() -> None:
    placement = _placement()
    assert supervisor_reminders_queue(now=NOW) == 1
    Placement.objects.filter(pk=placement.pk).update(planned_start=TOMORROW + dt.timedelta(days=7))
    assert send_supervisor_text_message(Reminder.objects.get().pk) is False
    assert locmem.outbox == []


def test_a_first_day_reminder_the_provider_refuses_is_given_up_not_sent_by_e_mail(sms_provider: Any) -> None:
    sms_provider.answers = [(400, "refused")]
    _placement()
    supervisor_reminders_queue(now=NOW)
    reminder = Reminder.objects.get()
    assert send_supervisor_text_message(reminder.pk) is False
    reminder.refresh_from_db()
    assert (reminder.failure, reminder.sent_at, reminder.channel) == (
        Reminder.Failure.REJECTED,
        None,
        ReminderChannel.SMS,
    )
    assert mail.outbox == []
    assert send_supervisor_text_message(reminder.pk) is False
    assert len(sms_provider.requests) == 1


def test_the_beat_schedule_queues_the_supervisors_reminders_with_the_participants() -> None:
    schedule = settings.CELERY_BEAT_SCHEDULE
    ours = schedule["supervisor-text-reminders"]
    assert ours["task"] == "placements.tasks.queue_supervisor_reminders"
    assert ours["schedule"] == schedule["participant-text-reminders"]["schedule"]


def test_the_supervisors_texts_are_in_swedish() -> None:
    with translation.override("sv"):
        for msgid in (FIRST_DAY_TEXT, MEETING_TEXT):
            assert _(msgid) != msgid


# --- what the review of the first version found ----------------------------------------------------------


def test_a_meeting_moved_and_moved_back_before_its_reminder_went_is_reminded_at_its_time() -> None:
    """An obsolete reminder frees its key, as a participant's does: the first time's is queued again."""
    placement = _placement(started=True)
    meeting = MeetingFactory(placement=placement, starts_at=NOW + dt.timedelta(hours=5))
    starts, ends = meeting.starts_at, meeting.ends_at
    assert supervisor_reminders_queue(now=NOW) == 1
    first = Reminder.objects.get()
    later = dt.timedelta(hours=2)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=starts + later, ends_at=ends + later)
    assert send_supervisor_text_message(first.pk) is False
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=starts, ends_at=ends)
    assert supervisor_reminders_queue(now=NOW) == 1
    again = Reminder.objects.exclude(pk=first.pk).get()
    assert send_supervisor_text_message(again.pk) is True
    assert len(locmem.outbox) == 1


def test_after_the_last_retry_a_follow_up_logged_meanwhile_gets_no_e_mail(overdue_follow_up: FollowUp) -> None:
    from placements.supervisor_sms import supervisor_text_message_expire

    follow_up_reminders_send(today=NOW.date())
    mail.outbox.clear()
    reminder = _supervisor_reminder()
    FollowUp.objects.filter(pk=overdue_follow_up.pk).update(done_on=NOW.date())
    supervisor_text_message_expire(reminder_id=reminder.pk)
    reminder.refresh_from_db()
    assert mail.outbox == [] and reminder.failure == Reminder.Failure.OBSOLETE


def test_the_last_retry_leaves_a_reminder_another_worker_is_sending_to_it(overdue_follow_up: FollowUp) -> None:
    """A task may be published twice: one copy sending while the other gives up must not e-mail too."""
    from placements.supervisor_sms import supervisor_text_message_expire

    follow_up_reminders_send(today=NOW.date())
    mail.outbox.clear()
    reminder = _supervisor_reminder()
    Reminder.objects.filter(pk=reminder.pk).update(claimed_at=NOW)
    supervisor_text_message_expire(reminder_id=reminder.pk)
    supervisor_text_message_expire(reminder_id=reminder.pk)
    reminder.refresh_from_db()
    assert mail.outbox == [] and reminder.failure == ""


def test_a_refused_reminder_with_no_address_to_fall_back_on_is_recorded_not_queued_again_daily(
    overdue_follow_up: FollowUp, sms_provider: Any, django_capture_on_commit_callbacks: Capture
) -> None:
    Supervisor.objects.filter(pk=overdue_follow_up.placement.supervisor_id).update(email="")
    sms_provider.answers = [(400, "refused")]
    with django_capture_on_commit_callbacks(execute=True):
        follow_up_reminders_send(today=NOW.date())
    reminder = _supervisor_reminder()
    assert (reminder.failure, reminder.sent_at) == (Reminder.Failure.REJECTED, None)
    with django_capture_on_commit_callbacks(execute=True):
        follow_up_reminders_send(today=NOW.date() + dt.timedelta(days=1))
    assert len(sms_provider.requests) == 1


def test_a_first_day_reminder_to_a_supervisor_who_changed_to_e_mail_says_so() -> None:
    placement = _placement()
    assert supervisor_reminders_queue(now=NOW) == 1
    Supervisor.objects.filter(pk=placement.supervisor_id).update(reminders_by=ReminderChannel.EMAIL)
    reminder = Reminder.objects.get()
    assert send_supervisor_text_message(reminder.pk) is False
    reminder.refresh_from_db()
    assert reminder.failure == Reminder.Failure.NOT_BY_SMS and locmem.outbox == []


def test_a_failure_before_the_send_releases_the_claim(overdue_follow_up: FollowUp, monkeypatch: Any) -> None:
    """Claimed, then an error while the text was written: left claimed, no retry could ever send it."""
    from placements import supervisor_sms

    follow_up_reminders_send(today=NOW.date())
    reminder = _supervisor_reminder()

    def broken(reminder: Reminder) -> str:
        raise RuntimeError("a bug")

    monkeypatch.setattr(supervisor_sms, "_text", broken)
    with pytest.raises(RuntimeError):
        send_supervisor_text_message(reminder.pk)
    reminder.refresh_from_db()
    assert reminder.claimed_at is None
    monkeypatch.undo()
    assert send_supervisor_text_message(reminder.pk) is True
