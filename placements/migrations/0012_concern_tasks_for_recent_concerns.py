"""Give the concerns the start page showed before tasks existed (logged in the last 30 days) an open task,
so that they stay on the start page until a coordinator closes them with the action taken. Older
concerns had already dropped off the start page and stay as they were. Data only."""

import datetime as dt

from django.db import migrations
from django.utils import timezone

RECENT_DAYS = 30


def open_tasks(apps, schema_editor):
    FollowUp = apps.get_model("placements", "FollowUp")
    Task = apps.get_model("participants", "Task")
    User = apps.get_model("accounts", "User")
    today = timezone.localdate()
    recent = FollowUp.objects.filter(
        concern=True, concern_task__isnull=True, done_on__gte=today - dt.timedelta(days=RECENT_DAYS)
    ).select_related("placement__participant", "placement__supervisor")
    for follow_up in recent:
        placement = follow_up.placement
        participant = placement.participant
        team = User.objects.filter(team_id=participant.team_id, groups__name="Coordinator", is_active=True)
        assignee = None
        for pk in (placement.coordinator_id, participant.coordinator_id):
            if pk is not None and team.filter(pk=pk).exists():
                assignee = team.get(pk=pk)
                break
        supervisor = placement.supervisor
        task = Task.objects.create(
            participant=participant,
            title=f"Oro från {supervisor.first_name} {supervisor.last_name}"[:200],
            detail=follow_up.concern_text[:2000],
            due_on=today,
            assignee=assignee,
        )
        follow_up.concern_task = task
        follow_up.save(update_fields=["concern_task"])


class Migration(migrations.Migration):
    dependencies = [
        ("placements", "0011_follow_up_concern_task"),
        ("participants", "0008_case_notes_and_tasks"),
        ("accounts", "0010_admin_audit_append_only_and_void_old_tokens"),
    ]

    operations = [migrations.RunPython(open_tasks, migrations.RunPython.noop)]
