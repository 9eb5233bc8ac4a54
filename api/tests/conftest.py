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
def coordinator():
    return CoordinatorFactory()


@pytest.fixture
def other_coordinator():
    """A coordinator of another team: outside every case file of `coordinator`'s team."""
    return CoordinatorFactory()


@pytest.fixture
def supervisor_user():
    user = SupervisorUserFactory()
    SupervisorFactory(user=user)
    return user


@pytest.fixture
def manager():
    return ManagerFactory()


@pytest.fixture
def administrator():
    return UserFactory(role=Role.ADMINISTRATOR)


@pytest.fixture
def superuser():
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def participant(coordinator):
    return ParticipantFactory(team=coordinator.team, coordinator=coordinator)


def session_client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def token_client(user) -> APIClient:
    """An integration acting with `user`'s role (made an integration user, its token issued by a superuser)."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(user)}")
    return client


@pytest.fixture
def as_user():
    """as_user(user) -> a client signed in with the user's session."""
    return session_client
