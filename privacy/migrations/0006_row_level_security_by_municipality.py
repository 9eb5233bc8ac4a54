"""On PostgreSQL, the database's own bound on case files: row-level security by municipality on the
participants table (accounts.tenancy says how the app sets it). SQLite keeps the application's scope
only. A later migration adds tables the same way, with its own list of names."""

from django.db import migrations

from accounts.tenancy import row_security_operations


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0005_referral_lists_label"),
        ("participants", "0022_participant_municipality_required"),
    ]

    operations = row_security_operations(["participants_participant"])
