"""Hostile input to the case file's check, prerequisite and exit forms (participants.case_file_views): random
and malicious values never cause a 500, are never reflected unescaped, never leave anything half-saved,
and an accepted post saves what the form cleaned (values and checks: `hostile_values`)."""

from __future__ import annotations

from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from accounts.tests.factories import CoordinatorFactory
from participants.forms import ExitForm, ParticipantPrerequisiteForm, RecordsCheckForm
from participants.models import Exit, ParticipantPrerequisite, RecordsExtractCheck
from participants.tests.factories import ParticipantFactory, ParticipantPrerequisiteFactory
from taxonomy.tests.factories import PrerequisiteFactory

from .hostile_values import as_querydict, corrupted, fuzz, hostile_data, post_hostile

pytestmark = pytest.mark.django_db

# Every page here reads the case file (a view in the access log) and each write logs a change.
LOG = ["accounts.AccessLogEntry"]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _setting() -> tuple[Any, Any]:
    coordinator = CoordinatorFactory()
    return coordinator, ParticipantFactory(team=coordinator.team, coordinator=coordinator)


@fuzz()
@given(data=st.data())
def test_the_records_check_form(data: st.DataObject) -> None:
    coordinator, participant = _setting()
    today = timezone.localdate()
    valid = {
        "scope": "children",
        "extract_date": (today.replace(day=1)).isoformat(),
        "checked_on": today.isoformat(),
        "result": "approved",
    }
    post = data.draw(corrupted(valid))
    form = RecordsCheckForm(as_querydict(post))
    accepted = form.is_valid()
    url = reverse("participants:records_check_create", args=[participant.pk])
    response = post_hostile(_client(coordinator), url, post, may_write=[*LOG, "participants.RecordsExtractCheck"])
    saved = list(RecordsExtractCheck.objects.filter(participant=participant).values())
    if response.status_code == 302:
        assert accepted, form.errors
        (row,) = saved
        cleaned = form.cleaned_data
        assert (row["scope"], row["extract_date"], row["checked_on"], row["result"], row["checked_by_id"]) == (
            cleaned["scope"],
            cleaned["extract_date"],
            cleaned["checked_on"],
            cleaned["result"],
            coordinator.pk,
        )
    else:
        assert response.status_code == 200 and saved == []


@fuzz()
@given(data=st.data())
def test_the_prerequisite_form(data: st.DataObject) -> None:
    coordinator, participant = _setting()
    prerequisite = PrerequisiteFactory(valid_months=12)
    today = timezone.localdate()
    valid = {"prerequisite": str(prerequisite.pk), "obtained_on": today.isoformat(), "valid_until": ""}
    post = data.draw(corrupted(valid))
    form = ParticipantPrerequisiteForm(as_querydict(post))
    accepted = form.is_valid()
    url = reverse("participants:prerequisite_create", args=[participant.pk])
    response = post_hostile(_client(coordinator), url, post, may_write=[*LOG, "participants.ParticipantPrerequisite"])
    saved = list(ParticipantPrerequisite.objects.filter(participant=participant))
    if response.status_code == 302:
        assert accepted, form.errors
        (held,) = saved
        cleaned = form.cleaned_data
        assert (held.prerequisite, held.obtained_on) == (cleaned["prerequisite"], cleaned["obtained_on"])
        # Left empty, the service sets it from the prerequisite's twelve months.
        assert held.valid_until == cleaned["valid_until"] or (
            cleaned["valid_until"] is None and held.valid_until == cleaned["obtained_on"] + relativedelta(months=12)
        )
    else:
        assert response.status_code == 200 and saved == []


@fuzz(10)
@given(post=hostile_data(["valid_until", "on", "participant", "prerequisite"]))
def test_ending_a_prerequisite_takes_no_input(post: dict[str, Any]) -> None:
    """Whatever is posted, it ends the prerequisite today, on its own case file."""
    coordinator, participant = _setting()
    held = ParticipantPrerequisiteFactory(participant=participant)
    url = reverse("participants:prerequisite_end", args=[participant.pk, held.pk])
    response = post_hostile(_client(coordinator), url, post, may_write=LOG)
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.valid_until == timezone.localdate() and held.participant == participant


@fuzz()
@given(data=st.data())
def test_the_exit_form(data: st.DataObject) -> None:
    """An accepted exit is saved as cleaned and closes the case; a refused one leaves the status as it was."""
    coordinator, participant = _setting()
    valid = {
        "left_on": timezone.localdate().isoformat(),
        "reason": "work_subsidised",
        "work_length": "month_or_more",
        "student_aid": "",
    }
    post = data.draw(corrupted(valid))
    form = ExitForm(as_querydict(post))
    form.is_valid()
    url = reverse("participants:exit_create", args=[participant.pk])
    response = post_hostile(
        _client(coordinator),
        url,
        post,
        may_write=[*LOG, "participants.Exit", "participants.StatusChange", "participants.Participant"],
    )
    saved = list(Exit.objects.filter(participant=participant).values())
    participant.refresh_from_db()
    if response.status_code == 302:
        (row,) = saved
        cleaned = form.cleaned_data
        assert (row["left_on"], row["reason"], row["work_length"], row["student_aid"]) == (
            cleaned["left_on"],
            cleaned["reason"],
            cleaned["work_length"],
            cleaned["student_aid"],
        )
        assert participant.status == "exited"
    else:
        assert response.status_code == 200 and saved == []
        assert participant.status != "exited"
