from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from supervisors.models import Supervisor
from supervisors.tests.factories import EnrolmentFactory, SupervisorFactory, TrainingSessionFactory

pytestmark = pytest.mark.django_db


def test_a_session_must_end_after_it_starts() -> None:
    session = TrainingSessionFactory()
    session.ends_at = session.starts_at
    with pytest.raises(ValidationError):
        session.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        session.save()


def test_a_supervisor_is_enrolled_once_per_session() -> None:
    enrolment = EnrolmentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        EnrolmentFactory(session=enrolment.session, supervisor=enrolment.supervisor)


def test_completion_needs_attendance() -> None:
    enrolment = EnrolmentFactory()
    enrolment.completed_on = dt.date.today()
    enrolment.valid_until = dt.date.today() + dt.timedelta(days=365)
    with pytest.raises(ValidationError):
        enrolment.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        enrolment.save()


def test_trained_supervisors_are_those_with_a_valid_completion() -> None:
    trained = EnrolmentFactory(completed=True).supervisor
    expired = EnrolmentFactory(completed=True, completed_on=dt.date.today() - dt.timedelta(days=4 * 365)).supervisor
    SupervisorFactory()
    assert list(Supervisor.objects.trained_on(dt.date.today())) == [trained]
    assert expired not in Supervisor.objects.trained_on(dt.date.today())


def test_max_participants_is_at_least_one() -> None:
    supervisor = SupervisorFactory()
    supervisor.max_participants = 0
    with pytest.raises(ValidationError):
        supervisor.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        supervisor.save()
