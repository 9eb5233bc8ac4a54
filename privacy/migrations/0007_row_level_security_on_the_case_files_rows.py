"""On PostgreSQL, row-level security by municipality on every other table of the case file, now that
each carries the key (participants 0023–0025). The placements' tables wait: a need's places and a
supervisor's load are counted across municipalities (accounts.tenancy)."""

from django.db import migrations

# The policy as it was written when this migration was made: frozen here, so that a later change to
# accounts.tenancy does not change what this migration does (a new policy is a new migration).
SETTING = "platsa.municipalities"
SYSTEM = f"(SELECT coalesce(current_setting('{SETTING}', true), '') = '')"
BOUND = f"municipality_id = ANY ((SELECT nullif(current_setting('{SETTING}', true), '')::bigint[])::bigint[])"
EXPRESSION = f"{SYSTEM} OR {BOUND}"
TABLES = (
    "participants_casenote",
    "participants_exit",
    "participants_interest",
    "participants_participantprerequisite",
    "participants_programmestatus",
    "participants_recordsextractcheck",
    "participants_referralimport",
    "participants_statuschange",
    "participants_studytime",
    "participants_task",
    "participants_textmessage",
    "participants_workexperience",
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
        ('privacy', '0006_row_level_security_by_municipality'),
        ('participants', '0025_tenant_key_required'),
    ]

    operations = [migrations.RunPython(enable, disable, elidable=False)]
