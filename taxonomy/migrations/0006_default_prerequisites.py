"""Prerequisites every installation starts with (data only; the schema is in 0005). Administrators
rename, add and deactivate them in the admin afterwards."""

from django.db import migrations

# code, name, English name, valid for (months; None: does not expire)
PREREQUISITES = [
    ("tystnadsforbindelse", "Undertecknad tystnadsförbindelse", "Signed confidentiality undertaking", None),
    ("hygienutbildning", "Hygienutbildning", "Hygiene course", 36),
    ("vaccination", "Vaccination", "Vaccination", None),
    ("arbetsklader", "Arbetskläder", "Work clothes", None),
    ("passerkort", "Passerkort", "Key card", None),
]


def seed(apps, schema_editor):
    Prerequisite = apps.get_model("taxonomy", "Prerequisite")
    for code, name, name_en, valid_months in PREREQUISITES:
        Prerequisite.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "valid_months": valid_months}
        )


def unseed(apps, schema_editor):
    apps.get_model("taxonomy", "Prerequisite").objects.filter(code__in=[p[0] for p in PREREQUISITES]).delete()


class Migration(migrations.Migration):
    dependencies = [("taxonomy", "0005_prerequisite")]

    operations = [migrations.RunPython(seed, unseed)]
