"""Administrators edit the retention rules and read the runs and erasure records in the admin; nobody else."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory, ManagerFactory
from privacy.models import Action, RecordType, RetentionRule
from privacy.tests.factories import AdministratorFactory, ErasureRecordFactory, RetentionRunFactory

pytestmark = pytest.mark.django_db

PAGES = [
    "admin:privacy_retentionrule_changelist",
    "admin:privacy_retentionrun_changelist",
    "admin:privacy_erasurerecord_changelist",
]


def test_an_administrator_sees_rules_runs_and_erasures(client: Client) -> None:
    RetentionRunFactory()
    ErasureRecordFactory()
    client.force_login(AdministratorFactory())
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 200, name


def test_an_administrator_changes_a_rule_and_an_unsupported_action_is_refused(client: Client) -> None:
    client.force_login(AdministratorFactory())
    rule = RetentionRule.objects.get(record_type=RecordType.FOLLOW_UP_NOTES)
    url = reverse("admin:privacy_retentionrule_change", args=[rule.pk])
    data = {"trigger": rule.trigger, "period": 6, "unit": rule.unit, "action": rule.action, "rationale": "Beslut 2026"}
    assert client.post(url, data).status_code == 302
    rule.refresh_from_db()
    assert (rule.period, rule.rationale) == (6, "Beslut 2026")

    response = client.post(url, {**data, "action": Action.ERASE})
    assert response.status_code == 200 and response.context["adminform"].form.errors["action"]
    rule.refresh_from_db()
    assert rule.action == Action.PSEUDONYMISE


def test_rules_cannot_be_added_or_deleted(client: Client) -> None:
    client.force_login(AdministratorFactory())
    rule = RetentionRule.objects.first()
    assert client.get(reverse("admin:privacy_retentionrule_add")).status_code == 403
    assert (
        client.post(reverse("admin:privacy_retentionrule_delete", args=[rule.pk]), {"post": "yes"}).status_code == 403
    )
    assert RetentionRule.objects.filter(pk=rule.pk).exists()


@pytest.mark.parametrize("make_user", [CoordinatorFactory, ManagerFactory], ids=["coordinator", "manager"])
def test_other_staff_see_nothing_of_it(client: Client, make_user) -> None:
    client.force_login(make_user(is_staff=True))
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 403, name
    assert b"privacy" not in client.get(reverse("admin:index")).content


def test_anonymous_users_are_sent_to_the_admin_login(client: Client) -> None:
    response = client.get(reverse(PAGES[0]))
    assert response.status_code == 302 and "login" in response["Location"]
