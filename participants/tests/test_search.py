"""The participant list's search and filters (participants.search, participants.filters).

Run on both databases: as is (SQLite), and with DATABASE_URL set to PostgreSQL (as `.ci/run` does); every
test asserts exact results, so a difference between the two fails one run."""

from __future__ import annotations

import importlib
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory
from participants.filters import ParticipantFilter
from participants.models import Participant, ParticipantStatus
from participants.services import participant_update
from participants.tests.factories import InterestFactory, ParticipantFactory, WorkExperienceFactory
from privacy.services import case_files_pseudonymise
from taxonomy.models import Occupation, SwedishLevel
from taxonomy.search import occupation_codes_matching
from taxonomy.tests.factories import DistrictFactory, LanguageFactory, occupation_with_ancestors

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


def person(coordinator, /, first_name: str, last_name: str = "Testsson", **fields) -> Participant:
    fields.setdefault("coordinator", coordinator)
    return ParticipantFactory(team=coordinator.team, first_name=first_name, last_name=last_name, **fields)


def found(coordinator, /, **data) -> set[str]:
    """The first names the list shows for these filters (as the page and the API apply them)."""
    queryset = Participant.objects.visible_to(coordinator)
    participant_filter = ParticipantFilter(data, queryset=queryset, user=coordinator)
    assert participant_filter.is_valid(), participant_filter.errors
    return set(participant_filter.qs.values_list("first_name", flat=True))


NAMES = {
    "5321": "Undersköterskor, hemtjänst, hemsjukvård och äldreboende",
    "5322": "Undersköterskor, habilitering",
    "5120": "Kockar och kallskänkor",
}


def unit(code: str) -> Occupation:
    """A unit group of SSYK with its real name (and its ancestors)."""
    return occupation_with_ancestors(code, NAMES[code])


# Free text: names, case and accents


def test_a_word_finds_a_first_or_last_name_whatever_the_case_and_accents(coordinator) -> None:
    person(coordinator, "José", "Jönköping")
    person(coordinator, "Åsa", "Öberg")
    person(coordinator, "Erik", "Berg")
    assert found(coordinator, q="jonkoping") == {"José"}
    assert found(coordinator, q="JÖNKÖPING") == {"José"}
    assert found(coordinator, q="jose") == {"José"}
    assert found(coordinator, q="asa") == {"Åsa"}
    assert found(coordinator, q="berg") == {"Åsa", "Erik"}  # Öberg folds to "oberg"


def test_every_word_must_match(coordinator) -> None:
    person(coordinator, "Zahra", "Ali")
    person(coordinator, "Zahra", "Berg")
    assert found(coordinator, q="zahra ali") == {"Zahra"}
    assert found(coordinator, q="ali zahra") == {"Zahra"}
    assert Participant.objects.filter(pk__in=_pks(coordinator, q="zahra ali")).get().last_name == "Ali"
    assert found(coordinator, q="zahra nobody") == set()


def _pks(coordinator, /, **data) -> list[int]:
    queryset = Participant.objects.visible_to(coordinator)
    return list(ParticipantFilter(data, queryset=queryset, user=coordinator).qs.values_list("pk", flat=True))


def test_a_changed_name_is_found_by_the_new_name_only(coordinator) -> None:
    zahra = person(coordinator, "Zahra", "Ali")
    participant_update(participant=zahra, by=coordinator, last_name="Åkesson")
    assert found(coordinator, q="akesson") == {"Zahra"}
    assert found(coordinator, q="ali") == set()


def test_people_created_in_bulk_are_found_by_name(coordinator) -> None:
    template = person(coordinator, "Mall")
    Participant.objects.bulk_create(
        [
            Participant(
                first_name="Ödön",
                last_name="Bulk",
                identity_number="199001012380",
                team=coordinator.team,
                municipality_id=coordinator.municipality_id,
                target_group=template.target_group,
                referral_source=template.referral_source,
                referral_date=template.referral_date,
            )
        ]
    )
    assert found(coordinator, q="odon") == {"Ödön"}


def test_a_pseudonymised_person_is_not_found_by_the_old_name(coordinator) -> None:
    zahra = person(coordinator, "Zahra", "Ali")
    person(coordinator, "Zahra", "Berg")
    case_files_pseudonymise(participant_ids=[zahra.pk], now=timezone.now())
    zahra.refresh_from_db()
    assert zahra.search_name == ""
    assert found(coordinator, q="ali") == set()
    assert _pks(coordinator, q="zahra") == [Participant.objects.get(last_name="Berg").pk]


def test_the_migration_fills_the_column_for_people_already_registered(coordinator) -> None:
    zahra = person(coordinator, "Zahra", "Ölund")
    Participant.objects.filter(pk=zahra.pk).update(search_name="")
    migration = importlib.import_module("participants.migrations.0012_participant_search_name_backfill")
    migration.backfill(apps, None)
    zahra.refresh_from_db()
    assert zahra.search_name == "zahra olund"


def test_another_teams_people_are_not_found(coordinator) -> None:
    ParticipantFactory(first_name="Utomstående")
    assert found(coordinator, q="utomstaende") == set()


# Free text: record numbers, occupations, districts


def test_the_record_number_finds_the_person_in_full_or_as_its_digits(coordinator) -> None:
    # Named districts: the factory's "Stadsdel 1" would hold the digit a record number is searched by.
    zahra = person(coordinator, "Zahra", home_district=DistrictFactory(name="Norr"))
    person(coordinator, "Erik", home_district=DistrictFactory(name="Söder"))
    for word in (zahra.record_number, zahra.record_number.lower(), f"d{zahra.pk}", f"D-{zahra.pk}", str(zahra.pk)):
        assert found(coordinator, q=word) == {"Zahra"}, word


def test_an_occupation_name_finds_work_experience_and_interests(coordinator) -> None:
    WorkExperienceFactory(participant=person(coordinator, "Erfaren"), occupation=unit("5321"))
    InterestFactory(participant=person(coordinator, "Intresserad"), occupation=unit("5321"))
    WorkExperienceFactory(participant=person(coordinator, "Kock"), occupation=unit("5120"))
    assert "5321" in occupation_codes_matching(text="hemtjänst")
    assert found(coordinator, q="HEMTJANST") == {"Erfaren", "Intresserad"}
    assert found(coordinator, q="hemtjänst erfaren") == {"Erfaren"}


def test_a_synonym_of_an_occupation_finds_the_people_of_its_unit_group(coordinator) -> None:
    assert "5321" in occupation_codes_matching(text="undersköterska")
    WorkExperienceFactory(participant=person(coordinator, "Erfaren"), occupation=unit("5321"))
    person(coordinator, "Annan")
    assert found(coordinator, q="Underskoterska") == {"Erfaren"}


def test_a_district_name_finds_the_people_who_live_there(coordinator) -> None:
    person(coordinator, "Hemma", home_district=DistrictFactory(name="Jönköping"))
    person(coordinator, "Borta", home_district=DistrictFactory(name="Huskvarna"))
    assert found(coordinator, q="jonkoping") == {"Hemma"}


def test_a_whole_identity_number_still_finds_exactly_that_person(coordinator) -> None:
    zahra = person(coordinator, "Zahra")
    person(coordinator, "Erik")
    assert found(coordinator, q=zahra.identity_number) == {"Zahra"}


# Filters, each and combined


def test_the_occupation_filter_at_unit_level(coordinator) -> None:
    WorkExperienceFactory(participant=person(coordinator, "Hemtjanst"), occupation=unit("5321"))
    WorkExperienceFactory(participant=person(coordinator, "Habilitering"), occupation=unit("5322"))
    assert found(coordinator, occupation="5321") == {"Hemtjanst"}


def test_the_occupation_filter_at_minor_group_level_covers_its_unit_groups(coordinator) -> None:
    WorkExperienceFactory(participant=person(coordinator, "Hemtjanst"), occupation=unit("5321"))
    WorkExperienceFactory(participant=person(coordinator, "Habilitering"), occupation=unit("5322"))
    WorkExperienceFactory(participant=person(coordinator, "Kock"), occupation=unit("5120"))
    assert found(coordinator, occupation="532") == {"Hemtjanst", "Habilitering"}


def test_the_occupation_filter_looks_in_experience_interests_or_both(coordinator) -> None:
    WorkExperienceFactory(participant=person(coordinator, "Erfaren"), occupation=unit("5321"))
    InterestFactory(participant=person(coordinator, "Intresserad"), occupation=unit("5321"))
    both = person(coordinator, "Bada")
    WorkExperienceFactory(participant=both, occupation=unit("5321"))
    InterestFactory(participant=both, occupation=unit("5321"))
    assert found(coordinator, occupation="532") == {"Erfaren", "Intresserad", "Bada"}
    assert found(coordinator, occupation="532", occupation_in="experience") == {"Erfaren", "Bada"}
    assert found(coordinator, occupation="532", occupation_in="interest") == {"Intresserad", "Bada"}
    assert found(coordinator, occupation_in="interest") == {"Erfaren", "Intresserad", "Bada"}  # alone: no filter


def test_the_occupation_filter_offers_unit_and_minor_groups_only(coordinator) -> None:
    unit("5321")
    choices = ParticipantFilter(None, queryset=Participant.objects.none(), user=coordinator).form["occupation"]
    values = {str(value) for value, _label in choices.field.choices if value}
    assert {"532", "5321"} <= values
    assert not {"5", "53"} & values


def test_the_language_filter(coordinator) -> None:
    arabic, somali = LanguageFactory(code="ar"), LanguageFactory(code="so")
    person(coordinator, "Arabiska").languages.set([arabic, somali])
    person(coordinator, "Somaliska").languages.set([somali])
    person(coordinator, "Ingen")
    assert found(coordinator, language=str(arabic.pk)) == {"Arabiska"}
    assert found(coordinator, language=str(somali.pk)) == {"Arabiska", "Somaliska"}


def test_the_driving_licence_filter(coordinator) -> None:
    person(coordinator, "Med", has_driving_licence=True)
    person(coordinator, "Utan", has_driving_licence=False)
    assert found(coordinator, driving_licence="yes") == {"Med"}
    assert found(coordinator, driving_licence="no") == {"Utan"}
    assert found(coordinator) == {"Med", "Utan"}


def test_the_district_filter(coordinator) -> None:
    here = DistrictFactory(name="Jönköping")
    person(coordinator, "Hemma", home_district=here)
    person(coordinator, "Borta")
    assert found(coordinator, home_district=str(here.pk)) == {"Hemma"}


def test_the_swedish_level_filter_takes_that_level_and_above(coordinator) -> None:
    person(coordinator, "B", swedish_level=SwedishLevel.SFI_B)
    person(coordinator, "C", swedish_level=SwedishLevel.SFI_C)
    person(coordinator, "Klar", swedish_level=SwedishLevel.SFI_COMPLETED)
    assert found(coordinator, swedish_level_min=str(SwedishLevel.SFI_C)) == {"C", "Klar"}


def test_the_status_and_coordinator_filters(coordinator) -> None:
    colleague = CoordinatorFactory(team=coordinator.team)
    person(coordinator, "Min", status=ParticipantStatus.MAPPED)
    person(coordinator, "Remitterad", status=ParticipantStatus.REFERRED)
    person(coordinator, "Kollegans", coordinator=colleague, status=ParticipantStatus.MAPPED)
    assert found(coordinator, status=["mapped"]) == {"Min", "Kollegans"}
    assert found(coordinator, coordinator=str(colleague.pk)) == {"Kollegans"}


def test_the_filters_combine(coordinator) -> None:
    arabic = LanguageFactory(code="ar")
    here = DistrictFactory(name="Jönköping")
    wanted: dict[str, object] = {
        "has_driving_licence": True,
        "home_district": here,
        "swedish_level": SwedishLevel.SFI_D,
    }
    match = person(coordinator, "Alla", "Öberg", **wanted)
    match.languages.set([arabic])
    WorkExperienceFactory(participant=match, occupation=unit("5321"))
    # Each of these lacks exactly one of what the search asks for.
    changes: list[tuple[str, dict[str, object]]] = [
        ("Korkortslos", {"has_driving_licence": False}),
        ("Annanstans", {"home_district": DistrictFactory(name="Huskvarna")}),
        ("Nyborjare", {"swedish_level": SwedishLevel.SFI_A}),
        ("Referred", {"status": ParticipantStatus.REFERRED}),
    ]
    for name, change in changes:
        other = person(coordinator, name, "Öberg", **{**wanted, **change})
        other.languages.set([arabic])
        WorkExperienceFactory(participant=other, occupation=unit("5321"))
    no_language = person(coordinator, "Sprakls", "Öberg", **wanted)
    WorkExperienceFactory(participant=no_language, occupation=unit("5321"))
    elsewhere = person(coordinator, "Kock", "Öberg", **wanted)
    elsewhere.languages.set([arabic])
    WorkExperienceFactory(participant=elsewhere, occupation=unit("5120"))
    other_name = person(coordinator, "Annat", "Namn", **wanted)
    other_name.languages.set([arabic])
    WorkExperienceFactory(participant=other_name, occupation=unit("5321"))

    combined = {
        "q": "oberg",
        "occupation": "532",
        "occupation_in": "experience",
        "language": str(arabic.pk),
        "driving_licence": "yes",
        "home_district": str(here.pk),
        "swedish_level_min": str(SwedishLevel.SFI_C),
        "status": ["mapped"],
        "coordinator": str(coordinator.pk),
    }
    assert found(coordinator, **combined) == {"Alla"}


# The page: the filters in its form, and its query budget


def test_the_page_filters_by_occupation_and_keeps_the_filters_in_the_session(client: Client, coordinator) -> None:
    WorkExperienceFactory(participant=person(coordinator, "Zahra", "Ali"), occupation=unit("5321"))
    person(coordinator, "Erik", "Berg")
    client.force_login(coordinator)
    response = client.post(reverse("participants:list"), {"occupation": "532", "driving_licence": ""})
    assert response["Location"] == reverse("participants:list")
    page = client.get(reverse("participants:list")).content.decode()
    assert "Zahra Ali" in page and "Erik Berg" not in page
    for name in ("occupation", "occupation_in", "language", "driving_licence", "home_district", "swedish_level_min"):
        assert f'name="{name}"' in page


def _list_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("participants:list")).status_code == 200
    return len(queries)


def _team_of(coordinator, count: int, start: int) -> None:
    arabic = LanguageFactory(code="ar")
    for n in range(start, start + count):
        one = person(coordinator, f"Öberg{n}", "Jönköping", has_driving_licence=True)
        one.languages.set([arabic])
        WorkExperienceFactory(participant=one, occupation=unit("5321"), years=Decimal("2"))
        InterestFactory(participant=one, occupation=unit("5120"))


def test_the_filtered_list_costs_the_same_queries_for_5_and_50_people(client: Client, coordinator) -> None:
    client.force_login(coordinator)
    _team_of(coordinator, 5, 0)
    filters = {
        "q": "jonkoping hemtjanst",
        "occupation": "532",
        "language": str(LanguageFactory(code="ar").pk),
        "driving_licence": "yes",
        "status": ["mapped"],
    }
    client.post(reverse("participants:list"), filters)
    _list_queries(client)  # warm what is read once per process
    few = _list_queries(client)
    _team_of(coordinator, 45, 5)
    many = _list_queries(client)
    assert many == few
    page = client.get(reverse("participants:list")).content.decode()
    assert page.count("Jönköping</a>") == 25  # a full first page of the 50


# PostgreSQL: the trigram index behind the name search


def test_on_postgresql_the_names_have_a_trigram_index() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the trigram index exists on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'participant_search_name_trgm'")
        (definition,) = cursor.fetchone()
    assert "gin" in definition and "gin_trgm_ops" in definition


def test_the_occupation_filter_is_the_picker_that_finds_synonyms(client: Client, coordinator) -> None:
    client.force_login(coordinator)
    page = client.get(reverse("participants:list")).content.decode()
    select = re.search(r'<select name="occupation"[^>]*>', page)
    assert select and "data-search-synonyms" in select[0] and "data-searchable" in select[0]
    option = re.search(r'<option value="7411"[^>]*>', page)
    assert option and "elektriker" in option[0]
    assert re.search(r'<option value="741"[^>]*>741 ', page)  # minor groups are offered too


def test_a_name_word_does_not_find_everyone_whose_occupation_holds_it_inside_a_word(coordinator) -> None:
    """ "ali" is inside "specialistofficerare" (0210) and 33 other SSYK names: a search for the name
    Ali found everyone with such an occupation."""
    person(coordinator, "Ali", "Hassan")
    WorkExperienceFactory(participant=person(coordinator, "Officer"), occupation=Occupation.objects.get(code="0210"))
    assert found(coordinator, q="Ali") == {"Ali"}
    assert "0210" in occupation_codes_matching(text="specialist")  # a word's start still finds the group


def test_a_number_is_a_record_number_not_an_ssyk_code(coordinator) -> None:
    other = person(coordinator, "Annan")
    # Living in "Stadsdel <the other's number>" does not make the cook the other's record number either.
    cook = person(coordinator, "Kock", home_district=DistrictFactory(name=f"Stadsdel {other.pk}"))
    WorkExperienceFactory(participant=cook, occupation=unit("5120"))
    assert cook.pk != 5120
    assert found(coordinator, q="5120") == set()
    assert found(coordinator, q=str(other.pk)) == {"Annan"}
    assert found(coordinator, occupation="5120") == {"Kock"}  # the filter chooses by code


def test_an_interest_in_a_whole_field_counts_for_every_occupation_in_it(coordinator) -> None:
    """As the ranking counts it (placements.matching): an interest in 53 "Omsorgsyrken" is an interest
    in 5321 and in 532."""
    unit("5321")
    InterestFactory(participant=person(coordinator, "Omsorg"), occupation=Occupation.objects.get(code="53"))
    InterestFactory(participant=person(coordinator, "Kockintresse"), occupation=unit("5120"))
    assert found(coordinator, occupation="5321") == {"Omsorg"}
    assert found(coordinator, occupation="532", occupation_in="interest") == {"Omsorg"}
    assert found(coordinator, occupation="532", occupation_in="experience") == set()
    assert found(coordinator, q="undersköterska") == {"Omsorg"}


@pytest.mark.parametrize("inline", [0, 1, 5000])
def test_occupations_named_by_id_or_by_subquery_find_the_same_people(coordinator, monkeypatch, inline: int) -> None:
    """On PostgreSQL a word's (or the filter's) few occupation holders are written into the query as
    ids; past OCCUPATION_IDS_INLINE, and on SQLite, as subqueries. Both must answer alike."""
    from participants import search

    monkeypatch.setattr(search, "OCCUPATION_IDS_INLINE", inline)
    WorkExperienceFactory(participant=person(coordinator, "Erfaren", "Berg"), occupation=unit("5321"))
    InterestFactory(participant=person(coordinator, "Intresserad"), occupation=unit("5322"))
    WorkExperienceFactory(participant=person(coordinator, "Kock", "Berg"), occupation=unit("5120"))
    assert found(coordinator, q="hemtjänst") == {"Erfaren"}
    assert found(coordinator, q="berg undersköterska") == {"Erfaren"}
    assert found(coordinator, q="undersköterska") == {"Erfaren", "Intresserad"}
    assert found(coordinator, occupation="532") == {"Erfaren", "Intresserad"}
    assert found(coordinator, occupation="532", occupation_in="interest") == {"Intresserad"}
    assert found(coordinator, q="berg", occupation="5120") == {"Kock"}
    queryset = ParticipantFilter({"q": "undersköterska"}, queryset=Participant.objects.all(), user=coordinator).qs
    as_subquery = "participants_workexperience" in str(queryset.query)
    # Inline on PostgreSQL while the holders (two here) fit; a subquery otherwise, and always on SQLite.
    assert as_subquery == (connection.vendor != "postgresql" or inline < 2)


def test_a_holder_cut_at_the_inline_limit_is_not_taken_for_all_of_them(coordinator, monkeypatch) -> None:
    """The limit counts rows, not people: one person with several experience rows used to fill the
    rows read up to the limit, and the people after the cut were left out of the answer."""
    from participants import search

    monkeypatch.setattr(search, "OCCUPATION_IDS_INLINE", 1)
    many = person(coordinator, "Mångsidig")
    for code in ("5321", "5322"):
        WorkExperienceFactory(participant=many, occupation=unit(code))
    WorkExperienceFactory(participant=person(coordinator, "Efter"), occupation=unit("5321"))
    assert found(coordinator, q="undersköterska") == {"Mångsidig", "Efter"}
    assert found(coordinator, occupation="532") == {"Mångsidig", "Efter"}
