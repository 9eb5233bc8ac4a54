"""English names for the reference data every installation starts with (0002) and for the demo's
districts. A name an administrator has already given is kept."""

from django.db import migrations

PLACEMENT_TYPES = {
    "praktik": "Work experience placement (Employment Service)",
    "kommunal-praktik": "Municipal work experience placement",
    "introduktionsjobb": "Introductory job",
    "nystartsjobb": "New start job",
    "etableringsjobb": "Establishment job",
    "lonestod": "Wage subsidy",
    "extratjanst": "Extra job",
    "sommarvikariat": "Summer temp job",
    "feriejobb": "Summer job for young people",
    "anstallning": "Employment",
}

JOB_TRACKS = {
    "eget-foretagande": "Starting a business",
    "restaurang-storkok": "Restaurants and institutional kitchens",
    "industri": "Manufacturing",
    "utan-gymnasieutbildning": "Special track without upper-secondary education",
}

# The demo's districts (demo/catalogue.py) where the English name differs; place names stay as they are.
DISTRICTS = {
    "Centrum": "Town centre",
    "Stadsdel Norr": "North district",
}


def fill(apps, schema_editor):
    for model, names, key in (
        ("PlacementType", PLACEMENT_TYPES, "code"),
        ("JobTrack", JOB_TRACKS, "code"),
        ("District", DISTRICTS, "name"),
    ):
        manager = apps.get_model("taxonomy", model).objects
        for value, name_en in names.items():
            manager.filter(**{key: value, "name_en": ""}).update(name_en=name_en)


class Migration(migrations.Migration):
    dependencies = [("taxonomy", "0003_english_names")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
