"""A queued task says whose rows it is about: the municipality of the text message, the follow-up or
the report it was queued for, none for a region's report (issue 19, point 1)."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import Municipality
from accounts.tests.factories import MunicipalityFactory, RegionFactory, TeamFactory
from outbox.models import OutboxMessage
from participants.models import TextMessage
from participants.tests.factories import ParticipantFactory
from participants.text_messages import participant_sms_send
from placements.models import PlacementStatus
from placements.services import follow_up_log
from placements.tests.factories import PlacementFactory
from reporting.services import quarterly_report_queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def b() -> Municipality:
    MunicipalityFactory()  # the default municipality, first by id: never the one named below
    return MunicipalityFactory(code="0180", name="Stockholms stad")


def test_a_text_message_and_a_concern_alert_are_queued_as_their_municipalitys(b: Municipality) -> None:
    team = TeamFactory(municipality=b)
    person = ParticipantFactory(team=team, texts=True)
    message = participant_sms_send(participant=person, text="Välkommen på måndag", by=person.coordinator)
    assert (
        OutboxMessage.objects.get(key=f"sms:{message.pk}").municipality == b == TextMessage.objects.get().municipality
    )

    placement = PlacementFactory(
        participant__team=team, status=PlacementStatus.ACTIVE, actual_start=dt.date(2026, 5, 1)
    )
    follow_up = follow_up_log(
        placement=placement,
        by=None,
        done_on=dt.date(2026, 5, 4),
        concern=True,
        concern_text="Kommer sent",
    )
    assert OutboxMessage.objects.get(key=f"concern-alert:{follow_up.pk}").municipality == b


def test_a_municipalitys_report_is_queued_as_its_and_a_regions_as_no_municipalitys(b: Municipality) -> None:
    report = quarterly_report_queue(year=2026, quarter=3, by=None, owner=b)
    assert OutboxMessage.objects.get(key=f"quarterly-report:{report.pk}").municipality == b
    region = RegionFactory()
    Municipality.objects.filter(pk=b.pk).update(region=region)
    regional = quarterly_report_queue(year=2026, quarter=3, by=None, owner=region)
    assert OutboxMessage.objects.get(key=f"quarterly-report:{regional.pk}").municipality is None
