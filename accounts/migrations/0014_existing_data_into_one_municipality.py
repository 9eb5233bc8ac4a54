"""The data of a single-municipality installation goes into one municipality, with no loss: the
municipality is made from the settings (PLATSA_MUNICIPALITY_NAME, PLATSA_MUNICIPALITY_CODE and
PLATSA_LETTERHEAD) and every team and every user belongs to it. A new installation with no team
and no user gets none here: its superuser adds the municipality in the admin. Participants follow
their team in participants 0021."""

from django.conf import settings
from django.db import migrations


def into_one_municipality(apps, schema_editor):
    Municipality = apps.get_model("accounts", "Municipality")
    Team = apps.get_model("accounts", "Team")
    User = apps.get_model("accounts", "User")
    if not Team.objects.filter(municipality__isnull=True).exists() and not (
        User.objects.filter(municipality__isnull=True).exists()
    ):
        return
    letterhead = getattr(settings, "PLATSA_LETTERHEAD", {})
    municipality, _created = Municipality.objects.get_or_create(
        code=settings.PLATSA_MUNICIPALITY_CODE,
        defaults={
            "name": settings.PLATSA_MUNICIPALITY_NAME,
            "letterhead_unit": letterhead.get("unit", ""),
            "letterhead_address": letterhead.get("address", ""),
            "letterhead_phone": letterhead.get("phone", ""),
            "letterhead_email": letterhead.get("email", ""),
            "letterhead_web": letterhead.get("web", ""),
            "contact_email": letterhead.get("email", ""),
            "contact_phone": letterhead.get("phone", ""),
        },
    )
    Team.objects.filter(municipality__isnull=True).update(municipality=municipality)
    User.objects.filter(municipality__isnull=True).update(municipality=municipality)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0013_municipalities")]

    operations = [migrations.RunPython(into_one_municipality, migrations.RunPython.noop)]
