"""A supervisor who asks for any page of a placement or participant that is not theirs gets 404
(or 405 for a page that only takes POST), never data. The URL patterns are read from the resolver,
so a new page of these apps must be added to OBJECT_OF here before this test passes."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.tests.factories import SupervisorUserFactory
from participants.tests.factories import (
    ExitFactory,
    ParticipantPrerequisiteFactory,
    ProgrammeStatusFactory,
    RecordsExtractCheckFactory,
    ReferralImportFactory,
    TaskFactory,
)
from placements.tests.factories import FollowUpFactory, MeetingFactory, PlacementFactory

pytestmark = pytest.mark.django_db

CHECKED_NAMESPACES = ("participants", "placements", "workplaces", "supervisors", "privacy")

# Which object each page with a pk is about.
OBJECT_OF = {
    "participants:detail": "participant",
    "participants:edit": "participant",
    "participants:status": "participant",
    "participants:records_check_create": "participant",
    "participants:records_check_delete": "participant",
    "participants:prerequisite_create": "participant",
    "participants:prerequisite_end": "participant",
    "participants:prerequisite_delete": "participant",
    "participants:exit_create": "participant",
    "participants:exit_delete": "participant",
    "participants:programme_status_create": "participant",
    "participants:programme_status_delete": "participant",
    "participants:study_times": "participant",
    "participants:sms_consent": "participant",
    "participants:import_preview": "import",
    "participants:import_result": "import",
    "placements:detail": "placement",
    "placements:agreement": "placement",
    "placements:certificate": "placement",
    "placements:follow_up": "placement",
    "placements:portal_placement": "placement",
    "placements:transition": "placement",
    "placements:proposal_change": "placement",
    "placements:meeting_book": "placement",
    "placements:meeting_change": "placement",
    "placements:meeting_cancel": "placement",
    "placements:agreement_draft": "placement",
    "placements:signing": "placement",
    "placements:signing_send": "placement",
    "placements:signing_sign": "placement",
    "placements:signing_paper": "placement",
    "placements:signing_document": "placement",
    "placements:signature_scan": "placement",
    "placements:certificate_approve": "placement",
    "placements:certificate_return": "placement",
    "placements:portal_certificate": "placement",
    "placements:summary": "placement",
    "placements:summary_pdf": "placement",
    "placements:summary_notes": "placement",
    "placements:summary_sms": "placement",
    "placements:need_candidates": "need",
    "placements:participant_needs": "participant",
    "workplaces:organisation_detail": "organisation",
    "workplaces:organisation_edit": "organisation",
    "workplaces:workplace_create": "organisation",
    "workplaces:workplace_detail": "workplace",
    "workplaces:workplace_edit": "workplace",
    "workplaces:need_create": "workplace",
    "workplaces:need_detail": "need",
    "workplaces:need_edit": "need",
    "workplaces:need_status": "need",
    "supervisors:create": "workplace",
    "supervisors:detail": "supervisor",
    "supervisors:edit": "supervisor",
    "supervisors:invite": "supervisor",
    "supervisors:session": "session",
    "supervisors:enrolment_action": "enrolment",
    "privacy:extract": "participant",
    "privacy:erase": "participant",
    # The case journal: not even the supervisor of the person's own placement (see the test below).
    "participants:note_create": "participant",
    "participants:task_create": "participant",
    "participants:task_close": "participant",
}
JOURNAL_PAGES = ("participants:note_create", "participants:task_create", "participants:task_close")


# Pages about a row of a case file name the row by a second key: which object that is.
ROW_OF = {
    "check_pk": "records_check",
    "held_pk": "prerequisite",
    "exit_pk": "exit",
    "status_pk": "programme_status",
    "task_pk": "task",
    "meeting_pk": "meeting",
}


def _patterns() -> list[tuple[str, URLPattern]]:
    found: list[tuple[str, URLPattern]] = []
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace in CHECKED_NAMESPACES:
            found.extend((f"{entry.namespace}:{p.name}", p) for p in entry.url_patterns if isinstance(p, URLPattern))
    return found


def test_every_object_page_is_listed_here() -> None:
    with_pk = {name for name, pattern in _patterns() if any(k.endswith("pk") for k in pattern.pattern.converters)}
    assert with_pk <= set(OBJECT_OF), sorted(with_pk - set(OBJECT_OF))


def test_a_supervisor_gets_nothing_of_someone_elses_placement(client: Client) -> None:
    from supervisors.tests.factories import EnrolmentFactory

    theirs = PlacementFactory(active=True, participant__last_name="Hemligsson")
    FollowUpFactory(placement=theirs)
    enrolment = EnrolmentFactory(supervisor=theirs.supervisor)
    objects = {
        "participant": theirs.participant.pk,
        "placement": theirs.pk,
        "need": theirs.need.pk,
        "workplace": theirs.need.workplace.pk,
        "organisation": theirs.need.workplace.organisation.pk,
        "supervisor": theirs.supervisor.pk,
        "session": enrolment.session.pk,
        "enrolment": enrolment.pk,
        "import": ReferralImportFactory().pk,
        "records_check": RecordsExtractCheckFactory(participant=theirs.participant).pk,
        "prerequisite": ParticipantPrerequisiteFactory(participant=theirs.participant).pk,
        "exit": ExitFactory(participant=theirs.participant).pk,
        "programme_status": ProgrammeStatusFactory(participant=theirs.participant).pk,
        "meeting": MeetingFactory(placement=theirs).pk,
        "task": TaskFactory(participant=theirs.participant).pk,
    }
    mine = PlacementFactory(active=True)
    user = SupervisorUserFactory()
    mine.supervisor.user = user
    mine.supervisor.save()
    client.force_login(user)
    checked = 0
    for name, pattern in _patterns():
        if name not in OBJECT_OF:
            continue
        keys = [k for k in pattern.pattern.converters if k.endswith("pk")]
        kwargs = {key: objects[ROW_OF.get(key, OBJECT_OF[name])] for key in keys}
        if "action" in pattern.pattern.converters:
            kwargs["action"] = "agree" if name.startswith("placements") else "cancel"
        url = reverse(name, kwargs=kwargs)
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code in (404, 405), (name, method.__name__, response.status_code)
            assert b"Hemligsson" not in response.content
        checked += 1
    assert checked == len(OBJECT_OF)
    theirs.refresh_from_db()
    assert theirs.status == "active"
    assert theirs.participant.records_checks.exists() and theirs.participant.prerequisites.get().valid_until is None
    assert theirs.participant.exits.exists() and hasattr(theirs.participant, "programme_status")
    assert not theirs.meetings.filter(cancelled_at__isnull=False).exists()


def test_the_supervisor_of_the_persons_own_placement_gets_404_on_every_journal_page(client: Client) -> None:
    placement = PlacementFactory(active=True, participant__last_name="Journalsdottir")
    user = SupervisorUserFactory()
    placement.supervisor.user = user
    placement.supervisor.save()
    task = TaskFactory(participant=placement.participant, title="Hemlig uppgift")
    client.force_login(user)
    assert client.get(reverse("placements:portal_placement", args=[placement.pk])).status_code == 200  # theirs
    for name in JOURNAL_PAGES:
        kwargs = {"pk": placement.participant_id, **({"task_pk": task.pk} if name.endswith("close") else {})}
        for method in (client.get, client.post):
            response = method(reverse(name, kwargs=kwargs), {"action_taken": "x", "kind": "call", "text": "x"})
            assert response.status_code == 404, (name, method.__name__)
            assert b"Hemlig uppgift" not in response.content
    task.refresh_from_db()
    assert task.is_open and not placement.participant.case_notes.exists()
