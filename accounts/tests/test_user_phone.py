"""A user's phone number (the one participants are told to call) is stored in E.164, like every phone number."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from accounts.admin import AdministratorUserAddForm
from accounts.models import User
from accounts.tests.factories import UserFactory

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


def test_the_data_migration_normalises_valid_numbers_and_leaves_invalid_ones() -> None:
    valid = UserFactory(phone="063-123 45 67")
    foreign = UserFactory(phone="+358 40 1234567")
    invalid = UserFactory(phone="vxl 12")
    empty = UserFactory(phone="")
    migration = importlib.import_module("accounts.migrations.0012_normalise_phone_numbers")
    migration.normalise(apps, None)
    got = dict(User.objects.filter(pk__in=[valid.pk, foreign.pk, invalid.pk, empty.pk]).values_list("pk", "phone"))
    assert got == {valid.pk: "+46631234567", foreign.pk: "+358401234567", invalid.pk: "vxl 12", empty.pk: ""}
