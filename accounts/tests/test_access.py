"""The access rules of accounts.access, per role, on every restricted model."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from accounts.access import get_visible_or_404
from accounts.models import Role
from accounts.tests.factories import CoordinatorFactory, ManagerFactory, SupervisorUserFactory, UserFactory
from participants.models import Participant
from placements.models import FollowUp, Placement
from placements.tests.factories import FollowUpFactory, PlacementFactory
from supervisors.models import Supervisor
from workplaces.models import Need, Workplace

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
    from participants.selectors import get_participant_for_user
    from placements.selectors import get_follow_up_for_user, get_placement_for_user
    from supervisors.selectors import get_supervisor_for_user
    from workplaces.selectors import get_need_for_user, get_organisation_for_user, get_workplace_for_user

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
