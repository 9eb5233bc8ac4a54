"""Every page and API answer that shows a participant's personal data writes an access-log entry,
found by walking every URL pattern rather than by listing the pages that log.

The walk (the URL matrix's world and URL builder) requests every page as each actor who may open it
(the participant's coordinator, the placement's supervisor; anonymous for the public pages, where
the supervisor's follow-up link is). An answer that names a participant
must have written an entry for that participant by that user in that request; so must the placement
documents (PDF, whose text the walk cannot read). A new page that shows someone without reading
through the logging selectors (participants.selectors, placements.selectors) fails here.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AccessAction, AccessLogEntry
from participants.importing import COLUMNS
from participants.models import ParticipantStatus
from participants.tests.factories import ParticipantFactory
from supervisors.tests.factories import SupervisorFactory
from tests.test_url_matrix import MATRIX, PUBLIC, World, _pages
from workplaces.tests.factories import NeedFactory

pytestmark = pytest.mark.django_db

# Answers that are documents about the participant: logged whatever the walk can read of them.
DOCUMENTS = {"placements:agreement", "placements:certificate", "placements:summary_pdf"}
# The pages of finding 8 (issue 13): the walk must find each of them naming someone.
NAMED_PAGES = {
    "follow_up_link",
    "placements:need_candidates",
    "placements:participant_needs",
    "placements:allocation",
    "participants:import_preview",
}


class LoggedWorld(World):
    """The URL matrix's world, plus what makes the allocation and the import preview name someone:
    a participant of the team waiting for a placement, a need with room for them, and an uploaded
    referral list with a row for a person already registered in the team."""

    def __init__(self) -> None:
        super().__init__()
        team = self.participant.team
        self.waiting = ParticipantFactory(team=team, status=ParticipantStatus.MAPPED, hours_per_day=8)
        open_need = NeedFactory(places=3)
        SupervisorFactory(workplace=open_need.workplace)
        self.people = [self.participant, self.waiting]
        # Names no factory makes: a supervisor or a user who happens to share a participant's common
        # first and last name (both drawn from the same pools) would look like a page naming them.
        for person, (first, last) in zip(self.people, [("Loggolf", "Spårsson"), ("Väntolf", "Kösson")], strict=True):
            type(person).objects.filter(pk=person.pk).update(first_name=first, last_name=last)
            person.refresh_from_db()
        self.import_.content = referral_list(
            self.participant.identity_number, self.participant.first_name, self.participant.last_name
        )
        self.import_.save()


def referral_list(identity_number: str, first_name: str, last_name: str) -> bytes:
    header = ";".join(column.header for column in COLUMNS)
    row = (
        f"{identity_number};{first_name};{last_name};nyanländ;Arbetsförmedlingen;2026-09-01;2026-02-01;"
        "B;gymnasium;4;070-1234567;someone@example.org;;"
    )
    return f"{header}\n{row}\n".encode()


def _named(body: str, person) -> bool:
    return person.last_name in body and person.first_name in body


def test_every_answer_that_names_a_participant_writes_an_access_log_entry() -> None:
    world = LoggedWorld()
    unlogged, named_pages = [], set()
    for name, route in _pages():
        url = world.url(name, route)
        for actor in "CS-":
            if actor not in MATRIX.get(name, "") and not (actor == "-" and MATRIX.get(name) == PUBLIC):
                continue
            user = world.users.get(actor)
            client = Client()
            if user is not None:
                client.force_login(user)
            newest = AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            response = client.get(url)
            body = response.content.decode(errors="replace")
            # Signed in: by that user. Public (the follow-up link): by the link's holder, without a user.
            entries = AccessLogEntry.objects.filter(pk__gt=newest, user=user)
            logged = set(entries.values_list("participant_id", flat=True))
            for person in world.people:
                if _named(body, person) or (name in DOCUMENTS and person == world.participant):
                    named_pages.add(name)
                    if person.pk not in logged:
                        unlogged.append((name, actor, person.last_name))
    assert unlogged == []
    assert named_pages >= NAMED_PAGES, "the walk no longer reaches these pages with someone on them"


def test_the_pages_of_finding_8_log_what_their_api_equivalents_log() -> None:
    world = LoggedWorld()
    need, person = world.need.pk, world.participant.pk
    client = Client()
    client.force_login(world.users["C"])
    for page, api in (
        (reverse("placements:need_candidates", args=[need]), reverse("api:need-candidates", args=[need])),
        (reverse("placements:participant_needs", args=[person]), reverse("api:participant-needs", args=[person])),
    ):
        entries = []
        for url in (page, api):
            newest = AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            assert client.get(url).status_code == 200, url
            entries.append(sorted(AccessLogEntry.objects.filter(pk__gt=newest).values_list("participant_id", "action")))
        assert entries[0] == entries[1] != [], page


def test_a_page_about_one_placement_is_a_view_of_the_case_file_and_a_list_is_a_list() -> None:
    world = LoggedWorld()
    pages = {
        "C": [
            (reverse("placements:detail", args=[world.placement.pk]), AccessAction.VIEW),
            (reverse("placements:follow_up", args=[world.placement.pk]), AccessAction.VIEW),
            (reverse("participants:edit", args=[world.participant.pk]), AccessAction.VIEW),
            (reverse("workplaces:need_detail", args=[world.need.pk]), AccessAction.LIST),
            (reverse("placements:allocation"), AccessAction.LIST),
        ],
        "S": [(reverse("placements:portal_placement", args=[world.placement.pk]), AccessAction.VIEW)],
    }
    for actor, urls in pages.items():
        client = Client()
        client.force_login(world.users[actor])
        for url, action in urls:
            newest = AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            assert client.get(url).status_code == 200, url
            assert set(AccessLogEntry.objects.filter(pk__gt=newest).values_list("action", flat=True)) == {action}, url


def test_the_follow_up_link_page_is_logged_for_the_links_holder() -> None:
    world = LoggedWorld()
    response = Client().get(world.url("follow_up_link", "f/<str:token>/"))
    assert response.status_code == 200
    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.username, entry.participant_id, entry.action) == (
        None,
        f"follow-up-link:supervisor-{world.supervisor.pk}",
        world.participant.pk,
        AccessAction.VIEW,
    )


def test_confirming_an_import_logs_each_registered_participant_as_created() -> None:
    world = LoggedWorld()
    world.import_.content = referral_list("19811218-9876", "Amina", "Hassan")
    world.import_.save()
    client = Client()
    client.force_login(world.users["C"])
    response = client.post(f"/participants/import/{world.import_.pk}/", {"confirm": "1"})
    assert response.status_code == 302
    created = AccessLogEntry.objects.filter(action=AccessAction.CREATE)
    assert [(e.username, e.participant_id) for e in created] == [
        (world.users["C"].username, world.participant.team.participants.get(first_name="Amina").pk)
    ]
