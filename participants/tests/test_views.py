"""Participant pages as the owning coordinator, another team's coordinator, other roles and anonymous."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AccessAction, AccessLogEntry
from accounts.tests.factories import CoordinatorFactory, ManagerFactory, SupervisorUserFactory
from participants.models import Participant, RegionOfBirth, TargetGroup
from participants.tests.factories import ParticipantFactory, WorkExperienceFactory
from placements.tests.factories import PlacementFactory
from taxonomy.tests.factories import OccupationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


@pytest.fixture
def participant(coordinator):
    return ParticipantFactory(team=coordinator.team, coordinator=coordinator, first_name="Zahra", last_name="Ali")


def _valid_post(coordinator, **overrides):
    occupation = OccupationFactory(code="5321")
    data = {
        "first_name": "Amina",
        "last_name": "Hassan",
        "identity_number": "811218-9876",
        "gender": "female",
        "target_group": TargetGroup.NEWCOMER,
        "referral_source": "employment_service",
        "referral_date": "2026-09-01",
        "residence_permit_date": "2026-02-01",
        "swedish_level": "2",
        "education_level": "2",
        "hours_per_day": "4.0",
        "coordinator": str(coordinator.pk),
        "experience-TOTAL_FORMS": "1",
        "experience-INITIAL_FORMS": "0",
        "experience-0-occupation": occupation.code,
        "experience-0-years": "6",
        "experience-0-country": "Syrien",
    }
    data.update(overrides)
    return data


def test_the_owning_coordinator_sees_the_case_file(client: Client, coordinator, participant) -> None:
    WorkExperienceFactory(participant=participant, occupation=OccupationFactory(code="5120", name_sv="Kockar"))
    PlacementFactory(participant=participant, active=True)
    client.force_login(coordinator)
    response = client.get(reverse("participants:detail", args=[participant.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Zahra Ali" in page and "Kockar" in page
    assert participant.masked_identity_number in page
    assert participant.identity_number not in page


@pytest.mark.parametrize(
    "make_user",
    [CoordinatorFactory, SupervisorUserFactory, ManagerFactory],
    ids=["other-team", "supervisor", "manager"],
)
@pytest.mark.parametrize("url_name", ["participants:detail", "participants:edit"])
def test_others_get_404_for_a_case_file(client: Client, participant, make_user, url_name: str) -> None:
    client.force_login(make_user())
    assert client.get(reverse(url_name, args=[participant.pk])).status_code == 404


@pytest.mark.parametrize("url", ["/participants/", "/participants/new/", "/participants/1/", "/participants/1/edit/"])
def test_anonymous_users_are_sent_to_log_in(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_unknown_id_is_404(client: Client, coordinator) -> None:
    client.force_login(coordinator)
    assert client.get("/participants/999999/").status_code == 404


def test_the_list_shows_the_own_team_only(client: Client, coordinator, participant) -> None:
    ParticipantFactory(last_name="Utomstående")
    client.force_login(coordinator)
    page = client.get(reverse("participants:list")).content.decode()
    assert "Zahra Ali" in page and "Utomstående" not in page


def test_the_list_shows_dates_as_year_month_day_and_an_empty_one_as_a_dash(client: Client, coordinator) -> None:
    ParticipantFactory(team=coordinator.team, referral_date=dt.date(2025, 3, 4), establishment_programme_end=None)
    client.force_login(coordinator)
    page = client.get(reverse("participants:list")).content.decode()
    cells = re.findall(r"<td[^>]*>\s*([^<]*?)\s*</td>", page)
    assert cells[-2:] == ["2025-03-04", "—"]  # referral date, end of the establishment programme


def test_search_is_posted_and_kept_out_of_the_url(client: Client, coordinator, participant) -> None:
    ParticipantFactory(team=coordinator.team, coordinator=coordinator, first_name="Erik", last_name="Berg")
    client.force_login(coordinator)
    response = client.post(reverse("participants:list"), {"q": participant.identity_number})
    assert response.status_code == 302
    assert response["Location"] == reverse("participants:list")
    page = client.get(reverse("participants:list")).content.decode()
    # The link text, not the bare name: the coordinator's own random name may begin "Erik Berg".
    assert "Zahra Ali" in page and ">Erik Berg</a>" not in page
    client.post(reverse("participants:list"), {"reset": "1"})
    assert ">Erik Berg</a>" in client.get(reverse("participants:list")).content.decode()


def test_the_list_uses_the_same_number_of_queries_for_many_rows(client: Client, coordinator) -> None:
    client.force_login(coordinator)
    ParticipantFactory.create_batch(2, team=coordinator.team, coordinator=coordinator)
    client.get(reverse("participants:list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("participants:list"))
    ParticipantFactory.create_batch(20, team=coordinator.team, coordinator=coordinator)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("participants:list"))
    assert len(many) == len(few)


def test_registering_saves_the_person_with_work_experience(client: Client, coordinator) -> None:
    client.force_login(coordinator)
    response = client.post(reverse("participants:create"), _valid_post(coordinator))
    participant = Participant.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("participants:detail", args=[participant.pk])
    assert participant.identity_number == "198112189876"
    assert participant.team == coordinator.team
    assert participant.establishment_programme_end == dt.date(2028, 2, 1)
    assert participant.work_experiences.get().occupation_id == "5321"


def test_the_region_of_birth_is_asked_for_statistics_only_and_saved(client: Client, coordinator) -> None:
    client.force_login(coordinator)
    page = client.get(reverse("participants:create")).content.decode()
    assert 'name="region_of_birth"' in page and "Endast för statistik" in page
    assert "Norden utom Sverige" in page and "Europa utom EU och Norden" in page
    client.post(reverse("participants:create"), _valid_post(coordinator, region_of_birth=RegionOfBirth.ASIA))
    assert Participant.objects.get().region_of_birth == RegionOfBirth.ASIA
    # It may be left blank.
    participant = Participant.objects.get()
    data = _valid_post(coordinator, identity_number=participant.identity_number, region_of_birth="")
    assert client.post(reverse("participants:edit", args=[participant.pk]), data).status_code == 302
    participant.refresh_from_db()
    assert participant.region_of_birth == ""


def test_the_language_for_information_is_asked_kept_and_checked(client: Client, coordinator) -> None:
    client.force_login(coordinator)
    page = client.get(reverse("participants:create")).content.decode()
    assert 'name="information_language"' in page and "Lättläst svenska" in page and "Tigrinja (ትግርኛ)" in page
    # Left out of a post (not by a browser), it is easy Swedish.
    client.post(reverse("participants:create"), _valid_post(coordinator))
    participant = Participant.objects.get()
    assert participant.information_language == "sv"
    edit = reverse("participants:edit", args=[participant.pk])
    data = _valid_post(coordinator, identity_number=participant.identity_number, information_language="fa-af")
    assert client.post(edit, data).status_code == 302
    participant.refresh_from_db()
    assert participant.information_language == "fa-af"
    # Left out again, the case file keeps what it has; a language Platsa has no texts in is refused.
    data = _valid_post(coordinator, identity_number=participant.identity_number)
    assert client.post(edit, data).status_code == 302
    participant.refresh_from_db()
    assert participant.information_language == "fa-af"
    data = _valid_post(coordinator, identity_number=participant.identity_number, information_language="de")
    response = client.post(edit, data)
    assert response.status_code == 200 and "information_language" in response.context["form"].errors
    participant.refresh_from_db()
    assert participant.information_language == "fa-af"


def test_a_bad_identity_number_is_shown_next_to_the_field_and_nothing_is_saved(client: Client, coordinator) -> None:
    client.force_login(coordinator)
    response = client.post(reverse("participants:create"), _valid_post(coordinator, identity_number="811218-9875"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kontrollsiffran (den sista siffran) stämmer inte" in page
    assert 'value="Amina"' in page  # what was typed is kept
    assert not Participant.objects.exists()


def test_a_duplicate_identity_number_links_to_the_existing_person(client: Client, coordinator, participant) -> None:
    client.force_login(coordinator)
    data = _valid_post(coordinator, identity_number=participant.identity_number)
    page = client.post(reverse("participants:create"), data).content.decode()
    assert reverse("participants:detail", args=[participant.pk]) in page
    assert Participant.objects.count() == 1


def test_a_duplicate_in_another_team_is_told_without_the_team_and_logged_as_a_lookup(
    client: Client, coordinator
) -> None:
    """The intake form named the other team and logged nothing; the exact lookup is the logged way to know more."""
    theirs = ParticipantFactory(team__name="Team Norrbacka", first_name="Hemlig")
    client.force_login(coordinator)
    data = _valid_post(coordinator, identity_number=theirs.identity_number)
    page = client.post(reverse("participants:create"), data).content.decode()
    assert "Personen är redan registrerad i ett annat team." in page
    assert "Norrbacka" not in page and "Hemlig" not in page
    assert f'<a href="{reverse("participants:lookup")}">' in page
    assert reverse("participants:detail", args=[theirs.pk]) not in page
    entry = AccessLogEntry.objects.get()
    assert (entry.participant_id, entry.action, entry.user) == (theirs.pk, AccessAction.LOOKUP, coordinator)
    assert Participant.objects.count() == 1


def test_a_duplicate_in_the_own_team_is_logged_as_listed(client: Client, coordinator, participant) -> None:
    client.force_login(coordinator)
    client.post(reverse("participants:create"), _valid_post(coordinator, identity_number=participant.identity_number))
    assert list(AccessLogEntry.objects.values_list("participant_id", "action")) == [(participant.pk, AccessAction.LIST)]


def test_a_bad_work_experience_row_keeps_everything_unsaved(client: Client, coordinator) -> None:
    client.force_login(coordinator)
    response = client.post(reverse("participants:create"), _valid_post(coordinator, **{"experience-0-years": "99"}))
    assert response.status_code == 200
    assert not Participant.objects.exists()


def test_editing_replaces_work_experience(client: Client, coordinator, participant) -> None:
    WorkExperienceFactory(participant=participant, occupation=OccupationFactory(code="9111"))
    client.force_login(coordinator)
    data = _valid_post(coordinator, identity_number=participant.identity_number, first_name="Zahra")
    response = client.post(reverse("participants:edit", args=[participant.pk]), data)
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.first_name == "Zahra" and participant.last_name == "Hassan"
    assert list(participant.work_experiences.values_list("occupation_id", flat=True)) == ["5321"]


@pytest.mark.parametrize("value", ["²", "9" * 5000, str(2**63), "1.0", "x"])
def test_a_language_id_no_column_can_hold_is_a_form_error(value: str) -> None:
    """The languages field refused huge ids already; '²' (isdigit but not int) and 5000 digits were 500s."""
    from django.core.exceptions import ValidationError

    from participants.forms import IdsModelMultipleChoiceField
    from taxonomy.models import Language

    field = IdsModelMultipleChoiceField(queryset=Language.objects.all())
    with pytest.raises(ValidationError):
        field.clean([value])


def test_the_admin_refuses_a_language_id_no_column_can_hold(client: Client) -> None:
    """The admin's participant form had Django's default choice field: 2**63 reached the database (a 500)."""
    from accounts.tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(reverse("admin:participants_participant_add"), {"languages": str(2**63)})
    assert response.status_code == 200
    assert "languages" in response.context["adminform"].form.errors


def test_the_case_file_shows_phone_and_e_mail_as_links_and_the_record_number(
    client: Client, coordinator, participant
) -> None:
    participant.phone = "070-123 45 67"
    participant.email = "zahra.ali@example.se"
    participant.save()
    client.force_login(coordinator)
    page = client.get(reverse("participants:detail", args=[participant.pk])).content.decode()
    assert '<a href="tel:+46701234567">070-123 45 67</a>' in page
    assert '<a href="mailto:zahra.ali@example.se">zahra.ali@example.se</a>' in page
    assert f"D-{participant.pk:06d}" in page


def test_a_case_file_without_phone_or_e_mail_shows_dashes_and_no_links(client: Client, coordinator) -> None:
    """People as they are: many have no e-mail."""
    person = ParticipantFactory(team=coordinator.team, phone="", email="")
    client.force_login(coordinator)
    page = client.get(reverse("participants:detail", args=[person.pk])).content.decode()
    assert 'href="tel:' not in page and 'href="mailto:' not in page


def test_several_work_experience_rows_are_entered_in_one_form(client: Client, coordinator) -> None:
    client.force_login(coordinator)
    page = client.get(reverse("participants:create")).content.decode()
    # Three empty rows to fill in at once, the empty row the "Add a row" button copies, and the button.
    assert 'name="experience-TOTAL_FORMS" value="3"' in page
    assert page.count('name="experience-2-occupation"') == 1 and 'name="experience-3-occupation"' not in page
    assert '<template id="experience-empty-row">' in page and 'name="experience-__prefix__-occupation"' in page
    assert 'data-formset-add="experience"' in page
    for code in ("5321", "5120", "9111", "7411"):
        OccupationFactory(code=code)
    rows = {"5321": "6", "5120": "2", "9111": "0.5", "7411": "3"}
    data = _valid_post(coordinator, **{"experience-TOTAL_FORMS": str(len(rows))})
    for index, (code, years) in enumerate(rows.items()):
        data.update({f"experience-{index}-occupation": code, f"experience-{index}-years": years})
    assert client.post(reverse("participants:create"), data).status_code == 302
    saved = Participant.objects.get().work_experiences.values_list("occupation_id", "years")
    assert {code: str(years) for code, years in saved} == {"5321": "6.0", "5120": "2.0", "9111": "0.5", "7411": "3.0"}


def test_editing_offers_empty_rows_after_the_stored_ones(client: Client, coordinator, participant) -> None:
    WorkExperienceFactory(participant=participant, occupation=OccupationFactory(code="9111"))
    client.force_login(coordinator)
    page = client.get(reverse("participants:edit", args=[participant.pk])).content.decode()
    assert 'name="experience-TOTAL_FORMS" value="4"' in page and 'name="experience-INITIAL_FORMS" value="1"' in page
