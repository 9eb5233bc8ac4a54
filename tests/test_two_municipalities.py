"""Two municipalities side by side: nothing of one reaches the users of the other.

Municipality A and municipality B each get the URL matrix's world (tests/test_url_matrix.py): a case
file with every child row, placements with follow-ups, a document, a certificate, a meeting, a note,
a task, imports, a quarterly report, and a coordinator, a coordinator of another team, supervisors,
a manager and an administrator. Then every URL the resolver knows is requested about A's objects as
B's users (404 for an object of A's case files, the matrix's answer elsewhere), and every answer B's
users get (pages, searches, exports, the API, e-mails and text messages) is searched for A's names,
identity number and the addresses of A's case-file pages.

Supervisors are their municipality's register (accounts.access.supervisor_scope); employers and
needs are a municipality's or, published, the region's; training sessions are the installation's,
with only the own municipality's supervisors named on them
(supervisors/tests/test_training_municipalities.py). Pages that open for both must not carry A's case
files with them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from urllib import parse

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core import mail
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.access_log import log_access, log_access_by_link
from accounts.models import AccessAction, AccessLogEntry, BreakGlassGrant, Role, RoleGrant, User
from accounts.services import api_token_create, role_grant_approve, role_grant_request
from accounts.tests.factories import (
    AccessLogEntryFactory,
    AdminAuditEntryFactory,
    AdministratorFactory,
    BreakGlassGrantFactory,
    MunicipalityFactory,
    RoleGrantFactory,
    SupervisorUserFactory,
    UserFactory,
    api_key_for,
)
from participants.identity import format_identity_number, mask_identity_number
from participants.lookup_views import break_glass_ticket
from participants.models import CaseNote, Participant, ParticipantStatus, Task
from participants.tests.factories import ParticipantFactory
from placements.models import PlacementStatus
from placements.selectors import COORDINATOR_PANELS, SUPERVISOR_PANELS
from placements.tasks import queue_participant_reminders, queue_supervisor_reminders, send_follow_up_reminders
from placements.tests.factories import PlacementFactory
from privacy.models import ErasureMethod
from privacy.services import participant_erase_on_request
from sms.backends import locmem
from supervisors.models import Enrolment, Supervisor, TrainingSession
from tests.test_url_matrix import ACTORS, MATRIX, PUBLIC, World, _client, _pages, answer_ok
from workplaces.models import Need, Organisation, Workplace

pytestmark = pytest.mark.django_db

# Trainings are shared by every municipality: their pages answer as the matrix says. The workplace
# register (organisations, their workplaces, needs and supervisors) is a municipality's own when its
# organisation is local: as closed to another as a case file. A regional employer's is its region's.
SHARED = (Organisation, Workplace, Need, Supervisor, TrainingSession, Enrolment)
REGISTER = (Organisation, Workplace, Need, Supervisor)
# The actors of B who have a role (anonymous users are the matrix's own test).
B_ACTORS = ACTORS


class Pair:
    """Municipality A (with distinctive names, to look for) and municipality B, each a full world."""

    def __init__(self) -> None:
        self.a = World(MunicipalityFactory(code="2380"), names=("Dragana", "Zlatanova"))
        self.b = World(MunicipalityFactory(code="0180"), names=("Bertil", "Lindqvist"))
        # The journal's text names the person too, so that a note or a task shown elsewhere is found.
        CaseNote.objects.filter(participant=self.a.participant).update(text="Zlatanova ringde om praktiken")
        Task.objects.filter(participant=self.a.participant).update(title="Boka möte med Zlatanova")
        assert self.a.participant.municipality_id != self.b.participant.municipality_id

    def secrets(self) -> list[str]:
        """What must never reach B's users: A's names, identity number (in every form shown), and the
        addresses of A's case file and placements."""
        person = self.a.participant
        number = person.identity_number or ""
        return [
            person.last_name,
            person.first_name,
            number,
            format_identity_number(number),
            mask_identity_number(number),
            reverse("participants:detail", args=[person.pk]),
            *(reverse("placements:detail", args=[placement.pk]) for placement in self.a_placements()),
        ]

    def a_placements(self) -> list[Model]:
        return [self.a.placement, self.a.finished, self.a.proposal]


@pytest.fixture
def pair() -> Pair:
    return Pair()


def _leaks(content: bytes | str, secrets: list[str]) -> list[str]:
    text = content.decode(errors="replace") if isinstance(content, bytes) else content
    return [secret for secret in secrets if secret in text]


def _body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def _register_owner(thing: Model) -> int | None:
    """The municipality owning a workplace-register row (a need's is its workplace's, a workplace's its
    organisation's), if organisations have one: None while the register is everyone's, and for a region's."""
    while not isinstance(thing, Organisation):
        thing = thing.organisation if isinstance(thing, Workplace) else thing.workplace  # type: ignore[attr-defined]  # reason: a Need or a Supervisor
    owner: int | None = getattr(thing, "municipality_id", None)
    return owner


def _case_file_object(world: World, name: str, route: str) -> bool:
    """Whether the page is about one object of the world's own: its case files, reports and (once
    organisations are a municipality's) its workplace register."""
    thing = world.thing(name)
    has_parameter = "<" in route or "(?P<" in route
    return has_parameter and MATRIX.get(name) != PUBLIC and thing is not None and _owned(world, thing)


def _owned(world: World, thing: Model) -> bool:
    """Whether the object is the world's municipality's own, not shared with the other."""
    if isinstance(thing, REGISTER):
        return _register_owner(thing) == world.municipality.pk
    return not isinstance(thing, SHARED)


# --- a) the URL matrix across the boundary -------------------------------------------------------------


def test_b_users_get_404_for_every_object_of_a_and_see_nothing_of_a_elsewhere(pair: Pair) -> None:
    secrets = pair.secrets()
    problems = []
    checked = 0
    for name, route in _pages():
        url = pair.a.url(name, route)
        on_case_file = _case_file_object(pair.a, name, route)
        for actor in B_ACTORS:
            user = pair.b.users[actor]
            # Writes to A's objects are tried too; elsewhere a POST is the matrix's own test.
            for method in ("get", "post") if on_case_file else ("get",):
                response = getattr(_client(user), method)(url)
                status = response.status_code
                if on_case_file:
                    refused = (403, 404, 405) if name.startswith("api:") or method == "post" else (404, 405)
                    ok = status in refused
                    checked += 1
                else:
                    ok = answer_ok(name, actor, method, response, secret=pair.a.participant.last_name)
                leaked = [] if MATRIX.get(name) == PUBLIC else _leaks(_body(response), secrets)
                if not ok or leaked:
                    problems.append((name, url, actor, method, status, leaked))
    assert checked > 300  # the walk reached A's objects
    assert problems == [], "\n".join(map(repr, problems))


def test_a_users_get_the_matrixs_answers_for_the_same_urls(pair: Pair) -> None:
    """The other half: the same URLs open for A's own users as the matrix says, so the test above is
    not passing because the URLs lead nowhere."""
    problems = []
    opened = 0
    for name, route in _pages():
        url = pair.a.url(name, route)
        for actor in "CMA":
            response = _client(pair.a.users[actor]).get(url)
            if not answer_ok(name, actor, "get", response, secret=pair.a.participant.last_name):
                problems.append((name, url, actor, response.status_code))
            if _case_file_object(pair.a, name, route) and actor in MATRIX[name] and response.status_code == 200:
                opened += 1
    assert problems == [], "\n".join(map(repr, problems))
    assert opened > 30


# --- b) lists, searches, exports, start pages, dashboards and reports -----------------------------------


def _pages_with_queries(pair: Pair) -> list[str]:
    a = pair.a.participant
    return [
        reverse("home"),
        reverse("participants:list"),
        f"{reverse('participants:list')}?q={a.last_name}",
        f"{reverse('participants:list')}?q={a.identity_number}",
        f"{reverse('participants:list')}?q={a.first_name}&status=&target_group=",
        reverse("participants:task_list"),
        f"{reverse('participants:task_list')}?q=Zlatanova",
        *(reverse("start_list", args=[panel]) for panel in _start_panels()),
        reverse("placements:week"),
        reverse("placements:allocation"),
        reverse("placements:need_candidates", args=[pair.a.need.pk]),
        reverse("placements:participant_needs", args=[pair.b.participant.pk]),
        reverse("workplaces:need_detail", args=[pair.a.need.pk]),
        reverse("workplaces:workplace_detail", args=[pair.a.workplace.pk]),
        reverse("workplaces:organisation_detail", args=[pair.a.organisation.pk]),
        reverse("supervisors:detail", args=[pair.a.supervisor.pk]),
        reverse("supervisors:session", args=[pair.a.session.pk]),
        reverse("supervisors:list"),
        reverse("workplaces:need_list"),
        reverse("reporting:dashboard"),
        reverse("reporting:archive"),
        reverse("reporting:targets"),
        reverse("reporting:fairness"),
        reverse("access_log_review"),
        f"{reverse('access_log_review')}?month={timezone.localdate():%Y-%m}",
        reverse("admin:accounts_rolegrant_changelist"),
        reverse("privacy:requests"),
        f"{reverse('privacy:requests')}?q={a.identity_number}",
        reverse("admin:accounts_accesslogentry_changelist"),
        reverse("admin:accounts_user_changelist"),
        f"{reverse('admin:accounts_user_changelist')}?q={pair.a.users['C'].last_name}",
        reverse("admin:accounts_adminauditentry_changelist"),
        reverse("admin:accounts_apitoken_changelist"),
        reverse("admin:accounts_apitoken_add"),  # whose token: the integration users offered
        reverse("admin:accounts_rolegrant_add"),  # for whom, in which team
        reverse("admin:axes_accessattempt_changelist"),
    ]


def _start_panels() -> list[str]:
    return [*COORDINATOR_PANELS, *SUPERVISOR_PANELS]


def test_lists_searches_and_dashboards_of_b_carry_nothing_of_a(pair: Pair) -> None:
    secrets = pair.secrets()
    # A's access-log entries and break-glass openings, for the log pages and their export.
    AccessLogEntryFactory(user=pair.a.users["C"], participant_id=pair.a.participant.pk, action=AccessAction.VIEW)
    BreakGlassGrantFactory(user=pair.a.users["X"], participant_id=pair.a.participant.pk, reason="Zlatanova flyttade")
    AccessLogEntryFactory(
        user=pair.a.users["X"],
        participant_id=pair.a.participant.pk,
        action=AccessAction.BREAK_GLASS,
        reason="Zlatanova flyttade",
    )
    # A's administration: a token of an integration, a role asked for, an account added.
    api_key_for(pair.a.users["C"])
    RoleGrantFactory(user=pair.a.users["X"], team=pair.a.users["X"].team)
    AdminAuditEntryFactory(
        user=pair.a.users["A"], target_user_id=pair.a.users["X"].pk, target_username=pair.a.users["X"].username
    )
    # A lock-out of A's coordinator after failed logins (django-axes keeps the user name).
    AccessAttempt.objects.create(
        username=pair.a.users["C"].username, ip_address="192.0.2.1", user_agent="test", failures_since_start=5
    )
    # A's staff under a name found nowhere else (the admin's choices show full names).
    User.objects.filter(pk__in=[pair.a.users[actor].pk for actor in "CXA"]).update(last_name="Ahlgrenius")
    secrets = [*secrets, "Ahlgrenius", *(pair.a.users[actor].username for actor in "CXA")]
    problems = []
    for url in _pages_with_queries(pair):
        # A search form shows what was typed: that is no leak, the hits (A's page, names) would be.
        typed = parse.unquote(parse.urlsplit(url).query)
        looked_for = [secret for secret in secrets if secret not in typed]
        for actor in "CXMA":
            response = _client(pair.b.users[actor]).get(url)
            assert response.status_code < 500, (url, actor)
            leaked = _leaks(_body(response), looked_for)
            if leaked:
                problems.append((url, actor, leaked))
    assert problems == [], "\n".join(map(repr, problems))


def test_the_same_lists_show_a_its_own(pair: Pair) -> None:
    """The pages above do show A's case file to A's coordinator: the search is not blind."""
    client = _client(pair.a.users["C"])
    for url in (
        reverse("participants:list"),
        f"{reverse('participants:list')}?q={pair.a.participant.last_name}",
    ):
        assert pair.a.participant.last_name in client.get(url).content.decode(), url


def test_the_access_log_export_of_b_holds_none_of_as_entries(pair: Pair) -> None:
    ours = AccessLogEntryFactory(user=pair.b.users["C"], participant_id=pair.b.participant.pk)
    theirs = AccessLogEntryFactory(user=pair.a.users["C"], participant_id=pair.a.participant.pk)
    client = _client(pair.b.users["A"])
    response = client.post(
        reverse("admin:accounts_accesslogentry_changelist"),
        {"action": "export_csv", "_selected_action": [ours.pk, theirs.pk]},
    )
    assert response.status_code == 200
    text = _body(response).decode("utf-8-sig")
    assert pair.b.users["C"].username in text
    assert pair.a.users["C"].username not in text


def test_an_erased_case_files_entries_stay_in_its_municipalitys_access_log_only() -> None:
    """Entries by a supervisor and a follow-up link's holder (no municipality of their own) about A's
    case file, which is then erased on request: A's administrator still lists and exports them (the
    entry's own key, AccessLogEntry.municipality), B's does not. Found through the case file, they
    fell out of every administrator's view with it."""
    a, b = MunicipalityFactory(code="2380"), MunicipalityFactory(code="0180")
    person = ParticipantFactory(team__municipality=a, status=ParticipantStatus.EXITED)
    supervisor = SupervisorUserFactory(municipality=None, username="handledare-zlatanova")
    log_access(user=supervisor, participant_ids=[person.pk], action=AccessAction.VIEW)
    log_access_by_link(holder="follow-up-link:supervisor-77", participant_ids=[person.pk], action=AccessAction.VIEW)
    a_administrator = AdministratorFactory(municipality=a)
    participant_erase_on_request(participant=person, method=ErasureMethod.ERASE, reason="Begäran", by=a_administrator)
    assert not Participant.objects.filter(pk=person.pk).exists()
    entries = list(AccessLogEntry.objects.filter(participant_id=person.pk))
    assert {entry.municipality_id for entry in entries} == {a.pk}
    assert len(entries) == 3  # the supervisor's, the link's and the erasure's

    url = reverse("admin:accounts_accesslogentry_changelist")
    export = {"action": "export_csv", "_selected_action": [entry.pk for entry in entries]}
    for administrator, sees in ((a_administrator, True), (AdministratorFactory(municipality=b), False)):
        listed = _client(administrator).get(url).content.decode()
        exported = _body(_client(administrator).post(url, export)).decode("utf-8-sig")
        for name in ("handledare-zlatanova", "follow-up-link:supervisor-77"):
            assert (name in listed, name in exported) == (sees, sees), (administrator.municipality, name)


def test_the_quarterly_report_files_of_a_are_404_to_b(pair: Pair) -> None:
    client = _client(pair.b.users["M"])
    for kind in ("pdf", "xlsx"):
        url = reverse("reporting:file", args=[pair.a.report.pk, kind])
        assert client.get(url).status_code == 404
    own = reverse("reporting:file", args=[pair.b.report.pk, "pdf"])
    assert _client(pair.b.users["M"]).get(own).status_code == 200


def _started_this_quarter(user: Any) -> int | None:
    figures = _api(user).get(reverse("api:report-figures")).json()
    [started] = [row for row in figures["indicators"] if row["code"] == "placements-started"]
    numerator: int | None = started["quarter"]["numerator"]
    return numerator


def test_the_report_figures_of_b_do_not_count_as_placements(pair: Pair) -> None:
    today = timezone.localdate()
    for _ in range(5):  # enough for A's figure to be shown (1-4 are withheld)
        PlacementFactory(
            participant=ParticipantFactory(team=pair.a.participant.team),
            status=PlacementStatus.ACTIVE,
            planned_start=today,
            planned_end=today + dt.timedelta(days=30),
            actual_start=today,
        )
    assert (_started_this_quarter(pair.a.users["M"]) or 0) >= 5
    assert _started_this_quarter(pair.b.users["M"]) is None  # B's one or two: withheld, not A's added
    figures_b = _api(pair.b.users["M"]).get(reverse("api:report-figures")).content
    assert _leaks(figures_b, pair.secrets()) == []


# --- c) the API walk as B's token users ------------------------------------------------------------------


def _api(user: Any) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(user)}")
    return client


def _ids(data: Any) -> set[int]:
    """Every id in an API answer, at any depth ("id" keys and "<thing>_id"/"<thing>" numbers are not
    told apart: ids of several models may collide, so the check below compares per endpoint)."""
    found: set[int] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "id" and isinstance(value, int):
                found.add(value)
            else:
                found |= _ids(value)
    elif isinstance(data, list):
        for item in data:
            found |= _ids(item)
    return found


def _items(data: Any) -> list[Any]:
    if isinstance(data, dict) and "results" in data:
        return list(data["results"])
    return list(data) if isinstance(data, list) else []


def test_the_api_walk_as_b_shows_none_of_as_objects(pair: Pair) -> None:
    secrets = pair.secrets()
    problems: list[tuple[Any, ...]] = []
    listed = 0
    for actor in "CMS":
        client = _api(pair.b.users[actor])
        for name, route in _pages():
            if not name.startswith("api:") or name in {"api:schema", "api:docs"}:
                continue
            url = pair.a.url(name, route)
            response = client.get(url)
            body = _body(response)
            if _case_file_object(pair.a, name, route):
                if response.status_code not in (403, 404, 405):
                    problems.append((name, url, actor, response.status_code))
            elif name.endswith("-list") and response.status_code == 200:
                own = pair.a.thing(name.removesuffix("-list") + "-detail")
                items = _items(response.json())
                listed += len(items)
                if own is not None and _owned(pair.a, own) and own.pk in {i.get("id") for i in items}:
                    problems.append((name, url, actor, "lists A's", own.pk))
            leaked = _leaks(body, secrets)
            if leaked:
                problems.append((name, url, actor, leaked))
    assert listed > 5  # B's own objects are listed: the walk read real answers
    assert problems == [], "\n".join(map(repr, problems))


def test_the_api_lists_a_its_own(pair: Pair) -> None:
    client = _api(pair.a.users["C"])
    data = client.get(reverse("api:participant-list")).json()
    assert pair.a.participant.pk in {item["id"] for item in _items(data)}
    detail = client.get(reverse("api:participant-detail", args=[pair.a.participant.pk]))
    assert detail.status_code == 200


# --- d) reminders, e-mails and text messages ------------------------------------------------------------


@pytest.fixture
def overdue(pair: Pair) -> Iterator[Pair]:
    """Both worlds' follow-ups overdue, the supervisors reminded by text message, the coordinators by mail."""
    for world in (pair.a, pair.b):
        world.follow_up.due_date = timezone.localdate() - dt.timedelta(days=3)
        world.follow_up.save(update_fields=["due_date"])
        world.supervisor.phone = "+46701740699" if world is pair.a else "+46701740698"
        world.supervisor.reminders_by = "sms"
        world.supervisor.save()
    yield pair


def test_reminders_about_a_reach_a_only(overdue: Pair, django_capture_on_commit_callbacks: Any) -> None:
    pair = overdue
    a_addresses = {user.email for user in pair.a.users.values()} | {
        pair.a.participant.coordinator.email,
        pair.a.placement.coordinator.email,
        pair.a.supervisor.email,
    }
    morning = timezone.now().replace(hour=10)  # outside the text messages' quiet hours
    with time_machine.travel(morning, tick=False), django_capture_on_commit_callbacks(execute=True):
        # The beat's tasks, run eagerly as the test settings run Celery (in the system context).
        send_follow_up_reminders.delay()
        queue_supervisor_reminders.delay()
        queue_participant_reminders.delay()
    secrets = pair.secrets()
    assert mail.outbox, "the reminder run sent nothing"
    about_a = [message for message in mail.outbox if _leaks(f"{message.subject}\n{message.body}", secrets)]
    assert about_a, "no reminder about A's follow-up: the check below would pass blind"
    for message in about_a:
        assert set(message.to) <= a_addresses, (message.subject, message.to)
    to_b = [message for message in mail.outbox if not set(message.to) & a_addresses]
    assert to_b, "no reminder to B"
    assert [m.subject for m in to_b if _leaks(f"{m.subject}\n{m.body}", secrets)] == []
    texts_to_b = [sms for sms in locmem.outbox if sms.to != pair.a.supervisor.phone]
    assert texts_to_b, "no text message to B's supervisor"
    assert [sms.text for sms in texts_to_b if _leaks(sms.text, secrets)] == []


# --- e) the register extract, the identity-number lookup and break-glass ---------------------------------


def test_b_cannot_reach_as_case_file_by_lookup_or_break_glass(pair: Pair) -> None:
    coordinator = pair.b.users["C"]
    client = _client(coordinator)
    target = pair.a.participant
    page = client.post(reverse("participants:lookup"), {"identity_number": target.identity_number})
    assert page.status_code == 200
    typed = target.identity_number or ""  # the form shows what the user typed, and only that
    assert _leaks(page.content, [s for s in pair.secrets() if s not in (typed, format_identity_number(typed))]) == []
    assert "ticket" not in page.content.decode()  # no break-glass offered
    # A ticket made for A's person (as if one had leaked) opens nothing either.
    ticket = break_glass_ticket(user=coordinator, participant=target)
    response = client.post(reverse("participants:break_glass"), {"ticket": ticket, "reason": "Behöver se akten"})
    assert response.status_code == 302 and response["Location"] == reverse("participants:lookup")
    assert not BreakGlassGrant.objects.filter(user=coordinator, participant_id=target.pk).exists()
    # Nor does a grant row naming A's person.
    BreakGlassGrantFactory(user=coordinator, participant_id=target.pk)
    assert client.get(reverse("participants:detail", args=[target.pk])).status_code == 404
    assert not Participant.objects.visible_to(coordinator).filter(pk=target.pk).exists()
    # A's own coordinator of another team finds the person and is offered break-glass: the check can fail.
    own = _client(pair.a.users["X"]).post(reverse("participants:lookup"), {"identity_number": target.identity_number})
    assert "ticket" in own.content.decode()


def test_the_register_extract_of_a_is_404_to_b_and_bs_holds_nothing_of_a(pair: Pair) -> None:
    for actor in "CA":
        client = _client(pair.b.users[actor])
        assert (
            client.post(reverse("privacy:extract", args=[pair.a.participant.pk]), {"format": "json"}).status_code == 404
        )
        own = client.post(reverse("privacy:extract", args=[pair.b.participant.pk]), {"format": "json"})
        assert own.status_code == 200
        assert pair.b.participant.last_name in _body(own).decode(errors="replace")
        assert _leaks(_body(own), pair.secrets()) == []
    administrator_a = _client(pair.a.users["A"])
    extract_a = administrator_a.post(reverse("privacy:extract", args=[pair.a.participant.pk]), {"format": "json"})
    assert extract_a.status_code == 200


def test_a_superuser_still_reaches_both() -> None:
    """The boundary is per municipality, not a lock-out of system administration."""
    pair = Pair()
    superuser = UserFactory(is_superuser=True, is_staff=True, municipality=None)
    client = _client(superuser)
    for world in (pair.a, pair.b):
        assert client.get(reverse("participants:detail", args=[world.participant.pk])).status_code == 200
    assert Role.COORDINATOR not in superuser.roles


# --- the administration of accounts -----------------------------------------------------------------------


def test_bs_administrator_neither_asks_nor_decides_roles_nor_issues_tokens_for_a(pair: Pair) -> None:
    b_admin, a_user = pair.b.users["A"], pair.a.users["M"]
    with pytest.raises(ValidationError) as asked:
        role_grant_request(user=a_user, role=Role.ADMINISTRATOR, team=None, reason="Ny", by=b_admin)
    assert asked.value.message_dict == {"user": ["Kontot hör till en annan kommun."]}
    pending = role_grant_request(user=a_user, role=Role.ADMINISTRATOR, team=None, reason="Ny", by=pair.a.users["A"])
    # Not on B's list, and not decided through its action either.
    client = _client(b_admin)
    changelist = reverse("admin:accounts_rolegrant_changelist")
    assert a_user.username not in client.get(changelist).content.decode()
    client.post(changelist, {"action": "approve", "_selected_action": [pending.pk]})
    pending.refresh_from_db()
    assert pending.status == RoleGrant.Status.PENDING
    with pytest.raises(ValidationError):
        role_grant_approve(grant=pending, by=b_admin)
    integration = UserFactory(municipality=pair.a.municipality, is_integration=True)
    with pytest.raises(ValidationError) as issued:
        api_token_create(user=integration, name="Import", by=b_admin)
    assert issued.value.message_dict == {"user": ["Kontot hör till en annan kommun."]}
    # A's own administrators still do both: the check is the municipality, not the role.
    approved = role_grant_approve(grant=pending, by=AdministratorFactory(municipality=pair.a.municipality))
    assert approved.status == RoleGrant.Status.APPROVED
    assert api_token_create(user=integration, name="Import", by=pair.a.users["A"])[1]
