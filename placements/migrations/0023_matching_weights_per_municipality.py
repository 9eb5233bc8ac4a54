"""The matching weights per municipality: the key, nullable until 0024 has filled it (0025 makes it
required). One row per municipality (a one-to-one key)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0015_team_municipality_required"),
        ("placements", "0022_agreement_terms_municipality_required"),
    ]

    operations = [
        migrations.AddField(
            model_name="matchingweights",
            name="municipality",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="matching_weights",
                to="accounts.municipality",
                verbose_name="municipality",
            ),
        ),
    ]
