"""The erasure records made before the key (0009 adds it, 0011 makes it required) get the erased case
file's municipality:

- a pseudonymised case file is still there: its municipality;
- an erased one is gone (only its former record number is kept): the municipality of the user who
  erased it, since an administrator erases only their own municipality's case files
  (accounts.access.erasure_scope);
- erased by a user of no municipality (a superuser): the first municipality by id, the installation's
  own (accounts 0014 made it from the settings), which held every case file before there were several.

Backwards: the key is emptied (0009's reverse removes it). Frozen: the historical models only."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def erasure_records_to_their_municipality(apps, schema_editor):
    ErasureRecord = apps.get_model("privacy", "ErasureRecord")
    Participant = apps.get_model("participants", "Participant")
    Municipality = apps.get_model("accounts", "Municipality")
    User = apps.get_model("accounts", "User")
    pending = ErasureRecord.objects.filter(municipality__isnull=True)
    pending.update(
        municipality_id=Subquery(Participant.objects.filter(pk=OuterRef("participant_id")).values("municipality_id"))
    )
    pending.update(municipality_id=Subquery(User.objects.filter(pk=OuterRef("by_id")).values("municipality_id")))
    first = Municipality.objects.order_by("pk").values_list("pk", flat=True).first()
    if first is not None:
        pending.update(municipality_id=first)


def erasure_records_unkeyed(apps, schema_editor):
    apps.get_model("privacy", "ErasureRecord").objects.update(municipality=None)


# A migration of its own: on PostgreSQL, a table with rows updated in a transaction takes no ALTER
# TABLE in the same one ("pending trigger events").
class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0025_tenant_key_required"),
        ("privacy", "0009_erasure_record_municipality"),
    ]

    operations = [migrations.RunPython(erasure_records_to_their_municipality, erasure_records_unkeyed)]
