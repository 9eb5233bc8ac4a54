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
from participants.models import InformationLanguage, TextMessage, TextMessageKind
from participants.tests.factories import ParticipantFactory
from placements.models import PlacementStatus
from placements.sms_reminders import PARTICIPANT_TEXTS, participant_reminders_queue
from placements.tasks import queue_participant_reminders
from placements.tests.factories import MeetingFactory, PlacementFactory
from sms.backends import locmem
from workplaces.tests.factories import NeedFactory, WorkplaceFactory

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
    assert "2026-12-03" in sent.text
    assert "Café Storsjön, Prästgatan 12, 83131 Östersund" in sent.text
    assert "Anna" in sent.text and "063-123 45 67" in sent.text
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
    assert "2026-12-03" in sent.text and "09:00" in sent.text and "Rådhusgatan 42" in sent.text
    assert "Anna" in sent.text and "063-123 45 67" in sent.text


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
