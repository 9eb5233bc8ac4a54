"""The holds table the counts read (placements.PlacementHold): kept by triggers equal to the agreed,
active and proposed placements, whatever writes the placements (placements 0027)."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.db import connection
from django.db.models import F

from participants.tests.factories import ParticipantFactory
from placements.models import HOLD_VIEW_STATUSES, Placement, PlacementHold, PlacementStatus
from placements.tests.factories import PlacementFactory
from supervisors.tests.factories import SupervisorFactory
from workplaces.tests.factories import NeedFactory

pytestmark = pytest.mark.django_db

D = dt.date
migration = importlib.import_module("placements.migrations.0027_placement_holds_as_a_table")
COLUMNS = ("id", "need_id", "supervisor_id", "status", "planned_start", "planned_end", "actual_start")


def _held() -> set[tuple[object, ...]]:
    return set(PlacementHold.objects.values_list(*COLUMNS))


def _expected() -> set[tuple[object, ...]]:
    return set(Placement.objects.filter(status__in=HOLD_VIEW_STATUSES).values_list(*COLUMNS))


def _assert_in_step() -> None:
    assert _held() == _expected()


def _started(status: str) -> dict[str, object]:
    return {"actual_start": D(2026, 2, 2)} if status in ("active", "completed", "ended_early") else {}


def test_the_migrations_frozen_statuses_are_the_hold_view_statuses() -> None:
    assert set(migration.STATUSES) == set(HOLD_VIEW_STATUSES)


def test_the_triggers_exist() -> None:
    """A SQLite rebuild of the placements' table (most AlterField, RemoveField) drops its triggers
    silently: this fails until the migration that rebuilt it creates them again."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'placements_placement'::regclass AND NOT tgisinternal"
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'placements_placement'"
            )
        names = {name for (name,) in cursor.fetchall()}
    assert set(migration.TRIGGERS[connection.vendor]) <= names
    assert len(migration.TRIGGERS[connection.vendor]) == (1 if connection.vendor == "postgresql" else 3)


def test_the_table_follows_every_write_of_the_placements() -> None:
    placements = {status: PlacementFactory(status=status, **_started(status)) for status in PlacementStatus}
    _assert_in_step()
    assert set(PlacementHold.objects.values_list("status", flat=True)) == set(HOLD_VIEW_STATUSES)

    # Out of holding and into it.
    agreed, cancelled = placements[PlacementStatus.AGREED], placements[PlacementStatus.CANCELLED]
    agreed.status = PlacementStatus.CANCELLED
    agreed.save()
    cancelled.status = PlacementStatus.PROPOSED
    cancelled.save()
    _assert_in_step()
    assert not PlacementHold.objects.filter(pk=agreed.pk).exists()
    assert PlacementHold.objects.get(pk=cancelled.pk).status == PlacementStatus.PROPOSED

    # Dates, need and supervisor.
    active = placements[PlacementStatus.ACTIVE]
    active.planned_start, active.planned_end, active.actual_start = D(2026, 3, 1), D(2026, 6, 30), D(2026, 3, 2)
    active.need = NeedFactory()
    active.supervisor = SupervisorFactory(workplace=active.need.workplace)
    active.save()
    _assert_in_step()
    held = PlacementHold.objects.get(pk=active.pk)
    assert (held.need_id, held.supervisor_id, held.actual_start) == (
        active.need_id,
        active.supervisor_id,
        D(2026, 3, 2),
    )

    # A delete.
    placements[PlacementStatus.PROPOSED].delete()
    _assert_in_step()

    # A bulk insert and a QuerySet update (no save(), no signal).
    template = placements[PlacementStatus.COMPLETED]
    fields = {
        f.attname: getattr(template, f.attname)
        for f in Placement._meta.concrete_fields
        if f.attname not in ("id", "participant_id", "status", "planned_start", "planned_end", "actual_start")
    }
    Placement.objects.bulk_create(
        [
            Placement(
                **fields,
                participant_id=ParticipantFactory(team=template.participant.team).pk,
                status=status,
                planned_start=D(2026, 4, 1),
                planned_end=D(2026, 5, 1),
            )
            for status in (PlacementStatus.PROPOSED, PlacementStatus.AGREED, PlacementStatus.CANCELLED)
        ]
    )
    _assert_in_step()
    assert Placement.objects.filter(status=PlacementStatus.PROPOSED).update(status=PlacementStatus.AGREED) >= 2
    Placement.objects.filter(status=PlacementStatus.AGREED).update(planned_end=F("planned_end") + dt.timedelta(days=7))
    _assert_in_step()
    Placement.objects.filter(status=PlacementStatus.AGREED).update(status=PlacementStatus.CANCELLED)
    _assert_in_step()
    Placement.objects.all().delete()
    assert not PlacementHold.objects.exists()
