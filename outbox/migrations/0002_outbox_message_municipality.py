"""Whose rows a queued task is about (null: installation-level work). Not filled for the messages
queued before: pending ones are relayed within minutes, sent ones are history."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0015_team_municipality_required"),
        ("outbox", "0001_outbox_message"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxmessage",
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.municipality",
                verbose_name="municipality",
            ),
        ),
    ]
