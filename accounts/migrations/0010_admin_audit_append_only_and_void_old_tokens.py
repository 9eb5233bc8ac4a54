"""Two steps after the new models:

- On PostgreSQL, the administration log is append-only in the database too (as the access log, 0005).
- The keys of rest_framework.authtoken, which this release removes, were stored and listed in clear to
  every administrator: they are void. If that table is still there, its rows are deleted; integrations
  get new tokens (accounts.ApiToken, hashed). Not reversible: a deleted key cannot come back.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION accounts_adminaudit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER accounts_adminaudit_append_only
    BEFORE UPDATE OR DELETE ON accounts_adminauditentry
    FOR EACH ROW EXECUTE FUNCTION accounts_adminaudit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS accounts_adminaudit_append_only ON accounts_adminauditentry;
DROP FUNCTION IF EXISTS accounts_adminaudit_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


def void_clear_text_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if "authtoken_token" in connection.introspection.table_names():
        schema_editor.execute("DELETE FROM authtoken_token")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0009_admin_escalation_guards")]

    operations = [
        migrations.RunPython(create, drop),
        migrations.RunPython(void_clear_text_tokens, migrations.RunPython.noop),
    ]
