"""The matching weights per municipality, the data (0023 adds the key, 0025 makes it required).

The installation had one row in force (the first by id; `MatchingWeights.current` read no other),
which ranked every municipality's participants. It goes to the first municipality by id, the
installation's own (accounts 0014 made it from the settings), and every other municipality gets a
copy of it, so that no ranking changes by migrating: each municipality's administrator changes their
own from then on. Rows besides the one in force were never read and are removed. An installation with
no municipality yet has no participant to rank: its row is removed too, and a municipality added later
ranks with the defaults (the model's field defaults) until its administrator saves weights.

Backwards: the first municipality's row stays the installation's, the copies are removed.

Frozen: the historical models only, no app code."""

from django.db import migrations

CRITERIA = (
    "experience",
    "interest",
    "job_track",
    "swedish_margin",
    "education",
    "distance",
    "programme_urgency",
    "waiting_time",
    "history",
    "supervisor",
)


def weights_to_every_municipality(apps, schema_editor):
    MatchingWeights = apps.get_model("placements", "MatchingWeights")
    Municipality = apps.get_model("accounts", "Municipality")
    in_force = MatchingWeights.objects.filter(municipality__isnull=True).order_by("pk").first()
    if in_force is None:
        return
    municipalities = list(Municipality.objects.order_by("pk").values_list("pk", flat=True))
    MatchingWeights.objects.filter(municipality__isnull=True).exclude(pk=in_force.pk).delete()
    if not municipalities:
        in_force.delete()
        return
    first, others = municipalities[0], municipalities[1:]
    taken = set(MatchingWeights.objects.filter(municipality__isnull=False).values_list("municipality_id", flat=True))
    values = {name: getattr(in_force, name) for name in CRITERIA}
    MatchingWeights.objects.bulk_create(
        MatchingWeights(municipality_id=pk, **values) for pk in others if pk not in taken
    )
    if first in taken:
        in_force.delete()
    else:
        in_force.municipality_id = first
        in_force.save(update_fields=["municipality"])


def weights_back_to_the_installation(apps, schema_editor):
    MatchingWeights = apps.get_model("placements", "MatchingWeights")
    Municipality = apps.get_model("accounts", "Municipality")
    first = Municipality.objects.order_by("pk").values_list("pk", flat=True).first()
    MatchingWeights.objects.exclude(municipality_id=first).delete()
    MatchingWeights.objects.update(municipality=None)


# A migration of its own: on PostgreSQL, a table with rows updated (or deleted) in a transaction takes
# no ALTER TABLE or CREATE INDEX in the same one ("pending trigger events").
class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0015_team_municipality_required"),
        ("placements", "0023_matching_weights_per_municipality"),
    ]

    operations = [migrations.RunPython(weights_to_every_municipality, weights_back_to_the_installation)]
