"""The placements the counts read (placements.PlacementHold, placements.occupancy): a view of the
agreed, active and proposed placements of every municipality, with only what the counts need.

On PostgreSQL the view reads through `platsa_placement_holds()`, a function that runs its one
statement in the system context (`platsa.municipalities` empty, accounts.tenancy), so that the
placements' row-level policy (privacy 0008) does not narrow a need's places or a supervisor's load to
the requesting coordinator's municipality. SQLite has no row-level security: a plain view.

A later migration that changes the placements' table must mind the view: on SQLite one that rebuilds
the table (most AlterField, RemoveField) fails with "error in view placements_placementhold" unless
it drops the view first and creates it again after; on PostgreSQL one that changes the type of a
column the function returns must replace the function (its result types) with it."""

import django.db.models.deletion
from django.db import migrations, models

# Frozen as this migration was made (placements.models.HOLD_VIEW_STATUSES then; a test holds them equal).
STATUSES = ("agreed", "active", "proposed")
COLUMNS = "p.id, p.need_id, p.supervisor_id, p.status, p.planned_start, p.planned_end, p.actual_start"
WHERE = "p.status IN (" + ", ".join(f"'{status}'" for status in STATUSES) + ")"

# The function puts the system context in place for its one statement and the bound back after it.
# Not a `SET platsa.municipalities = ''` clause: PostgreSQL lets only a superuser (or a role granted
# SET on the parameter) create a function that sets a custom parameter, and the application's role is
# neither. The value is put back transaction-locally, which ends as the session's own (the bound the
# request set); an error inside rolls the change back with the (sub)transaction, as a SET clause's is.
POSTGRESQL = f"""
CREATE FUNCTION platsa_placement_holds()
RETURNS TABLE (
    id bigint, need_id bigint, supervisor_id bigint, status varchar(20),
    planned_start date, planned_end date, actual_start date
)
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    bound text := current_setting('platsa.municipalities', true);
BEGIN
    PERFORM set_config('platsa.municipalities', '', true);
    RETURN QUERY SELECT {COLUMNS} FROM placements_placement p WHERE {WHERE};
    PERFORM set_config('platsa.municipalities', coalesce(bound, ''), true);
END
$$;
-- A function's result loses the length of varchar(20): the view gives it back.
CREATE VIEW placements_placementhold AS
SELECT id, need_id, supervisor_id, status::varchar(20) AS status, planned_start, planned_end, actual_start
FROM platsa_placement_holds();
"""
POSTGRESQL_REVERSE = """
DROP VIEW IF EXISTS placements_placementhold;
DROP FUNCTION IF EXISTS platsa_placement_holds();
"""
SQLITE = f"CREATE VIEW placements_placementhold AS SELECT {COLUMNS} FROM placements_placement p WHERE {WHERE}"
SQLITE_REVERSE = "DROP VIEW IF EXISTS placements_placementhold"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL)
    else:
        schema_editor.execute(SQLITE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_REVERSE)
    else:
        schema_editor.execute(SQLITE_REVERSE)


class Migration(migrations.Migration):
    dependencies = [
        ("placements", "0025_matching_weights_municipality_required"),
        ("supervisors", "0001_initial"),
        ("workplaces", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
        migrations.CreateModel(
            name="PlacementHold",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
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
            options={"db_table": "placements_placementhold", "managed": False},
        ),
    ]
