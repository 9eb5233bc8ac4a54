from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from taxonomy.tests.factories import PlacementTypeFactory
from workplaces.models import Need, Organisation
from workplaces.organisation_numbers import normalize_organisation_number
from workplaces.tests.factories import NeedFactory, OrganisationFactory, ProcurementContractFactory

pytestmark = pytest.mark.django_db


def test_a_need_with_zero_places_is_refused_and_not_saved() -> None:
    need = NeedFactory.build(places=0)
    need.workplace = NeedFactory().workplace
    need.occupation_id, need.placement_type_id = (
        need.workplace.needs.get().occupation_id,
        need.workplace.needs.get().placement_type_id,
    )
    with pytest.raises(ValidationError) as excinfo:
        need.full_clean()
    assert "places" in excinfo.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        need.save()
    assert Need.objects.count() == 1


def test_a_need_must_end_after_it_starts() -> None:
    need = NeedFactory()
    need.end_date = need.start_date - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as excinfo:
        need.full_clean()
    assert "end_date" in excinfo.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        need.save()


def test_a_need_respects_its_placement_types_hours() -> None:
    need = NeedFactory(placement_type=PlacementTypeFactory(max_hours_per_day=Decimal("6.0")))
    need.hours_per_day = Decimal("8.0")
    with pytest.raises(ValidationError) as excinfo:
        need.full_clean()
    assert "hours_per_day" in excinfo.value.message_dict


def test_a_new_need_cannot_use_a_retired_placement_type() -> None:
    need = NeedFactory.build(placement_type=PlacementTypeFactory(active=False))
    existing = NeedFactory()
    need.workplace, need.occupation = existing.workplace, existing.occupation
    with pytest.raises(ValidationError) as excinfo:
        need.full_clean()
    assert "placement_type" in excinfo.value.message_dict


def test_organisation_numbers_are_validated_and_normalized() -> None:
    assert normalize_organisation_number("5560360793") == "556036-0793"
    with pytest.raises(ValidationError):
        normalize_organisation_number("556036-0794")
    organisation = OrganisationFactory.build(organisation_number="556036-0794")
    with pytest.raises(ValidationError) as excinfo:
        organisation.full_clean()
    assert "organisation_number" in excinfo.value.message_dict


def test_departments_are_rows_and_contracts_are_found_by_date() -> None:
    contract = ProcurementContractFactory()
    OrganisationFactory(name="Vård- och omsorgsförvaltningen")
    today = dt.date.today()
    assert list(Organisation.objects.with_social_procurement_contract(today)) == [contract.organisation]
    assert Organisation.objects.departments().filter(name="Vård- och omsorgsförvaltningen").exists()
    assert not Organisation.objects.with_social_procurement_contract(contract.end_date + dt.timedelta(days=1)).exists()


def test_a_contract_must_end_after_it_starts() -> None:
    contract = ProcurementContractFactory()
    contract.end_date = contract.start_date
    with pytest.raises(ValidationError):
        contract.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        contract.save()
