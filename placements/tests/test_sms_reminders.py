"""Text reminders: to participants the day before the first day and before each meeting, in their
language, once however often the run goes, only with consent. Supervisors' text messages:
test_supervisor_sms.py."""

from __future__ import annotations

import datetime as dt
import gettext
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import to_locale

from accounts.models import AccessAction, AccessLogEntry
from accounts.tests.factories import CoordinatorFactory
from participants.models import InformationLanguage, TextMessage, TextMessageFailure, TextMessageKind
from participants.tests.factories import ParticipantFactory
from placements.meetings import meeting_cancel, meeting_change
from placements.models import Meeting, Placement, PlacementStatus
from placements.services import placement_cancel
from placements.sms_reminders import PARTICIPANT_TEXTS, participant_reminders_queue
from placements.summary import SMS_MAX_SEGMENTS, placement_summary, summary_day, summary_time
from placements.tasks import queue_participant_reminders, send_participant_reminder
from placements.tests.factories import MeetingFactory, PlacementFactory
from sms.backends import locmem
from sms.backends.base import message_parts
from taxonomy.models import Weekday
from workplaces.tests.factories import NeedFactory, WorkingHoursFactory, WorkplaceFactory

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# A Wednesday morning; the placement starts on Thursday.
NOW = dt.datetime(2026, 12, 2, 10, 0, tzinfo=STOCKHOLM)
TOMORROW = dt.date(2026, 12, 3)


@pytest.fixture(autouse=True)
def _wednesday_morning():
    with time_machine.travel(NOW, tick=False):
        yield


def _placement(language: str = "sv", *, consent: bool = True, started: bool = False, **kwargs):
    coordinator = CoordinatorFactory(first_name="Anna", phone="+46631234567")
    participant = ParticipantFactory(
        team=coordinator.team,
        coordinator=coordinator,
        # Names of their own: a factory's random first name was once the coordinator's ("Anna"), and
        # the test that no name of the participant's is in the text failed on the coordinator's.
        first_name="Zerihun",
        last_name="Okbamichael",
        information_language=language,
        texts=consent,
        phone="+46701740605",
    )
    workplace = WorkplaceFactory(name="Café Storsjön", street_address="Prästgatan 12", postal_code="83131")
    start = NOW.date() - dt.timedelta(days=10) if started else TOMORROW
    need = NeedFactory(workplace=workplace, start_date=start, end_date=start + dt.timedelta(weeks=8))
    if started:
        kwargs |= {"status": PlacementStatus.ACTIVE, "actual_start": start}
    defaults = {"status": PlacementStatus.AGREED}
    return PlacementFactory(participant=participant, need=need, **(defaults | kwargs))


def _run(capture) -> int:
    with capture(execute=True):
        return queue_participant_reminders.delay().get()


def test_the_day_before_the_first_day_the_participant_gets_a_reminder_in_their_language(
    django_capture_on_commit_callbacks,
) -> None:
    placement = _placement("ti")
    assert _run(django_capture_on_commit_callbacks) == 1
    (sent,) = locmem.outbox
    assert sent.to == "+46701740605"
    assert "ጽባሕ" in sent.text and "መዓልቲ" in sent.text  # Tigrinya: "tomorrow", "day"
    # The date as the summary writes it in Tigrinya, not as ISO numbers.
    assert summary_day(TOMORROW, language="ti", short=True) == "ታሕሳስ 3, ሓሙ"
    assert "ታሕሳስ 3, ሓሙ" in sent.text and "2026-12-03" not in sent.text
    assert "Café Storsjön, Prästgatan 12, 83131 Östersund" in sent.text
    assert "Anna" in sent.text and "063-123 45 67" in sent.text
    assert message_parts(sent.text) <= SMS_MAX_SEGMENTS
    # Nothing about the person beyond what the message needs: no name, no identity number.
    participant = placement.participant
    assert participant.first_name not in sent.text and participant.last_name not in sent.text
    message = TextMessage.objects.get()
    assert message.kind == TextMessageKind.FIRST_DAY and message.sent_at is not None and message.text == ""
    entry = AccessLogEntry.objects.get(action=AccessAction.SMS)
    assert (entry.participant_id, entry.username, entry.reason) == (participant.pk, "sms-reminder", "sms:first_day")


def test_a_second_run_sends_no_reminder_twice(django_capture_on_commit_callbacks) -> None:
    _placement("so")
    MeetingFactory(
        placement=PlacementFactory(
            participant=ParticipantFactory(texts=True), status=PlacementStatus.ACTIVE, active=True
        ),
        starts_at=NOW + dt.timedelta(hours=20),
    )
    assert _run(django_capture_on_commit_callbacks) == 2
    assert _run(django_capture_on_commit_callbacks) == 0
    with time_machine.travel(NOW + dt.timedelta(hours=2), tick=False):
        assert _run(django_capture_on_commit_callbacks) == 0
    assert len(locmem.outbox) == 2
    assert TextMessage.objects.count() == 2


def test_no_reminder_without_consent_or_a_mobile_number(django_capture_on_commit_callbacks) -> None:
    _placement(consent=False)
    landline = _placement()
    landline.participant.phone = "+46812345678"
    landline.participant.save()
    assert _run(django_capture_on_commit_callbacks) == 0
    assert locmem.outbox == [] and not TextMessage.objects.exists()


def test_no_first_day_reminder_for_a_proposal_or_before_nine(django_capture_on_commit_callbacks) -> None:
    _placement(status=PlacementStatus.PROPOSED)
    assert _run(django_capture_on_commit_callbacks) == 0
    _placement()
    with time_machine.travel(NOW.replace(hour=8, minute=30), tick=False):
        assert _run(django_capture_on_commit_callbacks) == 0
    with time_machine.travel(NOW.replace(hour=22), tick=False):  # at night nothing goes
        assert participant_reminders_queue() == 0
    assert _run(django_capture_on_commit_callbacks) == 1


@pytest.mark.parametrize(
    ("language", "expected"),
    [("so", "kulan"), ("fa-af", "جلسه"), ("ar", "اجتماع"), ("uk", "зустріч"), ("en", "meeting"), ("sv", "möte")],
)
def test_a_meeting_reminder_goes_the_day_before_in_the_participants_language(
    language: str, expected: str, django_capture_on_commit_callbacks
) -> None:
    placement = _placement(language, started=True)
    MeetingFactory(placement=placement, starts_at=NOW + dt.timedelta(hours=23), place="Rådhusgatan 42")
    MeetingFactory(placement=placement, starts_at=NOW + dt.timedelta(days=3))  # not yet
    assert _run(django_capture_on_commit_callbacks) == 1
    (sent,) = locmem.outbox
    assert expected in sent.text
    # Date and time as the summary writes them in the language ("Thu, December 3", "9:00 AM").
    day, time = summary_day(TOMORROW, language=language, short=True), summary_time(dt.time(9), language=language)
    assert day in sent.text and time in sent.text and "Rådhusgatan 42" in sent.text
    assert "2026-12-03" not in sent.text
    assert "Anna" in sent.text and "063-123 45 67" in sent.text
    assert message_parts(sent.text) <= SMS_MAX_SEGMENTS


def test_a_video_meeting_is_named_as_one_and_a_moved_meeting_gets_a_new_reminder(
    django_capture_on_commit_callbacks,
) -> None:
    placement = _placement("fa-af", started=True)
    meeting = MeetingFactory(
        placement=placement, starts_at=NOW + dt.timedelta(hours=5), place="", video_link="https://meet.example/x"
    )
    assert _run(django_capture_on_commit_callbacks) == 1
    assert "جلسه ویدیویی" in locmem.outbox[0].text
    meeting.starts_at += dt.timedelta(hours=2)
    meeting.ends_at += dt.timedelta(hours=2)
    meeting.save()
    assert _run(django_capture_on_commit_callbacks) == 1
    assert "17:00" in locmem.outbox[1].text  # the new time
    assert _run(django_capture_on_commit_callbacks) == 0


def test_no_reminder_for_a_cancelled_meeting_or_one_without_the_participant(
    django_capture_on_commit_callbacks,
) -> None:
    placement = _placement(started=True)
    MeetingFactory(placement=placement, starts_at=NOW + dt.timedelta(hours=5), cancelled_at=NOW)
    MeetingFactory(placement=placement, starts_at=NOW + dt.timedelta(hours=6), with_participant=False)
    MeetingFactory(placement=placement, starts_at=NOW + dt.timedelta(minutes=20))  # too late to remind
    assert _run(django_capture_on_commit_callbacks) == 0


def test_the_first_day_reminder_says_the_time_and_whom_to_call_as_the_summary_does(
    django_capture_on_commit_callbacks,
) -> None:
    """It restated the summary: no start time, and no one to call when the placement had no
    coordinator of its own (the summary names the participant's)."""
    placement = _placement()
    WorkingHoursFactory(need=placement.need, weekday=Weekday.THURSDAY, starts_at=dt.time(7, 30), ends_at=dt.time(16))
    Placement.objects.filter(pk=placement.pk).update(coordinator=None)
    assert _run(django_capture_on_commit_callbacks) == 1
    (sent,) = locmem.outbox
    summary = placement_summary(placement=Placement.objects.get(pk=placement.pk), language="sv")
    assert (summary.first_day_short, summary.start_time) == ("tors 3 december", "07:30")
    assert sent.text == (
        "Påminnelse: i morgon, tors 3 december klockan 07:30, är din första dag på praktiken: "
        "Café Storsjön, Prästgatan 12, 83131 Östersund. "
        f"Frågor? Ring {summary.coordinator_name}, 063-123 45 67."
    )
    assert summary.coordinator_name.startswith("Anna ")


@pytest.mark.parametrize("language", ["ar", "ti"])
def test_a_reminder_with_a_long_address_keeps_to_three_segments_and_the_number_whole(
    language: str, django_capture_on_commit_callbacks
) -> None:
    placement = _placement(language)
    workplace = placement.need.workplace
    workplace.street_address = ("Industrivägen 14, port 3, lastkajen på baksidan, ingång via den gula dörren " * 3)[
        :160
    ]
    workplace.save()
    assert _run(django_capture_on_commit_callbacks) == 1
    (sent,) = locmem.outbox
    assert message_parts(sent.text) <= SMS_MAX_SEGMENTS
    assert "063-123 45 67" in sent.text and summary_day(TOMORROW, language=language, short=True) in sent.text
    assert "Café Storsjön, Industrivägen 14" in sent.text and "…" in sent.text


# --- a reminder that no longer holds when it is sent --------------------------------------------------


def _queued_not_sent(capture) -> TextMessage:
    """The one reminder a run queues, its task not run yet."""
    before = set(TextMessage.objects.values_list("pk", flat=True))
    with capture(execute=False):
        assert participant_reminders_queue() == 1
    return TextMessage.objects.exclude(pk__in=before).get()


def _assert_superseded(message: TextMessage) -> None:
    assert send_participant_reminder.delay(message.pk).get() is False
    message.refresh_from_db()
    assert (message.failure, message.text, message.sent_at) == (TextMessageFailure.SUPERSEDED, "", None)
    assert locmem.outbox == []


def _change(meeting: Meeting, *, hours: int = 0, with_participant: bool = True, place: str | None = None) -> None:
    meeting_change(
        meeting=meeting,
        by=meeting.placement.coordinator,
        kind=meeting.kind,
        starts_at=meeting.starts_at + dt.timedelta(hours=hours),
        ends_at=meeting.ends_at + dt.timedelta(hours=hours),
        place=meeting.place if place is None else place,
        with_participant=with_participant,
    )
    meeting.refresh_from_db()


def test_a_reminder_of_a_meeting_moved_before_it_goes_is_given_up_and_the_new_time_reminded(
    django_capture_on_commit_callbacks,
) -> None:
    placement = _placement(started=True)
    meeting = MeetingFactory(placement=placement, starts_at=NOW + dt.timedelta(hours=5), place="Rådhusgatan 42")
    message = _queued_not_sent(django_capture_on_commit_callbacks)
    _change(meeting, hours=2)
    _assert_superseded(message)
    assert _run(django_capture_on_commit_callbacks) == 1  # the next run: the new time
    (sent,) = locmem.outbox
    assert "17:00" in sent.text and "15:00" not in sent.text
    assert TextMessage.objects.filter(sent_at__isnull=False).get().key.endswith(":20261202T1700")


def test_a_meeting_moved_and_moved_back_before_its_reminder_went_is_reminded_at_its_time(
    django_capture_on_commit_callbacks,
) -> None:
    """A superseded reminder frees its key: the reminder for the first time is queued again."""
    placement = _placement(started=True)
    meeting = MeetingFactory(placement=placement, starts_at=NOW + dt.timedelta(hours=5), place="Rådhusgatan 42")
    first = _queued_not_sent(django_capture_on_commit_callbacks)
    _change(meeting, hours=2)
    _assert_superseded(first)
    _change(meeting, hours=-2)
    assert _run(django_capture_on_commit_callbacks) == 1
    (sent,) = locmem.outbox
    assert "15:00" in sent.text


def test_a_reminder_whose_meeting_place_changed_before_it_went_is_given_up_and_the_new_place_reminded(
    django_capture_on_commit_callbacks,
) -> None:
    placement = _placement(started=True)
    meeting = MeetingFactory(placement=placement, starts_at=NOW + dt.timedelta(hours=5), place="Rådhusgatan 42")
    message = _queued_not_sent(django_capture_on_commit_callbacks)
    _change(meeting, place="Storgatan 7")
    _assert_superseded(message)
    assert _run(django_capture_on_commit_callbacks) == 1
    (sent,) = locmem.outbox
    assert "Storgatan 7" in sent.text and "Rådhusgatan" not in sent.text


def test_a_meeting_reminder_still_retrying_when_the_meeting_has_begun_is_not_sent(
    django_capture_on_commit_callbacks,
) -> None:
    placement = _placement(started=True)
    MeetingFactory(placement=placement, starts_at=NOW + dt.timedelta(hours=5), place="Rådhusgatan 42")
    message = _queued_not_sent(django_capture_on_commit_callbacks)
    with time_machine.travel(NOW + dt.timedelta(hours=5, minutes=10), tick=False):
        _assert_superseded(message)


@pytest.mark.parametrize("change", ["cancelled", "without the participant", "placement cancelled"])
def test_a_reminder_of_a_meeting_cancelled_before_it_goes_is_given_up(
    change: str, django_capture_on_commit_callbacks
) -> None:
    placement = _placement()  # agreed, not started: it can be cancelled
    meeting = MeetingFactory(placement=placement, starts_at=NOW + dt.timedelta(hours=5), place="Rådhusgatan 42")
    Placement.objects.filter(pk=placement.pk).update(planned_start=TOMORROW + dt.timedelta(days=7))
    message = _queued_not_sent(django_capture_on_commit_callbacks)
    assert message.kind == TextMessageKind.MEETING
    if change == "cancelled":
        meeting_cancel(meeting=meeting, by=placement.coordinator)
    elif change == "without the participant":
        _change(meeting, with_participant=False)
    else:
        placement_cancel(placement=Placement.objects.get(pk=placement.pk), reason="Avbruten", by=placement.coordinator)
    _assert_superseded(message)
    assert _run(django_capture_on_commit_callbacks) == 0


@pytest.mark.parametrize("change", ["placement cancelled", "first day moved", "placement started"])
def test_a_first_day_reminder_is_given_up_when_the_first_day_no_longer_holds(
    change: str, django_capture_on_commit_callbacks
) -> None:
    placement = _placement()
    message = _queued_not_sent(django_capture_on_commit_callbacks)
    assert message.kind == TextMessageKind.FIRST_DAY
    if change == "placement cancelled":
        placement_cancel(placement=placement, reason="Avbruten", by=placement.coordinator)
    elif change == "first day moved":
        Placement.objects.filter(pk=placement.pk).update(planned_start=TOMORROW + dt.timedelta(days=2))
    else:
        Placement.objects.filter(pk=placement.pk).update(status=PlacementStatus.ACTIVE, actual_start=NOW.date())
    _assert_superseded(message)
    assert _run(django_capture_on_commit_callbacks) == 0
    if change == "first day moved":  # the day before the new first day, its own reminder
        with time_machine.travel(NOW + dt.timedelta(days=2), tick=False):
            assert _run(django_capture_on_commit_callbacks) == 1
        (sent,) = locmem.outbox
        assert summary_day(TOMORROW + dt.timedelta(days=2), language="sv", short=True) in sent.text


@pytest.fixture
def retrying_eagerly():
    """Eager tasks retry the way a worker does instead of raising the Retry to the caller."""
    from config.celery import app

    saved = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = saved


def test_a_reminder_that_still_holds_goes_and_is_retried_while_the_provider_is_down(
    sms_provider, retrying_eagerly, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    """The reminders' own task keeps the retries of participants.tasks.send_text_message, and gives a
    reminder the provider never took up after the last one."""
    from sms import retries

    placement = _placement(started=True)
    MeetingFactory(placement=placement, starts_at=NOW + dt.timedelta(hours=5), place="Rådhusgatan 42")
    message = _queued_not_sent(django_capture_on_commit_callbacks)
    monkeypatch.setattr(retries, "SEND_RETRIES", 1)
    monkeypatch.setitem(send_participant_reminder.retry_kwargs, "max_retries", 1)
    sms_provider.answers = [(503, "busy"), (200, "")]
    assert send_participant_reminder.delay(message.pk).get() is True
    assert len(sms_provider.requests) == 2
    message.refresh_from_db()
    assert message.sent_at is not None and message.attempts == 2
    MeetingFactory(placement=placement, starts_at=NOW + dt.timedelta(hours=6), place="Rådhusgatan 42")
    second = _queued_not_sent(django_capture_on_commit_callbacks)
    sms_provider.answers = [(503, "busy")]
    assert send_participant_reminder.delay(second.pk).get() is False
    second.refresh_from_db()
    assert (second.failure, second.sent_at) == (TextMessageFailure.UNAVAILABLE, None)


# --- the catalogues --------------------------------------------------------------------------------------

LOCALE = Path(settings.BASE_DIR) / "locale"


@pytest.mark.parametrize("language", InformationLanguage.values)
def test_every_language_has_every_participant_text(language: str) -> None:
    catalogue = gettext.translation("django", localedir=LOCALE, languages=[to_locale(language)], fallback=False)
    for msgid in PARTICIPANT_TEXTS:
        translated = catalogue._catalog.get(msgid)  # type: ignore[attr-defined]  # GNUTranslations' own
        assert translated, f"{language} lacks {msgid!r}"
        assert sorted(re.findall(r"%\(\w+\)s", translated)) == sorted(re.findall(r"%\(\w+\)s", msgid))


@pytest.mark.parametrize(
    ("language", "script"), [("so", r"[a-z]"), ("ti", r"[\u1200-\u137F]"), ("fa-af", r"[\u0600-\u06FF]")]
)
def test_the_active_language_gives_its_own_text(language: str, script: str) -> None:
    with translation.override("sv"):
        swedish = [_(msgid) for msgid in PARTICIPANT_TEXTS]
    with translation.override(language):
        texts = [_(msgid) for msgid in PARTICIPANT_TEXTS]
    for text, msgid, sv in zip(texts, PARTICIPANT_TEXTS, swedish, strict=True):
        assert text not in (msgid, sv)
        assert re.search(script, text)
