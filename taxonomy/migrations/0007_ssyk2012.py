"""The whole SSYK 2012 (SCB's classification of occupations, all four levels, Swedish and English
names) from the file the repository ships, taxonomy/data/ssyk2012.csv.

Idempotent: codes already there (loaded earlier by `manage.py load_ssyk`) are left as they are when
their names match and renamed when SCB's names differ; nothing is deleted, since work experience and
needs may point at any code. Reversing leaves the rows (they may be pointed at)."""

from django.db import migrations

from taxonomy.ssyk import SSYK_FILE, load_rows, parse_ssyk_csv


def load(apps, schema_editor):
    load_rows(model=apps.get_model("taxonomy", "Occupation"), rows=parse_ssyk_csv(SSYK_FILE))


class Migration(migrations.Migration):
    dependencies = [("taxonomy", "0006_default_prerequisites")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
