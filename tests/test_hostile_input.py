"""Hostile input to the create and edit forms: random and malicious values never cause a 500,
are never reflected unescaped, and never leave a half-saved participant behind."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.tests.factories import CoordinatorFactory, SupervisorUserFactory
from participants.models import Participant, WorkExperience
from placements.tests.factories import PlacementFactory
from workplaces.tests.factories import NeedFactory, WorkplaceFactory

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
HOSTILE = st.one_of(
    st.text(max_size=200),
    st.sampled_from(
        [
            SCRIPT,
            "'; DROP TABLE participants_participant;--",
            "9" * 500,
            "-1",
            "1e309",
            "2026-02-30",
            "0000-00-00",
            "\x00",
            "😀" * 60,
            "",
            " ",
            "NaN",
        ]
    ),
)
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _check(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code < 500
    assert SCRIPT.encode() not in response.content


PARTICIPANT_FIELDS = [
    "first_name", "last_name", "identity_number", "gender", "phone", "email", "home_district", "target_group",
    "referral_source", "referral_date", "residence_permit_date", "establishment_programme_end", "swedish_level",
    "education_level", "hours_per_day", "job_track", "coordinator", "languages", "interests",
    "experience-0-occupation", "experience-0-years", "experience-0-country",
]  # fmt: skip


@FUZZ
@given(values=st.lists(HOSTILE, min_size=len(PARTICIPANT_FIELDS), max_size=len(PARTICIPANT_FIELDS)))
def test_the_participant_form(values: list[str]) -> None:
    coordinator = CoordinatorFactory()
    client = Client()
    client.force_login(coordinator)
    data = dict(zip(PARTICIPANT_FIELDS, values, strict=True))
    data.update({"experience-TOTAL_FORMS": "1", "experience-INITIAL_FORMS": "0"})
    before = Participant.objects.count()
    _check(client.post(reverse("participants:create"), data))
    # Nothing half-saved: a participant exists only with all of it, and experience only with a participant.
    assert Participant.objects.count() in (before, before + 1)
    assert not WorkExperience.objects.filter(participant__isnull=True).exists()


NEED_FIELDS = [
    "title", "occupation", "tasks", "placement_type", "job_track", "places", "hours_per_day", "start_date",
    "end_date", "min_swedish_level", "min_education_level", "requires_driving_licence", "records_extract",
]  # fmt: skip


@FUZZ
@given(values=st.lists(HOSTILE, min_size=len(NEED_FIELDS), max_size=len(NEED_FIELDS)))
def test_the_need_form(values: list[str]) -> None:
    client = Client()
    client.force_login(CoordinatorFactory())
    workplace = WorkplaceFactory()
    _check(
        client.post(reverse("workplaces:need_create", args=[workplace.pk]), dict(zip(NEED_FIELDS, values, strict=True)))
    )


@FUZZ
@given(values=st.lists(HOSTILE, min_size=7, max_size=7))
def test_the_proposal_form(values: list[str]) -> None:
    coordinator = CoordinatorFactory()
    client = Client()
    client.force_login(coordinator)
    need = NeedFactory()
    fields = ["participant", "need", "supervisor", "start", "end", "hours_per_day", "decision_reference"]
    _check(client.post(reverse("placements:propose") + f"?need={need.pk}", dict(zip(fields, values, strict=True))))


FOLLOW_UP_FIELDS = [
    "done_on", "days_present", "days_absent", "tasks_done", "progress_work", "progress_swedish",
    "progress_cooperation", "concern", "concern_text", "next_steps", "due",
]  # fmt: skip


@FUZZ
@given(values=st.lists(HOSTILE, min_size=len(FOLLOW_UP_FIELDS), max_size=len(FOLLOW_UP_FIELDS)))
def test_the_follow_up_form(values: list[str]) -> None:
    user = SupervisorUserFactory()
    placement = PlacementFactory(active=True, supervisor__user=user)
    client = Client()
    client.force_login(user)
    data = dict(zip(FOLLOW_UP_FIELDS, values, strict=True))
    _check(client.post(reverse("placements:follow_up", args=[placement.pk]), data))
