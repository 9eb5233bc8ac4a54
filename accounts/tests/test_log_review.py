"""The monthly access-log review: what it lists, and the reviewer's sign-off."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.access_log import log_access, log_review, review_sign_off
from accounts.models import AccessAction, LogReview, Role
from accounts.tests.factories import (
    AccessLogEntryFactory,
    AdministratorFactory,
    CoordinatorFactory,
    MunicipalityFactory,
    UserFactory,
)
from participants.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


def test_the_review_lists_break_glass_lookups_outside_the_team_and_unusual_volumes() -> None:
    anna, bo = CoordinatorFactory(username="anna"), CoordinatorFactory(username="bo")
    own = ParticipantFactory(team=anna.team, coordinator=anna)
    other = ParticipantFactory()
    log_access(user=anna, participant_ids=[own.pk], action=AccessAction.LOOKUP)
    log_access(user=anna, participant_ids=[other.pk], action=AccessAction.LOOKUP)
    log_access(user=anna, participant_ids=[other.pk], action=AccessAction.BREAK_GLASS, reason="Flyttat hit")
    # Openings of case files erased since (the entries stay, with their municipality).
    AccessLogEntryFactory.create_batch(200, user=anna, action=AccessAction.VIEW)
    AccessLogEntryFactory.create_batch(10, user=bo, action=AccessAction.VIEW)
    review = log_review(month=timezone.localdate(), user=AdministratorFactory())
    assert [e.participant_id for e in review.lookups_outside_team] == [other.pk]
    assert [e.reason for e in review.break_glass] == ["Flyttat hit"]
    assert review.unusual_volumes == [{"username": "anna", "views": 200}]


def test_an_administrator_signs_the_month_off_once(client: Client) -> None:
    admin = UserFactory(role=Role.ADMINISTRATOR)
    client.force_login(admin)
    month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    url = reverse("access_log_review") + f"?month={month:%Y-%m}"
    assert client.get(url).status_code == 200
    client.post(url, {"notes": "Inget avvikande"})
    client.post(url, {"notes": "igen"})
    review = LogReview.objects.get()
    assert (review.month, review.reviewed_by, review.notes) == (month, admin, "Inget avvikande")
    assert "Godkänd av" in client.get(url).content.decode()


def test_only_administrators_review_the_log(client: Client) -> None:
    client.force_login(CoordinatorFactory())
    assert client.get(reverse("access_log_review")).status_code == 404


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "1999-12", "2026-13", "²"])
def test_a_month_out_of_range_shows_last_month_instead_of_failing(client: Client, month: str) -> None:
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))
    last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    response = client.get(reverse("access_log_review"), {"month": month})
    assert response.status_code == 200
    assert response.context["month"] == last_month


def test_each_municipality_signs_its_own_months_review_off(client: Client) -> None:
    """One municipality's sign-off is not another's: before, the month was signed for the whole
    installation, in the other municipality's administrator's name."""
    b = MunicipalityFactory(code="0180")
    admin_a = AdministratorFactory()
    admin_b = AdministratorFactory(municipality=b)
    assert admin_a.municipality_id != admin_b.municipality_id
    month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    url = reverse("access_log_review") + f"?month={month:%Y-%m}"
    client.force_login(admin_b)
    client.post(url, {"notes": "Inget avvikande i B"})
    client.force_login(admin_a)
    page = client.get(url)
    assert page.context["signed"] is None and admin_b.get_full_name() not in page.content.decode()
    assert client.get(reverse("home")).context["administrator"]["review"] is None
    client.post(url, {"notes": "Inget avvikande i A"})
    assert sorted(LogReview.objects.values_list("municipality_id", "reviewed_by_id", "notes")) == sorted(
        [(b.pk, admin_b.pk, "Inget avvikande i B"), (admin_a.municipality_id, admin_a.pk, "Inget avvikande i A")]
    )
    assert client.get(reverse("home")).context["administrator"]["review"].reviewed_by == admin_a


def test_an_administrator_of_no_municipality_has_no_log_to_review_nor_the_installations_to_sign(
    client: Client,
) -> None:
    """Their log is empty (access_log_scope), and a sign-off of theirs would be filed as the
    installation's, the superuser's."""

    nobody = AdministratorFactory(municipality=None)
    client.force_login(nobody)
    assert client.get(reverse("access_log_review")).status_code == 404
    assert "administrator" not in client.get(reverse("home")).context
    with pytest.raises(PermissionDenied):
        review_sign_off(month=dt.date(2026, 10, 1), user=nobody, notes="")
    assert not LogReview.objects.exists()
