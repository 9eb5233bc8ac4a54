"""The placements the counts read (placements.PlacementHold, placements.occupancy) become a real
table, indexed by need and by supervisor, kept equal to the agreed, active and proposed placements
of every municipality by triggers on the placements' table (the view of placements 0026 had no index:
the counts' correlated subqueries scanned every hold once per need counted).

The table has no row-level security: it holds no participant and nothing personal (need, supervisor,
status, dates), and the counts must see every municipality's. On PostgreSQL the trigger function runs
as the role that changes a placement (the application's, not a superuser, with FORCE ROW LEVEL
SECURITY on the placements): it reads only the trigger's NEW and OLD rows and writes only the hold
table, which has no policy, so the request's bound narrows nothing. The backfill runs in the
migration's system context (`platsa.municipalities` empty, accounts.tenancy).

A later migration that changes the placements' table must mind the triggers: on SQLite one that
rebuilds the table (most AlterField, RemoveField) drops its triggers silently and must create them
again after (`SQLITE` below; placements/tests/test_holds.py fails when they are missing); on
PostgreSQL the trigger survives, but a column renamed or retyped must be changed in the function and
the hold table with it."""

import importlib

import django.db.models.deletion
from django.db import migrations, models

# The view and function this migration replaces, which its reverse creates again.
view = importlib.import_module("placements.migrations.0026_placement_holds_for_the_counts")

# Frozen as this migration was made (placements.models.HOLD_VIEW_STATUSES then; a test holds them equal).
STATUSES = ("agreed", "active", "proposed")
IN = "(" + ", ".join(f"'{status}'" for status in STATUSES) + ")"
COLUMNS = "id, need_id, supervisor_id, status, planned_start, planned_end, actual_start"
BACKFILL = f"INSERT INTO placements_placementhold ({COLUMNS}) SELECT {COLUMNS} FROM placements_placement WHERE status IN {IN}"

POSTGRESQL = f"""
CREATE FUNCTION platsa_keep_placement_holds() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM placements_placementhold WHERE id = OLD.id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status IN {IN} THEN
        INSERT INTO placements_placementhold ({COLUMNS})
        VALUES (NEW.id, NEW.need_id, NEW.supervisor_id, NEW.status, NEW.planned_start, NEW.planned_end, NEW.actual_start);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER platsa_keep_placement_holds
AFTER INSERT OR UPDATE OR DELETE ON placements_placement
FOR EACH ROW EXECUTE FUNCTION platsa_keep_placement_holds();
"""
POSTGRESQL_REVERSE = """
DROP TRIGGER IF EXISTS platsa_keep_placement_holds ON placements_placement;
DROP FUNCTION IF EXISTS platsa_keep_placement_holds();
"""
_VALUES = "NEW.id, NEW.need_id, NEW.supervisor_id, NEW.status, NEW.planned_start, NEW.planned_end, NEW.actual_start"
SQLITE = [
    f"""CREATE TRIGGER platsa_placement_hold_insert AFTER INSERT ON placements_placement
    WHEN NEW.status IN {IN}
    BEGIN INSERT INTO placements_placementhold ({COLUMNS}) VALUES ({_VALUES}); END""",
    f"""CREATE TRIGGER platsa_placement_hold_update AFTER UPDATE ON placements_placement
    BEGIN
        DELETE FROM placements_placementhold WHERE id = OLD.id;
        INSERT INTO placements_placementhold ({COLUMNS}) SELECT {_VALUES} WHERE NEW.status IN {IN};
    END""",
    """CREATE TRIGGER platsa_placement_hold_delete AFTER DELETE ON placements_placement
    BEGIN DELETE FROM placements_placementhold WHERE id = OLD.id; END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS platsa_placement_hold_insert",
    "DROP TRIGGER IF EXISTS platsa_placement_hold_update",
    "DROP TRIGGER IF EXISTS platsa_placement_hold_delete",
]
# The names a test looks for (placements/tests/test_holds.py).
TRIGGERS = {"postgresql": ("platsa_keep_placement_holds",), "sqlite": tuple(s.split()[4] for s in SQLITE_REVERSE)}


def drop_view(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(view.POSTGRESQL_REVERSE)
    else:
        schema_editor.execute(view.SQLITE_REVERSE)


def create_view(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(view.POSTGRESQL)
    else:
        schema_editor.execute(view.SQLITE)


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL)
    else:
        for statement in SQLITE:
            schema_editor.execute(statement)
    schema_editor.execute(BACKFILL)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_REVERSE)
    else:
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("placements", "0026_placement_holds_for_the_counts"),
    ]

    operations = [
        # The model was unmanaged: dropping it from the state touches no table; the view goes by hand.
        migrations.DeleteModel(name="PlacementHold"),
        migrations.RunPython(drop_view, create_view, elidable=False),
        migrations.CreateModel(
            name="PlacementHold",
            fields=[
                ("id", models.BigIntegerField(primary_key=True, serialize=False)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("proposed", "Proposed"),
                            ("agreed", "Agreed"),
                            ("active", "Active"),
                            ("completed", "Completed"),
                            ("ended_early", "Ended early"),
                            ("cancelled", "Cancelled"),
                        ],
                        max_length=20,
                        verbose_name="status",
                    ),
                ),
                ("planned_start", models.DateField(verbose_name="planned start")),
                ("planned_end", models.DateField(verbose_name="planned end")),
                ("actual_start", models.DateField(null=True, verbose_name="started")),
                (
                    "need",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="workplaces.need",
                        verbose_name="need",
                    ),
                ),
                (
                    "supervisor",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="supervisors.supervisor",
                        verbose_name="supervisor",
                    ),
                ),
            ],
            options={
                "db_table": "placements_placementhold",
                "indexes": [models.Index(fields=["need", "status"], name="placements_hold_need_status")],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
