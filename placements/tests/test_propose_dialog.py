"""The propose dialog as htmx asks for it (issue 14, point 4): quick propose answers a client redirect
when every rule holds, the dialog otherwise; the dialog's own form posts back into the dialog until it
proposes, and the message waits for the page it redirects to. The browser side is in
tests/browser/test_propose_dialog.py."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import CoordinatorFactory
from participants.models import Participant, ParticipantStatus
from participants.tests.factories import ParticipantFactory
from placements.models import Placement
from supervisors.tests.factories import EnrolmentFactory, SupervisorFactory
from taxonomy.tests.factories import PlacementTypeFactory
from workplaces.models import Need
from workplaces.tests.factories import NeedFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
HTMX = {"HX-Request": "true"}


@pytest.fixture
def coordinator() -> User:
    return CoordinatorFactory()


def _person(coordinator: User) -> Participant:
    return ParticipantFactory(
        team=coordinator.team,
        coordinator=coordinator,
        status=ParticipantStatus.MAPPED,
        hours_per_day=Decimal("8"),
        first_name="Sara",
        last_name="Svårsson",
    )


def _hard_need() -> Need:
    """A type that needs the decision reference, at a workplace whose only supervisor is untrained."""
    need = NeedFactory(
        placement_type=PlacementTypeFactory(name="Arbetspraktik", requires_decision_reference=True),
        start_date=TODAY,
        end_date=TODAY + dt.timedelta(weeks=8),
    )
    SupervisorFactory(workplace=need.workplace, first_name="Olle", last_name="Outbildad")
    return need


def _problems(page: str) -> list[str]:
    block = page[page.index("data-problems") : page.index("</ul>", page.index("data-problems"))]
    return [html.unescape(re.sub(r"\s+", " ", item)).strip() for item in re.findall(r"<li>(.*?)</li>", block, re.S)]


def test_quick_propose_for_htmx_answers_a_client_redirect_and_keeps_the_message(
    client: Client, coordinator: User
) -> None:
    need = NeedFactory(start_date=TODAY, end_date=TODAY + dt.timedelta(weeks=8))
    EnrolmentFactory(supervisor=SupervisorFactory(workplace=need.workplace), completed=True)
    person = _person(coordinator)
    client.force_login(coordinator)
    response = client.post(
        reverse("placements:quick_propose"), {"need": need.pk, "participant": person.pk}, headers=HTMX
    )
    placement = Placement.objects.get(participant=person)
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("placements:detail", args=[placement.pk])
    page = client.get(response["HX-Redirect"]).content.decode()
    assert "Praktikperioden för Sara Svårsson är föreslagen." in page


def test_the_dialog_lists_every_problem_and_the_confirmation_without_its_label(
    client: Client, coordinator: User
) -> None:
    need, person = _hard_need(), _person(coordinator)
    client.force_login(coordinator)
    response = client.post(
        reverse("placements:quick_propose"), {"need": need.pk, "participant": person.pk}, headers=HTMX
    )
    page = response.content.decode()
    assert 'id="propose-dialog-title"' in page and "<html" not in page  # the dialog's content only
    problems = _problems(page)
    assert problems[0] == "Beslutsnummer: Arbetspraktik kräver beslutsnummer."
    # The checkbox's label ("Jag vet att ...") is the answer to the problem, not a heading for it.
    assert problems[1].startswith("Olle Outbildad har ingen handledarutbildning"), problems
    assert len(problems) == 2
    assert not Placement.objects.filter(participant=person).exists()


def test_the_dialogs_form_posts_into_the_dialog_then_proposes(client: Client, coordinator: User) -> None:
    need, person = _hard_need(), _person(coordinator)
    client.force_login(coordinator)
    page = client.post(
        reverse("placements:quick_propose"),
        {"need": need.pk, "participant": person.pk, "back": "participant"},
        headers=HTMX,
    ).content.decode()
    action = html.unescape(re.search(r'hx-post="([^"]+)"', page).group(1))
    assert 'hx-target="#propose-dialog-content"' in page
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', page))
    fields.pop("csrfmiddlewaretoken")
    fields["supervisor"] = str(need.workplace.supervisors.get().pk)
    # Half filled: the dialog again, with what is still missing.
    again = client.post(action, {**fields, "decision_reference": "AF-1"}, headers=HTMX)
    assert "HX-Redirect" not in again
    assert [p[:14] for p in _problems(again.content.decode())] == ["Olle Outbildad"]
    done = client.post(action, {**fields, "decision_reference": "AF-1", "confirm_untrained": "on"}, headers=HTMX)
    placement = Placement.objects.get(participant=person)
    assert done["HX-Redirect"] == reverse("placements:detail", args=[placement.pk])
    assert (placement.decision_reference, placement.untrained_supervisor_confirmed) == ("AF-1", True)
