"""On PostgreSQL, a trigram GIN index on Participant.search_name, so that the list's search
(`search_name LIKE '%word%'`, participants.search) is answered from the index. pg_trgm is a trusted
extension (PostgreSQL 13 and later): the database's owner may create it. SQLite has no such index and
scans; both operations are no-ops there. The index is kept out of the model's Meta: SQLite rebuilds
a table with every index of the model state, and it cannot build this one."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = GinIndex(fields=["search_name"], opclasses=["gin_trgm_ops"], name="participant_search_name_trgm")


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.add_index(apps.get_model("participants", "Participant"), INDEX)


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.remove_index(apps.get_model("participants", "Participant"), INDEX)


class Migration(migrations.Migration):
    dependencies = [("participants", "0012_participant_search_name_backfill")]

    operations = [TrigramExtension(), migrations.RunPython(add_index, remove_index)]
