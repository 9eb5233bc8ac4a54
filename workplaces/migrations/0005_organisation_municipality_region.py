"""An organisation is local to a municipality or regional (a region's); a regional one's needs are
published to chosen municipalities. Nullable here: 0006 fills the existing rows, 0007 adds the constraint."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0016_regions'),
        ('workplaces', '0004_need_working_hours'),
    ]

    operations = [
        migrations.AddField(
            model_name='need',
            name='published_to',
            field=models.ManyToManyField(blank=True, help_text="A regional employer's need: the municipalities whose coordinators may propose their participants for it. A local employer's need is its municipality's only.", related_name='+', to='accounts.municipality', verbose_name='published to'),
        ),
        migrations.AddField(
            model_name='organisation',
            name='municipality',
            field=models.ForeignKey(blank=True, help_text="A local employer's municipality. Empty for a regional employer.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='organisations', to='accounts.municipality', verbose_name='municipality'),
        ),
        migrations.AddField(
            model_name='organisation',
            name='region',
            field=models.ForeignKey(blank=True, help_text="A regional employer's region: its needs are published to chosen municipalities of the region. Empty for a local employer.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='organisations', to='accounts.region', verbose_name='region'),
        ),
    ]
