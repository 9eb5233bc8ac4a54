"""Supervisor registry and training pages: coordinators work here; others get 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory, ManagerFactory, SupervisorUserFactory
from supervisors.models import Enrolment, EnrolmentStatus, Supervisor
from supervisors.tests.factories import EnrolmentFactory, SupervisorFactory, TrainingSessionFactory
from workplaces.models import OrganisationKind
from workplaces.tests.factories import OrganisationFactory, WorkplaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


def _urls(supervisor: Supervisor, session, enrolment) -> list[str]:
    return [
        reverse("supervisors:list"),
        reverse("supervisors:create", args=[supervisor.workplace_id]),
        reverse("supervisors:detail", args=[supervisor.pk]),
        reverse("supervisors:edit", args=[supervisor.pk]),
        reverse("supervisors:training"),
        reverse("supervisors:session_create"),
        reverse("supervisors:session", args=[session.pk]),
    ]


def test_every_page_opens_for_a_coordinator_and_no_one_else(client: Client, coordinator) -> None:
    enrolment = EnrolmentFactory()
    urls = _urls(enrolment.supervisor, enrolment.session, enrolment)
    client.force_login(coordinator)
    for url in urls:
        assert client.get(url).status_code == 200, url
    for make_user in (SupervisorUserFactory, ManagerFactory):
        client.force_login(make_user())
        for url in urls:
            assert client.get(url).status_code == 404, url
    client.logout()
    for url in urls:
        assert client.get(url)["Location"].startswith(reverse("login")), url


def test_registering_a_supervisor_at_a_workplace(client: Client, coordinator) -> None:
    workplace = WorkplaceFactory()
    client.force_login(coordinator)
    data = {
        "first_name": "Ann",
        "last_name": "Berg",
        "email": "ann@example.org",
        "max_participants": "0",
        "active": "on",
    }
    response = client.post(reverse("supervisors:create", args=[workplace.pk]), data)
    assert response.status_code == 200 and not Supervisor.objects.exists()
    data["max_participants"] = "2"
    response = client.post(reverse("supervisors:create", args=[workplace.pk]), data)
    supervisor = Supervisor.objects.get()
    assert response["Location"] == reverse("supervisors:detail", args=[supervisor.pk])
    assert supervisor.workplace == workplace


def test_inviting_from_the_page_sends_the_link(client: Client, coordinator, django_capture_on_commit_callbacks) -> None:
    supervisor = SupervisorFactory()
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("supervisors:invite", args=[supervisor.pk]))
    supervisor.refresh_from_db()
    assert supervisor.user is not None and len(mail.outbox) == 1
    response = client.post(reverse("supervisors:invite", args=[supervisor.pk]), follow=True)
    assert "redan en inloggning" in response.content.decode()


def test_enrolling_fills_the_session_then_the_waiting_list(client: Client, coordinator) -> None:
    session = TrainingSessionFactory(capacity=1)
    first, second = SupervisorFactory(), SupervisorFactory()
    client.force_login(coordinator)
    url = reverse("supervisors:session", args=[session.pk])
    client.post(url, {"supervisor": first.pk})
    response = client.post(url, {"supervisor": second.pk}, follow=True)
    assert "väntelistan" in response.content.decode()
    assert Enrolment.objects.get(supervisor=second).status == EnrolmentStatus.WAITLISTED


def test_an_ineligible_employer_is_refused_next_to_the_field(client: Client, coordinator) -> None:
    organisation = OrganisationFactory(
        name="Utan Avtal AB", kind=OrganisationKind.COMPANY, organisation_number="556036-0793"
    )
    supervisor = SupervisorFactory(workplace=WorkplaceFactory(organisation=organisation))
    session = TrainingSessionFactory()
    client.force_login(coordinator)
    response = client.post(reverse("supervisors:session", args=[session.pk]), {"supervisor": supervisor.pk})
    assert response.status_code == 200
    assert "Utan Avtal AB" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_attendance_after_the_session_makes_the_supervisor_trained(client: Client, coordinator) -> None:
    enrolment = EnrolmentFactory(session=TrainingSessionFactory(starts_at=timezone.now() - dt.timedelta(days=2)))
    client.force_login(coordinator)
    client.post(reverse("supervisors:enrolment_action", args=[enrolment.pk, "attended"]))
    enrolment.refresh_from_db()
    assert enrolment.attended and enrolment.valid_until > timezone.localdate()
    page = client.get(reverse("supervisors:list")).content.decode()
    assert "Utbildad" in page
