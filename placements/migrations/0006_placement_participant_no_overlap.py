"""On PostgreSQL, a second line of defence behind placements.rules: the database itself refuses two
agreed or active placements of one participant whose held periods overlap (from the actual start, or
the planned start before it starts, to the planned end, both days included). btree_gist lets the
participant's id take part in the GiST exclusion; it is a trusted extension (PostgreSQL 13 and
later), so the database's owner can create it. SQLite has no exclusion constraints: there the rules
and the row locks are the defence."""

from django.db import migrations

CONSTRAINT = "placement_participant_no_overlap"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("placements", "Placement")._meta.db_table
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        f"ALTER TABLE {table} ADD CONSTRAINT {CONSTRAINT} EXCLUDE USING gist ("
        "participant_id WITH =, "
        "daterange(COALESCE(actual_start, planned_start), planned_end, '[]') WITH &&"
        ") WHERE (status IN ('agreed', 'active'))"
    )


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("placements", "Placement")._meta.db_table
    schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("placements", "0005_untrained_supervisor_confirmed")]

    operations = [migrations.RunPython(add_constraint, drop_constraint)]
