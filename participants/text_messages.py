"""Text messages (SMS) to participants: the consent on the case file, queuing, and sending.

Every message is a TextMessage row, queued through the outbox in the transaction that wants it and
sent by `participants.tasks.send_text_message`, which calls `text_message_deliver`. Nothing goes out
without the participant's consent, checked when a message is queued and again when it is sent (the
consent may be withdrawn in between). The access log records that a message of a kind went to the
person, never its text; the row keeps the text only until it is sent.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access_log import log_access, log_text_message
from accounts.models import AccessAction, User
from outbox.services import outbox_enqueue
from sms import SmsRejected, SmsUnavailable, SmsUncertain, send_sms
from sms.phone_numbers import phone_can_receive_sms, phone_e164

from .models import Participant, TextMessage, TextMessageFailure, TextMessageKind
from .tenancy import tenant_key

logger = logging.getLogger(__name__)

SEND_TASK = "participants.tasks.send_text_message"
# A message longer than this is refused when queued: ten SMS parts of Arabic or Tigrinya (UCS-2).
MAX_TEXT_LENGTH = 670


@transaction.atomic
def participant_sms_consent_set(*, participant: Participant, consent: bool, by: User) -> Participant:
    """Record that the participant consents to text messages, or that they withdrew the consent:
    when, and by whom it was recorded. Withdrawing stops the messages not yet sent."""
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    if consent == locked.has_sms_consent:
        raise ValidationError(
            _("The consent to text messages is already recorded.")
            if consent
            else _("The participant has not consented to text messages.")
        )
    now = timezone.now()
    locked.sms_consent_at, locked.sms_consent_withdrawn_at = (now, None) if consent else (None, now)
    locked.sms_consent_recorded_by = by
    locked.save(update_fields=["sms_consent_at", "sms_consent_withdrawn_at", "sms_consent_recorded_by", "updated_at"])
    log_access(user=by, participant_ids=[locked.pk], action=AccessAction.CHANGE, fields=["sms_consent"])
    participant.sms_consent_at = locked.sms_consent_at
    participant.sms_consent_withdrawn_at = locked.sms_consent_withdrawn_at
    participant.sms_consent_recorded_by = by
    return participant


def sms_refusal(*, participant: Participant) -> str | None:
    """Why no text message may go to the participant now, or None: the one home of that rule."""
    if not participant.has_sms_consent:
        return TextMessageFailure.NO_CONSENT
    if participant.pseudonymised_at is not None or not phone_can_receive_sms(participant.phone):
        return TextMessageFailure.NO_NUMBER
    return None


def sms_may_go_q(prefix: str = "") -> Q:
    """The same rule as `sms_refusal`, as the SQL pre-filter of a query over participants (`prefix`
    the path to them, "placement__participant__"): consented, not pseudonymised, a phone number.
    Whether the number can take a text message (a mobile number, not a landline) is not in the
    database's power to say: `sms_refusal` checks it in Python, when a message is queued and sent."""
    return Q(**{f"{prefix}sms_consent_at__isnull": False, f"{prefix}pseudonymised_at__isnull": True}) & ~Q(
        **{f"{prefix}phone": ""}
    )


def _refusal_message(reason: str) -> str:
    if reason == TextMessageFailure.NO_CONSENT:
        return _("The participant has not consented to text messages.")
    return _("The case file has no mobile number to send text messages to.")


def text_message_queue(
    *,
    participant: Participant,
    kind: str,
    key: str,
    text: str,
    by: User | None = None,
    task_name: str = SEND_TASK,
) -> TextMessage:
    """Queue one text message per `key` (a second call with the same key queues nothing and returns
    the first); sent after the commit by `task_name(message_id)`, SEND_TASK or a higher app's task
    that checks at send time that the message still holds (a reminder of a meeting since moved does
    not). Refused without consent or a mobile number."""
    reason = sms_refusal(participant=participant)
    if reason is not None:
        raise ValidationError(_refusal_message(reason), code=reason)
    text = text.strip()
    if not text:
        raise ValidationError(_("Write the message."), code="empty")
    if len(text) > MAX_TEXT_LENGTH:
        raise ValidationError(
            _("A text message can be at most %(limit)s characters.") % {"limit": MAX_TEXT_LENGTH}, code="too_long"
        )
    with transaction.atomic():
        message, created = TextMessage.objects.get_or_create(
            key=key,
            defaults={
                "participant": participant,
                **tenant_key(participant),
                "kind": kind,
                "text": text,
                "created_by": by,
            },
        )
        if created:
            outbox_enqueue(
                task_name=task_name, args=[message.pk], key=f"sms:{message.pk}", municipality_id=message.municipality_id
            )
    return message


def participant_sms_send(*, participant: Participant, text: str, by: User, key: str | None = None) -> TextMessage:
    """A coordinator's "send by SMS" (the placement summary, or any short text): queued and sent to
    the participant's mobile number if they consented; the access log says it went, not what it said.
    With a `key`, once per key (a double click sends one message); without, every time."""
    return text_message_queue(
        participant=participant,
        kind=TextMessageKind.COORDINATOR,
        key=f"coordinator:{key or uuid.uuid4().hex}",
        text=text,
        by=by,
    )


def text_message_deliver(*, message_id: int, still_current: Callable[[TextMessage], bool] | None = None) -> bool:
    """Send a queued message, at most once; returns whether it was sent now.

    The message is claimed with a conditional update before it is sent, so a task delivered twice (or
    running twice at once) sends it once. When the provider is unavailable the claim is released and
    SmsUnavailable raised for the task to retry; a refusal is final and recorded. `still_current`,
    asked once the message is claimed, says whether what it says still holds (the meeting a reminder
    is about still at that time): when not, it is given up as superseded and not sent.
    """
    claimed = TextMessage.objects.filter(
        pk=message_id, claimed_at__isnull=True, sent_at__isnull=True, failure=""
    ).update(claimed_at=timezone.now())
    if not claimed:
        return False  # sent, given up, or being sent by another worker
    try:
        message = TextMessage.objects.select_related("participant", "created_by").get(pk=message_id)
        participant = message.participant
        reason = sms_refusal(participant=participant)
        current = reason is not None or still_current is None or still_current(message)
    except Exception:
        # Nothing went: released, so a retry (or the task delivered again) can claim it.
        TextMessage.objects.filter(pk=message_id).update(claimed_at=None)
        raise
    if reason is not None:
        _give_up(message, reason)
        return False
    if not current:
        # Its key is freed: should the meeting move back to the time it was, its reminder is queued again.
        TextMessage.objects.filter(pk=message.pk).update(key=f"superseded:{message.pk}")
        _give_up(message, TextMessageFailure.SUPERSEDED)
        return False
    try:
        result = send_sms(to=participant.phone, text=message.text)
    except SmsUnavailable:
        TextMessage.objects.filter(pk=message.pk).update(claimed_at=None, attempts=message.attempts + 1)
        logger.warning("text message %s not sent yet: the SMS provider is unavailable", message.pk)
        raise
    except SmsRejected:
        _give_up(message, TextMessageFailure.REJECTED)
        return False
    except SmsUncertain:
        # Perhaps sent: never again. The number went to the provider, so the access log says so.
        _give_up(message, TextMessageFailure.UNCERTAIN)
        log_text_message(user=message.created_by, participant_id=participant.pk, kind=message.kind)
        return False
    except Exception:
        # Not known to be sent (a backend misconfigured, a bug): released, so it can be sent again.
        TextMessage.objects.filter(pk=message.pk).update(claimed_at=None, attempts=message.attempts + 1)
        raise
    with transaction.atomic():
        TextMessage.objects.filter(pk=message.pk).update(
            sent_at=timezone.now(),
            sent_to=phone_e164(participant.phone) or "",
            provider_id=result.provider_id[:100],
            parts=result.parts,
            attempts=message.attempts + 1,
            text="",
        )
        log_text_message(user=message.created_by, participant_id=participant.pk, kind=message.kind)
    return True


def text_message_expire(*, message_id: int) -> None:
    """The provider stayed unavailable through every retry: the message is given up (its text removed)
    and shown so on the case file, rather than left unsent, unclaimed and forgotten."""
    given_up = TextMessage.objects.filter(
        # Not while another copy of the task is sending it (a task may be published twice).
        pk=message_id,
        sent_at__isnull=True,
        claimed_at__isnull=True,
        failure="",
    ).update(failure=TextMessageFailure.UNAVAILABLE, text="", attempts=F("attempts") + 1)
    if given_up:
        logger.info("text message %s not sent: %s", message_id, TextMessageFailure.UNAVAILABLE)


def _give_up(message: TextMessage, reason: str) -> None:
    TextMessage.objects.filter(pk=message.pk).update(failure=reason, text="", attempts=message.attempts + 1)
    logger.info("text message %s not sent: %s", message.pk, reason)
