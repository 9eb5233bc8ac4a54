"""Passwords are hashed with Argon2id at the configured cost; older PBKDF2 hashes are upgraded at login."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, check_password, identify_hasher, make_password
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory
from config.settings import base

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production_hashers(settings) -> None:
    """The test settings use a fast hasher; these tests are about the real one."""
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    settings.ARGON2_MEMORY_KIB = base.ARGON2_MEMORY_KIB
    settings.ARGON2_TIME_COST = base.ARGON2_TIME_COST


def test_a_new_password_is_hashed_with_argon2id_at_owasps_recommended_cost() -> None:
    encoded = make_password("a long enough passphrase")
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert check_password("a long enough passphrase", encoded)
    assert not check_password("a long enough passphrasE", encoded)


def test_a_pbkdf2_hash_still_logs_in_and_is_upgraded_to_argon2id(client: Client) -> None:
    user = CoordinatorFactory(username="anna")
    old = PBKDF2PasswordHasher()
    user.password = old.encode("platsa-test", old.salt())
    user.save(update_fields=["password"])

    response = client.post(reverse("login"), {"username": "anna", "password": "platsa-test"})

    assert response.status_code == 302
    user.refresh_from_db()
    assert identify_hasher(user.password).algorithm == "argon2"
    assert "$argon2id$" in user.password


def test_raising_the_cost_in_the_settings_upgrades_existing_hashes_at_the_next_login(client: Client, settings) -> None:
    user = CoordinatorFactory(username="anna")
    user.set_password("platsa-test")
    user.save(update_fields=["password"])
    settings.ARGON2_MEMORY_KIB = 32 * 1024
    assert identify_hasher(user.password).must_update(user.password)

    assert client.post(reverse("login"), {"username": "anna", "password": "platsa-test"}).status_code == 302

    user.refresh_from_db()
    assert "$m=32768,t=2,p=1$" in user.password
