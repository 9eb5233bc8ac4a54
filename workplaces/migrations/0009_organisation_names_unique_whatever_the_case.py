"""Organisation names unique per municipality and per region whatever the case of their letters
("Region Jämtland" and "region jämtland" are one name).

Names that differ only in case are not renamed here: which one is right, and whether the two are one
employer, is for someone who knows them. The migration stops first, before changing anything, with a
message naming them; rename (or merge) one of each in the admin and migrate again.
"""

import django.db.models.functions.text
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import Lower


def refuse_names_differing_only_in_case(apps, schema_editor):
    Organisation = apps.get_model("workplaces", "Organisation")
    clashes = []
    for scope in ("municipality", "region"):
        rows = Organisation.objects.filter(**{f"{scope}__isnull": False})
        groups = (
            rows.values(scope, lowered=Lower("name"))
            .annotate(count=Count("id"))
            .filter(count__gt=1)
            .order_by(scope, "lowered")
        )
        for group in groups:
            same = rows.annotate(lowered=Lower("name")).filter(**{scope: group[scope], "lowered": group["lowered"]})
            names = ", ".join(f"{name!r} (id {pk})" for pk, name in same.order_by("pk").values_list("pk", "name"))
            clashes.append(f"  {scope} id {group[scope]}: {names}")
    if clashes:
        raise RuntimeError(
            "workplaces 0009 makes organisation names unique whatever the case, and these differ only in "
            "case within one municipality or region:\n"
            + "\n".join(clashes)
            + "\nRename (or merge) one of each in the admin, then migrate again. Nothing was changed."
        )


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0019_log_review_per_municipality'),
        ('workplaces', '0008_organisation_names_per_municipality_and_region'),
    ]

    operations = [
        # Reads only, so it may share the migration (and its transaction) with the constraints.
        migrations.RunPython(refuse_names_differing_only_in_case, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name='organisation',
            name='organisation_unique_name_per_municipality',
        ),
        migrations.RemoveConstraint(
            model_name='organisation',
            name='organisation_unique_name_per_region',
        ),
        migrations.AddConstraint(
            model_name='organisation',
            constraint=models.UniqueConstraint(models.F('municipality'), django.db.models.functions.text.Lower('name'), condition=models.Q(('municipality__isnull', False)), name='organisation_unique_name_per_municipality', violation_error_code='name_taken', violation_error_message='The municipality has an organisation of this name already.'),
        ),
        migrations.AddConstraint(
            model_name='organisation',
            constraint=models.UniqueConstraint(models.F('region'), django.db.models.functions.text.Lower('name'), condition=models.Q(('region__isnull', False)), name='organisation_unique_name_per_region', violation_error_code='name_taken', violation_error_message='The region has a regional employer of this name already.'),
        ),
    ]
