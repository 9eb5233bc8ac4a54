import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0014_existing_data_into_one_municipality")]

    operations = [
        migrations.AlterField(
            model_name="team",
            name="municipality",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="teams",
                to="accounts.municipality",
                verbose_name="municipality",
            ),
        ),
    ]
