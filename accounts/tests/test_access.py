"""The access rules of accounts.access, per role, on every restricted model."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from accounts.access import (
    AnyUser,
    access_log_scope,
    account_scope,
    admin_audit_scope,
    get_visible_or_404,
    login_lockout_scope,
    participant_reach,
    participant_scope,
)
from accounts.models import AccessLogEntry, AdminAuditEntry, Municipality, Role, User
from accounts.tests.factories import (
    AccessLogEntryFactory,
    AdminAuditEntryFactory,
    AdministratorFactory,
    BreakGlassGrantFactory,
    CoordinatorFactory,
    ManagerFactory,
    MunicipalityFactory,
    SupervisorUserFactory,
    TeamFactory,
    UserFactory,
)
from participants.models import Participant
from participants.selectors import get_participant_for_user
from participants.tests.factories import ParticipantFactory
from placements.models import FollowUp, Placement
from placements.selectors import get_follow_up_for_user, get_placement_for_user
from placements.tests.factories import FollowUpFactory, PlacementFactory
from supervisors.models import Supervisor
from supervisors.selectors import get_supervisor_for_user
from supervisors.tests.factories import SupervisorFactory
from workplaces.models import Need, Workplace
from workplaces.selectors import get_need_for_user, get_organisation_for_user, get_workplace_for_user
from workplaces.tests.factories import OrganisationFactory, WorkplaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Two teams, a placement in each; the first one's supervisor has a login."""
    ours = PlacementFactory(active=True)
    theirs = PlacementFactory(active=True)
    supervisor_user = SupervisorUserFactory()
    ours.supervisor.user = supervisor_user
    ours.supervisor.save()
    FollowUpFactory(placement=ours)
    FollowUpFactory(placement=theirs)
    return {
        "ours": ours,
        "theirs": theirs,
        "coordinator": CoordinatorFactory(team=ours.participant.team),
        "supervisor": supervisor_user,
        "manager": ManagerFactory(),
    }


def test_a_coordinator_sees_the_own_teams_case_files_only(world) -> None:
    user = world["coordinator"]
    assert list(Participant.objects.visible_to(user)) == [world["ours"].participant]
    assert list(Placement.objects.visible_to(user)) == [world["ours"]]
    assert list(FollowUp.objects.visible_to(user).values_list("placement", flat=True)) == [world["ours"].pk]
    assert get_visible_or_404(Participant.objects.visible_to(user), pk=world["ours"].participant.pk)
    with pytest.raises(Http404):
        get_visible_or_404(Participant.objects.visible_to(user), pk=world["theirs"].participant.pk)
    # The workplace register is shared across teams.
    assert Workplace.objects.visible_to(user).count() == 2
    assert Supervisor.objects.visible_to(user).count() == 2


def test_a_supervisor_sees_only_the_own_placements(world) -> None:
    user = world["supervisor"]
    assert list(Placement.objects.visible_to(user)) == [world["ours"]]
    assert list(Participant.objects.visible_to(user)) == [world["ours"].participant]
    assert FollowUp.objects.visible_to(user).count() == 1
    assert list(Workplace.objects.visible_to(user)) == [world["ours"].need.workplace]
    assert list(Need.objects.visible_to(user)) == [world["ours"].need]
    assert list(Supervisor.objects.visible_to(user)) == [world["ours"].supervisor]
    with pytest.raises(Http404):
        get_visible_or_404(Placement.objects.visible_to(user), pk=world["theirs"].pk)


def test_a_manager_sees_no_case_files(world) -> None:
    user = world["manager"]
    assert not Participant.objects.visible_to(user).exists()
    assert not Placement.objects.visible_to(user).exists()
    assert not FollowUp.objects.visible_to(user).exists()
    assert not Supervisor.objects.visible_to(user).exists()
    assert Need.objects.visible_to(user).count() == 2


@pytest.mark.parametrize("make_user", [AnonymousUser, UserFactory])
def test_users_without_a_role_see_nothing(world, make_user) -> None:
    user = make_user()
    assert not Participant.objects.visible_to(user).exists()
    assert not Placement.objects.visible_to(user).exists()
    assert not Workplace.objects.visible_to(user).exists()
    assert not Need.objects.visible_to(user).exists()


def test_a_coordinator_without_a_team_sees_no_case_files(world) -> None:
    user = CoordinatorFactory(team=None)
    assert not Participant.objects.visible_to(user).exists()
    assert not Placement.objects.visible_to(user).exists()


def test_an_inactive_user_sees_nothing(world) -> None:
    user = world["coordinator"]
    user.is_active = False
    assert not Participant.objects.visible_to(user).exists()


def test_a_missing_or_malformed_id_is_404_not_500(world) -> None:
    visible = Participant.objects.visible_to(world["coordinator"])
    with pytest.raises(Http404):
        get_visible_or_404(visible, pk=999_999)
    with pytest.raises(Http404):
        get_visible_or_404(visible, pk="not-a-number")


def test_roles_come_from_groups() -> None:
    user = UserFactory(role=Role.MANAGER)
    assert user.roles == {Role.MANAGER}
    assert user.has_role(Role.MANAGER) and not user.has_role(Role.COORDINATOR)


def test_each_model_has_a_fetch_helper_that_answers_404_to_outsiders(world) -> None:
    ours, theirs, supervisor = world["ours"], world["theirs"], world["supervisor"]
    cases = [
        (get_participant_for_user, ours.participant.pk, theirs.participant.pk),
        (get_placement_for_user, ours.pk, theirs.pk),
        (get_follow_up_for_user, ours.follow_ups.get().pk, theirs.follow_ups.get().pk),
        (get_supervisor_for_user, ours.supervisor.pk, theirs.supervisor.pk),
        (get_need_for_user, ours.need.pk, theirs.need.pk),
        (get_workplace_for_user, ours.need.workplace.pk, theirs.need.workplace.pk),
        (get_organisation_for_user, ours.need.workplace.organisation.pk, theirs.need.workplace.organisation.pk),
    ]
    for fetch, own_pk, other_pk in cases:
        assert fetch(supervisor, own_pk).pk == own_pk
        with pytest.raises(Http404):
            fetch(supervisor, other_pk)
        with pytest.raises(Http404):
            fetch(AnonymousUser(), own_pk)


def _selected_from_arrays(user: AnyUser) -> set[int]:
    """Whom the user may open by `participant_reach(user).select` over arrays of every participant, as
    placements.matching filters its cached features."""
    rows = list(Participant.objects.order_by("pk").values_list("pk", "team_id", "pseudonymised_at", "municipality_id"))
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    mask = participant_reach(user).select(
        ids=ids,
        municipality=np.array([r[3] for r in rows], dtype=np.int64),
        team=np.array([r[1] for r in rows], dtype=np.int64),
        pseudonymised=np.array([r[2] is not None for r in rows], dtype=bool),
    )
    return {int(pk) for pk in ids[mask]}


def _pseudonymised(participant: Participant) -> Participant:
    Participant.objects.filter(pk=participant.pk).update(identity_number=None, pseudonymised_at=timezone.now())
    return participant


def test_the_scope_as_arrays_selects_the_same_participants_as_the_query_for_every_role(world) -> None:
    """participant_reach's two forms (the Q of every queryset, the mask over matching's arrays) agree
    for users of each role, with break-glass grants unexpired, expired and for a pseudonymised case file,
    in two municipalities: a grant row naming another municipality's participant reaches no one there."""
    ours, theirs = world["ours"].participant, world["theirs"].participant
    coordinator = world["coordinator"]
    own_pseudonymised = _pseudonymised(ParticipantFactory(team=ours.team))
    granted, expired, granted_pseudonymised = ParticipantFactory(), ParticipantFactory(), ParticipantFactory()
    _pseudonymised(granted_pseudonymised)
    now = timezone.now()
    BreakGlassGrantFactory(user=coordinator, participant_id=granted.pk)
    BreakGlassGrantFactory(user=coordinator, participant_id=expired.pk, expires_at=now - dt.timedelta(minutes=1))
    BreakGlassGrantFactory(user=coordinator, participant_id=granted_pseudonymised.pk)
    teamless = CoordinatorFactory(team=None)
    BreakGlassGrantFactory(user=teamless, participant_id=theirs.pk)
    both = CoordinatorFactory(team=theirs.team, role=Role.SUPERVISOR)
    both.groups.add(*coordinator.groups.all())
    world["supervisor"].groups.add(*coordinator.groups.all())  # a supervisor who is a coordinator without a team
    superuser = UserFactory(is_superuser=True)
    superuser_coordinator = CoordinatorFactory(is_superuser=True)
    BreakGlassGrantFactory(user=superuser_coordinator, participant_id=granted.pk)
    inactive = CoordinatorFactory(team=ours.team, is_active=False)
    other = MunicipalityFactory(code="0180")
    elsewhere = ParticipantFactory(team=TeamFactory(municipality=other))
    # Rows no service writes (break_glass_open refuses them): the scope holds to the municipality anyway.
    BreakGlassGrantFactory(user=coordinator, participant_id=elsewhere.pk)
    BreakGlassGrantFactory(user=teamless, participant_id=elsewhere.pk)
    # A supervisor's own placements are exempt: need-to-know by construction (accounts.access).
    supervised_elsewhere = PlacementFactory(
        participant=ParticipantFactory(team=TeamFactory(municipality=other)),
        need=world["ours"].need,
        supervisor=world["ours"].supervisor,
    )
    their_coordinator = CoordinatorFactory(team=elsewhere.team)
    BreakGlassGrantFactory(user=their_coordinator, participant_id=ours.pk)
    users: dict[str, AnyUser] = {
        "coordinator": coordinator,
        "coordinator without a team": teamless,
        "coordinator and supervisor": both,
        "supervisor": world["supervisor"],
        "manager": world["manager"],
        "administrator": UserFactory(role=Role.ADMINISTRATOR),
        "coordinator of another municipality": their_coordinator,
        "manager of another municipality": ManagerFactory(municipality=other),
        "no role": UserFactory(),
        "inactive coordinator": inactive,
        "anonymous": AnonymousUser(),
        "superuser": superuser,
        "superuser with the coordinator role": superuser_coordinator,
    }
    everyone = set(Participant.objects.filter(pseudonymised_at__isnull=True).values_list("pk", flat=True))
    expected = {
        "coordinator": {ours.pk, granted.pk},
        "coordinator without a team": {theirs.pk},
        "coordinator and supervisor": {theirs.pk},
        "supervisor": {ours.pk, supervised_elsewhere.participant.pk},
        "coordinator of another municipality": {elsewhere.pk},
        "superuser": everyone,
        "superuser with the coordinator role": everyone,
    }
    assert own_pseudonymised.pk not in everyone
    assert elsewhere.pk in everyone
    for name, user in users.items():
        by_query = set(Participant.objects.filter(participant_scope(user)).values_list("pk", flat=True))
        assert _selected_from_arrays(user) == by_query, name
        assert by_query == expected.get(name, set()), name


def test_a_superuser_with_a_role_still_sees_every_case_file(world) -> None:
    """A role adds nothing to a superuser's reach and takes nothing away (a grant once narrowed it to
    the granted case files: an empty Q combined with another is that other)."""
    user = CoordinatorFactory(is_superuser=True)
    BreakGlassGrantFactory(user=user, participant_id=world["theirs"].participant.pk)
    assert Participant.objects.visible_to(user).count() == 2


def test_an_expired_grant_reaches_no_one_from_the_moment_it_expires(world) -> None:
    coordinator = world["coordinator"]
    theirs = world["theirs"].participant
    grant = BreakGlassGrantFactory(user=coordinator, participant_id=theirs.pk)
    reach = participant_reach(coordinator)
    assert theirs.pk in _selected_from_arrays(coordinator)
    assert reach.other_ids() == {theirs.pk}
    assert Participant.objects.filter(reach.q(), pk=theirs.pk).exists()
    with time_machine.travel(grant.expires_at + dt.timedelta(seconds=1), tick=False):
        assert theirs.pk not in _selected_from_arrays(coordinator)
        assert not Participant.objects.visible_to(coordinator).filter(pk=theirs.pk).exists()
        # A reach built (and used) before the grant expired, kept and used again after it.
        assert reach.other_ids() == set()
        assert not Participant.objects.filter(reach.q(), pk=theirs.pk).exists()


# --- the administration of one municipality -----------------------------------------------------------


def test_the_access_log_an_administrator_reads_is_their_municipalitys() -> None:
    ours, theirs = ParticipantFactory(), ParticipantFactory(team=TeamFactory(municipality=_elsewhere()))
    administrator = AdministratorFactory()
    by_link = AccessLogEntryFactory(user=None, username="follow-up-link:supervisor-1", participant_id=ours.pk)
    # An entry is its case file's municipality's (AccessLogEntry.municipality), whoever read it: one
    # of ours about their case file (refused, but logged) is in their log, not ours.
    by_ours = AccessLogEntryFactory(user=CoordinatorFactory(), participant_id=theirs.pk)
    about_theirs = AccessLogEntryFactory(user=CoordinatorFactory(team=theirs.team), participant_id=theirs.pk)
    about_ours = AccessLogEntryFactory(user=CoordinatorFactory(team=theirs.team), participant_id=ours.pk)
    seen = set(AccessLogEntry.objects.filter(access_log_scope(administrator)).values_list("pk", flat=True))
    assert seen == {by_link.pk, about_ours.pk}
    their_administrator = AdministratorFactory(municipality=theirs.municipality)
    assert set(AccessLogEntry.objects.filter(access_log_scope(their_administrator))) == {by_ours, about_theirs}
    superuser = UserFactory(is_superuser=True, municipality=None)
    assert AccessLogEntry.objects.filter(access_log_scope(superuser)).count() == 4
    assert not AccessLogEntry.objects.filter(access_log_scope(UserFactory(municipality=None))).exists()


def test_the_accounts_an_administrator_works_on_are_their_municipalitys() -> None:
    administrator = AdministratorFactory()
    colleague, outsider = UserFactory(), UserFactory(municipality=_elsewhere())
    assert set(User.objects.filter(account_scope(administrator))) >= {administrator, colleague}
    assert outsider not in User.objects.filter(account_scope(administrator))
    their_administrator = AdministratorFactory(municipality=outsider.municipality)
    about_ours = AdminAuditEntryFactory(user=their_administrator, target_user_id=colleague.pk)
    theirs = AdminAuditEntryFactory(user=their_administrator, target_user_id=outsider.pk)
    audited = set(AdminAuditEntry.objects.filter(admin_audit_scope(administrator)))
    assert about_ours in audited and theirs not in audited
    assert login_lockout_scope(UserFactory(is_superuser=True)) == Q()
    assert User.objects.filter(login_lockout_scope(administrator), username=colleague.username).exists()
    assert not User.objects.filter(login_lockout_scope(administrator), username=outsider.username).exists()


def _elsewhere() -> Municipality:
    return MunicipalityFactory(code="0180")


def test_an_administrator_lifts_the_lock_outs_of_the_supervisors_their_municipality_sees() -> None:
    """A supervisor's account has no municipality: their lock-out is lifted by an administrator of a
    municipality whose register holds their workplace, and by no other."""

    administrator = AdministratorFactory()
    ours = SupervisorFactory(
        workplace=WorkplaceFactory(organisation=OrganisationFactory(municipality=administrator.municipality)),
        user=UserFactory(municipality=None, username="handledare-var"),
    )
    elsewhere = _elsewhere()
    theirs = SupervisorFactory(
        workplace=WorkplaceFactory(organisation=OrganisationFactory(municipality=elsewhere)),
        user=UserFactory(municipality=None, username="handledare-deras"),
    )
    lifted = set(User.objects.filter(login_lockout_scope(administrator)).values_list("username", flat=True))
    assert ours.user.username in lifted and theirs.user.username not in lifted
