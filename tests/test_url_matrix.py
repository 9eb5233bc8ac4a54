"""The access matrix: every URL pattern, read from the URL resolver, requested with GET and POST
as anonymous and as each role, against the expected answer written down here.

A new URL fails `test_every_url_is_in_the_matrix` until its expected answers are added, so no page
can be added without saying who may open it. The answers, per actor:
- in the page's set: the page opens (GET: 200, a redirect that is not to a login page, or 405 for a
  POST-only page; POST: anything but a refusal or a server error);
- not in it: 404 or 405, never data (Django's admin answers with its own login page);
- anonymous, for every page outside the public ones: a redirect to the login page.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone

from accounts.models import Municipality, Role
from accounts.tests.factories import (
    CoordinatorFactory,
    ManagerFactory,
    MunicipalityFactory,
    SupervisorUserFactory,
    TeamFactory,
    UserFactory,
)
from participants.tests.factories import (
    CaseNoteFactory,
    ExitFactory,
    ParticipantFactory,
    ParticipantPrerequisiteFactory,
    ProgrammeStatusFactory,
    RecordsExtractCheckFactory,
    ReferralImportFactory,
    TaskFactory,
    WorkExperienceFactory,
)
from placements.links import link_create
from placements.models import Outcome, PlacementStatus
from placements.tests.factories import (
    AgreementDocumentFactory,
    CertificateFactory,
    FollowUpFactory,
    MeetingFactory,
    PlacementFactory,
    SignatureFactory,
)
from reporting.models import QuarterlyReport
from reporting.tests.factories import QuarterlyReportFactory
from supervisors.tests.factories import EnrolmentFactory, SupervisorFactory, TrainingSessionFactory
from tests.test_anonymous_access import _walk

pytestmark = pytest.mark.django_db

# The actors: the participant's coordinator (C), a coordinator of another team (X), the placement's
# supervisor (S), a supervisor elsewhere (T), a manager (M), an administrator (A).
ACTORS = "CXSTMA"
EVERYONE = ACTORS
STAFF = "CX"  # the coordinators
PUBLIC = "public"
# Pages whose POST logs the user out, so it ends on the login page.
LOGS_OUT = {"logout", "logout_everywhere"}

# Who may open each page (a set of actors), or PUBLIC for pages anyone may open.
MATRIX: dict[str, str] = {
    "home": EVERYONE,
    "healthz": PUBLIC,
    "login": PUBLIC,
    "logout": PUBLIC,
    "password_reset": PUBLIC,
    "password_reset_done": PUBLIC,
    "password_reset_confirm": PUBLIC,
    "password_reset_complete": PUBLIC,
    "password_choose": PUBLIC,
    "set_language": PUBLIC,
    "follow_up_link": PUBLIC,
    "signing_link": PUBLIC,  # a party's personal link to sign an agreement
    "signing_link_document": PUBLIC,
    "accessibility": PUBLIC,  # the accessibility statement (tillgänglighetsredogörelse)
    "logout_everywhere": EVERYONE,
    "password_change": EVERYONE,
    "password_change_done": EVERYONE,
    "access_log_review": "A",
    "admin": "A",
    # Case files: the team's coordinators only (others reach them through break-glass).
    "participants:list": STAFF,
    "participants:create": STAFF,
    "participants:lookup": STAFF,
    "participants:break_glass": STAFF,
    "participants:detail": "C",
    "participants:edit": "C",
    "participants:status": "C",
    # The records-extract checks and prerequisites on the case file: as the case file itself.
    "participants:records_check_create": "C",
    "participants:records_check_delete": "C",
    "participants:prerequisite_create": "C",
    "participants:prerequisite_end": "C",
    "participants:prerequisite_delete": "C",
    # Exits and the status after the establishment programme: as the case file itself.
    "participants:exit_create": "C",
    "participants:exit_delete": "C",
    "participants:programme_status_create": "C",
    "participants:programme_status_delete": "C",
    # The case journal (notes and tasks): the team's coordinators only, never a supervisor or a manager.
    "participants:note_create": "C",
    "participants:task_create": "C",
    "participants:task_close": "C",
    "participants:task_list": STAFF,
    # The whole list behind a start-page panel (here the coordinator's "waiting" panel).
    "start_list": STAFF,
    # The study timetable: as the case file itself.
    "participants:study_times": "C",
    "participants:sms_consent": "C",
    "participants:import_upload": STAFF,
    "participants:import_template": STAFF,
    "participants:import_template_xlsx": STAFF,
    "participants:import_preview": "C",
    "participants:import_result": "C",
    "placements:participant_needs": "C",
    "placements:detail": "C",
    "placements:agreement": "C",
    "placements:certificate": "C",
    "placements:transition": "C",
    "placements:proposal_change": "C",
    # Meetings: the placement's team coordinators; the week page and the feed's page for coordinators.
    "placements:meeting_book": "C",
    "placements:meeting_change": "C",
    "placements:meeting_cancel": "C",
    "placements:week": STAFF,
    "placements:calendar_feed_settings": STAFF,
    "calendar_feed": PUBLIC,  # the secret URL is the key; an unknown one is 404
    "placements:agreement_draft": "C",
    "placements:signing": "C",
    "placements:signing_send": "C",
    "placements:signing_sign": "C",
    "placements:signing_paper": "C",
    "placements:signing_document": "C",
    "placements:signature_scan": "C",
    "placements:certificate_approve": "C",
    "placements:certificate_return": "C",
    "placements:portal_certificate": "S",
    # The participant's summary ("Din praktik"): the case file's team, like its other documents.
    "placements:summary": "C",
    "placements:summary_pdf": "C",
    "placements:summary_notes": "C",
    "placements:summary_sms": "C",
    # The supervisor's portal and follow-up form; the coordinator logs follow-ups too.
    "placements:portal_placement": "S",
    "placements:follow_up": "CS",
    # The shared register of workplaces, needs and supervisors, and matching: coordinators.
    "workplaces:organisation_list": STAFF,
    "workplaces:organisation_create": STAFF,
    "workplaces:organisation_detail": STAFF,
    "workplaces:organisation_edit": STAFF,
    "workplaces:workplace_create": STAFF,
    "workplaces:workplace_detail": STAFF,
    "workplaces:workplace_edit": STAFF,
    "workplaces:need_create": STAFF,
    "workplaces:need_list": STAFF,
    "workplaces:need_detail": STAFF,
    "workplaces:need_edit": STAFF,
    "workplaces:need_status": STAFF,
    "placements:propose": STAFF,
    "placements:supervisor_options": STAFF,
    "placements:quick_propose": STAFF,
    "placements:allocation": STAFF,
    "placements:need_candidates": STAFF,
    "supervisors:list": STAFF,
    "supervisors:create": STAFF,
    "supervisors:detail": STAFF,
    "supervisors:edit": STAFF,
    "supervisors:invite": STAFF,
    "supervisors:training": STAFF,
    "supervisors:session_create": STAFF,
    "supervisors:session": STAFF,
    "supervisors:enrolment_action": STAFF,
    # Data-subject requests: the register extract (the team's coordinator, administrators) and
    # erasure on request (administrators).
    "privacy:requests": "A",
    "privacy:extract": "CA",
    "privacy:erase": "A",
    # The REST API: the same people as the pages. Anonymous clients get 401, never a login page.
    "api:schema": EVERYONE,
    "api:docs": EVERYONE,
    "api:participant-list": STAFF,
    "api:participant-detail": "C",
    "api:participant-needs": "C",
    "api:participant-reveal": "C",
    "api:work-experience-list": STAFF,
    "api:work-experience-detail": "C",
    "api:organisation-list": STAFF,
    "api:organisation-detail": STAFF,
    "api:workplace-list": STAFF,
    "api:workplace-detail": STAFF,
    "api:need-list": STAFF,
    "api:need-detail": STAFF,
    "api:need-candidates": STAFF,
    "api:need-change-status": STAFF,
    "api:supervisor-list": STAFF,
    "api:supervisor-detail": STAFF,
    "api:placement-list": STAFF,
    "api:placement-detail": "C",
    "api:placement-activate": "C",
    "api:placement-agree": "C",
    "api:placement-assessment": "C",
    "api:placement-cancel": "C",
    "api:placement-complete": "C",
    "api:placement-end-early": "C",
    "api:placement-later-outcome": "C",
    "api:follow-up-list": "CXST",
    "api:follow-up-detail": "CS",
    "api:portal-placement-list": "ST",
    "api:portal-placement-detail": "S",
    "api:meeting-list": STAFF,
    "api:meeting-detail": "C",
    "api:meeting-cancel": "C",
    "api:meeting-ics": "C",
    "api:report-figures": "M",
    # The case journal in the API: as on the pages.
    "api:case-note-list": STAFF,
    "api:case-note-detail": "C",
    "api:task-list": STAFF,
    "api:task-detail": "C",
    "api:task-close": "C",
    # Aggregates: managers only.
    "reporting:dashboard": "M",
    "reporting:archive": "M",
    "reporting:targets": "M",
    "reporting:fairness": "M",
    "reporting:methodology": "M",
    "reporting:generate": "M",
    "reporting:file": "M",
}


def _pages() -> list[tuple[str, str]]:
    """(name, route) of every page; Django's admin counts as one page, its index."""
    return [*_walk(get_resolver().url_patterns), ("admin", "admin/")]


class World:
    """One of each thing a page can be about, seen from each actor: the case file and its users in one
    municipality (the factories' default unless given; tests/test_two_municipalities.py builds two),
    the shared register (workplaces, needs, supervisors, trainings) wherever the factories put it.
    `names` gives the participant's first and last name, for tests that look for them in answers."""

    def __init__(self, municipality: Municipality | None = None, *, names: tuple[str, str] | None = None) -> None:
        today = timezone.localdate()
        self.municipality = municipality or MunicipalityFactory()
        named = {"first_name": names[0], "last_name": names[1]} if names else {}
        self.participant = ParticipantFactory(team=TeamFactory(municipality=self.municipality), **named)
        self.experience = WorkExperienceFactory(participant=self.participant)
        self.records_check = RecordsExtractCheckFactory(participant=self.participant)
        self.prerequisite = ParticipantPrerequisiteFactory(participant=self.participant)
        self.exit = ExitFactory(participant=self.participant)
        self.programme_status = ProgrammeStatusFactory(participant=self.participant)
        self.note = CaseNoteFactory(participant=self.participant)
        self.task = TaskFactory(participant=self.participant)
        self.placement = PlacementFactory(
            participant=self.participant,
            status=PlacementStatus.ACTIVE,
            planned_start=today - dt.timedelta(days=10),
            planned_end=today + dt.timedelta(days=30),
            actual_start=today - dt.timedelta(days=10),
        )
        self.follow_up = FollowUpFactory(placement=self.placement, due_date=today, done_on=None)
        self.finished = PlacementFactory(  # an earlier placement, for its certificate
            participant=self.participant,
            status=PlacementStatus.COMPLETED,
            planned_start=today - dt.timedelta(days=200),
            planned_end=today - dt.timedelta(days=150),
            actual_start=today - dt.timedelta(days=200),
            actual_end=today - dt.timedelta(days=150),
            outcome=Outcome.EMPLOYMENT,
        )
        self.proposal = PlacementFactory(  # a later placement, still a proposal, to change
            participant=self.participant,
            need=self.placement.need,
            supervisor=self.placement.supervisor,
            status=PlacementStatus.PROPOSED,
            planned_start=today + dt.timedelta(days=40),
            planned_end=today + dt.timedelta(days=60),
        )
        # Frozen for signing, with a paper signature and its scan.
        self.signature = SignatureFactory(
            document=AgreementDocumentFactory(placement=self.proposal),
            method="paper",
            scan=ContentFile(b"%PDF-1.4 scan", name="scan.pdf"),
        )
        CertificateFactory(placement=self.finished, approved=True)
        self.need = self.placement.need
        self.workplace = self.need.workplace
        self.organisation = self.workplace.organisation
        self.supervisor = self.placement.supervisor
        self.session = TrainingSessionFactory()
        self.enrolment = EnrolmentFactory(session=self.session, supervisor=self.supervisor)
        self.report = QuarterlyReportFactory(municipality=self.municipality, status=QuarterlyReport.Status.DONE)
        self.report.pdf.save("report.pdf", ContentFile(b"%PDF-1.4 test"))
        self.users = {
            "C": CoordinatorFactory(team=self.participant.team),
            "X": CoordinatorFactory(team=TeamFactory(municipality=self.municipality)),
            "S": SupervisorUserFactory(municipality=self.municipality),
            "T": SupervisorUserFactory(municipality=self.municipality),
            "M": ManagerFactory(municipality=self.municipality),
            "A": UserFactory(role=Role.ADMINISTRATOR, is_staff=True, municipality=self.municipality),
        }
        self.supervisor.user = self.users["S"]
        self.supervisor.save()
        SupervisorFactory(user=self.users["T"])
        self.import_ = ReferralImportFactory(created_by=self.users["C"])
        self.imported = ReferralImportFactory(
            created_by=self.users["C"], status="imported", imported_at=timezone.now(), content=b""
        )
        self.imported.participants.add(self.participant)
        self.token = link_create(follow_up=self.follow_up).rstrip("/").rsplit("/", 1)[-1]
        self.meeting = MeetingFactory(placement=self.placement)

    def thing(self, name: str) -> Any | None:
        """The object the page named `name` is about (None for a page about none)."""
        objects: dict[str, Any] = {
            "participants:import_preview": self.import_,
            "participants:import_result": self.imported,
            "workplaces:organisation_detail": self.organisation,
            "workplaces:organisation_edit": self.organisation,
            "workplaces:workplace_create": self.organisation,
            "workplaces:need_create": self.workplace,
            "supervisors:create": self.workplace,
            "supervisors:session": self.session,
            "supervisors:enrolment_action": self.enrolment,
            "reporting:file": self.report,
            "placements:certificate": self.finished,
            "placements:proposal_change": self.proposal,
            "placements:agreement_draft": self.proposal,
            "placements:signing_document": self.proposal,
            "placements:signature_scan": self.proposal,
            "api:work-experience-detail": self.experience,
            "api:organisation-detail": self.organisation,
            "api:workplace-detail": self.workplace,
            "api:supervisor-detail": self.supervisor,
            "api:follow-up-detail": self.follow_up,
            "api:meeting-detail": self.meeting,
            "api:meeting-cancel": self.meeting,
            "api:meeting-ics": self.meeting,
            "api:case-note-detail": self.note,
            "api:task-detail": self.task,
            "api:task-close": self.task,
        }
        by_prefix = {
            "participants:": self.participant,
            "privacy:": self.participant,
            "api:participant": self.participant,
            "api:need": self.need,
            "api:placement": self.placement,
            "api:portal-placement": self.placement,
            "placements:need_candidates": self.need,
            "placements:participant_needs": self.participant,
            "placements:": self.placement,
            "workplaces:workplace": self.workplace,
            "workplaces:need": self.need,
            "supervisors:": self.supervisor,
        }
        return objects.get(name) or next((v for k, v in by_prefix.items() if name.startswith(k)), None)

    def url(self, name: str, route: str) -> str:
        thing = self.thing(name)
        text = route.replace("^", "").replace("$", "").replace("\\Z", "")
        # A row on the case file: the participant's own, so that the page finds it.
        rows = (
            ("check_pk", self.records_check),
            ("held_pk", self.prerequisite),
            ("exit_pk", self.exit),
            ("status_pk", self.programme_status),
            ("meeting_pk", self.meeting),
            ("task_pk", self.task),
            ("signature_pk", self.signature),
        )
        for key, row in rows:
            text = text.replace(f"<int:{key}>", str(row.pk))
        pk = str(thing.pk) if thing is not None else "1"
        text = re.sub(r"<int:\w+>|\(\?P<pk>[^)]*\)", pk, text)
        extra = {"action": "cancel", "kind": "pdf", "token": self.token, "uidb64": "x", "panel": "waiting"}
        text = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(extra.get(m.group(1), "x")), text)
        return "/" + text


@pytest.fixture
def world() -> World:
    return World()


def _is_login_redirect(response) -> bool:
    location = response.get("Location", "")
    return response.status_code == 302 and (
        location.startswith(reverse("login")) or location.startswith(reverse("admin:login"))
    )


def test_every_url_is_in_the_matrix() -> None:
    names = [name for name, _route in _pages()]
    assert len(names) >= 60  # the walk found the pages
    assert sorted(set(names) - set(MATRIX)) == [], "add the new pages' expected answers to MATRIX"
    assert sorted(set(MATRIX) - set(names)) == [], "remove pages that no longer exist from MATRIX"
    assert all(who == PUBLIC or set(who) <= set(ACTORS) for who in MATRIX.values())


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)  # afresh for every request: a page may log the user out
    return client


# Read-only endpoints: the roles they are for may read, and their writes are refused.
API_READ_ONLY = {"api:portal-placement-list", "api:portal-placement-detail", "api:report-figures"}


def _api_answer_ok(name: str, actor: str, allowed: str, method: str, status: int) -> bool:
    if actor == "-":
        return status == 401
    if actor in allowed and method == "post" and name in API_READ_ONLY:
        return status in (403, 405)
    if actor in allowed:
        return status < 500 and status not in (401, 403) and (method == "post" or status != 404)
    return status in (403, 404, 405)


def answer_ok(name: str, actor: str, method: str, response: Any, *, secret: str) -> bool:
    """Whether `actor` ("-" for anonymous) got the answer MATRIX expects for page `name`; `secret` must
    not appear in a refusal."""
    allowed = MATRIX.get(name, "")
    status, to_login = response.status_code, _is_login_redirect(response)
    if name in LOGS_OUT and (actor == "-" or method == "post"):
        to_login = False  # ending on the login page is the page's job
    if name.startswith("api:"):
        return _api_answer_ok(name, actor, allowed, method, status)
    if allowed == PUBLIC:
        return status < 500 and not to_login
    if actor == "-":
        return to_login or (name in LOGS_OUT and response.status_code == 302)
    if actor in allowed:
        return status < 500 and not to_login and (method == "post" or status != 404)
    if name == "admin":
        return to_login  # Django's admin sends non-staff users to its own login
    return status in (404, 405) and secret not in response.content.decode(errors="replace")


def test_every_page_gives_each_actor_the_expected_answer(world: World) -> None:
    secret = world.participant.last_name
    problems = []
    for name, route in _pages():
        url = world.url(name, route)
        for actor in "-" + ACTORS:
            user = world.users.get(actor)
            for method in ("get", "post"):
                response = getattr(_client(user), method)(url)
                if not answer_ok(name, actor, method, response, secret=secret):
                    problems.append((name, url, actor, method, response.status_code))
    assert problems == []
