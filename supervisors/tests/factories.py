"""Factories for supervisors and training."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from supervisors.models import Enrolment, EnrolmentStatus, Supervisor, TrainingCourse, TrainingSession
from workplaces.tests.factories import WorkplaceFactory


class SupervisorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supervisor

    workplace = factory.SubFactory(WorkplaceFactory)
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    email = factory.Sequence(lambda n: f"handledare{n}@example.org")
    max_participants = 2


class TrainingCourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingCourse
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Handledarutbildning {n}")
    validity_months = 36


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    course = factory.SubFactory(TrainingCourseFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=6))
    location = "Rådhuset"
    capacity = 20


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    session = factory.SubFactory(TrainingSessionFactory)
    supervisor = factory.SubFactory(SupervisorFactory)
    status = EnrolmentStatus.ENROLLED

    class Params:
        completed = factory.Trait(
            attended=True,
            completed_on=factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=30)),
            valid_until=factory.LazyAttribute(lambda o: o.completed_on + dt.timedelta(days=3 * 365)),
        )
