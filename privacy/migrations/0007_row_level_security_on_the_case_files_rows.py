"""On PostgreSQL, row-level security by municipality on every other table of the case file, now that
each carries the key (participants 0023–0025). The placements' tables wait: a need's places and a
supervisor's load are counted across municipalities (accounts.tenancy)."""

from django.db import migrations

from accounts.tenancy import row_security_operations


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0006_row_level_security_by_municipality"),
        ("participants", "0025_tenant_key_required"),
    ]

    operations = row_security_operations(
        [
            "participants_casenote",
            "participants_exit",
            "participants_interest",
            "participants_participantprerequisite",
            "participants_programmestatus",
            "participants_recordsextractcheck",
            "participants_referralimport",
            "participants_statuschange",
            "participants_studytime",
            "participants_task",
            "participants_textmessage",
            "participants_workexperience",
        ]
    )
