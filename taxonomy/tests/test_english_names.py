"""Reference data shows in the user's language: placement types, job tracks and districts have an
English name (filled for the seeded ones), shown when English is chosen; without one, the Swedish."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from taxonomy.models import JobTrack, PlacementType
from taxonomy.tests.factories import DistrictFactory, JobTrackFactory, PlacementTypeFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("factory", "swedish", "english"),
    [
        (PlacementTypeFactory, "Kommunal praktik", "Municipal placement"),
        (JobTrackFactory, "Restaurang och storkök", "Restaurants"),
        (DistrictFactory, "Stadsdel Norr", "North district"),
    ],
)
def test_the_english_name_is_shown_in_english_and_the_swedish_in_swedish(factory, swedish, english) -> None:
    thing = factory(name=swedish, name_en=english)
    with translation.override("en"):
        assert str(thing) == english
    with translation.override("sv"):
        assert str(thing) == swedish


def test_without_an_english_name_english_users_see_the_swedish_one() -> None:
    track = JobTrackFactory(name="Industri", name_en="")
    with translation.override("en"):
        assert str(track) == "Industri"


def test_every_seeded_placement_type_and_job_track_has_an_english_name() -> None:
    """The reference data migration 0002 seeds them; 0004 names them in English."""
    assert PlacementType.objects.exists() and JobTrack.objects.exists()
    assert not PlacementType.objects.filter(name_en="").exists()
    assert not JobTrack.objects.filter(name_en="").exists()
    with translation.override("en"):
        assert str(PlacementType.objects.get(code="nystartsjobb")) == "New start job"


def test_a_placement_types_rule_message_names_it_in_the_users_language() -> None:
    kind = PlacementTypeFactory(name="Feriejobb", name_en="Summer job", max_hours_per_day=6)
    with translation.override("en"):
        assert "Summer job" in kind.rule_violations(hours_per_day=Decimal("8"))["hours_per_day"]
