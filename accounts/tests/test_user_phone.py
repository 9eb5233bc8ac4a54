"""A user's phone number (the one participants are told to call) is stored in E.164, like every phone number."""

from __future__ import annotations

import pytest

from accounts.admin import AdministratorUserAddForm

pytestmark = pytest.mark.django_db

POST = {"username": "anna.berg", "first_name": "Anna", "last_name": "Berg", "email": "anna@example.org"}


def test_the_administrators_user_form_stores_the_phone_number_in_e164() -> None:
    form = AdministratorUserAddForm(data=POST | {"phone": "063-123 45 67"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == "+46631234567"


def test_an_invalid_phone_number_is_an_error_on_the_field() -> None:
    form = AdministratorUserAddForm(data=POST | {"phone": "063-12"})
    assert not form.is_valid()
    assert list(form.errors) == ["phone"]
