"""Factories for users and teams."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import AccessAction, AccessLogEntry, BreakGlassGrant, LogReview, Role, Team, User


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("platsa-test")

    # UserFactory(role=Role.MANAGER) puts the user in that role's group.
    role = factory.PostGeneration(lambda user, create, extracted, **kw: _add_role(user, create, extracted))


def _add_role(user: User, create: bool, role: Role | None) -> None:
    if create and role:
        user.groups.add(Group.objects.get(name=role))


def _role(role: Role) -> factory.PostGeneration:
    """A default role for a factory; a `role=` argument still wins."""
    return factory.PostGeneration(lambda user, create, extracted, **kw: _add_role(user, create, extracted or role))


class CoordinatorFactory(UserFactory):
    team = factory.SubFactory(TeamFactory)
    role = _role(Role.COORDINATOR)


class SupervisorUserFactory(UserFactory):
    role = _role(Role.SUPERVISOR)


class ManagerFactory(UserFactory):
    role = _role(Role.MANAGER)


class AccessLogEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessLogEntry

    user = factory.SubFactory(CoordinatorFactory)
    username = factory.LazyAttribute(lambda o: o.user.username)
    participant_id = factory.Sequence(lambda n: n + 1)
    action = AccessAction.VIEW


class BreakGlassGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BreakGlassGrant

    user = factory.SubFactory(CoordinatorFactory)
    participant_id = factory.Sequence(lambda n: n + 1)
    reason = "Deltagaren har flyttat till teamets område"
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(hours=4))


class LogReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LogReview

    month = factory.Sequence(lambda n: dt.date(2026, 1 + n % 12, 1))
    reviewed_by = factory.SubFactory(UserFactory, role=Role.ADMINISTRATOR)
