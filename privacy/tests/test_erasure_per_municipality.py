"""Erasure records are the erased case file's municipality's: the service keys each record with it,
an administrator lists only their municipality's, and the migration keys the records made before
(issue 19, point 1)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import MunicipalityFactory, TeamFactory, UserFactory
from participants.models import Participant, ParticipantStatus
from participants.tests.factories import ParticipantFactory
from privacy.models import ErasureMethod, ErasureRecord
from privacy.services import participant_erase_on_request
from privacy.tests.factories import AdministratorFactory, ErasureRecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def a():
    return MunicipalityFactory()  # the default municipality, first by id


@pytest.fixture
def b(a):
    return MunicipalityFactory(code="0180", name="Stockholms stad")


def _exited(municipality) -> Participant:
    return ParticipantFactory(team=TeamFactory(municipality=municipality), status=ParticipantStatus.EXITED)


@pytest.mark.parametrize("method", [ErasureMethod.ERASE, ErasureMethod.PSEUDONYMISE])
def test_the_record_is_the_erased_case_files_municipalitys_whoever_erases(a, b, method) -> None:
    superuser = UserFactory(municipality=None, is_staff=True, is_superuser=True)
    record = participant_erase_on_request(participant=_exited(b), method=method, reason="Begäran", by=superuser)
    assert ErasureRecord.objects.get(pk=record.pk).municipality == b
    record = participant_erase_on_request(
        participant=_exited(a), method=method, reason="Begäran", by=AdministratorFactory(municipality=a)
    )
    assert ErasureRecord.objects.get(pk=record.pk).municipality == a


def test_an_administrator_lists_and_opens_only_their_municipalitys_erasures(client: Client, a, b) -> None:
    ours = ErasureRecordFactory(by=AdministratorFactory(municipality=b))
    theirs = ErasureRecordFactory(by=AdministratorFactory(municipality=a))
    client.force_login(AdministratorFactory(municipality=b))
    listed = client.get(reverse("admin:privacy_erasurerecord_changelist"))
    assert listed.status_code == 200 and list(listed.context["cl"].result_list) == [ours]
    searched = client.get(reverse("admin:privacy_erasurerecord_changelist"), {"q": str(theirs.participant_id)})
    assert list(searched.context["cl"].result_list) == []
    opened = client.get(reverse("admin:privacy_erasurerecord_change", args=[theirs.pk]))
    assert opened.status_code == 302 and opened["Location"] == reverse("admin:index")  # the admin's "does not exist"
    assert client.get(reverse("admin:privacy_erasurerecord_change", args=[ours.pk])).status_code == 200

    client.force_login(UserFactory(municipality=None, is_staff=True, is_superuser=True))
    listed = client.get(reverse("admin:privacy_erasurerecord_changelist"))
    assert set(listed.context["cl"].result_list) == {ours, theirs}


def _state(executor: MigrationExecutor, targets: list[tuple[str, str]]) -> Any:
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migrating_keys_the_records_made_before(a, b) -> None:
    pseudonymised = _exited(b)
    Participant.objects.filter(pk=pseudonymised.pk).update(pseudonymised_at=timezone.now())
    superuser = UserFactory(municipality=None, is_staff=True, is_superuser=True)
    admin_b = AdministratorFactory(municipality=b)
    gone = 10**9  # an erased case file: only its former record number is left
    before = [("privacy", "0008_row_level_security_on_the_placements_rows")]
    old = _state(MigrationExecutor(connection), before).get_model("privacy", "ErasureRecord")
    common = {"method": ErasureMethod.ERASE, "reason": "Begäran"}
    still_there = old.objects.create(participant_id=pseudonymised.pk, by_id=superuser.pk, **common).pk
    by_admin = old.objects.create(participant_id=gone, by_id=admin_b.pk, **common).pk
    by_superuser = old.objects.create(participant_id=gone + 1, by_id=superuser.pk, **common).pk
    _state(MigrationExecutor(connection), [("privacy", "0011_erasure_record_municipality_required")])

    keyed = dict(ErasureRecord.objects.values_list("pk", "municipality_id"))
    # The case file's if it is still there, else the eraser's, else the installation's first.
    assert keyed == {still_there: b.pk, by_admin: b.pk, by_superuser: a.pk}
