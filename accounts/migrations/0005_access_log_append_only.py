"""On PostgreSQL, make the access log append-only in the database too: a trigger refuses every
UPDATE and DELETE, whatever the client. (SQLite, the development default, relies on the model.)"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION accounts_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER accounts_accesslog_append_only
    BEFORE UPDATE OR DELETE ON accounts_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION accounts_accesslog_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS accounts_accesslog_append_only ON accounts_accesslogentry;
DROP FUNCTION IF EXISTS accounts_accesslog_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_access_log")]

    operations = [migrations.RunPython(create, drop)]
