"""Every existing placement gets its participant's municipality (never its workplace's), then every
row of a placement its placement's, a signature and a signing link their document's, a follow-up
link its follow-up's, and a reminder that of its follow-up, placement or meeting: one UPDATE per
table, in that order, nothing lost."""

from django.db import migrations
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce

PLACEMENT_ROWS = ("PlacementEvent", "Acknowledgement", "LaterOutcome", "FollowUp", "Meeting", "AgreementDocument", "Certificate")


def _of(apps, model, column):
    return Subquery(apps.get_model(*model).objects.filter(pk=OuterRef(column)).values("municipality_id")[:1])


def from_the_participant(apps, schema_editor):
    def unkeyed(name):
        return apps.get_model("placements", name).objects.filter(municipality__isnull=True)

    unkeyed("Placement").update(municipality=_of(apps, ("participants", "Participant"), "participant_id"))
    for name in PLACEMENT_ROWS:
        unkeyed(name).update(municipality=_of(apps, ("placements", "Placement"), "placement_id"))
    for name in ("Signature", "SigningLink"):
        unkeyed(name).update(municipality=_of(apps, ("placements", "AgreementDocument"), "document_id"))
    unkeyed("FollowUpLink").update(municipality=_of(apps, ("placements", "FollowUp"), "follow_up_id"))
    unkeyed("Reminder").update(
        municipality=Coalesce(
            _of(apps, ("placements", "FollowUp"), "follow_up_id"),
            _of(apps, ("placements", "Placement"), "placement_id"),
            _of(apps, ("placements", "Meeting"), "meeting_id"),
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("placements", "0017_tenant_key_on_placement_rows"),
        ("participants", "0024_tenant_key_from_the_case_file"),
    ]

    operations = [migrations.RunPython(from_the_participant, migrations.RunPython.noop)]
