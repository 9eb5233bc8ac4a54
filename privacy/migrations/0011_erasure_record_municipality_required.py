"""Every erasure record belongs to a municipality (filled in 0010). A migration of its own: on
PostgreSQL, rows updated before an ALTER TABLE in the same transaction are refused."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("privacy", "0010_erasure_record_municipality_backfill")]

    operations = [
        migrations.AlterField(
            model_name="erasurerecord",
            name="municipality",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="erasure_records",
                to="accounts.municipality",
                verbose_name="municipality",
            ),
        ),
    ]
