"""On PostgreSQL, the database's own bound on case files: row-level security by municipality on the
participants table (accounts.tenancy says how the app sets it). SQLite keeps the application's scope
only. A later migration adds tables the same way, with its own list of names."""

from django.db import migrations

# The policy as it was written when this migration was made: frozen here, so that a later change to
# accounts.tenancy does not change what this migration does (a new policy is a new migration).
SETTING = "platsa.municipalities"
SYSTEM = f"(SELECT coalesce(current_setting('{SETTING}', true), '') = '')"
BOUND = f"municipality_id = ANY ((SELECT nullif(current_setting('{SETTING}', true), '')::bigint[])::bigint[])"
EXPRESSION = f"{SYSTEM} OR {BOUND}"
TABLES = (
    "participants_participant",
)


def enable(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY')
        schema_editor.execute(f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY')
        schema_editor.execute(
            f'CREATE POLICY platsa_municipality ON "{table}" USING ({EXPRESSION}) WITH CHECK ({EXPRESSION})'
        )


def disable(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f'DROP POLICY IF EXISTS platsa_municipality ON "{table}"')
        schema_editor.execute(f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY')
        schema_editor.execute(f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY')


class Migration(migrations.Migration):
    dependencies = [
        ('privacy', '0005_referral_lists_label'),
        ('participants', '0022_participant_municipality_required'),
    ]

    operations = [migrations.RunPython(enable, disable, elidable=False)]
