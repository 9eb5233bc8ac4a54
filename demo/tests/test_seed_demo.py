"""`seed_demo` builds a consistent, deterministic demo that the real rules accept."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections import defaultdict
from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import Role, User
from demo.catalogue import NEWCOMER_TEAM, ORGANISATIONS
from demo.generation import DEMO_MODELS
from demo.municipalities import BRACKE, RAGUNDA, SMALL_MUNICIPALITIES, SMALL_PARTICIPANTS, SmallMunicipality
from participants.identity import is_coordination_number, normalize_identity_number
from participants.models import (
    Interest,
    Participant,
    ParticipantPrerequisite,
    ParticipantStatus,
    RecordsExtractCheck,
    StatusChange,
    StudyTime,
    WorkExperience,
)
from placements import occupancy, signing
from placements.models import (
    HOLDING_STATUSES,
    FollowUp,
    LaterOutcome,
    Placement,
    PlacementEvent,
    PlacementQuerySet,
    PlacementStatus,
)
from placements.selectors import supervisor_overview
from supervisors.models import Supervisor
from taxonomy.ssyk import SSYK_FILE, parse_ssyk_csv
from workplaces.models import Need

pytestmark = pytest.mark.django_db

PARTICIPANTS = 40
SEED = 7
REGION_EMPLOYER = next(spec.name for spec in ORGANISATIONS if spec.regional)


def seed_demo(*options: str, participants: int = PARTICIPANTS, seed: int = SEED) -> str:
    out = StringIO()
    call_command("seed_demo", "--participants", str(participants), "--seed", str(seed), *options, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}  # type: ignore[attr-defined]  # every model here has objects


def identity_numbers() -> list[str]:
    return sorted(Participant.objects.values_list("identity_number", flat=True))


@pytest.fixture
def seeded() -> str:
    return seed_demo()


def test_running_it_twice_changes_nothing_and_reset_rebuilds_the_same_data(seeded: str) -> None:
    counts, numbers = row_counts(), identity_numbers()
    assert counts["participants.Participant"] == PARTICIPANTS + SMALL_PARTICIPANTS

    assert "already exists" in seed_demo()
    assert row_counts() == counts

    seed_demo("--reset")
    assert row_counts() == counts
    assert identity_numbers() == numbers


def test_another_seed_gives_other_people() -> None:
    seed_demo(seed=1)
    first = identity_numbers()
    seed_demo("--reset", seed=2)
    assert identity_numbers() != first


def test_the_counts_do_not_depend_on_the_day() -> None:
    with time_machine.travel(dt.datetime(2026, 3, 14, 10, tzinfo=dt.UTC)):
        seed_demo()
        counts = row_counts()
    with time_machine.travel(dt.datetime(2027, 12, 27, 10, tzinfo=dt.UTC)):  # between Christmas and New Year
        seed_demo("--reset")
        assert row_counts() == counts


def test_identity_numbers_are_valid_test_numbers_some_of_them_coordination_numbers(seeded: str) -> None:
    numbers = identity_numbers()
    assert len(set(numbers)) == len(numbers)
    for number in numbers:
        assert normalize_identity_number(number) == number
        assert 980 <= int(number[8:11]) <= 999  # the birth numbers used for test data
    assert any(is_coordination_number(number) for number in numbers)


def test_the_demo_users_log_in_with_their_roles(seeded: str) -> None:
    for username, role in [
        ("koordinator", Role.COORDINATOR),
        ("handledare", Role.SUPERVISOR),
        ("chef", Role.MANAGER),
        ("regionchef", Role.REGIONAL_MANAGER),
    ]:
        user = authenticate(RequestFactory().post("/accounts/login/"), username=username, password="platsa-demo")
        assert user is not None
        assert user.has_role(role)
    koordinator = User.objects.get(username="koordinator")
    assert koordinator.team is not None and koordinator.team.name == NEWCOMER_TEAM
    assert Participant.objects.filter(coordinator=koordinator).count() >= 5
    assert Supervisor.objects.filter(user__username="handledare").exists()
    regional = User.objects.get(username="regionchef")
    assert regional.region is not None and regional.team is None and regional.municipality is None
    assert regional.region.municipalities.filter(pk=koordinator.municipality_id).exists()
    admin = authenticate(RequestFactory().post("/accounts/login/"), username="admin", password="platsa-demo")
    assert admin is not None and admin.is_superuser


def test_the_demo_supervisor_has_an_active_placement_with_follow_ups_due(seeded: str) -> None:
    handledare = User.objects.get(username="handledare")
    placements = Placement.objects.filter(supervisor__user=handledare)
    assert placements.count() >= 3
    assert placements.filter(status=PlacementStatus.ACTIVE).exists()
    overview = supervisor_overview(user=handledare, today=timezone.localdate())
    assert overview.follow_ups_due


def test_rows_pass_the_models_validation(seeded: str) -> None:
    for model in DEMO_MODELS:
        for row in model.objects.all()[:150]:  # type: ignore[attr-defined]  # each of these models has objects
            row.full_clean()


def test_nothing_has_happened_in_the_future_and_histories_are_in_order(seeded: str) -> None:
    now, today = timezone.now(), timezone.localdate()
    assert not StatusChange.objects.filter(changed_at__gt=now).exists()
    assert not PlacementEvent.objects.filter(at__gt=now).exists()
    assert not RecordsExtractCheck.objects.filter(checked_on__gt=today).exists()
    assert not LaterOutcome.objects.filter(recorded_on__gt=today).exists()
    assert not FollowUp.objects.filter(done_on__gt=today).exists()
    for participant in Participant.objects.prefetch_related("status_changes"):
        steps = sorted(participant.status_changes.all(), key=lambda change: change.changed_at)
        assert [s.from_status for s in steps] == ["", *(s.to_status for s in steps[:-1])]
        assert steps[-1].to_status == participant.status
    for placement in Placement.objects.prefetch_related("events"):
        events = sorted(placement.events.all(), key=lambda event: event.at)
        assert events[-1].to_status == placement.status
        if placement.actual_start:
            assert timezone.localdate(events[-1].at) >= placement.actual_start >= timezone.localdate(events[1].at)


def test_no_participant_holds_two_placements_at_once_and_status_follows_placements(seeded: str) -> None:
    holding: dict[int, list[Placement]] = defaultdict(list)
    for placement in Placement.objects.filter(status__in=HOLDING_STATUSES):
        holding[placement.participant_id].append(placement)
    assert all(len(placements) == 1 for placements in holding.values())
    placed = set(Participant.objects.filter(status=ParticipantStatus.PLACED).values_list("pk", flat=True))
    assert placed == set(holding)


def test_no_need_or_supervisor_takes_more_than_it_can_at_any_time(seeded: str) -> None:
    by_need: dict[int, list[Placement]] = defaultdict(list)
    by_supervisor: dict[int, list[Placement]] = defaultdict(list)
    for placement in Placement.objects.filter(status__in=HOLDING_STATUSES).select_related("need", "supervisor"):
        by_need[placement.need_id].append(placement)
        by_supervisor[placement.supervisor_id].append(placement)
    for placements in by_need.values():
        assert _most_at_once(placements) <= placements[0].need.places
    for placements in by_supervisor.values():
        assert _most_at_once(placements) <= placements[0].supervisor.max_participants


def _most_at_once(placements: list[Placement]) -> int:
    return max(
        sum(1 for other in placements if other.planned_start <= p.planned_start <= other.planned_end)
        for p in placements
    )


def test_only_ssyk_codes_of_the_shipped_file_and_extratjanst_only_before_2023(seeded: str) -> None:
    shipped = {row.code for row in parse_ssyk_csv(SSYK_FILE)}
    used = (
        set(Need.objects.values_list("occupation_id", flat=True))
        | set(WorkExperience.objects.values_list("occupation_id", flat=True))
        | set(Interest.objects.values_list("occupation_id", flat=True))
    )
    assert used <= shipped
    # Needs and work experience are recorded at the unit level.
    assert {len(code) for code in Need.objects.values_list("occupation_id", flat=True)} == {4}
    historical = Placement.objects.filter(placement_type__code="extratjanst")
    assert historical.exists()
    assert not historical.filter(planned_end__gte=dt.date(2023, 1, 1)).exists()
    assert not Need.objects.filter(placement_type__code="extratjanst", end_date__gte=dt.date(2023, 1, 1)).exists()


def test_needs_ask_for_prerequisites_and_the_people_placed_there_have_them(seeded: str) -> None:
    asking = Need.objects.filter(prerequisites__isnull=False).distinct()
    assert asking.exists()
    held = set(ParticipantPrerequisite.objects.values_list("participant_id", "prerequisite_id"))
    placements = Placement.objects.filter(status__in=HOLDING_STATUSES, need__in=asking).prefetch_related(
        "need__prerequisites"
    )
    assert placements.exists()
    for placement in placements:
        for prerequisite in placement.need.prerequisites.all():
            assert (placement.participant_id, prerequisite.pk) in held
    assert not ParticipantPrerequisite.objects.filter(obtained_on__gt=timezone.localdate()).exists()
    waiting = Participant.objects.filter(status=ParticipantStatus.MAPPED, placements__isnull=True)
    assert ParticipantPrerequisite.objects.filter(participant__in=waiting).exists()


def test_the_demo_supervisors_agreed_placement_is_signed_by_every_party(seeded: str) -> None:
    agreed = Placement.objects.get(supervisor__user__username="handledare", status=PlacementStatus.AGREED)
    assert signing.missing_parties(placement=agreed) == []
    document = signing.signed_document(agreed)
    assert document is not None
    assert hashlib.sha256(document.signed_pdf.read()).hexdigest() == document.signed_sha256


def test_every_demo_municipality_has_standard_terms_naming_it_and_its_agreements_print_them(seeded: str) -> None:
    from accounts.models import Municipality
    from placements.documents import agreement_pdf
    from placements.models import AgreementTerms

    municipalities = list(
        Municipality.objects.filter(
            code__in=[settings.PLATSA_MUNICIPALITY_CODE, *(s.code for s in SMALL_MUNICIPALITIES)]
        )
    )
    assert len(municipalities) == 3
    for municipality in municipalities:
        terms = AgreementTerms.current(municipality)
        assert terms is not None and municipality.name in terms.contacts
        placement = Placement.objects.filter(municipality=municipality).first()
        assert placement is not None
        pages = PdfReader(io.BytesIO(agreement_pdf(placement))).pages
        assert municipality.name in " ".join(page.extract_text() for page in pages).replace("\n", " ")
    agreed = Placement.objects.get(supervisor__user__username="handledare", status=PlacementStatus.AGREED)
    assert signing.signed_document(agreed).terms == AgreementTerms.current(agreed.municipality)


def test_newcomers_in_sfi_have_timetables_that_no_demo_placement_clashes_with_and_some_needs_do(seeded: str) -> None:
    from participants.models import StudyTime
    from placements import rules
    from workplaces.models import WorkingHours

    assert StudyTime.objects.filter(starts_at=dt.time(8, 30)).exists()  # SFI mornings
    assert WorkingHours.objects.filter(starts_at=dt.time(13)).exists()  # afternoon needs
    assert WorkingHours.objects.filter(starts_at=dt.time(8)).exists()  # and morning ones
    placements = Placement.objects.select_related("participant", "need").prefetch_related(
        "participant__study_times", "need__working_hours"
    )
    for placement in placements:
        assert rules.timetable_clashes(participant=placement.participant, need=placement.need) == []
    studying = Participant.objects.filter(study_times__isnull=False).distinct().prefetch_related("study_times")
    morning_needs = (
        Need.objects.filter(working_hours__starts_at=dt.time(8)).distinct().prefetch_related("working_hours")
    )
    assert any(rules.timetable_clashes(participant=p, need=n) for p in studying for n in morning_needs)


def test_newcomers_are_told_things_in_their_language_and_others_in_easy_swedish(seeded: str) -> None:
    from participants.models import InformationLanguage, TargetGroup

    languages = set(Participant.objects.values_list("information_language", flat=True))
    assert {InformationLanguage.ARABIC, InformationLanguage.TIGRINYA} <= languages
    assert (
        not Participant.objects.exclude(target_group=TargetGroup.NEWCOMER).exclude(information_language="sv").exists()
    )
    # A placement to open the summary of, in Arabic.
    assert Placement.objects.filter(
        participant__information_language=InformationLanguage.ARABIC, status__in=HOLDING_STATUSES
    ).exists()


def test_every_row_of_a_case_file_or_placement_carries_its_parents_municipality(seeded: str) -> None:
    from participants.tenancy import TenantKeyed

    keyed = [model for model in DEMO_MODELS if issubclass(model, TenantKeyed)]
    assert Placement in keyed and FollowUp in keyed
    for model in keyed:
        rows = model.objects.select_related(model.TENANT_PARENT)  # type: ignore[attr-defined]  # TenantKeyed models have objects
        assert rows.exists(), model
        for row in rows:
            assert row.municipality_id == row.tenant_parent().municipality_id, (model, row.pk)
    for participant in Participant.objects.select_related("team"):
        assert participant.municipality_id == participant.team.municipality_id


@pytest.mark.parametrize("small", SMALL_MUNICIPALITIES, ids=lambda small: small.code)
def test_a_small_municipality_has_its_participants_placed_at_its_own_workplaces_across_the_life_cycle(
    seeded: str, small: SmallMunicipality
) -> None:
    participants = Participant.objects.filter(municipality__code=small.code)
    assert participants.count() == small.participants
    coordinator = User.objects.get(username=small.coordinator.username)
    assert set(participants.values_list("coordinator", flat=True)) == {coordinator.pk}
    assert set(participants.values_list("team__name", flat=True)) == {small.team[0]}
    placements = Placement.objects.filter(municipality__code=small.code)
    own = {spec.name for spec in small.employers.organisations}
    regional = {REGION_EMPLOYER} if small.regional_needs else set()
    assert set(placements.values_list("need__workplace__organisation__name", flat=True)) <= own | regional
    assert (
        not Placement.objects.exclude(municipality__code=small.code)
        .filter(need__workplace__organisation__name__in=own)
        .exists()
    )
    statuses = set(placements.values_list("status", flat=True))
    assert len(statuses) >= 3
    assert statuses & {PlacementStatus.COMPLETED, PlacementStatus.ENDED_EARLY}  # history
    assert statuses & {PlacementStatus.AGREED, PlacementStatus.ACTIVE}  # and placements going on now
    assert placements.count() >= small.participants // 2


def _at_regional_needs(code: str) -> PlacementQuerySet:
    return Placement.objects.filter(municipality__code=code, need__workplace__organisation__region__isnull=False)


def test_bracke_has_placements_at_the_regions_needs_published_to_it_across_the_life_cycle(seeded: str) -> None:
    placements = _at_regional_needs(BRACKE.code).select_related("need", "participant__municipality")
    assert 2 <= placements.count() <= 4
    assert {p.status for p in placements} == {PlacementStatus.PROPOSED, PlacementStatus.AGREED, PlacementStatus.ACTIVE}
    for placement in placements:
        assert placement.need.published_to.filter(code=BRACKE.code).exists()
        assert placement.participant.municipality.code == BRACKE.code
    active = placements.get(status=PlacementStatus.ACTIVE)
    assert FollowUp.objects.filter(placement=active, done_on__isnull=False).exists()


def test_ragunda_gets_no_regional_need_and_none_of_its_participants_is_placed_at_one(seeded: str) -> None:
    assert not RAGUNDA.regional_needs
    assert not Need.objects.filter(published_to__code=RAGUNDA.code).exists()
    regional = Placement.objects.filter(need__workplace__organisation__region__isnull=False)
    assert regional.exists()
    assert not regional.filter(municipality__code=RAGUNDA.code).exists()


def test_no_regional_need_holds_more_placements_than_its_places_by_the_placement_rules(seeded: str) -> None:
    placements = Placement.objects.filter(need__workplace__organisation__region__isnull=False).select_related("need")
    assert placements.filter(municipality__code=BRACKE.code, status__in=HOLDING_STATUSES).exists()
    for placement in placements.exclude(status__in=[PlacementStatus.CANCELLED]):
        if placement.status not in HOLDING_STATUSES and placement.planned_end < timezone.localdate():
            continue  # history: it held a place once, in a period now over
        taken = occupancy.places_taken(
            need=placement.need, start=placement.planned_start, end=placement.planned_end, exclude_pk=placement.pk
        )
        assert taken < placement.need.places, placement


def _large_municipality() -> tuple[list[tuple[object, ...]], ...]:
    code = settings.PLATSA_MUNICIPALITY_CODE
    participants = Participant.objects.filter(municipality__code=code).order_by("identity_number")
    placements = Placement.objects.filter(municipality__code=code).order_by(
        "participant__identity_number", "planned_start", "pk"
    )
    follow_ups = FollowUp.objects.filter(municipality__code=code).order_by(
        "placement__participant__identity_number", "placement__planned_start", "due_date"
    )
    return (
        list(participants.values_list("identity_number", "first_name", "status", "coordinator__username")),
        list(
            placements.values_list(
                "participant__identity_number",
                "need__title",
                "need__workplace__name",
                "supervisor__last_name",
                "status",
                "planned_start",
                "planned_end",
                "actual_end",
                "outcome",
            )
        ),
        list(follow_ups.values_list("placement__participant__identity_number", "due_date", "done_on", "concern")),
        list(
            StudyTime.objects.filter(municipality__code=code).values_list("participant__identity_number", "starts_at")
        ),
    )


def test_the_large_municipality_is_the_same_as_without_the_small_ones_placements_at_the_regions_needs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from demo import generation
    from demo.region import RegionalEmployers

    with monkeypatch.context() as patched:
        patched.setattr(generation, "regional_employers_plan", lambda **_kwargs: RegionalEmployers())
        seed_demo()
        assert not Placement.objects.filter(
            municipality__code=BRACKE.code, need__workplace__organisation__region__isnull=False
        ).exists()
        without = _large_municipality()
    seed_demo("--reset")
    assert Placement.objects.filter(
        municipality__code=BRACKE.code, need__workplace__organisation__region__isnull=False
    ).exists()
    assert _large_municipality() == without
