"""Seed the retention rules for the case journal (data only; the choices are in 0003). The periods are
starting points; the municipality's document management plan decides, and an administrator changes
them in the admin. The rationale is in Swedish, as the administrators who edit it read it."""

from django.db import migrations

DEFAULTS = [
    (
        "case_notes",
        "exit",
        12,
        "months",
        "erase",
        "Journalanteckningarna är arbetsmaterial under insatsen och uppföljningen efter den (180 dagar). Ett år "
        "efter att deltagaren lämnat insatsen raderas de; statistiken räknar dem inte.",
    ),
    (
        "tasks",
        "recorded",
        12,
        "months",
        "erase",
        "En uppgift behövs tills den är gjord och en tid efter, för att kunna visa vad som gjordes åt en "
        "handledares oro. Ett år efter att den markerats som gjord raderas den; öppna uppgifter ligger kvar.",
    ),
]


def seed(apps, schema_editor):
    RetentionRule = apps.get_model("privacy", "RetentionRule")
    for record_type, trigger, period, unit, action, rationale in DEFAULTS:
        RetentionRule.objects.get_or_create(
            record_type=record_type,
            defaults={"trigger": trigger, "period": period, "unit": unit, "action": action, "rationale": rationale},
        )


def unseed(apps, schema_editor):
    apps.get_model("privacy", "RetentionRule").objects.filter(record_type__in=[d[0] for d in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("privacy", "0003_case_notes_and_tasks_record_types")]

    operations = [migrations.RunPython(seed, unseed)]
