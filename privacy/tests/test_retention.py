"""The retention rules and their nightly run: what is pseudonymised, erased or kept, that a second run
changes nothing, that only counts are logged, and that the reports' figures stay the same."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from participants.models import Participant, ParticipantPrerequisite, RecordsExtractCheck, ReferralImport
from participants.tests.factories import (
    RecordsExtractCheckFactory,
    ReferralImportFactory,
)
from placements.models import (
    Acknowledgement,
    AgreementDocument,
    Certificate,
    FollowUp,
    LaterOutcome,
    Placement,
    Signature,
)
from privacy.models import Action, RecordType, RetentionRule, RetentionRun, Trigger
from privacy.services import REMOVED, retention_apply
from privacy.tasks import apply_retention_rules
from privacy.tests.cases import full_case_file
from reporting.fairness import fairness
from reporting.indicators import quarter_of
from reporting.services import report_figures

pytestmark = pytest.mark.django_db

FAR_FUTURE = timezone.localdate() + dt.timedelta(days=365 * 10)


def _figures(day: dt.date) -> tuple[dict[str, Any], object]:
    return report_figures(day.year, quarter_of(day)), fairness(year=day.year, today=timezone.localdate())


@pytest.fixture
def case_files() -> list[Participant]:
    return [full_case_file(n) for n in range(7)]


def test_the_defaults_are_seeded_one_rule_per_record_type() -> None:
    rules = {rule.record_type: rule for rule in RetentionRule.objects.all()}
    assert set(rules) == set(RecordType.values)
    assert rules[RecordType.CASE_FILE].action == Action.PSEUDONYMISE
    assert rules[RecordType.ACCESS_LOG].action == Action.KEEP
    for rule in rules.values():
        rule.full_clean()  # every default is a supported combination
        assert rule.rationale


def test_a_rule_refuses_an_action_its_record_type_cannot_take() -> None:
    rule = RetentionRule.objects.get(record_type=RecordType.ACCESS_LOG)
    rule.action = Action.ERASE
    with pytest.raises(ValidationError) as error:
        rule.full_clean()
    assert "action" in error.value.message_dict
    rule = RetentionRule.objects.get(record_type=RecordType.CASE_FILE)
    rule.trigger = Trigger.RECORDED
    with pytest.raises(ValidationError) as error:
        rule.full_clean()
    assert "trigger" in error.value.message_dict


def test_pseudonymising_keeps_every_report_figure(case_files: list[Participant]) -> None:
    day = case_files[0].placements.get().actual_start
    before = _figures(day)
    report, _fair = before
    started = next(i for i in report["indicators"] if i["code"] == "placements-started")
    assert started["quarter"]["numerator"] == 7  # the test data is in the report at all

    retention_apply(today=FAR_FUTURE)

    assert _figures(day) == before
    assert Participant.objects.filter(pseudonymised_at__isnull=False).count() == 7


def test_pseudonymising_removes_what_identifies_the_person(case_files: list[Participant]) -> None:
    original = case_files[0]
    birth_year = original.birth_date.year

    retention_apply(today=FAR_FUTURE)

    person = Participant.objects.get(pk=original.pk)
    assert (person.first_name, person.last_name, person.identity_number, person.phone, person.email) == (
        "",
        "",
        None,
        "",
        "",
    )
    assert person.birth_year == birth_year
    assert person.gender == original.gender and person.home_district_id == original.home_district_id
    assert not person.languages.exists()
    assert not RecordsExtractCheck.objects.filter(participant=person).exists()
    assert not ParticipantPrerequisite.objects.filter(participant=person).exists()
    assert set(person.work_experiences.values_list("country", "description")) == {("", "")}
    assert set(person.status_changes.values_list("note", flat=True)) == {""}
    placement = Placement.objects.get(participant=person)
    assert (placement.assessment, placement.decision_reference, placement.outcome) == ("", "", "employment")
    follow_up = FollowUp.objects.get(placement=placement)
    assert (follow_up.tasks_done, follow_up.next_steps, follow_up.concern_text) == ("", "", REMOVED)
    assert follow_up.days_present == 9 and follow_up.concern
    assert set(Acknowledgement.objects.values_list("name", flat=True)) == {REMOVED}
    # The agreements name the person: documents, signatures and their files go; the certificate's text too.
    assert not AgreementDocument.objects.exists() and not Signature.objects.exists()
    assert set(Certificate.objects.values_list("assessment", flat=True)) == {""}
    assert LaterOutcome.objects.count() == 7
    # A pseudonymised case file is no one's to open.
    assert not Participant.objects.visible_to(original.coordinator).filter(pk=original.pk).exists()


def test_a_second_run_the_same_night_changes_nothing(case_files: list[Participant]) -> None:
    first = retention_apply(today=FAR_FUTURE)
    counts = {(c["record_type"], c["action"]): c["count"] for c in first.counts}
    assert counts[(RecordType.CASE_FILE, Action.PSEUDONYMISE)] == 7
    full_case_file(99)  # new data after the run: the same night's key makes the second run a no-op

    second = retention_apply(today=FAR_FUTURE)

    assert second.pk == first.pk and second.counts == first.counts
    assert Participant.objects.filter(pseudonymised_at__isnull=True).count() == 1
    assert RetentionRun.objects.count() == 1


def test_a_run_on_a_later_day_finds_nothing_left_to_do(case_files: list[Participant]) -> None:
    retention_apply(today=FAR_FUTURE)
    later = retention_apply(today=FAR_FUTURE + dt.timedelta(days=1))
    changed = {c["record_type"]: c["count"] for c in later.counts if c["action"] != Action.KEEP}
    assert changed == dict.fromkeys(changed, 0)


def test_nothing_is_touched_before_its_period_has_passed(case_files: list[Participant]) -> None:
    run = retention_apply(today=timezone.localdate())
    counts = {c["record_type"]: c["count"] for c in run.counts}
    assert counts[RecordType.CASE_FILE] == 0
    assert counts[RecordType.FOLLOW_UP_NOTES] == 0
    assert Participant.objects.filter(pseudonymised_at__isnull=False).count() == 0
    assert RecordsExtractCheck.objects.count() == 7


def test_follow_up_notes_of_someone_still_in_the_programme_are_emptied_a_year_after_the_placement() -> None:
    participant = full_case_file(1, exited=False)
    retention_apply(today=FAR_FUTURE)
    follow_up = FollowUp.objects.get(placement__participant=participant)
    assert (follow_up.tasks_done, follow_up.next_steps) == ("", "")
    assert Participant.objects.get(pk=participant.pk).pseudonymised_at is None  # the case file itself stays


def test_the_agreement_documents_and_the_certificate_text_go_with_the_placement_documents_rule() -> None:
    """Before, the rule emptied the placement's own assessment but left the certificate (which prints
    its own text), the signatures and the signed PDFs until the whole case file was pseudonymised."""
    participant = full_case_file(1, exited=False)
    placement = participant.placements.get()
    assert AgreementDocument.objects.filter(placement=placement).exists()
    assert Certificate.objects.get(placement=placement).assessment
    with time_machine.travel(FAR_FUTURE):
        retention_apply(today=FAR_FUTURE)
    assert not AgreementDocument.objects.filter(placement=placement).exists()
    assert not Signature.objects.filter(document__placement=placement).exists()
    certificate = Certificate.objects.get(placement=placement)
    assert (certificate.assessment, certificate.return_note) == ("", "")
    assert Participant.objects.get(pk=participant.pk).pseudonymised_at is None  # the case file itself stays


def test_keep_changes_nothing_and_counts_what_is_due(case_files: list[Participant]) -> None:
    RetentionRule.objects.update(action=Action.KEEP)
    run = retention_apply(today=FAR_FUTURE)
    counts = {c["record_type"]: c["count"] for c in run.counts}
    assert counts[RecordType.CASE_FILE] == 7
    assert Participant.objects.filter(pseudonymised_at__isnull=False).count() == 0
    assert FollowUp.objects.exclude(tasks_done="").count() == 7


def test_erasing_case_files_deletes_them_and_does_change_past_figures(case_files: list[Participant]) -> None:
    """Said in the rule's help text: erasing a case file takes its placements out of past reports."""
    RetentionRule.objects.filter(record_type=RecordType.CASE_FILE).update(action=Action.ERASE)
    day = case_files[0].placements.get().actual_start
    before, _fair = _figures(day)

    retention_apply(today=FAR_FUTURE)

    after, _fair = _figures(day)
    assert not Participant.objects.exists() and not Placement.objects.exists()
    started = next(i for i in after["indicators"] if i["code"] == "placements-started")
    assert started["quarter"]["numerator"] == 0
    assert after != before


def test_old_checks_and_forgotten_uploads_are_erased() -> None:
    old = RecordsExtractCheckFactory(
        extract_date=timezone.localdate() - dt.timedelta(days=500),
        checked_on=timezone.localdate() - dt.timedelta(days=400),
    )
    recent = RecordsExtractCheckFactory()
    with time_machine.travel(timezone.now() - dt.timedelta(days=40)):
        ReferralImportFactory()
    fresh_upload = ReferralImportFactory()

    retention_apply(today=timezone.localdate())

    assert list(RecordsExtractCheck.objects.all()) == [recent]
    assert not RecordsExtractCheck.objects.filter(pk=old.pk).exists()
    assert list(ReferralImport.objects.all()) == [fresh_upload]


def test_the_run_logs_counts_never_names_or_numbers(case_files: list[Participant], caplog) -> None:
    caplog.set_level(logging.INFO, logger="privacy")
    retention_apply(today=FAR_FUTURE)
    text = caplog.text
    assert "retention case_file pseudonymise 7" in text
    for person in case_files:
        assert person.last_name not in text and person.identity_number not in text
        assert person.identity_number[:8] not in text


def test_the_nightly_task_takes_no_arguments_and_runs_once_a_day(case_files: list[Participant]) -> None:
    with time_machine.travel(dt.datetime.combine(FAR_FUTURE, dt.time(2, 30)).astimezone(), tick=False):
        first = apply_retention_rules.delay().get()
        second = apply_retention_rules.delay().get()
    assert first == second
    run = RetentionRun.objects.get()
    assert run.run_on == FAR_FUTURE and run.status == RetentionRun.Status.DONE
    assert Participant.objects.filter(pseudonymised_at__isnull=False).count() == 7


def test_a_failed_run_is_retried_the_same_day_and_completes(case_files: list[Participant]) -> None:
    RetentionRun.objects.create(run_on=FAR_FUTURE, status=RetentionRun.Status.FAILED, error="OperationalError")
    run = retention_apply(today=FAR_FUTURE)
    assert run.status == RetentionRun.Status.DONE and run.error == ""
    assert Participant.objects.filter(pseudonymised_at__isnull=False).count() == 7


def test_the_task_is_on_the_beat_schedule(settings) -> None:
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "privacy.tasks.apply_retention_rules" in tasks


def test_case_files_are_handled_in_batches(case_files: list[Participant], monkeypatch) -> None:
    monkeypatch.setattr("privacy.services.BATCH", 2)
    run = retention_apply(today=FAR_FUTURE)
    assert {c["record_type"]: c["count"] for c in run.counts}[RecordType.CASE_FILE] == 7
    assert not Participant.objects.filter(pseudonymised_at__isnull=True).exists()
