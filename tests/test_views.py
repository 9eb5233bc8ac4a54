"""Project-level pages: health check, login, language, and each role's start page."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory, ManagerFactory, SupervisorUserFactory, UserFactory
from conftest import require_service
from participants.tests.factories import ParticipantFactory
from placements.tests.factories import FollowUpFactory, LaterOutcomeFactory, PlacementFactory

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_login(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_is_503_when_the_database_does_not_answer(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import connection

    def broken_cursor(*args: object, **kwargs: object) -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error"


def test_healthz_is_503_when_a_configured_broker_does_not_answer(client: Client, settings) -> None:
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    from config.celery import app

    app.conf.broker_url = settings.CELERY_BROKER_URL
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = None
    assert response.status_code == 503
    assert response.json()["broker"] == "error"


@pytest.mark.services
def test_healthz_reports_a_live_redis_broker(client: Client, settings) -> None:
    url = os.environ.get("REDIS_URL", "")
    require_service(bool(url), "Redis (REDIS_URL)")
    settings.CELERY_BROKER_URL = url
    from config.celery import app

    app.conf.broker_url = url
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = None
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"


def test_anonymous_users_are_sent_to_the_login_page(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_login_page_is_swedish_by_default(client: Client) -> None:
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en")
    assert response.status_code == 200
    assert response["Content-Language"] == "sv"
    assert "Logga in" in response.content.decode()


def test_the_language_switch_gives_english(client: Client) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    response = client.get(reverse("login"))
    assert response["Content-Language"] == "en"
    assert "Log in to Platsa" in response.content.decode()


def test_a_demo_style_login_reaches_the_start_page(client: Client) -> None:
    CoordinatorFactory(username="anna")
    response = client.post(reverse("login"), {"username": "anna", "password": "platsa-test"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Idag i ditt team" in response.content.decode()


def test_the_coordinator_start_page_shows_the_own_teams_waiting_participants(client: Client) -> None:
    coordinator = CoordinatorFactory()
    mine = ParticipantFactory(team=coordinator.team, coordinator=coordinator, first_name="Zahra", last_name="Ali")
    ParticipantFactory(first_name="Okänd", last_name="Utomstående")  # another team
    overdue = FollowUpFactory(placement=PlacementFactory(active=True, participant__team=coordinator.team))
    overdue.due_date = overdue.placement.planned_start
    overdue.save()
    client.force_login(coordinator)
    page = client.get("/").content.decode()
    assert mine.full_name in page
    assert "Utomstående" not in page
    assert "1 uppföljning försenad" in page


def test_the_coordinator_start_page_counts_every_row_in_the_same_queries_however_many(client: Client) -> None:
    """Each panel shows its first rows and counts all of them in the one query that reads them (a window
    count): more rows than a panel shows change neither the counts' truth nor the number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from participants.tests.factories import TaskFactory
    from placements.selectors import START_PAGE_ROWS

    coordinator = CoordinatorFactory()

    def add(n: int) -> None:
        for _ in range(n):
            ParticipantFactory(team=coordinator.team, coordinator=coordinator)
            TaskFactory(participant__team=coordinator.team, assignee=coordinator)
            overdue = FollowUpFactory(placement=PlacementFactory(active=True, participant__team=coordinator.team))
            overdue.due_date = overdue.placement.planned_start
            overdue.save()

    client.force_login(coordinator)
    add(2)
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        page = client.get("/").content.decode()
    assert "2 uppföljningar försenade" in page and "2 uppgifter att göra" in page
    add(START_PAGE_ROWS)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/")
    overview = response.context["overview"]
    total = START_PAGE_ROWS + 2
    assert (overview.overdue_count, overview.tasks_due_count) == (total, total)
    assert len(overview.overdue_follow_ups) == len(overview.tasks_due) == START_PAGE_ROWS
    # Every waiting participant of the team counts (the tasks' people too), as a separate count finds.
    from participants.models import Participant

    waiting = Participant.objects.visible_to(coordinator).waiting().count()
    assert overview.waiting_count == waiting > START_PAGE_ROWS and len(overview.waiting) == START_PAGE_ROWS
    assert f"{total} uppföljningar försenade" in response.content.decode()
    assert len(many) == len(few)
    # An empty panel counts 0.
    client.force_login(CoordinatorFactory())
    assert client.get("/").context["overview"].overdue_count == 0


def test_the_supervisor_start_page_lists_only_the_own_placements(client: Client) -> None:
    user = SupervisorUserFactory()
    ours = PlacementFactory(active=True, supervisor__user=user)
    # A name nobody else in the test has: a generated one may be the supervisor's own, shown in the menu.
    theirs = PlacementFactory(active=True, participant__first_name="Unikdeltagare", participant__last_name="Annan")
    client.force_login(user)
    page = client.get("/").content.decode()
    assert "Deltagare du handleder" in page
    assert ours.participant.full_name in page
    assert theirs.participant.full_name not in page
    assert ours.participant.identity_number not in page


def test_the_manager_start_page_shows_aggregates_and_no_names(client: Client) -> None:
    names = [f"Unikdeltagare{n}" for n in range(6)]
    for name in names:
        PlacementFactory(active=True, participant__last_name=name)
    client.force_login(ManagerFactory())
    page = client.get("/").content.decode()
    assert "Nyckeltal" in page
    assert ">6<" in page.replace(" ", "")
    assert not any(name in page for name in names)


def test_the_manager_start_page_suppresses_small_numbers(client: Client) -> None:
    PlacementFactory.create_batch(3, active=True)
    client.force_login(ManagerFactory())
    page = client.get("/").content.decode()
    assert "visas ej" in page


def test_a_user_without_a_role_is_told_so(client: Client) -> None:
    client.force_login(UserFactory())
    assert "har ingen roll" in client.get("/").content.decode()


def test_logout_is_a_post_and_ends_the_session(client: Client) -> None:
    client.force_login(ManagerFactory())
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_the_longest_waiting_participant_comes_first_with_months_left(client: Client) -> None:
    import datetime as dt

    from django.utils import timezone

    coordinator = CoordinatorFactory()
    now = timezone.now()
    recent = ParticipantFactory(team=coordinator.team, coordinator=coordinator, last_name="Nyligen")
    recent.status_changed_at = now - dt.timedelta(days=3)
    recent.save()
    longest = ParticipantFactory(
        newcomer=True, team=coordinator.team, coordinator=coordinator, last_name="Längstväntande"
    )
    longest.status_changed_at = now - dt.timedelta(days=90)
    longest.establishment_programme_end = timezone.localdate() + dt.timedelta(days=75)
    longest.save()
    client.force_login(coordinator)
    page = client.get("/").content.decode()
    assert page.index("Längstväntande") < page.index("Nyligen")
    row = page[page.index("Längstväntande") :].split("</tr>")[0]
    assert "<td>90</td>" in row and "<td>2</td>" in row


def test_the_start_page_asks_for_later_outcomes_when_their_day_has_come(client: Client) -> None:
    from placements.models import Outcome

    coordinator = CoordinatorFactory()
    ended = PlacementFactory(completed=True, participant__team=coordinator.team, participant__last_name="Uppföljd")
    client.force_login(coordinator)
    page = client.get("/").content.decode()
    assert "Senare utfall att registrera" in page and "Uppföljd" in page
    LaterOutcomeFactory(placement=ended, days_after=90, outcome=Outcome.STUDIES, recorded_on=ended.actual_end)
    assert "Senare utfall att registrera" not in client.get("/").content.decode()


@pytest.mark.parametrize("value", ["¹", "٣", "12a", "9" * 30, "-1", ""])
def test_object_ids_in_query_strings_are_ascii_digits_that_fit(value: str) -> None:
    from accounts.service_views import id_param

    assert id_param(value) is None


def test_a_superscript_digit_as_a_follow_up_id_is_no_server_error(client: Client) -> None:
    placement = PlacementFactory(status="active", actual_start=dt.date(2026, 5, 4))
    client.force_login(CoordinatorFactory(team=placement.participant.team))
    response = client.get(reverse("placements:follow_up", args=[placement.pk]) + "?due=¹")
    assert response.status_code == 200


def test_the_coordinator_start_page_lists_case_files_without_activity_for_a_year(client: Client) -> None:
    from django.utils import timezone

    from participants.models import Participant, ParticipantStatus
    from placements.models import Placement
    from placements.selectors import inactive_case_files

    coordinator = CoordinatorFactory()
    team = coordinator.team
    long_ago = timezone.now() - dt.timedelta(days=400)

    def old(**fields):
        person = ParticipantFactory(team=team, coordinator=coordinator, **fields)
        Participant.objects.filter(pk=person.pk).update(updated_at=long_ago, status_changed_at=long_ago)
        return person

    forgotten = old(first_name="Glömd", last_name="Person")
    in_placement = old()
    PlacementFactory(participant=in_placement, active=True)  # an ongoing placement is activity
    recently_ended = old()
    PlacementFactory(participant=recently_ended, completed=True)  # changed just now
    Placement.objects.filter(participant=in_placement).update(updated_at=long_ago)
    old(status=ParticipantStatus.EXITED)  # closed: retention takes it from here
    ParticipantFactory(team=team, coordinator=coordinator)  # changed just now
    outsider = ParticipantFactory(first_name="Annan", last_name="Utomstående")  # another team
    Participant.objects.filter(pk=outsider.pk).update(updated_at=long_ago, status_changed_at=long_ago)

    assert list(inactive_case_files(user=coordinator, today=timezone.localdate())) == [forgotten]
    client.force_login(coordinator)
    page = client.get("/").content.decode()
    assert "1 akt utan aktivitet på ett år" in page
    assert forgotten.full_name in page and "Utomstående" not in page


def test_days_waiting_count_stockholm_days_not_utc_days(client: Client) -> None:
    """At 00:30 in Stockholm it is still yesterday in UTC; the count is of Stockholm days, as the start page shows."""
    import datetime as dt

    import time_machine

    from placements.matching.features import load_features

    coordinator = CoordinatorFactory()
    waiting = ParticipantFactory(team=coordinator.team, coordinator=coordinator, last_name="Midnatt")
    # 2026-09-02 23:30 UTC is 2026-09-03 01:30 in Stockholm (summer time).
    waiting.status_changed_at = dt.datetime(2026, 9, 2, 23, 30, tzinfo=dt.UTC)
    waiting.save()
    client.force_login(coordinator)
    # 2026-12-01 23:30 UTC is 2026-12-02 00:30 in Stockholm: 90 Stockholm days after 3 September.
    with time_machine.travel(dt.datetime(2026, 12, 1, 23, 30, tzinfo=dt.UTC), tick=False):
        page = client.get("/").content.decode()
        people = load_features().participants
    row = page[page.index("Midnatt") :].split("</tr>")[0]
    assert "<td>90</td>" in row
    assert int(people.waiting_since[people.index_of[waiting.pk]]) == dt.date(2026, 9, 3).toordinal()


def test_a_panels_count_of_distinct_rows_is_of_the_distinct_rows() -> None:
    """COUNT(*) OVER () counts before DISTINCT: a DISTINCT list is counted apart."""
    from participants.models import Participant
    from placements.selectors import first_rows_and_count
    from taxonomy.tests.factories import LanguageFactory

    arabic, tigrinya = LanguageFactory(), LanguageFactory()
    for _ in range(3):
        ParticipantFactory().languages.set([arabic, tigrinya])
    rows = Participant.objects.filter(languages__in=[arabic, tigrinya]).distinct().order_by("pk")
    shown, count = first_rows_and_count(rows, 2)
    assert len(shown) == 2 and count == 3
    shown, count = first_rows_and_count(Participant.objects.filter(languages=arabic).order_by("pk"), 2)
    assert len(shown) == 2 and count == 3
