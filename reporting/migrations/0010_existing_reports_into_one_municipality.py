"""Targets and quarterly reports made before municipalities go to the installation's one
municipality (the one accounts 0014 made from PLATSA_MUNICIPALITY_CODE and the settings), with no
loss. Dashboard summaries are a cache of figures: they are deleted and computed again per
municipality on the first look."""

from django.conf import settings
from django.db import migrations


def into_one_municipality(apps, schema_editor):
    Municipality = apps.get_model("accounts", "Municipality")
    Target = apps.get_model("reporting", "Target")
    QuarterlyReport = apps.get_model("reporting", "QuarterlyReport")
    DashboardSummary = apps.get_model("reporting", "DashboardSummary")
    DashboardSummary.objects.filter(municipality__isnull=True, region__isnull=True).delete()
    targets = Target.objects.filter(municipality__isnull=True)
    reports = QuarterlyReport.objects.filter(municipality__isnull=True, region__isnull=True)
    if not targets.exists() and not reports.exists():
        return
    only = list(Municipality.objects.all()[:2])
    if len(only) == 1:
        # The one the teams and case files went to (accounts 0014), whatever its code is by now.
        targets.update(municipality=only[0])
        reports.update(municipality=only[0])
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
        },
    )
    targets.update(municipality=municipality)
    reports.update(municipality=municipality)


class Migration(migrations.Migration):
    dependencies = [("reporting", "0009_reports_and_targets_per_municipality")]

    operations = [migrations.RunPython(into_one_municipality, migrations.RunPython.noop)]
