"""Factories for reference data. Occupations form valid chains: a unit group gets its parents."""

from __future__ import annotations

import factory

from taxonomy.models import District, JobTrack, Language, Occupation, OccupationSynonym, PlacementType, Prerequisite


def occupation_with_ancestors(code: str, name: str = "") -> Occupation:
    """The occupation `code`, creating it and any missing ancestors (named after their code)."""
    parent = None
    for length in range(1, len(code) + 1):
        prefix = code[:length]
        parent, _created = Occupation.objects.get_or_create(
            code=prefix,
            defaults={
                "level": length,
                "parent": parent,
                "name_sv": name if length == len(code) and name else f"Yrkesgrupp {prefix}",
                "name_en": name if length == len(code) and name else f"Occupation group {prefix}",
            },
        )
    assert parent is not None
    return parent


class OccupationFactory(factory.django.DjangoModelFactory):
    """A 4-digit unit group with its ancestors; pass `code` to choose it."""

    class Meta:
        model = Occupation

    code = factory.Sequence(lambda n: f"{5000 + n % 4000:04d}")

    @classmethod
    def _create(cls, model_class: type[Occupation], *args: object, **kwargs: object) -> Occupation:
        return occupation_with_ancestors(str(kwargs["code"]), str(kwargs.get("name_sv", "")))


class OccupationSynonymFactory(factory.django.DjangoModelFactory):
    """A title for a unit group (by default a made-up one for a new unit group)."""

    class Meta:
        model = OccupationSynonym
        django_get_or_create = ("occupation", "title")

    occupation = factory.SubFactory(OccupationFactory)
    title = factory.Sequence(lambda n: f"yrkestitel {n}")
    language = OccupationSynonym.Language.SWEDISH


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Stadsdel {n}")
    latitude = factory.Sequence(lambda n: f"{63.15 + (n % 50) / 1000:.5f}")
    longitude = factory.Sequence(lambda n: f"{14.60 + (n % 50) / 1000:.5f}")


class LanguageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Language
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"x{n % 100:02d}")
    name_sv = factory.LazyAttribute(lambda o: f"språk {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"language {o.code}")


class JobTrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobTrack
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"track-{n}")
    name = factory.LazyAttribute(lambda o: f"Jobbspår {o.code}")


class PlacementTypeFactory(factory.django.DjangoModelFactory):
    """A placement type with no limits of its own unless given."""

    class Meta:
        model = PlacementType
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"type-{n}")
    name = factory.LazyAttribute(lambda o: f"Typ {o.code}")
    funder = PlacementType.Funder.MUNICIPALITY


class PrerequisiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prerequisite
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"prerequisite-{n}")
    name = factory.LazyAttribute(lambda o: f"Förutsättning {o.code}")
