"""placements.matching.kept_need_arrays: a ranking's need arrays kept between rankings are the arrays a
fresh read gives, after a change to anything they are read from, made as the application makes it and
committed. Each change is checked to move the arrays, so no case passes by changing nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from accounts.tests.factories import MunicipalityFactory
from placements import matching
from placements.matching import NEEDS_GENERATION_KEY, forget_need_arrays, kept_need_arrays, need_arrays
from placements.matching.features import load_features
from placements.matching.scoring import NeedArrays
from placements.models import PlacementStatus
from placements.tests.factories import PlacementFactory
from supervisors.models import EnrolmentStatus
from supervisors.tests.factories import EnrolmentFactory, SupervisorFactory
from taxonomy.tests.factories import PrerequisiteFactory
from workplaces.models import Need, NeedStatus
from workplaces.tests.factories import NeedFactory, RegionalOrganisationFactory, WorkingHoursFactory, WorkplaceFactory

# Committed for real: each change drops the kept arrays when its transaction commits, as in production.
# (serialized_rollback: the roles' groups, made by a migration, stay for the next test.)
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _same(a: NeedArrays, b: NeedArrays) -> bool:
    for name in NeedArrays.__dataclass_fields__:
        x, y = getattr(a, name), getattr(b, name)
        if isinstance(x, tuple):
            if len(x) != len(y) or not all(np.array_equal(p, q) for p, q in zip(x, y, strict=True)):
                return False
        elif not np.array_equal(x, y, equal_nan=x.dtype.kind == "f"):
            return False
    return True


def _read(pk: int) -> Need:
    """The need as the candidates page reads it."""
    return Need.objects.select_related("workplace__district", "workplace__organisation", "placement_type").get(pk=pk)


@pytest.fixture
def world() -> dict[str, Any]:
    need = NeedFactory(places=1)
    supervisor = SupervisorFactory(workplace=need.workplace, max_participants=2)
    return {"need": need, "supervisor": supervisor}


def _working_hours(w: dict[str, Any]) -> None:
    WorkingHoursFactory(need=w["need"])


def _need_prerequisite(w: dict[str, Any]) -> None:
    w["need"].prerequisites.add(PrerequisiteFactory())


def _workplace_prerequisite(w: dict[str, Any]) -> None:
    w["need"].workplace.prerequisites.add(PrerequisiteFactory())


def _supervisor_left(w: dict[str, Any]) -> None:
    supervisor = w["supervisor"]
    supervisor.active = False
    supervisor.save()


def _supervisor_removed(w: dict[str, Any]) -> None:
    w["supervisor"].delete()


def _supervisor_trained(w: dict[str, Any]) -> None:
    EnrolmentFactory(
        supervisor=w["supervisor"],
        status=EnrolmentStatus.ENROLLED,
        attended=True,
        completed_on=timezone.localdate() - dt.timedelta(days=10),
        valid_until=timezone.localdate() + dt.timedelta(days=3 * 365),
    )


def _type_closed(w: dict[str, Any]) -> None:
    placement_type = w["need"].placement_type
    placement_type.active = False
    placement_type.save()


def _type_shorter(w: dict[str, Any]) -> None:
    placement_type = w["need"].placement_type
    placement_type.max_weeks = 2
    placement_type.save()


def _district_moved(w: dict[str, Any]) -> None:
    district = w["need"].workplace.district
    district.latitude = Decimal("67.85000")
    district.save()


def _organisation_of_another_municipality(w: dict[str, Any]) -> None:
    organisation = w["need"].workplace.organisation
    organisation.municipality = MunicipalityFactory(code="2309")
    organisation.save()


def _workplace_elsewhere(w: dict[str, Any]) -> None:
    workplace = w["need"].workplace
    workplace.district = WorkplaceFactory().district
    workplace.save()


def _place_taken(w: dict[str, Any]) -> None:
    need = w["need"]
    PlacementFactory(need=need, supervisor=w["supervisor"], status=PlacementStatus.AGREED)


def _need_closed(w: dict[str, Any]) -> None:
    need = w["need"]
    need.status = NeedStatus.CLOSED
    need.save()


CHANGES: list[Callable[[dict[str, Any]], None]] = [
    _working_hours,
    _need_prerequisite,
    _workplace_prerequisite,
    _supervisor_left,
    _supervisor_removed,
    _supervisor_trained,
    _type_closed,
    _type_shorter,
    _district_moved,
    _organisation_of_another_municipality,
    _workplace_elsewhere,
    _place_taken,
    _need_closed,
]


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__.strip("_") for c in CHANGES])
def test_the_kept_arrays_are_a_fresh_read_after_a_change(
    world: dict[str, Any], change: Callable[[dict[str, Any]], None]
) -> None:
    today = timezone.localdate()
    need = _read(world["need"].pk)
    before = kept_need_arrays(need, today, load_features())
    assert kept_need_arrays(_read(need.pk), today, load_features()) is before  # kept
    change(world)
    need = _read(need.pk)
    fresh = need_arrays([need], today)
    assert not _same(fresh, before), "the change should move the arrays"
    assert _same(kept_need_arrays(need, today, load_features()), fresh)


def test_the_regional_needs_publication_changed_is_read_again() -> None:
    organisation = RegionalOrganisationFactory()
    need = NeedFactory(workplace=WorkplaceFactory(organisation=organisation))
    first = MunicipalityFactory(region=organisation.region)
    need.published_to.add(first)
    today = timezone.localdate()
    before = kept_need_arrays(_read(need.pk), today, load_features())
    need.published_to.add(MunicipalityFactory(code="2309", region=organisation.region))
    fresh = need_arrays([_read(need.pk)], today)
    assert len(fresh.municipalities[0]) == 2 and len(before.municipalities[0]) == 1
    assert _same(kept_need_arrays(_read(need.pk), today, load_features()), fresh)


def test_another_day_reads_the_arrays_again(world: dict[str, Any]) -> None:
    need = _read(world["need"].pk)
    today = timezone.localdate()
    kept = kept_need_arrays(need, today, load_features())
    tomorrow = kept_need_arrays(need, today + dt.timedelta(days=20), load_features())
    assert tomorrow is not kept
    assert _same(tomorrow, need_arrays([need], today + dt.timedelta(days=20)))


def test_without_a_shared_cache_every_ranking_reads_them(world: dict[str, Any]) -> None:
    need = _read(world["need"].pk)
    today = timezone.localdate()
    with override_settings(MATCHING_KEEP_NEED_ARRAYS=False):
        assert kept_need_arrays(need, today, load_features()) is not kept_need_arrays(need, today, load_features())


def test_an_emptied_cache_starts_a_new_generation(world: dict[str, Any]) -> None:
    """After the cache was emptied (or restarted), what was kept before is not trusted."""
    need = _read(world["need"].pk)
    today = timezone.localdate()
    kept = kept_need_arrays(need, today, load_features())
    cache.delete(NEEDS_GENERATION_KEY)
    again = kept_need_arrays(need, today, load_features())
    assert again is not kept and _same(again, kept)
    assert kept_need_arrays(need, today, load_features()) is again


def test_forgetting_moves_the_generation_every_process_reads(world: dict[str, Any]) -> None:
    need = _read(world["need"].pk)
    today = timezone.localdate()
    kept_need_arrays(need, today, load_features())
    generation = cache.get(NEEDS_GENERATION_KEY)
    forget_need_arrays()
    assert cache.get(NEEDS_GENERATION_KEY) not in (None, generation)


def test_the_kept_arrays_cannot_be_changed_in_place() -> None:
    """Kept arrays are shared by every ranking of the need: one that wrote into them would change the
    next one's, so they are read-only."""
    need = NeedFactory()
    arrays = kept_need_arrays(_read(need.pk), timezone.localdate(), load_features())
    with pytest.raises(ValueError, match="read-only"):
        arrays.need_bits[0] = 1
    with pytest.raises(ValueError, match="read-only"):
        arrays.municipalities[0][0] = 0


def test_a_new_placements_part_empties_what_was_kept_for_the_old(world: dict[str, Any]) -> None:
    """No entry holds an old placements part of the features alive: a busy day changes it often."""
    today = timezone.localdate()
    other = NeedFactory()
    for need in (world["need"], other):
        kept_need_arrays(_read(need.pk), today, load_features())
    assert len(matching._kept.arrays) == 2
    _place_taken(world)
    features = load_features()
    kept_need_arrays(_read(other.pk), today, features)
    assert list(matching._kept.arrays) == [(other.pk, today)]
    assert matching._kept.placements is features.placements
