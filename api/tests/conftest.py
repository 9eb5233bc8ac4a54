"""Users of every role, and API clients: by session (as the browser) and by token (integrations)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.tests.factories import (
    CoordinatorFactory,
    ManagerFactory,
    SupervisorUserFactory,
    UserFactory,
    api_key_for,
)
from participants.tests.factories import ParticipantFactory
from supervisors.tests.factories import SupervisorFactory


@pytest.fixture
def coordinator():  # type: ignore[no-untyped-def]
    return CoordinatorFactory()


@pytest.fixture
def other_coordinator():  # type: ignore[no-untyped-def]
    """A coordinator of another team: outside every case file of `coordinator`'s team."""
    return CoordinatorFactory()


@pytest.fixture
def supervisor_user():  # type: ignore[no-untyped-def]
    user = SupervisorUserFactory()
    SupervisorFactory(user=user)
    return user


@pytest.fixture
def manager():  # type: ignore[no-untyped-def]
    return ManagerFactory()


@pytest.fixture
def administrator():  # type: ignore[no-untyped-def]
    return UserFactory(role=Role.ADMINISTRATOR)


@pytest.fixture
def superuser():  # type: ignore[no-untyped-def]
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def participant(coordinator):  # type: ignore[no-untyped-def]
    return ParticipantFactory(team=coordinator.team, coordinator=coordinator)


def session_client(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_login(user)
    return client


def token_client(user) -> APIClient:  # type: ignore[no-untyped-def]
    """An integration acting with `user`'s role (made an integration user, its token issued by a superuser)."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(user)}")
    return client


@pytest.fixture
def as_user():  # type: ignore[no-untyped-def]
    """as_user(user) -> a client signed in with the user's session."""
    return session_client
