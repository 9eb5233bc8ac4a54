"""The standard terms per municipality (first of two steps; 0021 makes the key required).

The existing versions were one installation-wide chain. They go, all of them, to the first
municipality by id: the installation's own (accounts 0014 made it from the settings), whose
agreements they were printed in. They do not go to every municipality: another municipality's
administrator adds its own terms, and until then its placements' agreements cannot be sent for
signing (as an installation without terms could not before). An installation with no municipality
yet has no placement and no agreement document either: its versions (the text of 0014) are removed,
since a version now belongs to a municipality; the administrator of the municipality added later
adds its terms in the admin.

Frozen: the historical models only, no app code."""

import django.db.models.deletion
from django.db import migrations, models


def terms_to_the_first_municipality(apps, schema_editor):
    AgreementTerms = apps.get_model("placements", "AgreementTerms")
    Municipality = apps.get_model("accounts", "Municipality")
    first = Municipality.objects.order_by("pk").first()
    if first is None:
        AgreementTerms.objects.all().delete()
        return
    AgreementTerms.objects.filter(municipality__isnull=True).update(municipality=first)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0015_team_municipality_required"),
        ("placements", "0019_tenant_key_required"),
    ]

    operations = [
        migrations.AddField(
            model_name="agreementterms",
            name="municipality",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="agreement_terms",
                to="accounts.municipality",
                verbose_name="municipality",
            ),
        ),
        migrations.RunPython(terms_to_the_first_municipality, migrations.RunPython.noop),
    ]
