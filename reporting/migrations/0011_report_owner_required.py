import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reporting", "0010_existing_reports_into_one_municipality")]

    operations = [
        migrations.AlterField(
            model_name="target",
            name="municipality",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="targets",
                to="accounts.municipality",
                verbose_name="municipality",
            ),
        ),
        migrations.AddConstraint(
            model_name="quarterlyreport",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("municipality__isnull", False), ("region__isnull", True)),
                    models.Q(("municipality__isnull", True), ("region__isnull", False)),
                    _connector="OR",
                ),
                name="report_of_a_municipality_or_a_region",
            ),
        ),
        migrations.AddConstraint(
            model_name="dashboardsummary",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("municipality__isnull", False), ("region__isnull", True)),
                    models.Q(("municipality__isnull", True), ("region__isnull", False)),
                    _connector="OR",
                ),
                name="summary_of_a_municipality_or_a_region",
            ),
        ),
    ]
