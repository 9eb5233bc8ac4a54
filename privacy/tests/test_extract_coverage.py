"""The register extract is complete by construction: every model that stores something about a person,
and every field of it, is either in the extract or named with the reason it is not."""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from accounts.models import AccessAction
from accounts.tests.factories import AccessLogEntryFactory
from participants.models import Participant
from participants.tests.factories import ExitFactory, InterestFactory, ProgrammeStatusFactory
from placements.models import AgreementDocument, FollowUp, Placement
from placements.tests.factories import PlacementEventFactory
from privacy.extract import MODELS_NOT_SHOWN, NOT_SHOWN, SHOWN, _label, register_extract
from privacy.tests.cases import full_case_file
from privacy.tests.factories import AdministratorFactory

# An agreement document is the placement's: its signatures and signing links are about the person too.
PERSON_MODELS = (Participant, Placement, FollowUp, AgreementDocument)


def _refers_to_a_person(model: type[models.Model]) -> bool:
    for field in model._meta.concrete_fields:
        if field.name == "participant_id" or getattr(field, "related_model", None) in PERSON_MODELS:
            return True
    return False


def _stored_fields(model: type[models.Model]) -> set[str]:
    return {field.name for field in model._meta.get_fields() if field.concrete}


def test_every_model_that_refers_to_a_person_is_in_the_extract_or_named_with_a_reason() -> None:
    # With the tables Django makes for many-to-many fields: who imported a person is one.
    referring = {m for m in apps.get_models(include_auto_created=True) if _refers_to_a_person(m)} | {Participant}
    # ErasureRecord keeps the number of someone already erased, and nothing personal: there is no one
    # left to make an extract for.
    referring.discard(apps.get_model("privacy", "ErasureRecord"))
    decided = set(SHOWN) | set(MODELS_NOT_SHOWN)
    assert referring - decided == set(), "decide whether the register extract shows these"
    assert decided - referring == set(), "these no longer refer to a person"
    assert set(SHOWN).isdisjoint(MODELS_NOT_SHOWN)


@pytest.mark.parametrize("model", list(SHOWN), ids=lambda m: m._meta.label)
def test_every_stored_field_is_shown_or_named_with_a_reason(model: type[models.Model]) -> None:
    shown, not_shown = set(SHOWN[model]), set(NOT_SHOWN.get(model, {}))
    assert shown.isdisjoint(not_shown)
    assert _stored_fields(model) - shown - not_shown == set(), "add these to SHOWN or NOT_SHOWN in privacy/extract.py"
    assert (shown | not_shown) - _stored_fields(model) == set(), "these fields no longer exist"


@pytest.mark.django_db
def test_each_shown_field_appears_in_an_extract_of_a_full_case_file() -> None:
    person = full_case_file(0, exited=False)
    InterestFactory(participant=person)
    ExitFactory(participant=person, reason="studies", work_length="", student_aid=False)
    ProgrammeStatusFactory(participant=person, reason="work_subsidised", work_length="month_or_more", student_aid=None)
    PlacementEventFactory(placement=person.placements.get())
    AccessLogEntryFactory(participant_id=person.pk, action=AccessAction.CHANGE, fields=["phone", "email"])

    data = register_extract(participant=person, by=AdministratorFactory())

    labels: set[str] = set()
    for section in data["sections"]:  # type: ignore[attr-defined]  # the extract is JSON-shaped (dict[str, object])
        for row in section["rows"]:
            labels |= set(row)
    # A placement's need and supervisor are shown as its workplace and supervisor columns.
    shown_as = {(Placement, "need"): _("workplace"), (Placement, "supervisor"): _("supervisor")}
    for model, names in SHOWN.items():
        for name in names:
            label = capfirst(shown_as[model, name]) if (model, name) in shown_as else _label(model, name)  # type: ignore[index]  # any model may be a key
            assert label in labels, f"{model.__name__}.{name}"
    assert "phone, email" in json.dumps(data, ensure_ascii=False)
