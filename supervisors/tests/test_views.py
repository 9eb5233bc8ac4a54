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


# What the list and the page tell about a supervisor: training, participants, load, login.

TODAY = dt.date.today()


def _hold(supervisor: Supervisor, *, start: dt.date, end: dt.date, **participant: object):
    from placements.models import PlacementStatus
    from placements.tests.factories import PlacementFactory

    return PlacementFactory(
        supervisor=supervisor,
        need__workplace=supervisor.workplace,
        planned_start=start,
        planned_end=end,
        status=PlacementStatus.AGREED,
        **{f"participant__{k}": v for k, v in participant.items()},
    )


def _row(page: str, name: str) -> str:
    """The list's table row of the supervisor with that last name."""
    body = page[page.index("<tbody>") :]
    start = body.rindex("<tr>", 0, body.index(name))
    return body[start : body.index("</tr>", start)]


def test_the_list_and_the_page_show_the_training_status(client: Client, coordinator) -> None:
    trained = SupervisorFactory(last_name="Utbildadsson")
    EnrolmentFactory(completed=True, supervisor=trained)
    enrolled = SupervisorFactory(last_name="Anmäldsson")
    session = EnrolmentFactory(supervisor=enrolled).session
    SupervisorFactory(last_name="Otränadsson")
    client.force_login(coordinator)
    page = client.get(reverse("supervisors:list")).content.decode()
    until = trained.enrolments.get().valid_until.isoformat()
    day = timezone.localtime(session.starts_at).date().isoformat()
    assert "Utbildad" in _row(page, "Utbildadsson") and f"till och med {until}" in _row(page, "Utbildadsson")
    assert f"Anmäld</span> till utbildningstillfället {day}" in _row(page, "Anmäldsson")
    assert "Inte utbildad" in _row(page, "Otränadsson")
    detail = client.get(reverse("supervisors:detail", args=[enrolled.pk])).content.decode()
    assert f"till utbildningstillfället {day}" in detail


def test_login_reads_no_then_invited_then_yes_and_never_maybe(
    client: Client, coordinator, django_capture_on_commit_callbacks
) -> None:
    supervisor = SupervisorFactory(last_name="Inloggadsson")
    client.force_login(coordinator)

    def login_shown() -> tuple[str, str]:
        listed = _row(client.get(reverse("supervisors:list")).content.decode(), "Inloggadsson")
        detail = client.get(reverse("supervisors:detail", args=[supervisor.pk])).content.decode()
        facts = detail[detail.index("<dl") : detail.index("</dl>")]
        return listed.rsplit("<td>", 1)[-1].split("</td>")[0], facts.split("inloggning</dt>")[1].split("</dd>")[0]

    assert login_shown() == ("Nej", '<dd class="col-sm-9">Nej')
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("supervisors:invite", args=[supervisor.pk]))
    assert login_shown() == ("inbjuden", '<dd class="col-sm-9">inbjuden')
    supervisor.refresh_from_db()
    supervisor.user.set_password("Handledning-2026!")
    supervisor.user.save()
    assert login_shown() == ("Ja", '<dd class="col-sm-9">Ja')
    supervisor.user.is_active = False
    supervisor.user.save()
    assert login_shown() == ("Nej", '<dd class="col-sm-9">Nej')
    assert "kanske" not in client.get(reverse("supervisors:list")).content.decode()


def test_current_participants_are_named_for_the_team_and_counted_for_others(client: Client, coordinator) -> None:
    from accounts.models import AccessAction, AccessLogEntry

    supervisor = SupervisorFactory(last_name="Handledarsson", max_participants=3)
    own = _hold(
        supervisor,
        start=TODAY - dt.timedelta(days=5),
        end=TODAY + dt.timedelta(days=30),
        team=coordinator.team,
        last_name="Egenteamsson",
    )
    other = _hold(supervisor, start=TODAY, end=TODAY + dt.timedelta(days=30), last_name="Annatteamsson")
    _hold(
        supervisor,
        start=TODAY + dt.timedelta(days=60),
        end=TODAY + dt.timedelta(days=90),
        team=coordinator.team,
        last_name="Senaresson",
    )
    client.force_login(coordinator)
    for page in (
        _row(client.get(reverse("supervisors:list")).content.decode(), "Handledarsson"),
        client.get(reverse("supervisors:detail", args=[supervisor.pk])).content.decode(),
    ):
        assert f'href="{reverse("participants:detail", args=[own.participant.pk])}">' in page
        assert "Egenteamsson</a> och 1 till" in page
        assert "Annatteamsson" not in page and "Senaresson" not in page  # another team's; not yet begun
        assert "2 av 3" in page  # the load from today on: two at once
    logged = set(AccessLogEntry.objects.filter(action=AccessAction.LIST).values_list("participant_id", flat=True))
    assert own.participant.pk in logged and other.participant.pk not in logged


def test_another_teams_participants_only_are_a_count(client: Client, coordinator) -> None:
    supervisor = SupervisorFactory(last_name="Handledarsson", max_participants=1)
    _hold(supervisor, start=TODAY, end=TODAY + dt.timedelta(days=30), last_name="Annatteamsson")
    client.force_login(coordinator)
    row = _row(client.get(reverse("supervisors:list")).content.decode(), "Handledarsson")
    assert "<td>1 deltagare</td>" in row and "Annatteamsson" not in row and "1 av 1" in row


def test_the_load_is_the_peak_from_today_not_every_placement(client: Client, coordinator) -> None:
    supervisor = SupervisorFactory(last_name="Handledarsson", max_participants=1)
    _hold(supervisor, start=TODAY, end=TODAY + dt.timedelta(days=30))
    _hold(supervisor, start=TODAY + dt.timedelta(days=31), end=TODAY + dt.timedelta(days=60))
    client.force_login(coordinator)
    assert "1 av 1" in _row(client.get(reverse("supervisors:list")).content.decode(), "Handledarsson")


def test_the_list_keeps_its_number_of_queries(client: Client, coordinator, django_assert_max_num_queries) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n: int) -> None:
        for _ in range(n):
            supervisor = SupervisorFactory(max_participants=3)
            EnrolmentFactory(completed=True, supervisor=supervisor)
            EnrolmentFactory(supervisor=supervisor)
            _hold(supervisor, start=TODAY, end=TODAY + dt.timedelta(days=30), team=coordinator.team)
            _hold(supervisor, start=TODAY, end=TODAY + dt.timedelta(days=30))

    client.force_login(coordinator)
    add(2)
    client.get(reverse("supervisors:list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("supervisors:list"))
    add(20)
    with django_assert_max_num_queries(len(few)):
        page = client.get(reverse("supervisors:list")).content.decode()
    assert page.count("1 deltagare") == 0 and page.count(" och 1 till") == 22
