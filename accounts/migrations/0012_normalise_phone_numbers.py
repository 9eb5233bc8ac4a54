"""Users' phone numbers stored as typed ("063-123 45 67") become E.164 ("+46631234567"), as the user
forms now store them and as participants' and supervisors' numbers already are; a number that is not
valid is left as it was. Self-contained: the rule is sms.phone_numbers', repeated here on purpose."""

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
    model = apps.get_model("accounts", "User")
    for pk, phone in model.objects.exclude(phone="").values_list("pk", "phone").iterator(chunk_size=2000):
        normalised = _e164(phone) if len(phone) <= 50 else None
        if normalised and normalised != phone:
            model.objects.filter(pk=pk).update(phone=normalised)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0011_access_action_sms")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop, elidable=True)]
