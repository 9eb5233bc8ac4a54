"""The group of the Regional manager role (data only; the schema is in 0016). Like the Manager
group it holds no model permission: what it sees is decided in accounts.access."""

from django.db import migrations

NAME = "RegionalManager"


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name=NAME)


def remove_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0016_regions")]

    operations = [migrations.RunPython(create_group, remove_group)]
