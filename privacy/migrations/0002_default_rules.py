"""Seed the retention rules with defaults (data only; the schema is in 0001).

The periods are defensible starting points for a Swedish municipal labour-market unit; the
municipality's document management plan (dokumenthanteringsplan) decides the real ones, and an
administrator changes them in the admin. The rationale is stored with each rule, in Swedish, as the
administrators who edit it read it.
"""

from django.db import migrations

DEFAULTS = [
    (
        "case_file",
        "exit",
        24,
        "months",
        "pseudonymise",
        "Två år efter att deltagaren lämnat insatsen: räcker för uppföljningen 90 och 180 dagar efter avslut, "
        "för årsrapporten och för frågor från Arbetsförmedlingen. Akten avidentifieras i stället för att raderas "
        "så att statistiken, som är allmän handling, består. Dokumenthanteringsplanen avgör.",
    ),
    (
        "follow_up_notes",
        "placement_end",
        12,
        "months",
        "pseudonymise",
        "Anteckningarna är arbetsmaterial under praktiken och uppföljningen efter den (180 dagar). Ett år efter "
        "avslut töms fritexten; datum, närvaro och bedömningar som statistiken räknar finns kvar.",
    ),
    (
        "placement_documents",
        "placement_end",
        24,
        "months",
        "pseudonymise",
        "Praktikintyget kan begäras av deltagaren i upp till två år efter avslut; därefter töms namn i "
        "kvittenser, handledarens bedömning, avbrottsorsak och beslutsnummer.",
    ),
    (
        "records_checks",
        "recorded",
        12,
        "months",
        "erase",
        "Ett utdrag ur belastningsregistret får vara högst ett år gammalt; att det kontrollerats behövs inte "
        "därefter.",
    ),
    (
        "referral_uploads",
        "recorded",
        30,
        "days",
        "erase",
        "En uppladdad remisslista ska importeras eller kastas inom några dagar; en bortglömd lista med "
        "personnummer raderas efter 30 dagar.",
    ),
    (
        "access_log",
        "recorded",
        60,
        "months",
        "keep",
        "Loggen visar vem som tagit del av en akt och behövs för loggranskning, tillsyn och den enskildes "
        "begäran. Fem år som utgångspunkt; loggen kan bara gallras i databasen, enligt beslut.",
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
    dependencies = [("privacy", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
