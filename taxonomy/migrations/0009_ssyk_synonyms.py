"""Common occupation titles as synonyms of their SSYK unit group (taxonomy/data/ssyk_synonyms.csv):
"undersköterska" for 5321, "elektriker" for 7411, "kock" for 5120. Idempotent: a title a unit group
already has (compared folded, as searches compare) is not added again. Reversing leaves them."""

from django.db import migrations

from taxonomy.synonyms import SYNONYMS_FILE, load_synonym_rows, parse_synonyms_csv


def load(apps, schema_editor):
    load_synonym_rows(
        synonym_model=apps.get_model("taxonomy", "OccupationSynonym"),
        occupation_model=apps.get_model("taxonomy", "Occupation"),
        rows=parse_synonyms_csv(SYNONYMS_FILE),
    )


class Migration(migrations.Migration):
    dependencies = [("taxonomy", "0008_occupation_synonym")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
