"""Every existing organisation becomes local to the installation's municipality: an installation has
one (accounts 0014 made it). If there are several, the first by id is taken (an installation that
already has several municipalities moves its other municipalities' organisations in the admin
afterwards). If organisations exist but no municipality does, one is made from the settings as
accounts 0014 does, so that nothing is lost. Frozen: the models come from the migration state."""

from django.conf import settings
from django.db import migrations


def into_one_municipality(apps, schema_editor):
    Organisation = apps.get_model("workplaces", "Organisation")
    Municipality = apps.get_model("accounts", "Municipality")
    orphans = Organisation.objects.filter(municipality__isnull=True, region__isnull=True)
    if not orphans.exists():
        return
    municipality = Municipality.objects.order_by("pk").first()
    if municipality is None:
        letterhead = getattr(settings, "PLATSA_LETTERHEAD", {})
        municipality = Municipality.objects.create(
            code=settings.PLATSA_MUNICIPALITY_CODE,
            name=settings.PLATSA_MUNICIPALITY_NAME,
            letterhead_unit=letterhead.get("unit", ""),
            letterhead_address=letterhead.get("address", ""),
            letterhead_phone=letterhead.get("phone", ""),
            letterhead_email=letterhead.get("email", ""),
            letterhead_web=letterhead.get("web", ""),
            contact_email=letterhead.get("email", ""),
            contact_phone=letterhead.get("phone", ""),
        )
    orphans.update(municipality=municipality)


class Migration(migrations.Migration):
    dependencies = [("workplaces", "0005_organisation_municipality_region")]

    operations = [migrations.RunPython(into_one_municipality, migrations.RunPython.noop)]
