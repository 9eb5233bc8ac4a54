"""Every existing case file belongs to the municipality of its team (accounts 0014 put every team
in one), pseudonymised ones too: the statistics keep counting them where they belong."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def from_team(apps, schema_editor):
    Participant = apps.get_model("participants", "Participant")
    Team = apps.get_model("accounts", "Team")
    Participant.objects.filter(municipality__isnull=True).update(
        municipality=Subquery(Team.objects.filter(pk=OuterRef("team_id")).values("municipality_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0020_participant_municipality"),
        ("accounts", "0014_existing_data_into_one_municipality"),
    ]

    operations = [migrations.RunPython(from_team, migrations.RunPython.noop)]
