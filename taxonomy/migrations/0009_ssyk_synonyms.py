"""Common occupation titles as synonyms of their SSYK unit group (taxonomy/data/ssyk_synonyms.csv):
"undersköterska" for 5321, "elektriker" for 7411, "kock" for 5120. Idempotent: a title a unit group
already has (compared folded, as searches compare) is not added again. Reversing leaves them.

Self-contained, as data migrations are (no app code): the fold is `accounts.search.fold` as it stood
when this was written, and a title of a code that is not a unit group here is left out (the tests
check the shipped file against the shipped classification)."""

import csv
import unicodedata
from pathlib import Path

from django.db import migrations

SYNONYMS_FILE = Path(__file__).resolve().parent.parent / "data" / "ssyk_synonyms.csv"


def fold(text):
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def load(apps, schema_editor):
    Occupation = apps.get_model("taxonomy", "Occupation")
    OccupationSynonym = apps.get_model("taxonomy", "OccupationSynonym")
    units = set(Occupation.objects.filter(level=4).values_list("code", flat=True))
    existing = set(OccupationSynonym.objects.values_list("title_folded", "occupation_id"))
    new = []
    with open(SYNONYMS_FILE, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            code, title, language = row["code"].strip(), row["title"].strip(), row["language"].strip()
            key = (fold(title), code)
            if code not in units or not title or key in existing:
                continue
            existing.add(key)
            new.append(OccupationSynonym(occupation_id=code, title=title, title_folded=key[0], language=language))
    OccupationSynonym.objects.bulk_create(new, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("taxonomy", "0008_occupation_synonym")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
