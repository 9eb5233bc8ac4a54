"""Exactly one of municipality (local) and region (regional), now that every row has one (0006)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("workplaces", "0006_existing_organisations_into_one_municipality")]

    operations = [
        migrations.AddConstraint(
            model_name="organisation",
            constraint=models.CheckConstraint(
                condition=models.Q(models.Q(("municipality__isnull", False), ("region__isnull", True)))
                | models.Q(models.Q(("municipality__isnull", True), ("region__isnull", False))),
                name="organisation_local_or_regional",
                violation_error_code="local_or_regional",
                violation_error_message="An organisation is local to a municipality or regional: give the one or the other.",
            ),
        ),
    ]
