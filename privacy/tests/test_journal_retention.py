"""The case journal (notes and tasks) under the retention rules, erasure on request and the register extract."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from participants.models import CaseNote, Task
from participants.tests.factories import CaseNoteFactory, ParticipantFactory, TaskFactory
from placements.models import FollowUp
from placements.services import follow_up_log
from placements.tests.factories import PlacementFactory
from privacy.extract import extract_json, register_extract
from privacy.models import Action, ErasureMethod, RecordType, RetentionRule, Trigger
from privacy.services import participant_erase_on_request, retention_apply
from privacy.tests.cases import full_case_file
from privacy.tests.factories import AdministratorFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
# Past the journal's default year after the exit, short of the case file's two years.
IN_13_MONTHS = TODAY + relativedelta(months=13)


def _count(run, record_type: str) -> int:
    return next(c["count"] for c in run.counts if c["record_type"] == record_type)


def test_the_defaults_erase_notes_a_year_after_the_exit_and_done_tasks_a_year_after_they_were_done() -> None:
    rules = {r.record_type: r for r in RetentionRule.objects.filter(record_type__in=["case_notes", "tasks"])}
    assert (rules["case_notes"].trigger, rules["case_notes"].action) == (Trigger.EXIT, Action.ERASE)
    assert (rules["tasks"].trigger, rules["tasks"].action) == (Trigger.RECORDED, Action.ERASE)


def test_the_nightly_run_erases_the_notes_of_someone_who_left_and_keeps_those_of_someone_still_in() -> None:
    left = full_case_file(0)  # left the programme a month ago
    staying = ParticipantFactory()
    CaseNoteFactory(participant=staying, text="Fortfarande aktuell")
    run = retention_apply(today=IN_13_MONTHS)
    assert _count(run, RecordType.CASE_NOTES) == 1
    assert not CaseNote.objects.filter(participant=left).exists()
    assert CaseNote.objects.filter(participant=staying).exists()
    assert left.__class__.objects.get(pk=left.pk).pseudonymised_at is None  # the case file's own rule is later


def test_done_tasks_go_a_year_after_they_were_done_open_ones_stay_and_the_concern_stays() -> None:
    person = ParticipantFactory()
    open_task = TaskFactory(participant=person)
    placement = PlacementFactory(participant=person, active=True, actual_start=TODAY - dt.timedelta(days=5))
    follow_up = follow_up_log(placement=placement, by=None, done_on=TODAY, concern=True, concern_text="Orolig")
    follow_up.concern_task.done_on, follow_up.concern_task.action_taken = TODAY, "Ringde"
    follow_up.concern_task.save()
    run = retention_apply(today=IN_13_MONTHS)
    assert _count(run, RecordType.TASKS) == 1
    assert list(Task.objects.all()) == [open_task]
    follow_up = FollowUp.objects.get(pk=follow_up.pk)
    assert follow_up.concern and follow_up.concern_task is None


def test_keep_only_counts_the_notes_and_tasks_past_their_period() -> None:
    full_case_file(0)
    RetentionRule.objects.filter(record_type__in=["case_notes", "tasks"]).update(action=Action.KEEP)
    run = retention_apply(today=IN_13_MONTHS)
    assert _count(run, RecordType.CASE_NOTES) == 1 and _count(run, RecordType.TASKS) == 1
    assert CaseNote.objects.count() == 1 and Task.objects.count() == 1


@pytest.mark.parametrize("method", [ErasureMethod.PSEUDONYMISE, ErasureMethod.ERASE])
def test_erasure_on_request_removes_the_journal(method) -> None:
    person = full_case_file(0)
    other = full_case_file(1)
    record = participant_erase_on_request(
        participant=person, method=method, reason="Begäran", by=AdministratorFactory()
    )
    assert not CaseNote.objects.filter(participant_id=person.pk).exists()
    assert not Task.objects.filter(participant_id=person.pk).exists()
    assert CaseNote.objects.filter(participant=other).exists() and Task.objects.filter(participant=other).exists()
    if method == ErasureMethod.PSEUDONYMISE:
        assert record.counts["case_notes"] == 1 and record.counts["tasks"] == 1


def test_the_register_extract_holds_the_notes_and_tasks_with_their_text() -> None:
    person = full_case_file(0)
    data = json.loads(extract_json(register_extract(participant=person, by=AdministratorFactory())))
    sections = {section["key"]: section["rows"] for section in data["sections"]}
    assert [row["Anteckning"] for row in sections["case_notes"]] == ["Ringde om sonens skola"]
    (task,) = sections["tasks"]
    assert task["Vad som gjordes"] == "Ringde och bokade ett möte" and task["Detaljer"] == "Prata med handledaren"
