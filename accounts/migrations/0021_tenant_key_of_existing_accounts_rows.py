"""Every existing row of the five accounts tables that belong to a municipality gets its key (0020
added the column), by the rules of the models, one UPDATE per step, nothing lost:

- an access-log entry and a break-glass grant: the case file's (participants 0021 gave each its
  team's). A case file erased since leaves none: then the user's municipality; for an access-log
  entry then another entry about the same record number that has one (the coordinator who
  registered the person, the administrator who erased them); then the installation's municipality,
  the first by id (until there were several, every case file was its: accounts 0014). Both are
  required from 0022 on;
- a role request: its team's, otherwise its user's; an API token: its user's (null if none);
- an administration-log entry: the account acted on's municipality, otherwise the acting account's
  (null: the installation's).

The access log and the administration log are append-only, on PostgreSQL by triggers (0005, 0010):
they are switched off for these UPDATEs alone and on again in the same transaction, after the
deferred foreign-key checks of the UPDATEs have run (PostgreSQL alters no table with trigger events
pending)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery

APPEND_ONLY = (
    ("accounts_accesslogentry", "accounts_accesslog_append_only"),
    ("accounts_adminauditentry", "accounts_adminaudit_append_only"),
)


def _triggers(schema_editor, state):
    if schema_editor.connection.vendor != "postgresql":
        return
    if state == "ENABLE":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for table, trigger in APPEND_ONLY:
        schema_editor.execute(f"ALTER TABLE {table} {state} TRIGGER {trigger}")


def _key(rows, source, column="municipality_id"):
    """Give the rows still without a key the municipality `source` (a subquery) finds in `column`."""
    rows.filter(municipality__isnull=True).update(municipality=Subquery(source.values(column)[:1]))


def key_existing_rows(apps, schema_editor):
    Municipality = apps.get_model("accounts", "Municipality")
    User = apps.get_model("accounts", "User")
    Team = apps.get_model("accounts", "Team")
    Participant = apps.get_model("participants", "Participant")
    AccessLogEntry = apps.get_model("accounts", "AccessLogEntry")
    BreakGlassGrant = apps.get_model("accounts", "BreakGlassGrant")
    RoleGrant = apps.get_model("accounts", "RoleGrant")
    ApiToken = apps.get_model("accounts", "ApiToken")
    AdminAuditEntry = apps.get_model("accounts", "AdminAuditEntry")

    case_file = Participant.objects.filter(pk=OuterRef("participant_id")).order_by()
    user = User.objects.filter(pk=OuterRef("user_id")).order_by()
    installation = Municipality.objects.order_by("pk")
    _triggers(schema_editor, "DISABLE")
    for model in (AccessLogEntry, BreakGlassGrant):
        _key(model.objects, case_file)
        _key(model.objects, user)
    same_record = AccessLogEntry.objects.filter(participant_id=OuterRef("participant_id"), municipality__isnull=False)
    _key(AccessLogEntry.objects, same_record.order_by("pk"))
    for model in (AccessLogEntry, BreakGlassGrant):
        _key(model.objects, installation, "pk")

    _key(RoleGrant.objects, Team.objects.filter(pk=OuterRef("team_id")).order_by())
    _key(RoleGrant.objects, user)
    _key(ApiToken.objects, user)
    _key(AdminAuditEntry.objects, User.objects.filter(pk=OuterRef("target_user_id")).order_by())
    _key(AdminAuditEntry.objects, user)
    _triggers(schema_editor, "ENABLE")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0020_tenant_key_on_accounts_rows"),
        ("participants", "0022_participant_municipality_required"),
    ]

    operations = [migrations.RunPython(key_existing_rows, migrations.RunPython.noop)]
