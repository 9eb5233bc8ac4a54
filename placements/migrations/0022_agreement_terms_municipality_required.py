"""Every version of the standard terms belongs to a municipality (filled in 0021). A migration of
its own: on PostgreSQL, rows updated before an ALTER TABLE in the same transaction are refused."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("placements", "0021_agreement_terms_to_the_first_municipality")]

    operations = [
        migrations.AlterField(
            model_name="agreementterms",
            name="municipality",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="agreement_terms",
                to="accounts.municipality",
                verbose_name="municipality",
            ),
        ),
    ]
