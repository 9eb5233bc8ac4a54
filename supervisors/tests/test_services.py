"""Supervisor training: who may enrol, the waiting list, completion and refreshers; invitations."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import CoordinatorFactory, MunicipalityFactory, TeamFactory
from placements.selectors import untrained_supervisors_with_participants
from placements.tests.factories import PlacementFactory
from supervisors.models import Enrolment, EnrolmentStatus
from supervisors.selectors import refreshers_due, sessions_with_free_seats
from supervisors.services import enrolment_cancel, enrolment_complete, enrolment_create, supervisor_invite
from supervisors.tests.factories import EnrolmentFactory, SupervisorFactory, TrainingSessionFactory
from workplaces.models import OrganisationKind
from workplaces.tests.factories import OrganisationFactory, ProcurementContractFactory, WorkplaceFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def test_municipal_supervisors_enrol_until_the_session_is_full_then_wait() -> None:
    session = TrainingSessionFactory(capacity=1)
    first, second = SupervisorFactory(), SupervisorFactory()
    assert enrolment_create(session=session, supervisor=first, by=None).status == EnrolmentStatus.ENROLLED
    assert enrolment_create(session=session, supervisor=second, by=None).status == EnrolmentStatus.WAITLISTED
    assert not sessions_with_free_seats(now=timezone.now()).filter(pk=session.pk).exists()
    moved_up = enrolment_cancel(enrolment=first.enrolments.get(), by=None)
    assert moved_up.supervisor == second
    assert Enrolment.objects.get(supervisor=second).status == EnrolmentStatus.ENROLLED


def test_a_company_with_a_social_procurement_contract_may_enrol_others_not() -> None:
    session = TrainingSessionFactory()
    contract = ProcurementContractFactory()
    with_contract = SupervisorFactory(workplace=WorkplaceFactory(organisation=contract.organisation))
    assert enrolment_create(session=session, supervisor=with_contract, by=None).status == EnrolmentStatus.ENROLLED
    plain = OrganisationFactory(name="Vanliga AB", kind=OrganisationKind.COMPANY, organisation_number="556036-0793")
    without = SupervisorFactory(workplace=WorkplaceFactory(organisation=plain))
    with pytest.raises(ValidationError) as excinfo:
        enrolment_create(session=session, supervisor=without, by=None)
    assert excinfo.value.code == "not_eligible"
    assert "Vanliga AB" in excinfo.value.messages[0]
    assert not Enrolment.objects.filter(supervisor=without).exists()


def test_a_second_enrolment_and_a_past_session_are_refused() -> None:
    supervisor = SupervisorFactory()
    session = TrainingSessionFactory()
    enrolment_create(session=session, supervisor=supervisor, by=None)
    with pytest.raises(ValidationError) as excinfo:
        enrolment_create(session=session, supervisor=supervisor, by=None)
    assert excinfo.value.code == "duplicate"
    past = TrainingSessionFactory(starts_at=timezone.now() - dt.timedelta(days=2))
    with pytest.raises(ValidationError) as excinfo:
        enrolment_create(session=past, supervisor=supervisor, by=None)
    assert excinfo.value.code == "past_session"
    assert Enrolment.objects.count() == 1


def test_completing_makes_the_supervisor_trained_for_the_courses_validity() -> None:
    past = TrainingSessionFactory(starts_at=timezone.now() - dt.timedelta(days=10))
    enrolment = EnrolmentFactory(session=past)
    done = enrolment_complete(enrolment=enrolment, attended=True, by=None)
    ended = timezone.localtime(past.ends_at).date()
    assert done.completed_on == ended
    assert done.valid_until == ended.replace(year=ended.year + 3)
    assert enrolment.supervisor in enrolment.supervisor.__class__.objects.trained_on(TODAY)


def test_attendance_is_recorded_after_the_session_and_only_for_the_enrolled() -> None:
    with pytest.raises(ValidationError) as excinfo:
        enrolment_complete(enrolment=EnrolmentFactory(), attended=True, by=None)
    assert excinfo.value.code == "not_yet"
    waiting = EnrolmentFactory(
        session=TrainingSessionFactory(starts_at=timezone.now() - dt.timedelta(days=3)),
        status=EnrolmentStatus.WAITLISTED,
    )
    with pytest.raises(ValidationError):
        enrolment_complete(enrolment=waiting, attended=True, by=None)


def test_lists_of_untrained_supervisors_with_participants_and_of_refreshers_due() -> None:
    untrained = PlacementFactory(active=True).supervisor
    trained = PlacementFactory(active=True).supervisor
    EnrolmentFactory(completed=True, supervisor=trained)
    assert list(untrained_supervisors_with_participants(today=TODAY)) == [untrained]
    expiring = EnrolmentFactory(
        completed=True, completed_on=TODAY - dt.timedelta(days=3 * 365 - 30), valid_until=TODAY + dt.timedelta(days=30)
    ).supervisor
    assert list(refreshers_due(today=TODAY)) == [expiring]


def test_an_invitation_creates_a_login_and_mails_a_one_time_link(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    supervisor = SupervisorFactory(email="Ann.Handledare@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        user = supervisor_invite(supervisor=supervisor, by=None)
    assert user.has_role(Role.SUPERVISOR) and not user.has_usable_password()
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/welcome/" in line).strip()
    path = link.split("127.0.0.1:8000")[-1]
    response = client.get(path, follow=True)
    assert response.status_code == 200
    assert "Välj lösenord" in response.content.decode() and "Ange nytt lösenord" not in response.content.decode()
    set_url = response.redirect_chain[-1][0]
    client.post(set_url, {"new_password1": "Handledning-2026!", "new_password2": "Handledning-2026!"})
    user.refresh_from_db()
    assert user.check_password("Handledning-2026!")
    with pytest.raises(ValidationError):
        supervisor_invite(supervisor=supervisor, by=None)


def test_an_invitation_links_to_the_site_of_the_inviting_coordinators_municipality(
    django_capture_on_commit_callbacks,
) -> None:
    """A supervisor is no municipality's: the invitation is the inviting coordinator's municipality's."""
    stockholm = MunicipalityFactory(code="0180", site_url="https://platsa.stockholm.se")
    coordinator = CoordinatorFactory(team=TeamFactory(municipality=stockholm))
    with django_capture_on_commit_callbacks(execute=True):
        supervisor_invite(supervisor=SupervisorFactory(), by=coordinator)
    (link,) = (line.strip() for line in mail.outbox[0].body.splitlines() if "/accounts/welcome/" in line)
    assert link.startswith("https://platsa.stockholm.se/accounts/welcome/")
