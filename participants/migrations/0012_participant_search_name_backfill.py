"""Fill Participant.search_name for the case files that exist: the names folded as accounts.search.fold
folds them (copied here, as a migration keeps the rule it ran with). Pseudonymised case files have no
names, so their column stays empty."""

import unicodedata

from django.db import migrations

BATCH = 2000


def _fold(text):
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def backfill(apps, schema_editor):
    Participant = apps.get_model("participants", "Participant")
    people = Participant.objects.order_by("pk").only("pk", "first_name", "last_name")
    batch = []
    for person in people.iterator(chunk_size=BATCH):
        person.search_name = _fold(" ".join(part for part in (person.first_name, person.last_name) if part))
        batch.append(person)
        if len(batch) == BATCH:
            Participant.objects.bulk_update(batch, ["search_name"])
            batch = []
    if batch:
        Participant.objects.bulk_update(batch, ["search_name"])


class Migration(migrations.Migration):
    dependencies = [("participants", "0011_participant_search_name")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
