"""A municipality's own follow-up schedule and site address, as its placements use them: the
placement's municipality (its case file's) decides, never the user's or the installation's alone."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse

from accounts.models import Municipality
from accounts.tests.factories import CoordinatorFactory, MunicipalityFactory, SupervisorUserFactory, TeamFactory
from placements import signing
from placements.feeds import calendar_feed_ics
from placements.meetings import meeting_book
from placements.models import MeetingKind, Placement
from placements.reminders import follow_up_reminders_send
from placements.services import placement_activate, placement_agree
from placements.tests.factories import AgreementTermsFactory, FollowUpFactory, PlacementFactory, with_signatures
from sms.backends import locmem
from supervisors.models import ReminderChannel
from workplaces.tests.factories import NeedFactory

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# A Monday; the placements run twelve weeks, to Friday 27 November.
START, END = dt.date(2026, 9, 7), dt.date(2026, 11, 27)
B_SITE = "https://platsa.stockholm.se"

Capture = Callable[..., Any]


@pytest.fixture(autouse=True)
def _on_the_first_day() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 9, 7, 9, 0, tzinfo=STOCKHOLM), tick=False):
        yield


def _placement_in(municipality: Municipality, **fields: Any) -> Placement:
    placement = PlacementFactory(
        participant__team=TeamFactory(municipality=municipality),
        participant__first_name="Amina",
        need=NeedFactory(start_date=START, end_date=END, workplace__organisation__municipality=municipality),
        **fields,
    )
    placement.coordinator = CoordinatorFactory(
        team=placement.participant.team, email=f"koordinator-{municipality.code}@example.org"
    )
    placement.save()
    return placement


@pytest.fixture
def a_and_b() -> tuple[Municipality, Municipality]:
    """A: the default municipality, blank settings (the installation's); B: its own site address."""
    return MunicipalityFactory(), MunicipalityFactory(code="0180", name="Stockholms stad", site_url=B_SITE)


def test_each_placement_gets_the_follow_ups_of_its_own_municipalitys_schedule() -> None:
    a = MunicipalityFactory(code="0180", follow_up_schedule="14d, end")
    b = MunicipalityFactory(code="2361")  # blank: settings.FOLLOW_UP_SCHEDULE, 14d, mid, end
    in_a, in_b = _placement_in(a), _placement_in(b)
    for placement in (in_a, in_b):
        placement_agree(placement=with_signatures(placement), by=None)
        placement_activate(placement=placement, by=None, on=START)
    # 14 days after Monday 7 September: Monday 21 September. The end: Friday 27 November. The
    # midpoint, 40.5 days in, is Saturday 17 October: the next working day, Monday 19 October.
    assert list(in_a.follow_ups.order_by("due_date").values_list("due_date", flat=True)) == [
        dt.date(2026, 9, 21),
        dt.date(2026, 11, 27),
    ]
    assert list(in_b.follow_ups.order_by("due_date").values_list("due_date", flat=True)) == [
        dt.date(2026, 9, 21),
        dt.date(2026, 10, 19),
        dt.date(2026, 11, 27),
    ]


def test_the_reminder_e_mail_of_a_placement_carries_its_municipalitys_site_address(a_and_b) -> None:
    a, b = a_and_b
    FollowUpFactory(placement=_placement_in(a, active=True), due_date=START - dt.timedelta(days=3))
    in_b = _placement_in(b, active=True)
    supervisor = in_b.supervisor
    supervisor.email = "handledare.b@example.org"
    supervisor.save()
    FollowUpFactory(placement=in_b, due_date=START - dt.timedelta(days=3))
    follow_up_reminders_send(today=START)
    links = {m.to[0]: re.findall(r"https?://[^\s/]+", str(m.body)) for m in mail.outbox}
    assert links.pop("handledare.b@example.org") == [B_SITE]
    assert links.pop("koordinator-0180@example.org") == [B_SITE]
    # A's supervisor and coordinator: A has no address of its own, so the installation's.
    assert list(links.values()) == [[settings.SITE_URL], [settings.SITE_URL]]


def test_a_text_message_to_a_supervisor_carries_the_placements_municipalitys_site_address(
    a_and_b, django_capture_on_commit_callbacks: Capture
) -> None:
    _, b = a_and_b
    in_b = _placement_in(b, active=True)
    supervisor = in_b.supervisor
    supervisor.phone, supervisor.reminders_by, supervisor.user = (
        "+46701740699",
        ReminderChannel.SMS,
        SupervisorUserFactory(),
    )
    supervisor.save()
    follow_up = FollowUpFactory(placement=in_b, due_date=START - dt.timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        follow_up_reminders_send(today=START)
    (sent,) = locmem.outbox
    assert f"{B_SITE}/" in sent.text and f"?due={follow_up.pk}" in sent.text
    assert settings.SITE_URL not in sent.text


def test_the_signing_links_of_a_placement_begin_with_its_municipalitys_site_address(
    a_and_b, django_capture_on_commit_callbacks: Capture
) -> None:
    _, b = a_and_b
    AgreementTermsFactory(municipality=b)  # B's own standard terms: agreements print them
    placement = _placement_in(b)
    placement.participant.email = "amina@example.org"
    placement.participant.save()
    with django_capture_on_commit_callbacks(execute=True):
        urls = signing.signing_request_send(placement=placement, by=placement.coordinator)
    assert urls and all(url.startswith(f"{B_SITE}/") for url in urls.values())
    assert {m.to[0] for m in mail.outbox} == {"amina@example.org", placement.supervisor.email}
    assert all(re.findall(r"https?://[^\s/]+", str(m.body)) == [B_SITE] for m in mail.outbox)


def test_calendar_ids_take_the_host_of_the_placements_municipalitys_site(a_and_b) -> None:
    _, b = a_and_b
    placement = _placement_in(b, active=True)
    meeting = meeting_book(
        placement=placement,
        by=placement.coordinator,
        kind=MeetingKind.START,
        starts_at=dt.datetime(2026, 9, 9, 9, 0, tzinfo=STOCKHOLM),
        ends_at=dt.datetime(2026, 9, 9, 10, 0, tzinfo=STOCKHOLM),
        place="Stadshuset",
    )
    assert meeting.uid.endswith("@platsa.stockholm.se")
    follow_up = FollowUpFactory(placement=placement, due_date=dt.date(2026, 9, 21))
    assert placement.coordinator is not None
    feed = icalendar.Calendar.from_ical(calendar_feed_ics(user=placement.coordinator))
    uids = {str(event["uid"]) for event in feed.walk("VEVENT")}
    assert f"follow-up-{follow_up.pk}@platsa.stockholm.se" in uids


def test_the_calendar_feed_address_is_on_the_coordinators_municipalitys_site(a_and_b, client) -> None:
    """The feed holds the placements of the coordinator's municipality only: its site address."""
    _, b = a_and_b
    client.force_login(CoordinatorFactory(team=TeamFactory(municipality=b)))
    response = client.post(reverse("placements:calendar_feed_settings"))
    assert response.status_code == 200
    assert f'"{B_SITE}/calendar/' in response.content.decode()
