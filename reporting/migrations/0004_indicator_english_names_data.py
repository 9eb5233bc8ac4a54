"""English names for the strategy's standard indicators (reporting.indicators.STANDARD, copied here
as migrations do not import app code), for installations that described them in Swedish only. A
name already given is kept; the definition stays the installation's own."""

from django.db import migrations

NAMES = {
    "matched-per-year": "Participants matched to a placement",
    "placements-started": "Placements started",
    "placements-active": "Placements active",
    "placements-completed": "Placements completed",
    "people-in-measures": "People in labour-market measures",
    "completed-work-or-studies-share": "Work or studies at the end",
    "later-outcome-90-share": "Work or studies 90 days after the end",
    "later-outcome-recorded-share": "Later outcomes recorded",
    "trained-supervisor-share": "Trained supervisors",
    "follow-ups-on-time-share": "Follow-ups on time",
    "supervisors-trained": "Supervisors trained",
    "left-social-assistance": "Left social assistance",
    "newcomers-work-or-studies-after-programme": "Newcomers in work or studies after the establishment programme",
}


def fill(apps, schema_editor):
    Indicator = apps.get_model("reporting", "Indicator")
    for code, name_en in NAMES.items():
        Indicator.objects.filter(code=code, name_en="").update(name_en=name_en)


class Migration(migrations.Migration):
    dependencies = [("reporting", "0003_indicator_english_names")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
