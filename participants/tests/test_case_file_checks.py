"""The criminal-records extract check and the prerequisites on the case file: recorded by the team's
coordinators through the services, logged in the access log like every case-file change, and out of
reach of supervisors, managers, administrators and other teams."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessAction, AccessLogEntry, Role
from accounts.tests.factories import (
    BreakGlassGrantFactory,
    CoordinatorFactory,
    ManagerFactory,
    SupervisorUserFactory,
    UserFactory,
)
from participants.models import (
    ParticipantPrerequisite,
    RecordsExtractCheck,
    RecordsExtractResult,
    RecordsExtractScope,
)
from participants.services import (
    participant_prerequisite_end,
    participant_prerequisite_record,
    participant_prerequisite_remove,
    records_check_record,
    records_check_remove,
)
from participants.tests.factories import (
    ParticipantFactory,
    ParticipantPrerequisiteFactory,
    RecordsExtractCheckFactory,
)
from placements.matching.features import NEVER_ENDS, forget_features, load_features
from placements.tests.factories import PlacementFactory
from supervisors.tests.factories import SupervisorFactory
from taxonomy.tests.factories import PrerequisiteFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


@pytest.fixture
def participant(coordinator):
    return ParticipantFactory(team=coordinator.team, coordinator=coordinator, first_name="Zahra", last_name="Ali")


def _changes(participant) -> list[tuple[str, list[str]]]:
    return list(
        AccessLogEntry.objects.filter(participant_id=participant.pk, action=AccessAction.CHANGE)
        .order_by("pk")
        .values_list("username", "fields")
    )


# --- The services ------------------------------------------------------------------------------------------


def test_a_check_is_recorded_by_the_coordinator_today_and_logged(coordinator, participant) -> None:
    check = records_check_record(
        participant=participant,
        by=coordinator,
        scope=RecordsExtractScope.CHILDREN,
        extract_date=dt.date(2026, 11, 2),
        result=RecordsExtractResult.APPROVED,
    )
    check.refresh_from_db()
    assert (check.checked_by, check.checked_on, check.valid_until) == (coordinator, TODAY, dt.date(2027, 11, 2))
    assert _changes(participant) == [(coordinator.username, ["records_checks"])]


@pytest.mark.parametrize(
    ("extract_date", "checked_on", "field"),
    [
        (dt.date(2026, 11, 2), dt.date(2026, 11, 21), "checked_on"),  # in the future
        (dt.date(2026, 11, 10), dt.date(2026, 11, 9), "checked_on"),  # before the extract was issued
    ],
)
def test_a_check_dated_impossibly_is_refused_and_nothing_is_written(
    coordinator, participant, extract_date, checked_on, field
) -> None:
    with pytest.raises(ValidationError) as refused:
        records_check_record(
            participant=participant,
            by=coordinator,
            scope=RecordsExtractScope.CARE,
            extract_date=extract_date,
            checked_on=checked_on,
            result=RecordsExtractResult.APPROVED,
        )
    assert field in refused.value.message_dict
    assert not RecordsExtractCheck.objects.exists() and _changes(participant) == []


def test_a_check_recorded_by_mistake_is_removed_and_that_is_logged(coordinator, participant) -> None:
    check = RecordsExtractCheckFactory(participant=participant)
    records_check_remove(check=check, by=coordinator)
    assert not RecordsExtractCheck.objects.exists()
    assert _changes(participant) == [(coordinator.username, ["records_checks"])]


@pytest.mark.parametrize(
    ("valid_months", "obtained_on", "valid_until"),
    [
        (36, dt.date(2026, 1, 15), dt.date(2029, 1, 15)),
        (1, dt.date(2026, 1, 31), dt.date(2026, 2, 28)),  # calendar months, not 30 days
        (None, dt.date(2026, 1, 15), None),  # does not expire
    ],
)
def test_a_prerequisite_lasts_its_months_from_when_it_was_obtained(
    coordinator, participant, valid_months, obtained_on, valid_until
) -> None:
    prerequisite = PrerequisiteFactory(valid_months=valid_months)
    held = participant_prerequisite_record(
        participant=participant, by=coordinator, prerequisite=prerequisite, obtained_on=obtained_on
    )
    held.refresh_from_db()
    assert (held.valid_until, held.recorded_by) == (valid_until, coordinator)
    assert _changes(participant) == [(coordinator.username, ["prerequisites"])]


def test_a_date_the_coordinator_gives_wins_over_the_default(coordinator, participant) -> None:
    held = participant_prerequisite_record(
        participant=participant,
        by=coordinator,
        prerequisite=PrerequisiteFactory(valid_months=36),
        obtained_on=dt.date(2026, 1, 15),
        valid_until=dt.date(2026, 6, 30),
    )
    assert held.valid_until == dt.date(2026, 6, 30)


@pytest.mark.parametrize(
    ("active", "obtained_on", "valid_until", "field"),
    [
        (False, dt.date(2026, 1, 15), None, "prerequisite"),
        (True, dt.date(2026, 11, 21), None, "obtained_on"),
        (True, dt.date(2026, 1, 15), dt.date(2026, 1, 14), "valid_until"),
    ],
    ids=["inactive", "obtained-in-the-future", "runs-out-before-obtained"],
)
def test_an_impossible_prerequisite_is_refused_and_nothing_is_written(
    coordinator, participant, active, obtained_on, valid_until, field
) -> None:
    with pytest.raises(ValidationError) as refused:
        participant_prerequisite_record(
            participant=participant,
            by=coordinator,
            prerequisite=PrerequisiteFactory(active=active),
            obtained_on=obtained_on,
            valid_until=valid_until,
        )
    assert field in refused.value.message_dict
    assert not ParticipantPrerequisite.objects.exists() and _changes(participant) == []


def test_ending_a_prerequisite_makes_it_hold_through_today_and_not_after(coordinator, participant) -> None:
    held = ParticipantPrerequisiteFactory(participant=participant, obtained_on=dt.date(2026, 3, 1))
    ended = participant_prerequisite_end(held=held, by=coordinator)
    assert ended.valid_until == TODAY
    assert ended.holds_through(TODAY) and not ended.holds_through(TODAY + dt.timedelta(days=1))
    assert _changes(participant) == [(coordinator.username, ["prerequisites"])]
    with pytest.raises(ValidationError):
        participant_prerequisite_end(held=ended, by=coordinator)


def test_a_prerequisite_recorded_by_mistake_is_removed_and_that_is_logged(coordinator, participant) -> None:
    participant_prerequisite_remove(held=ParticipantPrerequisiteFactory(participant=participant), by=coordinator)
    assert not ParticipantPrerequisite.objects.exists()
    assert _changes(participant) == [(coordinator.username, ["prerequisites"])]


def test_matching_stops_counting_a_check_removed_by_mistake(clock, coordinator, participant) -> None:
    """Matching caches the checks and watches the newest one's id; removing an older one must still reach it."""
    mistaken = RecordsExtractCheckFactory(participant=participant)
    RecordsExtractCheckFactory(participant=ParticipantFactory())  # a newer check: the highest id stays
    forget_features()
    row = load_features().participants.index_of[participant.pk]
    assert row in load_features().checks.index
    clock.shift(dt.timedelta(minutes=5))

    records_check_remove(check=mistaken, by=coordinator)

    assert row not in load_features().checks.index


def test_matching_follows_a_prerequisite_ended_or_removed(clock, coordinator, participant) -> None:
    """Matching watches only the newest prerequisite's id; ending or removing an older one reaches it
    through the case file's updated_at, which the services move."""
    held = ParticipantPrerequisiteFactory(participant=participant, valid_until=None)
    ParticipantPrerequisiteFactory(participant=ParticipantFactory())  # a newer row: the highest id stays
    forget_features()
    row = load_features().participants.index_of[participant.pk]
    checks = load_features().checks
    assert checks.prereq_until[checks.prereq_index == row].tolist() == [NEVER_ENDS]
    clock.shift(dt.timedelta(minutes=5))
    participant_prerequisite_end(held=held, by=coordinator)
    checks = load_features().checks
    assert checks.prereq_until[checks.prereq_index == row].tolist() == [timezone.localdate().toordinal()]
    clock.shift(dt.timedelta(minutes=5))
    participant_prerequisite_remove(held=ParticipantPrerequisite.objects.get(pk=held.pk), by=coordinator)
    assert row not in load_features().checks.prereq_index


# --- The pages, as the owning coordinator ------------------------------------------------------------------


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_coordinator_records_a_check_on_the_case_file_and_sees_its_validity(coordinator, participant) -> None:
    client = _client(coordinator)
    url = reverse("participants:records_check_create", args=[participant.pk])
    form = client.get(url)
    assert form.status_code == 200 and "Zahra Ali" in form.content.decode()
    assert 'value="2026-11-20"' in form.content.decode()  # checked on: today
    other = CoordinatorFactory(team=coordinator.team)

    response = client.post(
        url,
        {
            "scope": RecordsExtractScope.CHILDREN,
            "extract_date": "2026-11-02",
            "checked_on": "2026-11-20",
            "result": RecordsExtractResult.APPROVED,
            "checked_by": other.pk,  # not a field: the one who records it checked it
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("participants:detail", args=[participant.pk])
    check = RecordsExtractCheck.objects.get(participant=participant)
    assert check.checked_by == coordinator
    page = client.get(response["Location"]).content.decode()
    assert "Utdraget gäller till och med 2027-11-02." in page
    assert "Arbete med barn" in page and "2027-11-02" in page
    assert _changes(participant) == [(coordinator.username, ["records_checks"])]
    viewed = AccessLogEntry.objects.filter(participant_id=participant.pk, action=AccessAction.VIEW)
    # The form page, its post (which reads the case file, as the profile edit does) and the case file.
    assert viewed.filter(user=coordinator).count() == 3


def test_an_expired_check_says_so_on_the_case_file(client: Client, coordinator, participant) -> None:
    RecordsExtractCheckFactory(
        participant=participant, extract_date=dt.date(2025, 6, 1), checked_on=dt.date(2025, 6, 2)
    )
    client.force_login(coordinator)
    page = client.get(reverse("participants:detail", args=[participant.pk])).content.decode()
    assert "2026-06-01" in page and "har gått ut" in page


def test_a_refused_check_is_shown_on_the_form_and_nothing_is_saved(client: Client, coordinator, participant) -> None:
    client.force_login(coordinator)
    response = client.post(
        reverse("participants:records_check_create", args=[participant.pk]),
        {"scope": "care", "extract_date": "2026-11-10", "checked_on": "2026-11-09", "result": "approved"},
    )
    assert response.status_code == 200
    assert "Kontrollen kan inte göras innan utdraget utfärdades." in response.content.decode()
    assert not RecordsExtractCheck.objects.exists() and _changes(participant) == []


def test_the_coordinator_records_a_prerequisite_and_its_validity_follows_from_its_months(
    client: Client, coordinator, participant
) -> None:
    hygiene = PrerequisiteFactory(name="Hygienkurs", valid_months=36)
    PrerequisiteFactory(name="Gammalt passerkort", active=False)
    client.force_login(coordinator)
    url = reverse("participants:prerequisite_create", args=[participant.pk])
    form = client.get(url).content.decode()
    assert "Hygienkurs (giltig i 36 månader)" in form and "Gammalt passerkort" not in form

    response = client.post(url, {"prerequisite": hygiene.pk, "obtained_on": "2026-09-01", "valid_until": ""})

    assert response.status_code == 302
    held = ParticipantPrerequisite.objects.get(participant=participant)
    assert (held.prerequisite, held.valid_until, held.recorded_by) == (hygiene, dt.date(2029, 9, 1), coordinator)
    page = client.get(response["Location"]).content.decode()
    assert "Hygienkurs" in page and "2026-09-01" in page and "2029-09-01" in page
    assert _changes(participant) == [(coordinator.username, ["prerequisites"])]


def test_an_inactive_prerequisite_cannot_be_posted(client: Client, coordinator, participant) -> None:
    client.force_login(coordinator)
    old = PrerequisiteFactory(active=False)
    response = client.post(
        reverse("participants:prerequisite_create", args=[participant.pk]),
        {"prerequisite": old.pk, "obtained_on": "2026-09-01"},
    )
    assert response.status_code == 200 and "prerequisite" in response.context["form"].errors
    assert not ParticipantPrerequisite.objects.exists()


def test_the_case_file_shows_which_prerequisites_have_run_out(client: Client, coordinator, participant) -> None:
    ParticipantPrerequisiteFactory(
        participant=participant,
        prerequisite=PrerequisiteFactory(name="Hygienkurs"),
        obtained_on=dt.date(2023, 1, 10),
        valid_until=dt.date(2026, 1, 10),
    )
    ParticipantPrerequisiteFactory(participant=participant, prerequisite=PrerequisiteFactory(name="Arbetsskor"))
    client.force_login(coordinator)
    page = client.get(reverse("participants:detail", args=[participant.pk])).content.decode()
    expired_row = page[page.index("Hygienkurs") : page.index("</tr>", page.index("Hygienkurs"))]
    lasting_row = page[page.index("Arbetsskor") : page.index("</tr>", page.index("Arbetsskor"))]
    assert "2026-01-10" in expired_row and "har gått ut" in expired_row and "Avsluta i dag" not in expired_row
    assert "upphör inte" in lasting_row and "har gått ut" not in lasting_row and "Avsluta i dag" in lasting_row


def test_the_coordinator_ends_and_removes_prerequisites_and_checks(client: Client, coordinator, participant) -> None:
    card = ParticipantPrerequisiteFactory(participant=participant, obtained_on=dt.date(2026, 3, 1))
    clothes = ParticipantPrerequisiteFactory(participant=participant)
    check = RecordsExtractCheckFactory(participant=participant)
    client.force_login(coordinator)

    ended = client.post(reverse("participants:prerequisite_end", args=[participant.pk, card.pk]))
    removed = client.post(reverse("participants:prerequisite_delete", args=[participant.pk, clothes.pk]))
    unchecked = client.post(reverse("participants:records_check_delete", args=[participant.pk, check.pk]))

    assert [r.status_code for r in (ended, removed, unchecked)] == [302, 302, 302]
    card.refresh_from_db()
    assert card.valid_until == TODAY
    assert list(ParticipantPrerequisite.objects.all()) == [card]
    assert not RecordsExtractCheck.objects.exists()
    assert [fields for _user, fields in _changes(participant)] == [
        ["prerequisites"],
        ["prerequisites"],
        ["records_checks"],
    ]


def test_ending_twice_says_it_has_already_run_out(client: Client, coordinator, participant) -> None:
    card = ParticipantPrerequisiteFactory(participant=participant, valid_until=TODAY)
    client.force_login(coordinator)
    response = client.post(reverse("participants:prerequisite_end", args=[participant.pk, card.pk]), follow=True)
    assert "Den har redan upphört att gälla." in response.content.decode()
    assert _changes(participant) == []


def test_a_row_of_another_case_file_is_not_reached_through_ones_own(client: Client, coordinator, participant) -> None:
    """The row's own case file decides: the ids of a colleague's participant's rows give 404 under one's own."""
    stranger = ParticipantFactory()
    check = RecordsExtractCheckFactory(participant=stranger)
    held = ParticipantPrerequisiteFactory(participant=stranger)
    client.force_login(coordinator)
    for url in (
        reverse("participants:records_check_delete", args=[participant.pk, check.pk]),
        reverse("participants:prerequisite_end", args=[participant.pk, held.pk]),
        reverse("participants:prerequisite_delete", args=[participant.pk, held.pk]),
        reverse("participants:records_check_delete", args=[stranger.pk, check.pk]),
        reverse("participants:prerequisite_delete", args=[stranger.pk, held.pk]),
    ):
        assert client.post(url).status_code == 404, url
    assert RecordsExtractCheck.objects.filter(pk=check.pk).exists()
    held.refresh_from_db()
    assert held.valid_until is None


def test_a_coordinator_who_opened_the_case_file_by_break_glass_may_record_as_on_the_case_file(client: Client) -> None:
    """As for every other change of the case file: the grant opens it, with its reason in the log."""
    outsider = CoordinatorFactory()
    person = ParticipantFactory()
    BreakGlassGrantFactory(user=outsider, participant_id=person.pk)
    client.force_login(outsider)
    response = client.post(
        reverse("participants:records_check_create", args=[person.pk]),
        {"scope": "care", "extract_date": "2026-11-01", "checked_on": "2026-11-20", "result": "approved"},
    )
    assert response.status_code == 302 and RecordsExtractCheck.objects.get().checked_by == outsider


def test_the_case_file_reads_checks_and_prerequisites_in_a_fixed_number_of_queries(
    client: Client, coordinator, participant
) -> None:
    client.force_login(coordinator)
    url = reverse("participants:detail", args=[participant.pk])
    RecordsExtractCheckFactory(participant=participant)
    ParticipantPrerequisiteFactory(participant=participant, recorded_by=coordinator)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(5):
        RecordsExtractCheckFactory(participant=participant, checked_by=CoordinatorFactory())
        ParticipantPrerequisiteFactory(participant=participant, recorded_by=CoordinatorFactory())
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


# --- Everyone else ---------------------------------------------------------------------------------------


def _supervisor_of(participant):
    user = SupervisorUserFactory()
    PlacementFactory(participant=participant, supervisor=SupervisorFactory(user=user), active=True)
    return user


OUTSIDERS = {
    "other-team": lambda participant: CoordinatorFactory(),
    "supervisor": _supervisor_of,
    "manager": lambda participant: ManagerFactory(),
    "administrator": lambda participant: UserFactory(role=Role.ADMINISTRATOR, is_staff=True),
}


def _urls(participant, check, held) -> list[str]:
    return [
        reverse("participants:records_check_create", args=[participant.pk]),
        reverse("participants:records_check_delete", args=[participant.pk, check.pk]),
        reverse("participants:prerequisite_create", args=[participant.pk]),
        reverse("participants:prerequisite_end", args=[participant.pk, held.pk]),
        reverse("participants:prerequisite_delete", args=[participant.pk, held.pk]),
    ]


@pytest.mark.parametrize("who", sorted(OUTSIDERS))
def test_others_get_404_write_nothing_and_nothing_is_logged(client: Client, participant, who: str) -> None:
    check = RecordsExtractCheckFactory(participant=participant)
    held = ParticipantPrerequisiteFactory(participant=participant, prerequisite=PrerequisiteFactory(valid_months=3))
    client.force_login(OUTSIDERS[who](participant))
    before = AccessLogEntry.objects.count()
    post = {"scope": "care", "extract_date": "2026-11-01", "result": "approved", "prerequisite": held.prerequisite_id}
    for url in _urls(participant, check, held):
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, post | {"obtained_on": "2026-11-01"}).status_code == 404, url
    assert list(RecordsExtractCheck.objects.all()) == [check]
    assert list(ParticipantPrerequisite.objects.all()) == [held] and held.valid_until is None
    assert AccessLogEntry.objects.count() == before


def test_anonymous_users_are_sent_to_log_in(client: Client, participant) -> None:
    check = RecordsExtractCheckFactory(participant=participant)
    held = ParticipantPrerequisiteFactory(participant=participant)
    for url in _urls(participant, check, held):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url
    assert RecordsExtractCheck.objects.count() == 1 and ParticipantPrerequisite.objects.count() == 1


def test_the_supervisors_portal_shows_neither_checks_nor_prerequisites(client: Client, participant) -> None:
    supervisor = _supervisor_of(participant)
    RecordsExtractCheckFactory(participant=participant, extract_date=dt.date(2026, 2, 3))
    ParticipantPrerequisiteFactory(participant=participant, prerequisite=PrerequisiteFactory(name="Vaccinationsbevis"))
    client.force_login(supervisor)
    placement = participant.placements.get()
    page = client.get(reverse("placements:portal_placement", args=[placement.pk])).content.decode()
    assert "Zahra" in page  # the page is about the person
    assert "Vaccinationsbevis" not in page and "2027-02-03" not in page and "belastningsregistret" not in page
