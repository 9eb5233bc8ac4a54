"""Identity numbers are unique per municipality: each municipality's register is its own.

The same person (they moved) may be registered by two municipalities, through the intake form, the
API and the referral import alike; twice in one municipality is refused, by the one check
(participants.duplicates) with the field's error and by the database's constraint below it. What
another municipality has is never told: its coordinator's lookup of a number registered only
elsewhere answers as for a number no one has, and break-glass never leaves the municipality.

Every test here failed on the register-wide unique number: registering in the second municipality
was refused ("already registered in another team", an oracle of the other register) or, past the
check, an IntegrityError.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.forms import modelform_factory
from django.test import Client
from django.urls import reverse

from accounts.models import AccessAction, AccessLogEntry, BreakGlassGrant, Municipality
from accounts.tests.factories import CoordinatorFactory, MunicipalityFactory, TeamFactory
from api.tests.conftest import session_client
from participants.duplicates import registered_by_identity_number
from participants.identity import make_test_identity_number
from participants.importing import identity_numbers, mark_registered, parse_referral_file
from participants.lookup_views import break_glass_ticket
from participants.models import IDENTITY_NUMBER_TAKEN, Participant, ReferralImport, TargetGroup
from participants.services import referral_import_confirm
from participants.tests.factories import ParticipantFactory, ReferralImportFactory
from placements.tests.factories import PlacementFactory
from reporting.indicators import Period, matched
from reporting.scope import Scope
from taxonomy.tests.factories import OccupationFactory

pytestmark = pytest.mark.django_db

HEADER = "personnummer;förnamn;efternamn;målgrupp;anvisad av;anvisningsdatum"
TODAY = dt.date.today()


@pytest.fixture
def municipality_b() -> Municipality:
    return MunicipalityFactory(code="0180")


@pytest.fixture
def in_a() -> Participant:
    """A person registered in municipality A (the factories' default, 2380)."""
    return ParticipantFactory(first_name="Amina", last_name="Flyttsdotter")


@pytest.fixture
def coordinator_b(municipality_b):
    return CoordinatorFactory(team=TeamFactory(name="Team Solna", municipality=municipality_b))


def _form_post(coordinator, number: str) -> dict[str, str]:
    occupation = OccupationFactory(code="5321")
    return {
        "first_name": "Amina",
        "last_name": "Flyttsdotter",
        "identity_number": number,
        "gender": "female",
        "target_group": TargetGroup.YOUTH,
        "referral_source": "employment_service",
        "referral_date": (TODAY - dt.timedelta(days=3)).isoformat(),
        "swedish_level": "2",
        "education_level": "2",
        "hours_per_day": "4.0",
        "coordinator": str(coordinator.pk),
        "experience-TOTAL_FORMS": "1",
        "experience-INITIAL_FORMS": "0",
        "experience-0-occupation": occupation.code,
        "experience-0-years": "2",
    }


def _api_intake(coordinator, number: str) -> dict[str, object]:
    return {
        "first_name": "Amina",
        "last_name": "Flyttsdotter",
        "identity_number": number,
        "gender": "female",
        "target_group": TargetGroup.YOUTH,
        "referral_source": "employment_service",
        "referral_date": (TODAY - dt.timedelta(days=3)).isoformat(),
        "swedish_level": 2,
        "education_level": 2,
        "hours_per_day": "4.0",
        "coordinator": coordinator.pk,
    }


def _list(*numbers: str) -> bytes:
    lines = [HEADER, *(f"{n};Namn{i};Efter{i};ung;AF;2026-09-01" for i, n in enumerate(numbers))]
    return ("\n".join(lines) + "\n").encode()


# The database's constraint.


def test_the_same_number_in_two_municipalities_and_twice_in_one(in_a, municipality_b) -> None:
    in_b = ParticipantFactory(identity_number=in_a.identity_number, team=TeamFactory(municipality=municipality_b))
    assert in_b.municipality_id != in_a.municipality_id
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipantFactory(identity_number=in_a.identity_number, team=TeamFactory())  # A again, another team
    assert Participant.objects.filter(identity_number=in_a.identity_number).count() == 2
    # Pseudonymised case files keep no number (NULL): any number of them in one municipality.
    now = dt.datetime.now(dt.UTC)
    for _ in range(2):
        ParticipantFactory(identity_number=None, pseudonymised_at=now, team=in_b.team)
    assert Participant.objects.filter(municipality=municipality_b, identity_number__isnull=True).count() == 2


def test_full_clean_says_a_number_taken_in_the_municipality_next_to_the_field(in_a, municipality_b) -> None:
    elsewhere = ParticipantFactory.build(
        identity_number=in_a.identity_number, team=TeamFactory(municipality=municipality_b), coordinator=None
    )
    elsewhere.home_district.save()
    elsewhere.full_clean()  # another municipality's register: nothing in the way
    again = ParticipantFactory.build(identity_number=in_a.identity_number, team=TeamFactory(), coordinator=None)
    again.home_district.save()
    with pytest.raises(ValidationError) as excinfo:
        again.full_clean()
    (error,) = excinfo.value.error_dict["identity_number"]
    assert error.code == IDENTITY_NUMBER_TAKEN


def test_a_model_form_with_the_number_checks_it_in_the_case_files_municipality(in_a, municipality_b) -> None:
    """The admin's form has the number but not the municipality (not editable): the constraint was
    left out of its checks, and a number taken in the municipality was an IntegrityError (a 500)."""
    form_class = modelform_factory(Participant, fields=["identity_number"])
    in_b = ParticipantFactory(team=TeamFactory(municipality=municipality_b))
    assert form_class({"identity_number": in_a.identity_number}, instance=in_b).is_valid()
    again = ParticipantFactory(team=TeamFactory())  # A, another team
    form = form_class({"identity_number": in_a.identity_number}, instance=again)
    assert not form.is_valid()
    assert form.errors["identity_number"] == ["Personen är redan registrerad i kommunen."]


# The intake form, the API, the import.


def test_the_intake_form_registers_a_number_of_another_municipality_and_refuses_it_twice(
    client: Client, in_a, coordinator_b
) -> None:
    client.force_login(coordinator_b)
    response = client.post(reverse("participants:create"), _form_post(coordinator_b, in_a.formatted_identity_number))
    assert response.status_code == 302, response.context["form"].errors
    in_b = Participant.objects.get(municipality=coordinator_b.municipality)
    assert in_b.identity_number == in_a.identity_number and in_b.team == coordinator_b.team
    assert not AccessLogEntry.objects.filter(participant_id=in_a.pk).exists()  # A's case file was not asked about

    # Twice in B (another team of B): the field's error, pointing at the lookup, naming no one.
    colleague = CoordinatorFactory(team=TeamFactory(municipality=coordinator_b.municipality))
    client.force_login(colleague)
    response = client.post(reverse("participants:create"), _form_post(colleague, in_a.formatted_identity_number))
    assert response.status_code == 200
    (message,) = response.context["form"].errors["identity_number"]
    assert message.startswith("Personen är redan registrerad i ett annat team.")
    entry = AccessLogEntry.objects.get(action=AccessAction.LOOKUP)
    assert entry.participant_id == in_b.pk  # B's own case file, never A's
    assert Participant.objects.filter(identity_number=in_a.identity_number).count() == 2


def test_editing_a_case_file_to_a_number_of_another_municipality_is_allowed(
    client: Client, in_a, coordinator_b
) -> None:
    mine = ParticipantFactory(team=coordinator_b.team, coordinator=coordinator_b)
    client.force_login(coordinator_b)
    data = _form_post(coordinator_b, in_a.formatted_identity_number) | {
        "first_name": mine.first_name,
        "last_name": mine.last_name,
    }
    response = client.post(reverse("participants:edit", args=[mine.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    mine.refresh_from_db()
    assert mine.identity_number == in_a.identity_number


def test_the_api_registers_a_number_of_another_municipality_and_refuses_it_twice(in_a, coordinator_b) -> None:
    response = session_client(coordinator_b).post(
        "/api/v1/participants/", _api_intake(coordinator_b, in_a.identity_number), format="json"
    )
    assert response.status_code == 201, response.json()
    assert Participant.objects.get(pk=response.json()["id"]).municipality == coordinator_b.municipality

    colleague = CoordinatorFactory(team=TeamFactory(municipality=coordinator_b.municipality))
    response = session_client(colleague).post(
        "/api/v1/participants/", _api_intake(colleague, in_a.identity_number), format="json"
    )
    assert response.status_code == 400
    assert response.json()["identity_number"] == [
        "Personen är redan registrerad i ett annat team. Slå upp personen (loggas)"
    ]


def test_the_import_registers_a_number_of_another_municipality_and_marks_it_twice(
    client: Client, in_a, coordinator_b
) -> None:
    client.force_login(coordinator_b)
    upload = SimpleUploadedFile("lista.csv", _list(in_a.identity_number))
    preview = client.post(reverse("participants:import_upload"), {"file": upload})["Location"]
    page = client.get(preview).content.decode()
    assert "Redan registrerad" not in page
    done = client.post(preview, {"confirm": "1"}, follow=True).content.decode()
    assert "1 deltagare är registrerad. 0 rader hoppades över." in done
    assert Participant.objects.filter(identity_number=in_a.identity_number).count() == 2
    assert not AccessLogEntry.objects.filter(participant_id=in_a.pk).exists()

    colleague = CoordinatorFactory(team=TeamFactory(municipality=coordinator_b.municipality))
    rows = parse_referral_file(_list(in_a.identity_number), "lista.csv")
    mark_registered(rows, registered_by_identity_number(user=colleague, identity_numbers=identity_numbers(rows)))
    assert rows[0].errors == ["Redan registrerad i ett annat team."]


def test_the_imports_recheck_asks_only_the_municipalitys_register(in_a, coordinator_b) -> None:
    """A list checked before the person was registered: registered meanwhile in another municipality
    is no obstacle (it was an IntegrityError, then "registered by someone else", before); registered
    meanwhile in the list's own municipality stops the list and names the line."""
    number = make_test_identity_number(dt.date(1990, 4, 4), 981)
    waiting = ReferralImportFactory(created_by=coordinator_b, filename="b.csv", content=_list(number))
    rows = parse_referral_file(bytes(waiting.content), waiting.filename)
    ParticipantFactory(identity_number=number)  # meanwhile, in A
    referral_import_confirm(referral_import=waiting, rows=rows, by=coordinator_b, all_or_nothing=True)
    assert Participant.objects.filter(identity_number=number, municipality=coordinator_b.municipality).exists()

    other = make_test_identity_number(dt.date(1991, 5, 5), 982)
    second = ReferralImportFactory(created_by=coordinator_b, filename="c.csv", content=_list(other))
    rows = parse_referral_file(bytes(second.content), second.filename)
    ParticipantFactory(identity_number=other, team=TeamFactory(municipality=coordinator_b.municipality))  # in B
    with pytest.raises(ValidationError) as excinfo:
        referral_import_confirm(referral_import=second, rows=rows, by=coordinator_b, all_or_nothing=True)
    assert excinfo.value.code == "registered_meanwhile"
    assert "rad 2" in excinfo.value.messages[0]
    second.refresh_from_db()
    assert second.status == ReferralImport.Status.PENDING


# The lookup and break-glass.


def _lookup_page(client: Client, number: str) -> str:
    page = client.post(reverse("participants:lookup"), {"identity_number": number}).content.decode()
    page = re.sub(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]*"', "", page)  # new per page
    return page.replace(number, "NUMBER")


def test_a_lookup_of_a_number_only_another_municipality_has_answers_as_for_an_unknown_one(
    client: Client, in_a, coordinator_b
) -> None:
    unknown = make_test_identity_number(dt.date(1979, 7, 7), 983)
    client.force_login(coordinator_b)
    assert _lookup_page(client, in_a.identity_number) == _lookup_page(client, unknown)
    assert "Ingen med det personnumret är registrerad i kommunen." in _lookup_page(client, unknown)
    assert not AccessLogEntry.objects.exists()

    # Registered in B as well: B's lookup finds B's case file, never A's.
    in_b = ParticipantFactory(identity_number=in_a.identity_number, team=coordinator_b.team, coordinator=coordinator_b)
    page = _lookup_page(client, in_a.identity_number)
    assert reverse("participants:detail", args=[in_b.pk]) in page
    assert reverse("participants:detail", args=[in_a.pk]) not in page and in_a.team.name not in page
    assert list(AccessLogEntry.objects.values_list("participant_id", "action")) == [(in_b.pk, AccessAction.LOOKUP)]


def test_break_glass_from_a_lookup_hit_opens_the_own_municipalitys_case_file_only(
    client: Client, in_a, coordinator_b
) -> None:
    in_b = ParticipantFactory(identity_number=in_a.identity_number, team=coordinator_b.team)
    outsider = CoordinatorFactory(team=TeamFactory(municipality=coordinator_b.municipality))  # B, another team
    client.force_login(outsider)
    page = client.post(reverse("participants:lookup"), {"identity_number": in_a.identity_number}).content.decode()
    assert coordinator_b.team.name in page and 'name="ticket"' in page
    found = re.search(r'name="ticket" value="([^"]+)"', page)
    assert found is not None  # the hit outside the team carries a ticket
    ticket = found[1]
    reason = "Deltagaren ringde och bad om hjälp"
    response = client.post(reverse("participants:break_glass"), {"ticket": ticket, "reason": reason})
    assert response["Location"] == reverse("participants:detail", args=[in_b.pk])
    assert list(BreakGlassGrant.objects.values_list("participant_id", flat=True)) == [in_b.pk]

    # A ticket for A's case file of the same person (the lookup never issues one) is refused.
    forged = break_glass_ticket(user=outsider, participant=in_a)
    response = client.post(reverse("participants:break_glass"), {"ticket": forged, "reason": reason})
    assert response["Location"] == reverse("participants:lookup")
    assert client.get(reverse("participants:detail", args=[in_a.pk])).status_code == 404
    assert list(BreakGlassGrant.objects.values_list("participant_id", flat=True)) == [in_b.pk]
    assert not AccessLogEntry.objects.filter(participant_id=in_a.pk).exists()


# Reporting: people are counted by case file (reporting.scope).


def test_a_region_counts_a_person_with_a_case_file_in_two_municipalities_twice(in_a, municipality_b) -> None:
    in_b = ParticipantFactory(identity_number=in_a.identity_number, team=TeamFactory(municipality=municipality_b))
    for participant in (in_a, in_b):
        PlacementFactory(participant=participant, active=True)
    period = Period(TODAY - dt.timedelta(days=60), TODAY, "the last 60 days")
    assert matched(period.within(Scope.of([in_a.municipality_id]))).value == 1
    assert matched(period.within(Scope.of([municipality_b.pk]))).value == 1
    assert matched(period.within(Scope.of([in_a.municipality_id, municipality_b.pk]))).value == 2
