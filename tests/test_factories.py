"""Every model of the project has a factory, and factories build valid objects."""

from __future__ import annotations

import importlib
import inspect

import factory
import pytest
from django.apps import apps

pytestmark = pytest.mark.django_db

PROJECT_APPS = [
    "accounts",
    "taxonomy",
    "participants",
    "workplaces",
    "supervisors",
    "placements",
    "reporting",
    "privacy",
]


def _factories() -> dict[type, list[type[factory.django.DjangoModelFactory]]]:
    found: dict[type, list[type[factory.django.DjangoModelFactory]]] = {}
    for label in PROJECT_APPS:
        module = importlib.import_module(f"{label}.tests.factories")
        for _name, obj in inspect.getmembers(module, inspect.isclass):
            defined_here = obj.__module__ == module.__name__
            if defined_here and issubclass(obj, factory.django.DjangoModelFactory) and obj._meta.model is not None:
                found.setdefault(obj._meta.model, []).append(obj)
    return found


def test_every_model_has_a_factory() -> None:
    factories = _factories()
    models = [m for label in PROJECT_APPS for m in apps.get_app_config(label).get_models()]
    missing = [m.__name__ for m in models if m not in factories]
    assert missing == []


@pytest.mark.parametrize(
    "factory_path",
    sorted(f"{f.__module__}.{f.__name__}" for fs in _factories().values() for f in fs),
)
def test_factory_builds_a_valid_object(factory_path: str) -> None:
    module_name, class_name = factory_path.rsplit(".", 1)
    factory_class = getattr(importlib.import_module(module_name), class_name)
    obj = factory_class()
    obj.full_clean()
    assert obj.pk is not None
