"""Organisation names unique per municipality (local ones) and per region (regional ones), no longer
over the whole installation: existing rows were unique over it, so they satisfy both."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0019_log_review_per_municipality'),
        ('workplaces', '0007_organisation_local_or_regional'),
    ]

    operations = [
        migrations.AlterField(
            model_name='organisation',
            name='name',
            field=models.CharField(max_length=200, verbose_name='name'),
        ),
        migrations.AddConstraint(
            model_name='organisation',
            constraint=models.UniqueConstraint(condition=models.Q(('municipality__isnull', False)), fields=('municipality', 'name'), name='organisation_unique_name_per_municipality', violation_error_code='name_taken', violation_error_message='The municipality has an organisation of this name already.'),
        ),
        migrations.AddConstraint(
            model_name='organisation',
            constraint=models.UniqueConstraint(condition=models.Q(('region__isnull', False)), fields=('region', 'name'), name='organisation_unique_name_per_region', violation_error_code='name_taken', violation_error_message='The region has a regional employer of this name already.'),
        ),
    ]
