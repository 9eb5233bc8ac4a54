"""Text messages to participants: consent on the case file, queued through the outbox, sent once,
retried while the provider is unavailable, logged without their text; phone numbers to E.164."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessAction, AccessLogEntry
from accounts.tests.factories import CoordinatorFactory, SupervisorUserFactory
from outbox.models import OutboxMessage
from participants.models import Participant, TextMessage, TextMessageFailure
from participants.tasks import send_text_message
from participants.tests.factories import ParticipantFactory, TextMessageFactory
from participants.tests.test_views import _valid_post
from participants.text_messages import (
    participant_sms_consent_set,
    participant_sms_send,
    sms_may_go_q,
    sms_refusal,
)
from sms.backends import locmem

pytestmark = pytest.mark.django_db

TEXT = "Hej! Din praktik börjar måndag 09:00 på Storgatan 1."


@pytest.fixture
def coordinator():
    return CoordinatorFactory(first_name="Anna", phone="+46631234567")


@pytest.fixture
def consenting(coordinator):
    return ParticipantFactory(team=coordinator.team, coordinator=coordinator, texts=True)


# --- consent -----------------------------------------------------------------------------------------------


def test_the_coordinator_records_and_withdraws_the_consent_on_the_case_file(client: Client, coordinator) -> None:
    person = ParticipantFactory(team=coordinator.team, coordinator=coordinator, phone="+46701740605")
    client.force_login(coordinator)
    detail = reverse("participants:detail", args=[person.pk])
    assert "Inget samtycke till sms är registrerat" in client.get(detail).content.decode()

    url = reverse("participants:sms_consent", args=[person.pk])
    assert client.post(url, {"consent": "1"}).status_code == 302
    person.refresh_from_db()
    assert person.has_sms_consent and person.sms_consent_recorded_by == coordinator
    page = client.get(detail).content.decode()
    assert "Deltagaren samtycker till sms" in page and "Återkalla samtycket" in page

    assert client.post(url, {"consent": "0"}).status_code == 302
    person.refresh_from_db()
    assert not person.has_sms_consent and person.sms_consent_withdrawn_at is not None
    assert "återkallat" in client.get(detail).content.decode()
    changes = AccessLogEntry.objects.filter(participant_id=person.pk, action=AccessAction.CHANGE)
    assert [e.fields for e in changes] == [["sms_consent"], ["sms_consent"]]


def test_recording_the_consent_twice_is_refused() -> None:
    person = ParticipantFactory(texts=True)
    with pytest.raises(ValidationError):
        participant_sms_consent_set(participant=person, consent=True, by=person.coordinator)


def test_another_team_and_other_roles_cannot_change_the_consent(client: Client, consenting) -> None:
    url = reverse("participants:sms_consent", args=[consenting.pk])
    client.force_login(CoordinatorFactory())
    assert client.post(url, {"consent": "0"}).status_code == 404
    client.force_login(SupervisorUserFactory())
    assert client.post(url, {"consent": "0"}).status_code in (403, 404)
    client.logout()
    assert client.post(url, {"consent": "0"}).status_code == 302  # to the login page
    consenting.refresh_from_db()
    assert consenting.has_sms_consent


# --- sending -------------------------------------------------------------------------------------------------


def test_the_consent_rule_as_a_query_agrees_with_sms_refusal(coordinator) -> None:
    """The query is the SQL pre-filter of sms_refusal: it never leaves out a participant a message
    may go to, and what it lets through is refused only for a number that cannot take one."""
    now = timezone.now()
    people = {
        "consented": ParticipantFactory(team=coordinator.team, texts=True),
        "no consent": ParticipantFactory(team=coordinator.team, phone="+46701740606"),
        "withdrawn": ParticipantFactory(team=coordinator.team, phone="+46701740607", sms_consent_withdrawn_at=now),
        "pseudonymised": ParticipantFactory(team=coordinator.team, texts=True, pseudonymised_at=now),
        "no phone": ParticipantFactory(team=coordinator.team, texts=True, phone=""),
        "landline": ParticipantFactory(team=coordinator.team, texts=True, phone="+46812345678"),
        "not a number": ParticipantFactory(team=coordinator.team, texts=True, phone="12"),
    }
    admitted = set(Participant.objects.filter(sms_may_go_q()).values_list("pk", flat=True))
    for person in people.values():
        TextMessageFactory(participant=person, text=TEXT)
    through_messages = set(
        TextMessage.objects.filter(sms_may_go_q("participant__")).values_list("participant_id", flat=True)
    )
    assert through_messages == admitted
    refusals = {name: sms_refusal(participant=person) for name, person in people.items()}
    assert {name for name, person in people.items() if person.pk in admitted} == {
        "consented",
        "landline",
        "not a number",
    }
    assert {name for name, reason in refusals.items() if reason is None} == {"consented"}
    for name, person in people.items():
        if person.pk not in admitted:
            assert refusals[name] is not None, name
        elif refusals[name] is not None:  # the phone, checked in Python
            assert refusals[name] == TextMessageFailure.NO_NUMBER, name
    assert refusals["no consent"] == refusals["withdrawn"] == TextMessageFailure.NO_CONSENT
    assert refusals["pseudonymised"] == refusals["no phone"] == TextMessageFailure.NO_NUMBER


def test_no_message_is_queued_without_consent(coordinator) -> None:
    person = ParticipantFactory(team=coordinator.team, coordinator=coordinator, phone="+46701740605")
    with pytest.raises(ValidationError, match="inte samtyckt"):
        participant_sms_send(participant=person, text=TEXT, by=coordinator)
    assert not TextMessage.objects.exists() and not OutboxMessage.objects.exists()
    assert locmem.outbox == []


def test_no_message_is_queued_to_a_landline(coordinator) -> None:
    person = ParticipantFactory(team=coordinator.team, coordinator=coordinator, texts=True, phone="+46812345678")
    with pytest.raises(ValidationError, match="mobilnummer"):
        participant_sms_send(participant=person, text=TEXT, by=coordinator)


def test_a_coordinator_message_is_queued_sent_and_logged_without_its_text(
    consenting, coordinator, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        message = participant_sms_send(participant=consenting, text=TEXT, by=coordinator)
    (sent,) = locmem.outbox
    assert (sent.to, sent.text) == ("+46701740605", TEXT)
    message.refresh_from_db()
    assert message.sent_at is not None and message.sent_to == "+46701740605"
    assert message.provider_id == sent.provider_id
    assert message.text == ""  # kept only until sent
    assert OutboxMessage.objects.get(key=f"sms:{message.pk}").sent_at is not None
    (entry,) = AccessLogEntry.objects.filter(action=AccessAction.SMS)
    assert (entry.participant_id, entry.user, entry.fields) == (consenting.pk, coordinator, ["phone"])
    assert entry.reason == "sms:coordinator"
    stored = " ".join(str(value) for value in AccessLogEntry.objects.values_list(flat=False))
    assert "Storgatan" not in stored and "Hej" not in stored


@pytest.fixture
def retrying_eagerly():
    """Eager tasks retry the way a worker does (at once, without the back-off) instead of raising the
    Retry to the caller, as they do while eager errors propagate (the test settings)."""
    from config.celery import app

    saved = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = saved


def test_a_5xx_from_the_provider_is_retried_and_the_message_sent_once(
    consenting, coordinator, sms_provider, retrying_eagerly, django_capture_on_commit_callbacks
) -> None:
    sms_provider.answers = [(503, "try later"), (502, "bad gateway"), (200, "")]
    with django_capture_on_commit_callbacks(execute=True):
        message = participant_sms_send(participant=consenting, text=TEXT, by=coordinator)
    assert len(sms_provider.requests) == 3
    assert {r.fields["to"][0] for r in sms_provider.requests} == {"+46701740605"}
    assert sms_provider.requests[-1].fields == {"from": ["Platsa"], "to": ["+46701740605"], "message": [TEXT]}
    message.refresh_from_db()
    assert message.sent_at is not None and message.attempts == 3 and message.provider_id.startswith("s0")
    assert AccessLogEntry.objects.filter(action=AccessAction.SMS).count() == 1


def test_the_task_running_twice_sends_once(consenting, sms_provider) -> None:
    message = TextMessageFactory(participant=consenting, text=TEXT)
    assert send_text_message.delay(message.pk).get() is True
    assert send_text_message.delay(message.pk).get() is False
    assert send_text_message(message.pk) is False
    assert len(sms_provider.requests) == 1


def test_a_message_being_sent_by_another_worker_is_left_to_it(consenting) -> None:
    message = TextMessageFactory(participant=consenting, text=TEXT)
    TextMessage.objects.filter(pk=message.pk).update(claimed_at=message.created_at)
    assert send_text_message(message.pk) is False
    assert locmem.outbox == []


def test_a_consent_withdrawn_after_queuing_stops_the_message(consenting, coordinator) -> None:
    message = TextMessageFactory(participant=consenting, text=TEXT)
    participant_sms_consent_set(participant=consenting, consent=False, by=coordinator)
    assert send_text_message(message.pk) is False
    message.refresh_from_db()
    assert (message.failure, message.text, message.sent_at) == (TextMessageFailure.NO_CONSENT, "", None)
    assert locmem.outbox == []
    assert not AccessLogEntry.objects.filter(action=AccessAction.SMS).exists()


def test_a_message_the_provider_refuses_is_not_retried(consenting, sms_provider) -> None:
    sms_provider.answers = [(400, "invalid to")]
    message = TextMessageFactory(participant=consenting, text=TEXT)
    assert send_text_message.delay(message.pk).get() is False
    assert len(sms_provider.requests) == 1
    message.refresh_from_db()
    assert message.failure == TextMessageFailure.REJECTED and message.text == ""


def test_too_long_or_empty_texts_are_refused(consenting, coordinator) -> None:
    with pytest.raises(ValidationError):
        participant_sms_send(participant=consenting, text=" ", by=coordinator)
    with pytest.raises(ValidationError):
        participant_sms_send(participant=consenting, text="x" * 671, by=coordinator)


# --- phone numbers on the forms ----------------------------------------------------------------------------


def test_the_participant_form_stores_the_phone_number_in_e164(client: Client, coordinator) -> None:
    client.force_login(coordinator)
    assert (
        client.post(reverse("participants:create"), _valid_post(coordinator, phone="070-123 45 67")).status_code == 302
    )
    person = Participant.objects.get()
    assert person.phone == "+46701234567"
    assert person.phone_uri == "tel:+46701234567"  # the tel: link works on the stored form
    page = client.get(reverse("participants:detail", args=[person.pk])).content.decode()
    assert '<a href="tel:+46701234567">070-123 45 67</a>' in page
    form_page = client.get(reverse("participants:edit", args=[person.pk])).content.decode()
    assert 'value="070-123 45 67"' in form_page


def test_an_invalid_phone_number_is_shown_next_to_the_field_and_nothing_is_saved(client: Client, coordinator) -> None:
    client.force_login(coordinator)
    response = client.post(reverse("participants:create"), _valid_post(coordinator, phone="070-12"))
    assert response.status_code == 200
    assert response.context["form"].errors["phone"] == [
        "Ange ett giltigt telefonnummer, till exempel 070-123 45 67 eller +46 70 123 45 67."
    ]
    page = response.content.decode()
    assert 'id="error_1_id_phone"' in page and 'value="070-12"' in page
    assert not Participant.objects.exists()


def test_the_data_migration_normalises_valid_numbers_and_leaves_invalid_ones() -> None:
    valid = ParticipantFactory(phone="070-123 45 67")
    foreign = ParticipantFactory(phone="+358 40 1234567")
    invalid = ParticipantFactory(phone="ring mamma")
    empty = ParticipantFactory(phone="")
    migration = importlib.import_module("participants.migrations.0017_normalise_phone_numbers")
    migration.normalise(apps, None)
    got = dict(Participant.objects.values_list("pk", "phone"))
    assert got == {valid.pk: "+46701234567", foreign.pk: "+358401234567", invalid.pk: "ring mamma", empty.pk: ""}


def test_pseudonymising_the_case_file_removes_its_text_messages(consenting) -> None:
    from django.utils import timezone

    from privacy.services import case_files_pseudonymise

    TextMessageFactory(participant=consenting, sent_at=timezone.now(), sent_to="+46701740605", text="")
    other = TextMessageFactory()
    case_files_pseudonymise(participant_ids=[consenting.pk], now=timezone.now())
    assert list(TextMessage.objects.all()) == [other]


def test_a_misconfigured_backend_leaves_the_message_to_be_sent_again(consenting, settings) -> None:
    from django.core.exceptions import ImproperlyConfigured

    settings.SMS_BACKEND, settings.SMS_HTTP_USERNAME = "sms.backends.http.SmsBackend", ""
    message = TextMessageFactory(participant=consenting, text=TEXT)
    with pytest.raises(ImproperlyConfigured):
        send_text_message(message.pk)
    message.refresh_from_db()
    assert message.claimed_at is None and message.sent_at is None and message.text == TEXT
    settings.SMS_BACKEND = "sms.backends.locmem.SmsBackend"
    assert send_text_message(message.pk) is True


def test_a_message_the_provider_may_have_sent_is_not_sent_again(
    consenting, coordinator, sms_provider, retrying_eagerly, django_capture_on_commit_callbacks
) -> None:
    sms_provider.answers = [(0, ""), (200, "")]
    with django_capture_on_commit_callbacks(execute=True):
        message = participant_sms_send(participant=consenting, text=TEXT, by=coordinator)
    message.refresh_from_db()
    assert len(sms_provider.requests) == 1
    assert (message.failure, message.text, message.sent_at) == (TextMessageFailure.UNCERTAIN, "", None)
    # The number went to the provider: the access log says a message went, as for one sent.
    assert AccessLogEntry.objects.filter(action=AccessAction.SMS, participant_id=consenting.pk).count() == 1
    send_text_message.delay(message.pk)
    assert len(sms_provider.requests) == 1


def test_a_message_the_provider_never_took_is_given_up_after_the_last_retry(
    consenting, coordinator, sms_provider, retrying_eagerly, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    """It stayed unsent and unclaimed with its text, and nothing queued it again."""
    from sms import retries

    monkeypatch.setattr(retries, "SEND_RETRIES", 2)
    monkeypatch.setitem(send_text_message.retry_kwargs, "max_retries", 2)
    sms_provider.answers = [(503, "busy")]
    with django_capture_on_commit_callbacks(execute=True):
        message = participant_sms_send(participant=consenting, text=TEXT, by=coordinator)
    message.refresh_from_db()
    assert len(sms_provider.requests) == 3
    assert (message.failure, message.text, message.sent_at) == (TextMessageFailure.UNAVAILABLE, "", None)
    assert not AccessLogEntry.objects.filter(action=AccessAction.SMS).exists()


# --- no text messages at night ------------------------------------------------------------------------------


def test_a_message_whose_task_a_worker_runs_at_night_waits_for_the_morning(consenting, monkeypatch) -> None:
    """A retry after an outage, or work the outbox relays when the broker is back, can run at 22:30:
    the message is not sent then, but queued again for 08:00 (a new task: none of its retries spent)."""
    import datetime as dt

    import time_machine

    from sms.quiet_hours import QUIET_UNTIL

    stockholm = timezone.get_current_timezone()
    message = TextMessageFactory(participant=consenting, text=TEXT)
    later: list[dict[str, object]] = []
    monkeypatch.setattr(send_text_message, "apply_async", lambda **options: later.append(options))

    def as_a_worker_runs_it() -> bool:
        send_text_message.push_request(id="worker-task", retries=3, is_eager=False)
        try:
            return bool(send_text_message.run(message.pk))
        finally:
            send_text_message.pop_request()

    with time_machine.travel(dt.datetime(2026, 12, 2, 22, 30, tzinfo=stockholm), tick=False):
        assert as_a_worker_runs_it() is False
    assert later == [
        {"args": [message.pk], "eta": dt.datetime.combine(dt.date(2026, 12, 3), QUIET_UNTIL, tzinfo=stockholm)}
    ]
    message.refresh_from_db()
    assert (message.claimed_at, message.sent_at, message.failure, message.text) == (None, None, "", TEXT)
    assert locmem.outbox == []
    with time_machine.travel(dt.datetime(2026, 12, 3, 8, 0, tzinfo=stockholm), tick=False):
        assert as_a_worker_runs_it() is True
    assert len(locmem.outbox) == 1 and len(later) == 1


@pytest.mark.parametrize(
    ("hour", "minute", "until"),
    [(21, 0, (3, 8)), (23, 59, (3, 8)), (0, 0, (2, 8)), (7, 59, (2, 8)), (8, 0, None), (20, 59, None)],
)
def test_the_quiet_hours_end_at_eight_the_next_morning(hour: int, minute: int, until) -> None:
    import datetime as dt

    from sms.quiet_hours import quiet_until

    stockholm = timezone.get_current_timezone()
    now = dt.datetime(2026, 12, 2, hour, minute, tzinfo=stockholm)
    expected = None if until is None else dt.datetime(2026, 12, until[0], until[1], 0, tzinfo=stockholm)
    assert quiet_until(now) == expected


def test_a_failure_after_the_claim_and_before_the_send_releases_the_claim(consenting, monkeypatch) -> None:
    from participants import text_messages

    message = TextMessageFactory(participant=consenting, text=TEXT)

    def broken(**kwargs: object) -> str | None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(text_messages, "sms_refusal", broken)
    with pytest.raises(RuntimeError):
        send_text_message(message.pk)
    message.refresh_from_db()
    assert message.claimed_at is None and message.sent_at is None
    monkeypatch.undo()
    assert send_text_message(message.pk) is True
