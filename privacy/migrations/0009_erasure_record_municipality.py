"""An erasure record belongs to the erased case file's municipality: the key, nullable until 0010 has
filled it (0011 makes it required). Numbered 0009 beside another branch's 0008; it depends on 0007."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0015_team_municipality_required"),
        ("privacy", "0008_row_level_security_on_the_placements_rows"),
    ]

    operations = [
        migrations.AddField(
            model_name="erasurerecord",
            name="municipality",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="erasure_records",
                to="accounts.municipality",
                verbose_name="municipality",
            ),
        ),
    ]
