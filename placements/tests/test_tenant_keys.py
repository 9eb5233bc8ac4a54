"""The tenant key on every row of a case file and of its placements (participants.tenancy): each
row carries its parent's municipality, and so in the end its case file's; a placement its
participant's, never its workplace's. And the migration that gives existing rows theirs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, models
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from accounts.models import Municipality, Team
from accounts.tests.factories import MunicipalityFactory, RegionFactory, TeamFactory, UserFactory
from participants import services as participant_services
from participants.models import CaseNote
from participants.tenancy import TenantKeyed
from participants.tests import factories as participant_factories
from participants.tests.factories import ParticipantFactory
from placements import services as placement_services
from placements.models import Reminder
from placements.tests import factories as placement_factories
from placements.tests.factories import FollowUpFactory, PlacementFactory, with_signatures
from supervisors.tests.factories import SupervisorFactory
from taxonomy.tests.factories import OccupationFactory
from workplaces.tests.factories import NeedFactory, RegionalOrganisationFactory, WorkplaceFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()

# The models of the two apps that carry no tenant key of their own, and why. Every other model of
# participants and placements must be TenantKeyed: a new one fails the test below until it is.
NOT_KEYED = {
    "participants.Participant": "the case file: its key is its team's (Participant.clean), the root of the rest",
    # Link tables: keyed when the composite keys come (README, "Municipalities").
    "participants.Participant_languages": "the languages a person speaks",
    "participants.ReferralImport_participants": "whom an upload registered: between two keyed rows",
    "placements.MatchingWeights": "a municipality's own settings (its matching weights), not a case file's row",
    "placements.CalendarFeed": "a user's calendar credential; a supervisor's user may have no municipality",
    "placements.AgreementTerms": "a municipality's own settings (its standard terms), not a case file's row",
    "placements.PlacementHold": "the holds for the counts, kept by triggers, every municipality's, nothing personal",
}


def _models() -> list[type[models.Model]]:
    return [
        m
        for label in ("participants", "placements")
        for m in apps.get_app_config(label).get_models(include_auto_created=True)
    ]


def _keyed() -> list[type[TenantKeyed]]:
    return [m for m in _models() if issubclass(m, TenantKeyed)]


def test_every_case_file_and_placement_table_carries_the_key_or_says_why_not() -> None:
    unkeyed = {m._meta.label for m in _models() if not issubclass(m, TenantKeyed)}
    assert unkeyed == set(NOT_KEYED)
    for model in _keyed():
        field = model._meta.get_field("municipality")
        assert (field.related_model, field.null, field.editable) == (Municipality, False, False)
        assert field.db_index  # type: ignore[attr-defined]  # a foreign key's
        assert field.remote_field.on_delete is models.PROTECT


def _path_to_team(model: type[TenantKeyed]) -> str:
    """The factory keyword that reaches the team of the row's case file (or the upload's team)."""
    steps, current = [], model
    while issubclass(current, TenantKeyed):
        steps.append(current.TENANT_PARENT)
        current = current._meta.get_field(current.TENANT_PARENT).related_model  # type: ignore[assignment]  # the parent of a keyed row is a model
    # A referral upload's parent is the team itself; every other row reaches it through its case file.
    return "__".join(steps if current is Team else [*steps, "team"])


def _factory(model: type[TenantKeyed]) -> Any:
    name = f"{model.__name__}Factory"
    return getattr(participant_factories, name, None) or getattr(placement_factories, name)


def _root_municipality(row: Any) -> int:
    while isinstance(row, TenantKeyed):
        row = row.tenant_parent()
    return row.municipality_id


@pytest.mark.parametrize("model", _keyed(), ids=lambda m: m._meta.label)
def test_a_row_built_by_its_factory_carries_its_case_files_municipality(model: type[TenantKeyed]) -> None:
    """In a second municipality, so that a key taken from anywhere but the parent would show."""
    MunicipalityFactory()  # the default one, first
    elsewhere = TeamFactory(municipality=MunicipalityFactory(code="0180", name="Stockholms stad"))
    row = _factory(model)(**{_path_to_team(model): elsewhere})
    row.refresh_from_db()
    assert row.municipality_id == elsewhere.municipality_id == _root_municipality(row)
    assert row.municipality_id == row.tenant_parent().municipality_id
    row.full_clean()


def test_clean_refuses_a_row_keyed_to_another_municipality_than_its_parent() -> None:
    note = CaseNote(
        participant=ParticipantFactory(),
        municipality=MunicipalityFactory(code="0180", name="Stockholms stad"),
        kind="call",
        text="Ringde.",
        author=ParticipantFactory().coordinator,
    )
    with pytest.raises(ValidationError) as excinfo:
        note.full_clean()
    assert excinfo.value.messages == ["Raden hör till en annan kommun än den post den är en del av."]
    note.key_from_parent().full_clean()  # its case file's: accepted


def test_a_reminder_takes_the_municipality_of_what_it_reminds_of() -> None:
    placement = PlacementFactory(participant__team=TeamFactory(municipality=MunicipalityFactory(code="0180")))
    first_day = Reminder(placement=placement, stage=Reminder.Stage.FIRST_DAY, key="x", recipient="supervisor")
    assert first_day.key_from_parent().municipality_id == placement.municipality_id
    about = FollowUpFactory(placement=placement)
    assert Reminder(follow_up=about).key_from_parent().municipality_id == placement.municipality_id


def test_a_row_a_superuser_adds_in_the_admin_gets_its_case_files_municipality(client) -> None:
    MunicipalityFactory()
    person = ParticipantFactory(team=TeamFactory(municipality=MunicipalityFactory(code="0180")))
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    data = {"participant": person.pk, "occupation": OccupationFactory().pk, "years": "2"}
    assert client.post(reverse("admin:participants_workexperience_add"), data).status_code == 302
    assert person.work_experiences.get().municipality_id == person.municipality_id


def test_the_services_key_what_they_write_to_the_case_file_and_the_placement() -> None:
    """The life of a case file in a second municipality, through the services: every row it leaves
    carries that municipality, though the workplace's need and supervisor are a regional employer's,
    which both municipalities' coordinators use (a placement's key is its participant's)."""
    region = RegionFactory()
    MunicipalityFactory(region=region)
    second = MunicipalityFactory(code="0180", name="Stockholms stad", region=region)
    team = TeamFactory(municipality=second)
    person = ParticipantFactory(team=team)
    coordinator = person.coordinator
    participant_services.case_note_record(participant=person, by=coordinator, kind="call", text="Ringde.")
    participant_services.task_create(
        participant=person, by=coordinator, title="Boka möte", due_on=TODAY, assignee=coordinator
    )
    need = NeedFactory(
        workplace=WorkplaceFactory(organisation=RegionalOrganisationFactory(region=region)),
        start_date=TODAY - dt.timedelta(days=10),
        end_date=TODAY + dt.timedelta(days=80),
        published_to=list(Municipality.objects.all()),
    )
    placement = placement_services.placement_propose(
        participant=person,
        need=need,
        supervisor=SupervisorFactory(workplace=need.workplace),
        start=need.start_date,
        end=need.end_date,
        hours_per_day=Decimal("4.0"),
        by=coordinator,
        confirm_untrained=True,
    )
    placement = placement_services.placement_agree(placement=with_signatures(placement), by=None)
    placement = placement_services.placement_activate(placement=placement, by=None, on=TODAY)
    documents = list(placement.agreement_documents.all())
    rows = [
        placement,
        *person.case_notes.all(),
        *person.tasks.all(),
        *person.status_changes.all(),
        *placement.events.all(),
        *placement.follow_ups.all(),
        *documents,
        *(signature for document in documents for signature in document.signatures.all()),
    ]
    assert {type(r).__name__ for r in rows} == {
        "Placement",
        "CaseNote",
        "Task",
        "StatusChange",
        "PlacementEvent",
        "FollowUp",
        "AgreementDocument",
        "Signature",
    }
    assert {r.municipality_id for r in rows} == {team.municipality_id}


# --- The migration ------------------------------------------------------------------------------------


def _state(executor: MigrationExecutor, targets: list[tuple[str, str]]) -> Any:
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migrating_gives_every_existing_row_its_case_files_municipality_and_loses_nothing() -> None:
    """Rows of every keyed model in two municipalities, then back to before the key (participants
    0022, placements 0016: the columns are dropped) and forward again: each row, a reminder of each
    kind among them, ends in its case file's municipality, and no row is lost."""
    MunicipalityFactory()
    teams = [TeamFactory(), TeamFactory(municipality=MunicipalityFactory(code="0180", name="Stockholms stad"))]
    for team in teams:
        for model in _keyed():
            _factory(model)(**{_path_to_team(model): team})
        placement = PlacementFactory(participant__team=team)
        meeting = placement_factories.MeetingFactory(placement=placement)
        placement_factories.ReminderFactory(
            follow_up=None, placement=placement, stage="first_day", key=f"first:{placement.pk}"
        )
        placement_factories.ReminderFactory(
            follow_up=None, meeting=meeting, stage="meeting", key=f"meeting:{meeting.pk}"
        )
    # Every row there is (the factories' parents too), with the municipality of its case file.
    expected = {
        (model._meta.label, row.pk): _root_municipality(row)
        for model in _keyed()
        for row in model._default_manager.all()
    }
    assert {label for label, _pk in expected} == {model._meta.label for model in _keyed()}
    assert len(set(expected.values())) == 2
    try:
        executor = MigrationExecutor(connection)
        _state(
            executor,
            [
                ("participants", "0022_participant_municipality_required"),
                ("placements", "0016_supervisor_text_reminders"),
            ],
        )
        executor = MigrationExecutor(connection)
        _state(executor, executor.loader.graph.leaf_nodes())
        found = {
            (label, pk): municipality_id
            for label in {label for label, _pk in expected}
            for pk, municipality_id in apps.get_model(label).objects.values_list("pk", "municipality_id")
        }
        assert found == expected
    finally:
        call_command("migrate", verbosity=0)
