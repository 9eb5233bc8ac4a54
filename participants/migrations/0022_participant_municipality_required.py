import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("participants", "0021_participant_municipality_from_team")]

    operations = [
        migrations.AlterField(
            model_name="participant",
            name="municipality",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="participants",
                to="accounts.municipality",
                verbose_name="municipality",
            ),
        ),
    ]
