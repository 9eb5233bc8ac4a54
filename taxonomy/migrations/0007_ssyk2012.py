"""The whole SSYK 2012 (SCB's classification of occupations, all four levels, Swedish and English
names) from the file the repository ships, taxonomy/data/ssyk2012.csv.

Idempotent: codes already there (loaded earlier by `manage.py load_ssyk`) are left as they are when
their names match and renamed when SCB's names differ; nothing is deleted, since work experience and
needs may point at any code. Reversing leaves the rows (they may be pointed at).

Self-contained, as data migrations are (no app code): the file is checked by `taxonomy.ssyk`'s
parser in the tests and by `manage.py load_ssyk`; here it is only read."""

import csv
from pathlib import Path

from django.db import migrations

SSYK_FILE = Path(__file__).resolve().parent.parent / "data" / "ssyk2012.csv"


def load(apps, schema_editor):
    Occupation = apps.get_model("taxonomy", "Occupation")
    with open(SSYK_FILE, encoding="utf-8-sig", newline="") as handle:
        rows = [{key: value.strip() for key, value in row.items()} for row in csv.DictReader(handle)]
    rows.sort(key=lambda row: (int(row["level"]), row["code"]))  # parents before their children
    existing = {o.code: o for o in Occupation.objects.all()}
    new, changed = [], []
    for row in rows:
        values = {
            "level": int(row["level"]),
            "parent_id": row["parent"] or None,
            "name_sv": row["name_sv"],
            "name_en": row["name_en"],
        }
        current = existing.get(row["code"])
        if current is None:
            new.append(Occupation(code=row["code"], **values))
        elif any(getattr(current, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(current, field, value)
            changed.append(current)
    Occupation.objects.bulk_create(new, batch_size=500)
    Occupation.objects.bulk_update(changed, ["level", "parent", "name_sv", "name_en"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("taxonomy", "0006_default_prerequisites")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
