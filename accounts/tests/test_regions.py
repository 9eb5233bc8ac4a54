"""Regions: a regional manager sees the aggregated figures of their region's municipalities and
nothing else (no case file, no register, no other region); only a superuser gives the role."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts.access import reporting_municipalities
from accounts.models import Municipality, Role
from accounts.services import role_grant_request
from accounts.tests.factories import (
    AdministratorFactory,
    ManagerFactory,
    MunicipalityFactory,
    RegionalManagerFactory,
    RegionFactory,
    TeamFactory,
    UserFactory,
)
from participants.models import Participant
from placements.models import FollowUp, Placement
from placements.tests.factories import FollowUpFactory, PlacementFactory
from supervisors.models import Supervisor
from workplaces.models import Need, Organisation, Workplace

pytestmark = pytest.mark.django_db


def _region_of_two():
    region = RegionFactory(code="inlandet")
    first = MunicipalityFactory(region=region)  # the default municipality, 2380
    second = MunicipalityFactory(code="2361", region=region)
    MunicipalityFactory(code="0180")  # in no region
    return region, first, second


def test_a_regional_manager_sees_the_figures_of_the_regions_municipalities_only() -> None:
    region, first, second = _region_of_two()
    other_region = RegionFactory(code="vastra")
    MunicipalityFactory(code="1480", region=other_region)
    regional = RegionalManagerFactory(region=region)
    seen = Municipality.objects.filter(reporting_municipalities(regional))
    assert set(seen) == {first, second}
    assert list(Municipality.objects.filter(reporting_municipalities(ManagerFactory()))) == [first]
    # The role without a region, a region without the role: nothing.
    assert not Municipality.objects.filter(reporting_municipalities(UserFactory(region=region))).exists()
    assert Municipality.objects.filter(reporting_municipalities(UserFactory(is_superuser=True))).count() == 4


def test_a_regional_manager_opens_no_case_file_and_no_register() -> None:
    region, first, _second = _region_of_two()
    placement = PlacementFactory(active=True)
    FollowUpFactory(placement=placement)
    assert placement.participant.municipality == first
    user = RegionalManagerFactory(region=region)
    for model in (Participant, Placement, FollowUp, Supervisor, Workplace, Need, Organisation):
        assert not model.objects.visible_to(user).exists(), model


def test_a_user_with_a_region_has_no_team_and_a_regional_manager_has_a_region() -> None:
    region = RegionFactory()
    member = UserFactory(team=TeamFactory(), region=region)
    with pytest.raises(ValidationError) as excinfo:
        member.full_clean()
    assert excinfo.value.messages == [
        "En regional chefs region är inte ett teams: en användare med region har inget team."
    ]
    regional = RegionalManagerFactory(region=region)
    regional.full_clean()
    regional.region = None
    with pytest.raises(ValidationError) as excinfo:
        regional.full_clean()
    assert excinfo.value.messages == ["En regional chef behöver en region."]


def test_only_a_superuser_gives_the_regional_manager_role() -> None:
    user = UserFactory(municipality=None, region=RegionFactory())
    with pytest.raises(ValidationError) as excinfo:
        role_grant_request(
            user=user, role=Role.REGIONAL_MANAGER, team=None, reason="Regionen", by=AdministratorFactory()
        )
    assert excinfo.value.message_dict == {"role": ["Bara en superanvändare ger den här rollen, i användarformuläret."]}
