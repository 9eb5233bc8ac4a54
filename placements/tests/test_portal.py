"""The supervisor portal: own placements only, a minimal view, and follow-ups from the workplace."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory, ManagerFactory, SupervisorUserFactory
from participants.tests.factories import StudyTimeFactory
from placements.models import FollowUp
from placements.tests.factories import FollowUpFactory, MeetingFactory, PlacementFactory
from taxonomy.tests.factories import LanguageFactory
from workplaces.tests.factories import WorkingHoursFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


@pytest.fixture
def supervisor_user():
    return SupervisorUserFactory()


@pytest.fixture
def placement(supervisor_user):
    placement = PlacementFactory(active=True, supervisor__user=supervisor_user, participant__last_name="Handledd")
    placement.participant.phone = "070-1740699"
    placement.participant.save()
    return placement


def _follow_up_data(**overrides: str) -> dict[str, str]:
    data = {
        "done_on": TODAY.isoformat(),
        "days_present": "8",
        "days_absent": "2",
        "tasks_done": "Dukade och diskade",
        "progress_work": "4",
        "progress_swedish": "3",
        "progress_cooperation": "5",
        "next_steps": "Fortsätta som nu",
    }
    data.update(overrides)
    return data


def test_the_supervisor_sees_a_minimal_view_of_their_participant(client: Client, supervisor_user, placement) -> None:
    client.force_login(supervisor_user)
    page = client.get(reverse("placements:portal_placement", args=[placement.pk])).content.decode()
    assert placement.participant.full_name in page
    assert f"{placement.planned_start:%Y-%m-%d}" in page
    for secret in (
        placement.participant.identity_number,
        placement.participant.masked_identity_number,
        placement.participant.phone,
        placement.participant.get_referral_source_display(),
    ):
        assert secret not in page


def test_the_supervisor_sees_the_working_hours_and_the_meetings_they_take_part_in(
    client: Client, supervisor_user, placement
) -> None:
    """Before, the portal showed neither when the participant works at the workplace nor the start
    meeting the supervisor was invited to. The studies are not shown: not the workplace's business."""
    WorkingHoursFactory(need=placement.need)  # Tuesday 13:00–17:00
    StudyTimeFactory(participant=placement.participant, school="Komvux Hemlig")
    language = LanguageFactory(name_sv="tigrinja")
    MeetingFactory(placement=placement, place="Personalrummet", interpreter_needed=True, interpreter_language=language)
    MeetingFactory(placement=placement, place="Bara koordinatorn", with_supervisor=False)
    cancelled = MeetingFactory(placement=placement, place="Inställt rum")
    cancelled.cancelled_at = cancelled.starts_at
    cancelled.save()
    client.force_login(supervisor_user)
    page = client.get(reverse("placements:portal_placement", args=[placement.pk])).content.decode()
    assert "Tisdag 13:00–17:00" in page
    assert "Startmöte" in page and "Personalrummet" in page and "En tolk är med." in page
    for hidden in ("Bara koordinatorn", "Inställt rum", "tigrinja", "Komvux Hemlig", "08:30"):
        assert hidden not in page


def test_the_supervisor_logs_a_follow_up_with_a_concern(client: Client, supervisor_user, placement) -> None:
    due = FollowUpFactory(placement=placement, due_date=TODAY)
    client.force_login(supervisor_user)
    url = reverse("placements:follow_up", args=[placement.pk])
    assert client.get(url, {"due": due.pk}).status_code == 200
    response = client.post(url, _follow_up_data(due=str(due.pk), concern="on", concern_text="Har svårt med tiderna"))
    assert response["Location"] == reverse("placements:portal_placement", args=[placement.pk])
    due.refresh_from_db()
    assert due.done_on == TODAY and due.concern and due.author == supervisor_user
    portal = client.get(response["Location"]).content.decode()
    assert "Oro:</strong> Har svårt med tiderna" in portal  # what they reported, in their own list
    coordinator = CoordinatorFactory(team=placement.participant.team)
    client.force_login(coordinator)
    page = client.get("/").content.decode()
    assert "Oro från handledare" in page and "Har svårt med tiderna" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"done_on": (TODAY + dt.timedelta(days=1)).isoformat()}, "framtiden"),
        ({"done_on": (TODAY - dt.timedelta(days=400)).isoformat()}, "före praktikperiodens start"),
        ({"progress_work": "6"}, "Välj ett giltigt alternativ"),
        ({"concern": "on", "concern_text": ""}, "Beskriv vad oron gäller"),
    ],
)
def test_a_bad_follow_up_is_explained_and_nothing_saved(
    client: Client, supervisor_user, placement, overrides, message
) -> None:
    client.force_login(supervisor_user)
    response = client.post(reverse("placements:follow_up", args=[placement.pk]), _follow_up_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not FollowUp.objects.filter(done_on__isnull=False).exists()


def test_a_coordinator_can_log_a_follow_up_too(client: Client, placement) -> None:
    coordinator = CoordinatorFactory(team=placement.participant.team)
    client.force_login(coordinator)
    response = client.post(reverse("placements:follow_up", args=[placement.pk]), _follow_up_data())
    assert response["Location"] == reverse("placements:detail", args=[placement.pk])
    assert FollowUp.objects.get().author == coordinator


def test_another_supervisors_placement_is_404_on_every_page(client: Client, placement) -> None:
    client.force_login(SupervisorUserFactory())
    for url in (
        reverse("placements:portal_placement", args=[placement.pk]),
        reverse("placements:follow_up", args=[placement.pk]),
        reverse("placements:detail", args=[placement.pk]),
        reverse("participants:detail", args=[placement.participant.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("placements:follow_up", args=[placement.pk]), _follow_up_data()).status_code == 404
    assert not FollowUp.objects.exists()


def test_the_supervisor_cannot_open_the_case_file_or_coordinator_pages(
    client: Client, supervisor_user, placement
) -> None:
    client.force_login(supervisor_user)
    assert client.get(reverse("participants:detail", args=[placement.participant.pk])).status_code == 404
    assert client.get(reverse("placements:detail", args=[placement.pk])).status_code == 404
    assert client.get(reverse("participants:list")).status_code == 404


def test_managers_and_anonymous_users_have_no_portal(client: Client, placement) -> None:
    url = reverse("placements:portal_placement", args=[placement.pk])
    assert client.get(url)["Location"].startswith(reverse("login"))
    client.force_login(ManagerFactory())
    assert client.get(url).status_code == 404
