"""Every existing row of a case file gets its case file's municipality (participants 0021 gave every
case file its team's), and a referral upload its uploader's: one UPDATE per table, nothing lost."""

from django.db import migrations
from django.db.models import OuterRef, Subquery

CASE_FILE_ROWS = (
    "WorkExperience",
    "Interest",
    "StudyTime",
    "RecordsExtractCheck",
    "ParticipantPrerequisite",
    "StatusChange",
    "Exit",
    "ProgrammeStatus",
    "CaseNote",
    "Task",
    "TextMessage",
)


def from_the_case_file(apps, schema_editor):
    Participant = apps.get_model("participants", "Participant")
    case_file = Participant.objects.filter(pk=OuterRef("participant_id")).values("municipality_id")[:1]
    for name in CASE_FILE_ROWS:
        apps.get_model("participants", name).objects.filter(municipality__isnull=True).update(
            municipality=Subquery(case_file)
        )
    Team = apps.get_model("accounts", "Team")
    apps.get_model("participants", "ReferralImport").objects.filter(municipality__isnull=True).update(
        municipality=Subquery(Team.objects.filter(pk=OuterRef("team_id")).values("municipality_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [("participants", "0023_tenant_key_on_case_file_rows")]

    operations = [migrations.RunPython(from_the_case_file, migrations.RunPython.noop)]
