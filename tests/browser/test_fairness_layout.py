"""The fairness page on a 360 px phone, with every table full: the page never scrolls sideways and
every table fits the screen without scrolling inside its wrapper (the number waiting moves under
the group's name), the group's name on the screen."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from participants.models import Gender, ParticipantStatus, ReferralSource, RegionOfBirth
from participants.tests.factories import ParticipantFactory, StatusChangeFactory

from .conftest import SCREENSHOTS, log_in
from .world import manager

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _waiting(n: int, **fields: Any) -> None:
    mapped = dt.datetime(timezone.localdate().year, 1, 2, 10, tzinfo=dt.UTC)
    for person in ParticipantFactory.create_batch(n, **fields):
        StatusChangeFactory(
            participant=person,
            from_status=ParticipantStatus.REFERRED,
            to_status=ParticipantStatus.MAPPED,
            changed_at=mapped,
        )


@pytest.mark.browser_context_args(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
def test_the_fairness_tables_stay_readable_on_a_phone(page: Page, live_server: Any) -> None:
    _waiting(6, gender=Gender.FEMALE, region_of_birth=RegionOfBirth.EUROPE)
    _waiting(
        6, gender=Gender.MALE, region_of_birth=RegionOfBirth.NORDIC, referral_source=ReferralSource.SOCIAL_SERVICES
    )
    _waiting(6, gender=Gender.UNKNOWN, region_of_birth="")
    log_in(page, live_server, manager().username)
    page.goto(f"{live_server.url}/dashboard/fairness/")
    sideways = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert sideways <= 0
    wrappers = page.locator(".table-responsive")
    assert wrappers.count() == 4
    for index in range(4):
        wrapper = wrappers.nth(index)
        box = wrapper.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
        assert wrapper.evaluate("(element) => element.scrollWidth - element.clientWidth") <= 0
        group = wrapper.locator("tbody th").first.bounding_box()
        assert group is not None and group["x"] >= 0 and group["x"] + group["width"] <= 360
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "fairness-360.png"), full_page=True)
