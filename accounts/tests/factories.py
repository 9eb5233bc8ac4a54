"""Factories for users and teams."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import (
    AccessAction,
    AccessLogEntry,
    AdminAction,
    AdminAuditEntry,
    ApiToken,
    BreakGlassGrant,
    LogReview,
    Municipality,
    Region,
    Role,
    RoleGrant,
    Team,
    User,
)
from accounts.tokens import key_hash, new_key

# The municipality every factory's objects share unless given another: the world of one municipality
# the tests were written in. A second one for the tests of the boundary: MunicipalityFactory(code="0180").
DEFAULT_MUNICIPALITY_CODE = "2380"


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    code = DEFAULT_MUNICIPALITY_CODE
    name = factory.LazyAttribute(lambda m: f"Kommun {m.code}")
    letterhead_unit = "Arbetsmarknadsenheten"
    contact_email = factory.LazyAttribute(lambda m: f"arbetsmarknad-{m.code}@example.org")


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"region-{n}")
    name = factory.LazyAttribute(lambda r: f"Region {r.code}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")
    municipality = factory.SubFactory(MunicipalityFactory)


def _municipality_of(user: object) -> Municipality:
    """A team member's municipality is the team's; anyone else's the shared default."""
    team = getattr(user, "team", None)
    return team.municipality if team is not None else MunicipalityFactory()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("platsa-test")
    team = None
    municipality = factory.LazyAttribute(_municipality_of)

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


class RegionalManagerFactory(UserFactory):
    """A regional manager: a region, no team and no municipality of their own."""

    municipality = None
    region = factory.SubFactory(RegionFactory)
    role = _role(Role.REGIONAL_MANAGER)


def _case_file_municipality(row: object) -> Municipality:
    """The municipality of the row's case file (`participant_id`), as the services key it; a made-up
    record number (many tests use one): the user's, or the shared default."""
    from participants.models import Participant  # a higher app, for the tests only

    case_file = Participant.objects.filter(pk=getattr(row, "participant_id", None)).select_related("municipality")
    found = case_file.first()
    if found is not None:
        return found.municipality
    user = getattr(row, "user", None)
    return user.municipality if user is not None and user.municipality else MunicipalityFactory()


class AccessLogEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessLogEntry

    user = factory.SubFactory(CoordinatorFactory)
    username = factory.LazyAttribute(lambda o: o.user.username if o.user else "follow-up-link:supervisor-1")
    participant_id = factory.Sequence(lambda n: n + 1)
    municipality = factory.LazyAttribute(_case_file_municipality)
    action = AccessAction.VIEW


class BreakGlassGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BreakGlassGrant

    user = factory.SubFactory(CoordinatorFactory)
    participant_id = factory.Sequence(lambda n: n + 1)
    municipality = factory.LazyAttribute(_case_file_municipality)
    reason = "Deltagaren har flyttat till teamets område"
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(hours=4))


class LogReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LogReview

    month = factory.Sequence(lambda n: dt.date(2026, 1 + n % 12, 1))
    reviewed_by = factory.SubFactory(UserFactory, role=Role.ADMINISTRATOR)
    municipality = factory.LazyAttribute(lambda review: review.reviewed_by.municipality)


class AdministratorFactory(UserFactory):
    is_staff = True
    role = _role(Role.ADMINISTRATOR)


class IntegrationUserFactory(UserFactory):
    """A machine client's account: no usable password, tokens only."""

    is_integration = True
    password = factory.LazyFunction(lambda: make_password(None))


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """A token whose key nobody knows (only its hash is stored); use api_key_for() for a working key."""

    class Meta:
        model = ApiToken

    user = factory.SubFactory(IntegrationUserFactory)
    municipality = factory.LazyAttribute(lambda o: o.user.municipality)
    name = "Integration"
    key_hash = factory.LazyFunction(lambda: key_hash(new_key()))
    prefix = factory.LazyAttribute(lambda o: o.key_hash[:8])


def api_key_for(user: User, *, by: User | None = None) -> str:
    """A working API key for `user`, made an integration user if it is not one; issued by a superuser
    unless `by` is given (a token of a user with a case-file role acts only if a superuser issued it)."""
    from accounts.services import api_token_create

    if not user.is_integration:
        user.is_integration = True
        user.save(update_fields=["is_integration"])
    issuer = by or UserFactory(is_superuser=True, is_staff=True)
    return api_token_create(user=user, name="Integration", by=issuer)[1]


class RoleGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleGrant

    user = factory.SubFactory(UserFactory)
    role = Role.COORDINATOR
    team = factory.SubFactory(TeamFactory)
    reason = "Nyanställd koordinator"
    requested_by = factory.SubFactory(AdministratorFactory)
    municipality = factory.LazyAttribute(lambda o: o.team.municipality if o.team else o.user.municipality)


class AdminAuditEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdminAuditEntry

    user = factory.SubFactory(AdministratorFactory)
    username = factory.LazyAttribute(lambda o: o.user.username)
    action = AdminAction.USER_ADDED
    target_user_id = None
    # As accounts.admin_audit keys it: the account acted on's municipality, else the acting one's.
    municipality = factory.LazyAttribute(
        lambda o: getattr(User.objects.filter(pk=o.target_user_id).first(), "municipality", None) or o.user.municipality
    )
