"""Factories for the privacy app."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth.models import Group

from accounts.models import Role
from accounts.tests.factories import UserFactory
from privacy.models import (
    Action,
    ErasureMethod,
    ErasureRecord,
    PeriodUnit,
    RecordType,
    RetentionRule,
    RetentionRun,
    Trigger,
)


def _add_role(user, create, extracted, **kwargs):
    if create:
        user.groups.add(Group.objects.get(name=extracted or Role.ADMINISTRATOR))


class AdministratorFactory(UserFactory):
    """An administrator (or the data protection officer) with access to the admin."""

    is_staff = True
    role = factory.PostGeneration(_add_role)


class RetentionRuleFactory(factory.django.DjangoModelFactory):
    """The rules are seeded by a migration, one per record type: this one updates the seeded row."""

    class Meta:
        model = RetentionRule
        django_get_or_create = ("record_type",)

    record_type = RecordType.RECORDS_CHECKS
    trigger = Trigger.RECORDED
    period = 12
    unit = PeriodUnit.MONTHS
    action = Action.ERASE


class RetentionRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RetentionRun

    run_on = factory.Sequence(lambda n: dt.date(2020, 1, 1) + dt.timedelta(days=n))
    status = RetentionRun.Status.DONE
    counts = factory.LazyFunction(lambda: [{"record_type": "records_checks", "action": "erase", "count": 0}])


class ErasureRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ErasureRecord

    participant_id = factory.Sequence(lambda n: 100000 + n)
    method = ErasureMethod.PSEUDONYMISE
    reason = "Den enskilde har begärt radering"
    by = factory.SubFactory(AdministratorFactory)
    municipality = factory.SelfAttribute("by.municipality")  # an administrator erases their municipality's
