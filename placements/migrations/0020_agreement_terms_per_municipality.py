"""The standard terms per municipality: the key, nullable until 0021 has filled it (0022 makes it
required)."""

import django.db.models.deletion
from django.db import migrations, models


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
    ]
