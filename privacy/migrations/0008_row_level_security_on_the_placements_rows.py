"""On PostgreSQL, row-level security by municipality on the placements' tables (keyed in placements
0017–0019), as 0007 did for the rest of the case file. What is taken of a need or a supervisor is
still counted over every municipality's placements: those counts read placements 0023's view, which
reads in the system context."""

from django.db import migrations

# The policy as it was written when this migration was made: frozen here, so that a later change to
# accounts.tenancy does not change what this migration does (a new policy is a new migration).
SETTING = "platsa.municipalities"
SYSTEM = f"(SELECT coalesce(current_setting('{SETTING}', true), '') = '')"
BOUND = f"municipality_id = ANY ((SELECT nullif(current_setting('{SETTING}', true), '')::bigint[])::bigint[])"
EXPRESSION = f"{SYSTEM} OR {BOUND}"
TABLES = (
    "placements_acknowledgement",
    "placements_agreementdocument",
    "placements_certificate",
    "placements_followup",
    "placements_followuplink",
    "placements_lateroutcome",
    "placements_meeting",
    "placements_placement",
    "placements_placementevent",
    "placements_reminder",
    "placements_signature",
    "placements_signinglink",
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
        ("privacy", "0007_row_level_security_on_the_case_files_rows"),
        ("placements", "0026_placement_holds_for_the_counts"),
    ]

    operations = [migrations.RunPython(enable, disable, elidable=False)]
