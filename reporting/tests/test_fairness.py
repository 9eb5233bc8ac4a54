"""The fairness view's figures: who was waiting (from the status history), proposals by the date of
the proposal, rates per person waiting by group, small numbers withheld, and the test that flags
a gap only when it is unlikely to be chance, checked against p-values worked out by hand."""

from __future__ import annotations

import datetime as dt
import itertools
import math

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory, ManagerFactory, SupervisorUserFactory
from participants.identity import make_test_identity_number
from participants.models import Gender, Participant, ParticipantStatus, ReferralSource, RegionOfBirth
from participants.tests.factories import ParticipantFactory, StatusChangeFactory
from placements.models import Outcome, PlacementStatus
from placements.tests.factories import PlacementEventFactory, PlacementFactory
from reporting.fairness import fairness, fairness_counts, holm, independence_test
from supervisors.tests.factories import SupervisorFactory
from taxonomy.tests.factories import DistrictFactory
from workplaces.tests.factories import NeedFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 22)
_serial = itertools.count()


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


@pytest.fixture
def world() -> dict[str, object]:
    """One team, coordinator, district, need and supervisor shared by everyone: the tests make many people."""
    coordinator = CoordinatorFactory()
    need = NeedFactory(start_date=dt.date(2026, 3, 1), end_date=dt.date(2026, 6, 1))
    return {
        "coordinator": coordinator,
        "district": DistrictFactory(),
        "need": need,
        "supervisor": SupervisorFactory(workplace=need.workplace),
    }


def _person(world, *, born: int = 1996, mapped_on: dt.date | None = dt.date(2026, 1, 15), **fields) -> Participant:
    """A person (aged 30 in 2026 by default) mapped on `mapped_on`, with that step in the history."""
    serial = next(_serial)
    number = make_test_identity_number(dt.date(born, 1 + serial // 28 % 12, 1 + serial % 28), 980 + serial // 336)
    coordinator = world["coordinator"]
    person = ParticipantFactory(
        identity_number=number,
        team=coordinator.team,
        coordinator=coordinator,
        home_district=world["district"],
        **fields,
    )
    if mapped_on is not None:
        StatusChangeFactory(
            participant=person,
            from_status=ParticipantStatus.REFERRED,
            to_status=ParticipantStatus.MAPPED,
            changed_at=_at(mapped_on),
        )
    return person


def _move(person: Participant, to_status: str, on: dt.date) -> None:
    StatusChangeFactory(participant=person, from_status=person.status, to_status=to_status, changed_at=_at(on))
    Participant.objects.filter(pk=person.pk).update(status=to_status)


def _propose(world, person: Participant, on: dt.date, **fields):
    placement = PlacementFactory(participant=person, need=world["need"], supervisor=world["supervisor"], **fields)
    PlacementEventFactory(placement=placement, from_status="", to_status=PlacementStatus.PROPOSED, at=_at(on))
    return placement


def _people(world, n: int, proposed: int, **fields) -> None:
    for index in range(n):
        person = _person(world, **fields)
        if index < proposed:
            _propose(world, person, dt.date(2026, 4, 1))


# --- Who was waiting, and when proposals count -------------------------------------------------------


def test_waiting_is_read_from_the_status_history_as_it_stood(world) -> None:
    for _ in range(5):  # waiting in the spring of 2025, placed since: not waiting in 2026
        _move(
            _person(world, gender=Gender.FEMALE, mapped_on=dt.date(2025, 3, 1)),
            ParticipantStatus.PLACED,
            dt.date(2025, 6, 1),
        )
    for _ in range(5):  # mapped in 2024 and waiting ever since
        _person(world, gender=Gender.MALE, mapped_on=dt.date(2024, 5, 1))
    for _ in range(5):  # mapped in 2026, left in the spring
        _move(
            _person(world, gender=Gender.OTHER, mapped_on=dt.date(2026, 2, 1)),
            ParticipantStatus.EXITED,
            dt.date(2026, 5, 1),
        )
    last_year = fairness_counts(year=2025, today=TODAY)
    assert {group: row["waiting"] for group, row in last_year["gender"].items()} == {"female": 5, "male": 5}
    this_year = fairness_counts(year=2026, today=TODAY)
    assert {group: row["waiting"] for group, row in this_year["gender"].items()} == {"male": 5, "other": 5}
    # Placing the men now changes nothing about last year.
    for person in Participant.objects.filter(gender=Gender.MALE):
        _move(person, ParticipantStatus.PLACED, dt.date(2026, 11, 1))
    assert fairness_counts(year=2025, today=TODAY) == last_year
    assert fairness(year=2025, today=TODAY) == fairness(year=2025, today=TODAY)


def test_a_case_file_without_history_counts_by_its_status(world) -> None:
    for _ in range(5):
        person = _person(world, mapped_on=None)
        Participant.objects.filter(pk=person.pk).update(status_changed_at=_at(dt.date(2026, 2, 1)))
    assert fairness_counts(year=2026, today=TODAY)["gender"]["unknown"]["waiting"] == 5
    assert fairness_counts(year=2025, today=TODAY)["gender"] == {}  # mapped only in 2026


def test_proposals_count_by_the_date_of_the_proposal_not_of_the_row(world) -> None:
    for _ in range(5):
        person = _person(world, gender=Gender.FEMALE, mapped_on=dt.date(2025, 9, 1))
        placement = _propose(world, person, dt.date(2025, 12, 15))
        # Changing the proposal in 2026 (a "proposed → proposed" step) is not a new proposal.
        PlacementEventFactory(
            placement=placement,
            from_status=PlacementStatus.PROPOSED,
            to_status=PlacementStatus.PROPOSED,
            at=_at(dt.date(2026, 2, 1)),
        )
        type(placement).objects.filter(pk=placement.pk).update(created_at=_at(dt.date(2026, 3, 1)))
    assert fairness_counts(year=2025, today=TODAY)["gender"]["female"]["proposed"] == 5
    assert fairness_counts(year=2026, today=TODAY)["gender"]["female"] == {
        "waiting": 5,
        "proposed": 0,
        "started": 0,
        "work_or_studies": 0,
    }


# --- Rates, groups and small numbers ---------------------------------------------------------------


def test_rates_are_per_person_waiting_and_withheld_with_their_counts(world) -> None:
    for index in range(10):
        person = _person(world, gender=Gender.FEMALE)
        if index < 5:
            placement = _propose(world, person, dt.date(2026, 2, 1))
            type(placement).objects.filter(pk=placement.pk).update(
                status=PlacementStatus.COMPLETED,
                actual_start=dt.date(2026, 3, 1),
                actual_end=dt.date(2026, 6, 1),
                outcome=Outcome.EMPLOYMENT,
            )
    _people(world, 6, 6, gender=Gender.MALE)
    # Proposed without ever waiting: not one of the people the rates are about.
    _propose(
        world,
        _person(world, gender=Gender.MALE, mapped_on=None, status=ParticipantStatus.REFERRED),
        dt.date(2026, 4, 1),
    )
    rows = {row["group"]: row for row in fairness(year=2026, today=TODAY)["gender"]["rows"]}
    assert rows["female"] == {
        "group": "female",
        "waiting": 10,
        "proposed": 5,
        "started": 5,
        "work_or_studies": 5,
        "proposed_rate": 50.0,
        "started_rate": 50.0,
        "work_or_studies_rate": 50.0,
    }
    assert (rows["male"]["waiting"], rows["male"]["proposed_rate"], rows["male"]["started_rate"]) == (6, 100.0, 0.0)


def test_a_withheld_group_cannot_be_worked_out_from_the_other_groups(world) -> None:
    _people(world, 10, 5, gender=Gender.FEMALE)
    _people(world, 6, 6, gender=Gender.MALE)
    _people(world, 3, 3, gender=Gender.OTHER)  # three people: withheld whole
    rows = {row["group"]: row for row in fairness(year=2026, today=TODAY)["gender"]["rows"]}
    assert set(rows["other"].values()) == {"other", None}  # no 0 beside a withheld count either
    # The same 19 people are every breakdown's total: "other" would be 19 - 10 - 6, so a further count
    # of the shown groups is withheld too (reporting.disclosure), with its rate.
    withheld = [
        (group, column)
        for group in ("female", "male")
        for column in ("waiting", "proposed")
        if rows[group][column] is None
    ]
    assert withheld
    for group, column in withheld:
        if column == "proposed":
            assert rows[group]["proposed_rate"] is None


def test_a_count_of_one_to_four_is_withheld_with_its_rate(world) -> None:
    _people(world, 9, 4, gender=Gender.FEMALE)
    (row,) = fairness(year=2026, today=TODAY)["gender"]["rows"]
    assert (row["waiting"], row["proposed"], row["proposed_rate"]) == (9, None, None)


def test_groups_are_in_order_ages_youngest_first_unknown_last(world) -> None:
    for born, region in [
        (1966, ""),
        (2004, RegionOfBirth.ASIA),
        (1996, RegionOfBirth.SWEDEN),
        (1980, RegionOfBirth.UNKNOWN),
    ]:
        for _ in range(5):
            _person(world, born=born, region_of_birth=region, referral_source=ReferralSource.SOCIAL_SERVICES)
    for _ in range(5):  # pseudonymised without a year of birth
        person = _person(world)
        Participant.objects.filter(pk=person.pk).update(identity_number=None, pseudonymised_at=timezone.now())
    counts = fairness_counts(year=2026, today=TODAY)
    assert list(counts["age_band"]) == ["–24", "25–34", "45–54", "55–", "?"]
    # Not recorded and unknown are one group, last.
    assert {group: row["waiting"] for group, row in counts["region_of_birth"].items()} == {
        "sweden": 10,
        "asia": 5,
        "unknown": 10,
    }
    assert list(counts["region_of_birth"]) == ["sweden", "asia", "unknown"]
    assert list(counts["referral_source"]) == ["employment_service", "social_services"]


# --- The test, by hand -----------------------------------------------------------------------------


def _fisher_by_hand(a: int, b: int, c: int, d: int) -> float:
    """Two-sided Fisher's exact test of [[a, b], [c, d]]: the hypergeometric probability of every table
    with the same margins that is no more likely than the one observed, summed."""
    row, yes, n = a + b, a + c, a + b + c + d

    def probability(x: int) -> float:
        return math.comb(row, x) * math.comb(n - row, yes - x) / math.comb(n, yes)

    observed = probability(a)
    support = range(max(0, yes - (n - row)), min(row, yes) + 1)
    return sum(p for x in support if (p := probability(x)) <= observed * (1 + 1e-7))


def test_40_of_100_against_10_of_100_is_unlikely_to_be_chance() -> None:
    method, p = independence_test([(40, 60), (10, 90)])
    assert method == "fisher"
    assert p == pytest.approx(_fisher_by_hand(40, 60, 10, 90), rel=1e-9)
    assert p < 1e-5


def test_3_of_10_against_5_of_10_may_be_chance() -> None:
    # Margins 10/10 and 8/12: P(x) = C(10, x)·C(10, 8 − x) / C(20, 8), C(20, 8) = 125 970. Only x = 4
    # (210·210 = 44 100) is more likely than x = 3 (120·252 = 30 240): p = (125 970 − 44 100) / 125 970.
    method, p = independence_test([(3, 7), (5, 5)])
    assert method == "fisher"
    assert p == pytest.approx(81_870 / 125_970, rel=1e-12)


def test_three_groups_are_compared_by_chi_square() -> None:
    # 30/60, 15/60, 15/60: expected 20 yes and 40 no each; χ² = (100 + 25 + 25) / 20 + (100 + 25 + 25) / 40
    # = 11.25 with 2 degrees of freedom, whose tail is exp(−χ² / 2).
    method, p = independence_test([(30, 30), (15, 45), (15, 45)])
    assert method == "chi2"
    assert p == pytest.approx(math.exp(-11.25 / 2), rel=1e-9)


def test_small_groups_are_compared_by_fishers_test_estimated_with_a_fixed_seed() -> None:
    table = [(2, 3), (1, 4), (4, 1)]  # expected yes 7/3 < 5: no chi-square
    method, p = independence_test(table)
    assert method == "fisher_monte_carlo"
    assert independence_test(table) == (method, p)  # the same figures give the same answer
    # Exactly: every table with rows of 5 and 7 yes in all, weighted by ∏ C(5, yᵢ) / C(15, 7).
    weight = {
        ys: math.prod(math.comb(5, y) for y in ys) for ys in itertools.product(range(6), repeat=3) if sum(ys) == 7
    }
    exact = sum(w for w in weight.values() if w <= weight[(2, 1, 4)]) / math.comb(15, 7)
    assert p == pytest.approx(exact, abs=0.015)


def test_nothing_is_tested_without_two_groups_and_nothing_flagged_without_a_difference() -> None:
    assert independence_test([(3, 7)]) is None
    assert independence_test([(0, 10), (0, 7)]) == ("identical", 1.0)


def test_holm_multiplies_the_kth_smallest_by_the_tests_left() -> None:
    # Sorted 0.01, 0.03, 0.04: 3·0.01 = 0.03; 2·0.03 = 0.06; 1·0.04 = 0.04, raised to 0.06.
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert holm([0.5, 0.9]) == [1.0, 1.0]


def test_a_gap_is_flagged_only_when_the_test_says_so(world) -> None:
    _people(world, 50, 20, gender=Gender.FEMALE)
    _people(world, 50, 5, gender=Gender.MALE)
    figures = fairness(year=2026, today=TODAY)
    test = figures["gender"]["tests"]["proposed"]
    p = _fisher_by_hand(20, 30, 5, 45)
    # The only real comparison on the page (the others have one group, or all at 0 %): Holm leaves it.
    assert (test["method"], test["groups"]) == ("fisher", 2)
    assert test["p"] == pytest.approx(p) and test["adjusted_p"] == pytest.approx(p)
    assert test["flagged"] and p < 0.01
    assert figures["gender"]["tests"]["started"] == {
        "method": "identical",
        "p": 1.0,
        "groups": 2,
        "adjusted_p": 1.0,
        "flagged": False,
    }
    assert figures["age_band"]["tests"]["proposed"] is None  # everyone is 30


def test_a_gap_the_group_sizes_can_explain_is_not_flagged(world) -> None:
    # 30 % against 50 %, as 3/10 against 5/10 above, but 3 would be withheld: twice the people.
    _people(world, 20, 6, gender=Gender.FEMALE)
    _people(world, 20, 10, gender=Gender.MALE)
    test = fairness(year=2026, today=TODAY)["gender"]["tests"]["proposed"]
    assert test["adjusted_p"] == pytest.approx(_fisher_by_hand(6, 14, 10, 10)) and not test["flagged"]
    assert 0.33 < test["adjusted_p"] < 0.34


# --- The page ------------------------------------------------------------------------------------


def test_the_page_is_for_managers(client: Client) -> None:
    client.force_login(ManagerFactory())
    page = client.get(reverse("reporting:fairness")).content.decode()
    assert "Rättvisa" in page and "Ålder" in page and "Födelseregion" in page
    for user in (CoordinatorFactory(), SupervisorUserFactory()):
        client.force_login(user)
        assert client.get(reverse("reporting:fairness")).status_code == 404
    client.logout()
    response = client.get(reverse("reporting:fairness"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_page_shows_rates_verdicts_and_definitions_in_swedish(client: Client, world, time_machine) -> None:
    time_machine.move_to(dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC))
    _people(world, 50, 20, gender=Gender.FEMALE)
    _people(world, 50, 5, gender=Gender.MALE)
    client.force_login(ManagerFactory())
    page = client.get(reverse("reporting:fairness"), {"year": 2026}).content.decode()
    assert '20<br><span class="text-body-secondary text-nowrap">40,0&nbsp;%</span>' in page
    assert ">10,0&nbsp;%<" in page
    # p = 0.000967 (the Fisher test above).
    assert "Föreslagna: Skillnaden är för stor för att sannolikt bero på slumpen (p &lt; 0,001)" in page
    assert "Påbörjade: Alla grupper som visas har samma andel." in page
    assert "Ålder" in page and "För få grupper visas för att kunna jämföra." in page
    assert "Väntande: de personer som var kartlagda" in page and "Holms" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("reporting:fairness"), {"year": 2026}).content.decode()
    assert ">40.0&nbsp;%<" in page and "The difference is too large to be likely due to chance" in page


def test_the_page_says_when_a_gap_may_be_chance(client: Client, world, time_machine) -> None:
    time_machine.move_to(dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC))
    _people(world, 20, 6, gender=Gender.FEMALE)
    _people(world, 20, 10, gender=Gender.MALE)
    client.force_login(ManagerFactory())
    page = client.get(reverse("reporting:fairness"), {"year": 2026}).content.decode()
    assert "Skillnaderna kan bero på slumpen vid dessa gruppstorlekar (p = 0,33)" in page
    assert ">30,0&nbsp;%<" in page and ">50,0&nbsp;%<" in page


def test_the_pages_query_count_does_not_grow_with_the_data(client: Client, world) -> None:
    client.force_login(ManagerFactory())
    _people(world, 5, 5, gender=Gender.FEMALE)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("reporting:fairness"), {"year": 2026})
    _people(world, 20, 10, gender=Gender.MALE, region_of_birth=RegionOfBirth.AFRICA)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("reporting:fairness"), {"year": 2026})
    assert len(many) == len(few)
