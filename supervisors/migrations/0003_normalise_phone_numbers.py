"""Phone numbers stored as typed ("070-123 45 67") become E.164 ("+46701234567"), as the forms now
store them; a number that is not valid is left as it was (the case file still shows it, and no text
message is sent to it). Self-contained: the rule is sms.phone_numbers', repeated here on purpose."""

import phonenumbers
from django.db import migrations


def _e164(value):
    try:
        number = phonenumbers.parse(value.strip(), "SE")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise(apps, schema_editor):
    model = apps.get_model("supervisors", "Supervisor")
    for pk, phone in model.objects.exclude(phone="").values_list("pk", "phone").iterator(chunk_size=2000):
        normalised = _e164(phone) if len(phone) <= 50 else None
        if normalised and normalised != phone:
            model.objects.filter(pk=pk).update(phone=normalised)


class Migration(migrations.Migration):
    dependencies = [("supervisors", "0002_supervisor_reminders_by")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop, elidable=True)]
