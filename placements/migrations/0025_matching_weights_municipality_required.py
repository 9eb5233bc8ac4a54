"""Every row of matching weights belongs to a municipality (filled in 0024). A migration of its own:
on PostgreSQL, rows updated before an ALTER TABLE in the same transaction are refused."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("placements", "0024_matching_weights_to_every_municipality")]

    operations = [
        migrations.AlterField(
            model_name="matchingweights",
            name="municipality",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="matching_weights",
                to="accounts.municipality",
                verbose_name="municipality",
            ),
        ),
    ]
