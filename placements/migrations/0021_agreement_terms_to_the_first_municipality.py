"""The standard terms per municipality, the data (0020 adds the key, 0022 makes it required).

The existing versions were one installation-wide chain. They go, all of them, to the first
municipality by id: the installation's own (accounts 0014 made it from the settings), whose
agreements they were printed in. They do not go to every municipality: another municipality's
administrator adds its own terms, and until then its placements' agreements cannot be sent for
signing (as an installation without terms could not before). An installation with no municipality
yet has no placement and no agreement document either: its versions (the text of 0014) are removed,
since a version now belongs to a municipality; the administrator of the municipality added later
adds its terms in the admin.

Frozen: the historical models only, no app code."""

from django.db import migrations


def terms_to_the_first_municipality(apps, schema_editor):
    AgreementTerms = apps.get_model("placements", "AgreementTerms")
    Municipality = apps.get_model("accounts", "Municipality")
    first = Municipality.objects.order_by("pk").first()
    if first is None:
        AgreementTerms.objects.all().delete()
        return
    AgreementTerms.objects.filter(municipality__isnull=True).update(municipality=first)


# A migration of its own: on PostgreSQL, a table with rows updated (or deleted) in a transaction takes
# no ALTER TABLE or CREATE INDEX in the same one ("pending trigger events").
class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0015_team_municipality_required"),
        ("placements", "0020_agreement_terms_per_municipality"),
    ]

    operations = [migrations.RunPython(terms_to_the_first_municipality, migrations.RunPython.noop)]
