"""A supervisor's reminders go by e-mail or, when they prefer it and have a mobile number, by SMS."""

from __future__ import annotations

import pytest

from supervisors.forms import SupervisorForm
from supervisors.models import ReminderChannel
from supervisors.tests.factories import SupervisorFactory

pytestmark = pytest.mark.django_db

POST = {"first_name": "Eva", "last_name": "Lund", "email": "eva@example.org", "max_participants": "2", "active": "on"}


def test_sms_reminders_need_a_mobile_number_and_the_number_is_stored_in_e164() -> None:
    form = SupervisorForm(POST | {"phone": "08-123 456 78", "reminders_by": ReminderChannel.SMS})
    assert not form.is_valid()
    assert form.errors["reminders_by"] == ["Påminnelser via sms kräver ett mobilnummer."]
    form = SupervisorForm(POST | {"phone": "070-174 06 99", "reminders_by": ReminderChannel.SMS})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == "+46701740699"


def test_an_invalid_phone_number_is_an_error_on_the_field() -> None:
    form = SupervisorForm(POST | {"phone": "070-17", "reminders_by": ReminderChannel.EMAIL})
    assert not form.is_valid()
    assert list(form.errors) == ["phone"]


def test_a_post_without_the_preference_keeps_the_supervisors() -> None:
    supervisor = SupervisorFactory(phone="+46701740699", reminders_by=ReminderChannel.SMS)
    form = SupervisorForm(POST | {"phone": "070-174 06 99"}, instance=supervisor)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["reminders_by"] == ReminderChannel.SMS
