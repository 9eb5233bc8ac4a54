"""Training sessions are the installation's (a supervisor's training counts everywhere), but the
supervisors on the training pages are those of the user's own register: another municipality's
supervisors are neither named nor linked, only counted among the taken seats."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory, MunicipalityFactory, TeamFactory
from placements.tests.factories import PlacementFactory
from supervisors.tests.factories import EnrolmentFactory, SupervisorFactory, TrainingSessionFactory
from workplaces.tests.factories import OrganisationFactory, WorkplaceFactory

pytestmark = pytest.mark.django_db


def _supervisor_of(municipality, last_name: str):
    workplace = WorkplaceFactory(organisation=OrganisationFactory(municipality=municipality))
    return SupervisorFactory(workplace=workplace, last_name=last_name)


def test_the_training_pages_name_only_the_own_municipalitys_supervisors(client: Client) -> None:
    a, b = MunicipalityFactory(), MunicipalityFactory(code="0180")
    today = timezone.localdate()
    # A's supervisors: one untrained with a participant coming, one whose training runs out soon,
    # one enrolled in a session that B's supervisor attends too.
    untrained = _supervisor_of(a, "Otränadsson")
    PlacementFactory(
        supervisor=untrained, need__workplace=untrained.workplace, planned_end=today + dt.timedelta(days=60)
    )
    refresher = _supervisor_of(a, "Snartutgångsson")
    EnrolmentFactory(supervisor=refresher, completed=True, valid_until=today + dt.timedelta(days=10))
    session = TrainingSessionFactory(starts_at=timezone.now() + dt.timedelta(days=7))
    enrolled = _supervisor_of(a, "Anmäldsson")
    EnrolmentFactory(session=session, supervisor=enrolled)
    own = _supervisor_of(b, "Egensson")
    EnrolmentFactory(session=session, supervisor=own)

    a_names = [untrained.last_name, refresher.last_name, enrolled.last_name]
    coordinator_a = CoordinatorFactory(team=TeamFactory(municipality=a))
    client.force_login(coordinator_a)
    overview = client.get(reverse("supervisors:training")).content.decode()
    assert untrained.last_name in overview and refresher.last_name in overview
    page = client.get(reverse("supervisors:session", args=[session.pk])).content.decode()
    assert enrolled.last_name in page and own.last_name not in page
    assert "1 plats till är tagen av en annan kommuns handledare." in page

    client.force_login(CoordinatorFactory(team=TeamFactory(municipality=b)))
    overview = client.get(reverse("supervisors:training")).content.decode()
    assert not [name for name in a_names if name in overview]
    page = client.get(reverse("supervisors:session", args=[session.pk])).content.decode()
    assert own.last_name in page
    assert not [name for name in a_names if name in page]
    assert reverse("supervisors:detail", args=[enrolled.pk]) not in page
