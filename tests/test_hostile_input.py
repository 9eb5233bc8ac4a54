"""Hostile input to the intake and placement forms: participants, needs, proposals, the placement
life cycle and follow-ups. Random and malicious values never cause a 500, are never reflected
unescaped, never leave anything half-saved, and an accepted post saves what the form cleaned.
(Values, strategies and checks: `hostile_values`; the other forms: `test_hostile_forms`.)"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import AccessLogEntry
from accounts.search import MAX_SEARCH_WORDS
from accounts.tests.factories import CoordinatorFactory, SupervisorUserFactory, UserFactory
from api.pagination import PagePagination
from participants.forms import ExperienceFormSet, ParticipantForm
from participants.models import Participant
from participants.tests.factories import ParticipantFactory
from participants.views import FILTER_SESSION_KEY
from participants.views import PAGE_SIZE as PARTICIPANT_PAGE_SIZE
from placements.forms import FollowUpForm, ProposeForm
from placements.links import link_create
from placements.models import FollowUp, Placement, PlacementStatus
from placements.tests.factories import FollowUpFactory, PlacementFactory
from placements.views import TRANSITIONS
from supervisors.tests.factories import SupervisorFactory
from taxonomy.tests.factories import DistrictFactory, OccupationFactory
from workplaces.tests.factories import NeedFactory, WorkplaceFactory

from .hostile_values import (
    MARKUP,
    as_querydict,
    assert_saved_as_cleaned,
    corrupted,
    fuzz,
    hostile_data,
    post_hostile,
    saved_pk,
)

pytestmark = pytest.mark.django_db

PARTICIPANT_FIELDS = [
    "first_name", "last_name", "identity_number", "gender", "region_of_birth", "phone", "email", "home_district",
    "target_group",
    "referral_source", "referral_date", "residence_permit_date", "establishment_programme_end", "swedish_level",
    "education_level", "hours_per_day", "job_track", "coordinator", "languages", "interests",
    "experience-0-occupation", "experience-0-years", "experience-0-country",
]  # fmt: skip
FORMSET = {"experience-TOTAL_FORMS": "1", "experience-INITIAL_FORMS": "0"}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@fuzz()
@given(data=hostile_data(PARTICIPANT_FIELDS, fixed=FORMSET))
def test_the_participant_form(data: dict[str, Any]) -> None:
    client = _client(CoordinatorFactory())
    post_hostile(client, reverse("participants:create"), data)


_serial = iter(range(10**6))


def _participant_post(coordinator) -> dict[str, Any]:
    from participants.identity import make_test_identity_number

    # Examples share the database: each valid post is a person not yet registered.
    birth = dt.date(1960, 1, 1) + dt.timedelta(days=next(_serial) * 7)
    return {
        "first_name": MARKUP[0],
        "last_name": MARKUP[1],
        "identity_number": make_test_identity_number(birth, 981),
        "gender": "unknown",
        "phone": "070-1234567",
        "email": "",
        "home_district": str(DistrictFactory().pk),
        "target_group": "youth",
        "referral_source": "employment_service",
        "referral_date": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
        "swedish_level": "3",
        "education_level": "2",
        "hours_per_day": "4",
        "coordinator": str(coordinator.pk),
        "experience-0-occupation": OccupationFactory().code,
        "experience-0-years": "2",
        "experience-0-country": MARKUP[2],
        **FORMSET,
    }


def _check_participant(client: Client, url: str, post: dict[str, Any], coordinator, instance=None) -> None:
    form = ParticipantForm(as_querydict(post), user=coordinator, instance=instance)
    formset = ExperienceFormSet(as_querydict(post), prefix="experience")
    valid = form.is_valid() and formset.is_valid()
    response = post_hostile(client, url, post, may_write=["accounts.AccessLogEntry"])
    if response.status_code == 302:
        assert valid, (form.errors, formset.errors)
        saved = Participant.objects.get(pk=saved_pk(response))
        # The service fills in the end of the establishment programme when it is left empty.
        assert_saved_as_cleaned(saved, form.cleaned_data, skip=["interests", "establishment_programme_end"])
        assert set(saved.interests.values_list("occupation", flat=True)) == {
            o.pk for o in form.cleaned_data["interests"]
        }
        assert [(e.occupation_code, e.years, e.country) for e in formset.experiences()] == [  # type: ignore[attr-defined]  # ExperienceFormSet's own method
            (e.occupation_id, e.years, e.country) for e in saved.work_experiences.all()
        ]


@fuzz()
@given(data=st.data())
def test_the_participant_form_from_a_valid_start(data: st.DataObject) -> None:
    coordinator = CoordinatorFactory()
    post = data.draw(corrupted(_participant_post(coordinator)))
    _check_participant(_client(coordinator), reverse("participants:create"), post, coordinator)


@fuzz()
@given(data=st.data())
def test_the_participant_edit_form(data: st.DataObject) -> None:
    coordinator = CoordinatorFactory()
    participant = ParticipantFactory(team=coordinator.team, coordinator=coordinator)
    post = data.draw(corrupted(_participant_post(coordinator)))
    url = reverse("participants:edit", args=[participant.pk])
    _check_participant(_client(coordinator), url, post, coordinator, Participant.objects.get(pk=participant.pk))


NEED_FIELDS = [
    "title", "occupation", "tasks", "placement_type", "job_track", "places", "hours_per_day", "start_date",
    "end_date", "min_swedish_level", "min_education_level", "requires_driving_licence", "records_extract",
]  # fmt: skip


@fuzz()
@given(data=hostile_data(NEED_FIELDS))
def test_the_need_form(data: dict[str, Any]) -> None:
    client = _client(CoordinatorFactory())
    workplace = WorkplaceFactory()
    post_hostile(client, reverse("workplaces:need_create", args=[workplace.pk]), data)


PROPOSAL_FIELDS = ["participant", "need", "supervisor", "start", "end", "hours_per_day", "decision_reference"]


@fuzz()
@given(data=hostile_data(PROPOSAL_FIELDS))
def test_the_proposal_form(data: dict[str, Any]) -> None:
    client = _client(CoordinatorFactory())
    need = NeedFactory()
    post_hostile(client, reverse("placements:propose") + f"?need={need.pk}", data)


@fuzz()
@given(data=st.data())
def test_the_proposal_form_from_a_valid_start(data: st.DataObject) -> None:
    coordinator = CoordinatorFactory()
    participant = ParticipantFactory(team=coordinator.team, coordinator=coordinator)
    need = NeedFactory()
    supervisor = SupervisorFactory(workplace=need.workplace)
    valid = {
        "participant": str(participant.pk),
        "need": str(need.pk),
        "supervisor": str(supervisor.pk),
        "start": need.start_date.isoformat(),
        "end": need.end_date.isoformat(),
        "hours_per_day": "4",
        "decision_reference": MARKUP[0][:50],
        "confirm_untrained": "on",
    }
    post = data.draw(corrupted(valid))
    form = ProposeForm(as_querydict(post), user=coordinator, need=need)
    valid_post = form.is_valid()
    response = post_hostile(
        _client(coordinator),
        reverse("placements:propose") + f"?need={need.pk}",
        post,
        may_write=[*_PLACEMENT_LOG, *_SHOWN_AGAIN],
    )
    if response.status_code == 302:
        assert valid_post, form.errors
        placement = Placement.objects.get(pk=saved_pk(response))
        cleaned = form.cleaned_data
        assert (
            placement.participant,
            placement.need,
            placement.supervisor,
            placement.planned_start,
            placement.planned_end,
            placement.hours_per_day,
            placement.decision_reference,
        ) == (
            cleaned["participant"],
            cleaned["need"],
            cleaned["supervisor"],
            cleaned["start"],
            cleaned["end"],
            cleaned["hours_per_day"],
            cleaned.get("decision_reference", ""),  # asked only when the need's type needs one
        )


# What a placement's state change writes besides the placement: its event, follow-ups, reminders, status history.
_PLACEMENT_LOG = [
    "placements.Placement",
    "placements.PlacementEvent",
    "placements.FollowUp",
    "placements.Reminder",
    "placements.LaterOutcome",
    "placements.Acknowledgement",
    "participants.StatusChange",
    "workplaces.Need",
]
# A refused form is shown again on a page with personal data (the placement, the participants to
# choose from): that showing is access-logged.
_SHOWN_AGAIN = ["accounts.AccessLogEntry"]

TRANSITION_FIELDS = ["on", "outcome", "reason", "party", "name", "assessment", "days_after"]


@fuzz(40)
@given(
    action=st.one_of(st.sampled_from(sorted(TRANSITIONS)), st.from_regex(r"[-a-z_0-9]{1,30}", fullmatch=True)),
    status=st.sampled_from([PlacementStatus.PROPOSED, PlacementStatus.AGREED, PlacementStatus.ACTIVE, "completed"]),
    prefixed=st.booleans(),
    data=hostile_data(TRANSITION_FIELDS),
)
def test_the_placement_life_cycle_forms(action: str, status: str, prefixed: bool, data: dict[str, Any]) -> None:
    coordinator = CoordinatorFactory()
    traits = {"active": True} if status == "active" else {"completed": True} if status == "completed" else {}
    placement = PlacementFactory(
        participant__team=coordinator.team, participant__coordinator=coordinator, status=status, **traits
    )
    if prefixed:
        data = {f"{action}-{key}": value for key, value in data.items()}
    before = Placement.objects.values().get(pk=placement.pk)
    response = post_hostile(
        _client(coordinator),
        reverse("placements:transition", args=[placement.pk, action]),
        data,
        may_write=[*_PLACEMENT_LOG, *_SHOWN_AGAIN],
    )
    assert response.status_code in (200, 302, 404)
    if response.status_code != 302:
        assert Placement.objects.values().get(pk=placement.pk) == before
        assert not response.changed  # type: ignore[attr-defined]  # tagged by post_hostile


@fuzz()
@given(data=hostile_data(["need", "participant", "back"]))
def test_the_quick_proposal(data: dict[str, Any]) -> None:
    coordinator = CoordinatorFactory()
    ParticipantFactory(team=coordinator.team, coordinator=coordinator)
    NeedFactory()
    response = post_hostile(_client(coordinator), reverse("placements:quick_propose"), data, may_write=_PLACEMENT_LOG)
    assert response.status_code in (302, 404)


FOLLOW_UP_FIELDS = [
    "done_on", "days_present", "days_absent", "tasks_done", "progress_work", "progress_swedish",
    "progress_cooperation", "concern", "concern_text", "next_steps", "due",
]  # fmt: skip


def _follow_up_post() -> dict[str, Any]:
    return {
        "done_on": timezone.localdate().isoformat(),
        "days_present": "8",
        "days_absent": "1",
        "tasks_done": MARKUP[0],
        "progress_work": "3",
        "progress_swedish": "4",
        "progress_cooperation": "5",
        "concern": "on",
        "concern_text": MARKUP[1],
        "next_steps": MARKUP[2],
    }


def _check_follow_up(client: Client, url: str, post: dict[str, Any], *, due: FollowUp | None = None) -> None:
    """Accepted means a new follow-up (or the one that was due) is logged with what the form cleaned."""
    form = FollowUpForm(as_querydict(post))
    valid = form.is_valid()
    before = set(FollowUp.objects.values_list("pk", flat=True))
    # A concern becomes the coordinator's task (participants.Task), written with the follow-up.
    may_write = ["placements.FollowUp", "placements.FollowUpLink", "participants.Task", *_SHOWN_AGAIN]
    post_hostile(client, url, post, may_write=may_write)
    logged = FollowUp.objects.exclude(pk__in=before).first()
    if due is not None:
        assert logged is None
        logged = FollowUp.objects.filter(pk=due.pk, done_on__isnull=False).first()
    if logged is not None:
        assert valid, form.errors
        # Without a concern the service keeps no concern text.
        skip = [] if form.cleaned_data["concern"] else ["concern_text"]
        assert_saved_as_cleaned(logged, form.cleaned_data, skip=skip)


@fuzz()
@given(data=hostile_data(FOLLOW_UP_FIELDS))
def test_the_follow_up_form(data: dict[str, Any]) -> None:
    user = SupervisorUserFactory()
    placement = PlacementFactory(active=True, supervisor__user=user)
    _check_follow_up(_client(user), reverse("placements:follow_up", args=[placement.pk]), data)


@fuzz()
@given(data=st.data())
def test_the_follow_up_form_from_a_valid_start(data: st.DataObject) -> None:
    user = SupervisorUserFactory()
    placement = PlacementFactory(active=True, supervisor__user=user)
    post = data.draw(corrupted(_follow_up_post()))
    _check_follow_up(_client(user), reverse("placements:follow_up", args=[placement.pk]), post)


@fuzz()
@given(data=st.data())
def test_the_follow_up_form_of_a_personal_link(data: st.DataObject) -> None:
    due = FollowUpFactory()
    url = link_create(follow_up=due)
    post = data.draw(corrupted(_follow_up_post()))
    _check_follow_up(Client(), url, post, due=due)


# Searches and list sizes: every size a user may ask for is bounded (accounts.search, accounts.tables).


def _search_sql(client: Client, url: str, words: int) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"q": " ".join(f"ord{n}" for n in range(words))})
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def _the_list_query(sql: list[str], table: str) -> str:
    """The longest query on the list's table that searches (the count, or the page's rows)."""
    return max((q for q in sql if f'FROM "{table}"' in q and "LIKE" in q), key=len)


def _grows_linearly(length: dict[int, int]) -> bool:
    """From two words on, each word adds one condition of the same length (" AND ... LIKE ...")."""
    return length[8] - length[2] == 6 * (length[3] - length[2])


def test_the_need_search_has_one_query_shape_whatever_the_word_count() -> None:
    """It combined two querysets with `|` once a word: the SQL doubled with every word (14 words, 18 s)."""
    client = _client(CoordinatorFactory())
    NeedFactory.create_batch(3)
    url = reverse("workplaces:need_list")
    assert MAX_SEARCH_WORDS == 8
    by_words = {n: _search_sql(client, url, n) for n in (1, 2, 3, 8)}
    assert len({len(sql) for sql in by_words.values()}) == 1  # the same number of queries
    searching = {n: _the_list_query(sql, "workplaces_need") for n, sql in by_words.items()}
    assert all(query.count("LIKE") == n for n, query in searching.items())
    length = {n: len(query) for n, query in searching.items()}
    # One condition more a word, of the same length: the query grows linearly, it does not double.
    assert _grows_linearly(length)
    assert length[8] < 6 * length[1]
    # 20 words are refused with a form error and the list stays whole: the SQL grows no further.
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"q": " ".join(f"o{n}" for n in range(20))})
    assert "Sök på högst 8 ord." in response.content.decode()
    assert len(queries) == len(_search_sql(client, url, 0))  # as many as the whole list's
    assert not any("LIKE" in q["sql"] for q in queries.captured_queries)


def test_the_need_search_still_finds_every_word_in_the_title_or_the_workplace() -> None:
    client = _client(CoordinatorFactory())
    # Titles no SSYK name or synonym holds: the occupation filter's options are on the page too.
    NeedFactory(title="Lokalvårdare till förskolan", workplace__name="Kyrkbackens förskola")
    NeedFactory(title="Kock till skolan", workplace__name="Kyrkbackens skola")
    page = client.get(reverse("workplaces:need_list"), {"q": "kyrkbackens LOKAL"}).content.decode()
    assert "Lokalvårdare till förskolan" in page and "Kock till skolan" not in page


@pytest.mark.parametrize(
    ("url", "q", "message"),
    [
        ("/api/v1/needs/", " ".join(["ord"] * 9), "Sök på högst 8 ord."),
        ("/api/v1/needs/", "x" * 101, "högst 100 tecken"),
        ("/api/v1/organisations/", " ".join(["ord"] * 9), "Sök på högst 8 ord."),
        ("/api/v1/supervisors/", " ".join(["ord"] * 9), "Sök på högst 8 ord."),
        ("/api/v1/supervisors/", "x" * 101, "högst 100 tecken"),
    ],
)
def test_an_api_search_over_the_bounds_is_a_400_that_says_why(url: str, q: str, message: str) -> None:
    client = _client(CoordinatorFactory())
    response = client.get(url, {"q": q}, HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 400
    assert message in " ".join(response.json()["q"])


@pytest.mark.parametrize(
    ("url_name", "q", "message"),
    [
        ("workplaces:need_list", "x" * 101, "högst 100 tecken"),
        ("workplaces:organisation_list", " ".join(["ord"] * 9), "Sök på högst 8 ord."),
        ("supervisors:list", " ".join(["ord"] * 9), "Sök på högst 8 ord."),
        ("supervisors:list", "x" * 101, "högst 100 tecken"),
    ],
)
def test_a_search_over_the_bounds_is_a_form_error_on_the_page(url_name: str, q: str, message: str) -> None:
    client = _client(CoordinatorFactory())
    response = client.get(reverse(url_name), {"q": q})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_the_supervisor_search_has_one_query_shape_whatever_the_word_count() -> None:
    client = _client(CoordinatorFactory())
    SupervisorFactory.create_batch(2)
    url = reverse("supervisors:list")
    length = {n: len(_the_list_query(_search_sql(client, url, n), "supervisors_supervisor")) for n in (2, 3, 8)}
    assert _grows_linearly(length)


def test_the_participant_search_is_bounded_and_grows_one_condition_a_word() -> None:
    coordinator = CoordinatorFactory()
    client = _client(coordinator)
    ParticipantFactory(team=coordinator.team, coordinator=coordinator, first_name="Zahra", last_name="Ali")
    url = reverse("participants:list")
    length = {}
    for words in (2, 3, 8):
        client.post(url, {"q": " ".join(["a"] * words)})
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        sql = [q["sql"] for q in queries.captured_queries]
        length[words] = len(_the_list_query(sql, "participants_participant"))
    assert _grows_linearly(length)
    client.post(url, {"q": " ".join(["a"] * 9)})
    page = client.get(url).content.decode()
    assert "Sök på högst 8 ord." in page and "Zahra" in page


def test_the_participant_filters_keep_only_their_own_fields_in_the_session() -> None:
    client = _client(CoordinatorFactory())
    client.post(reverse("participants:list"), {"q": "Zahra", "junk": "x" * 100_000, "status": ["waiting"]})
    assert client.session[FILTER_SESSION_KEY] == {"q": ["Zahra"], "status": ["waiting"]}


@pytest.mark.parametrize("url_name", ["participants:list", "workplaces:need_list", "workplaces:organisation_list"])
def test_a_list_page_ignores_a_page_size_in_the_url(url_name: str) -> None:
    """django-tables2 took ?per_page= from the URL without a ceiling: the whole register on one page."""
    coordinator = CoordinatorFactory()
    ParticipantFactory.create_batch(PARTICIPANT_PAGE_SIZE + 2, team=coordinator.team, coordinator=coordinator)
    NeedFactory.create_batch(PARTICIPANT_PAGE_SIZE + 2)
    client = _client(coordinator)
    logged = AccessLogEntry.objects.count()
    response = client.get(reverse(url_name), {"per_page": "100000", "page": "1"})
    assert response.status_code == 200
    assert len(response.context["table"].paginated_rows) == PARTICIPANT_PAGE_SIZE
    if url_name == "participants:list":
        assert AccessLogEntry.objects.count() - logged == PARTICIPANT_PAGE_SIZE
    # A page number beyond the last, or one too long for int(), shows a page rather than failing.
    assert client.get(reverse(url_name), {"page": "9" * 5000}).status_code == 200
    assert client.get(reverse(url_name), {"page": "999999"}).status_code == 200


def test_the_api_page_size_has_a_ceiling() -> None:
    coordinator = CoordinatorFactory()
    NeedFactory.create_batch(PagePagination.max_page_size + 1)
    response = _client(coordinator).get("/api/v1/needs/", {"page_size": "100000"})
    assert len(response.json()["results"]) == PagePagination.max_page_size == 100


def test_a_search_at_the_bounds_is_accepted() -> None:
    client = _client(CoordinatorFactory())
    NeedFactory(title="x" * 93 + " a b c d e f g")
    at_the_bounds = "x" * 86 + " a b c d e f g"
    assert len(at_the_bounds) == 100 and len(at_the_bounds.split()) == 8
    response = client.get("/api/v1/needs/", {"q": at_the_bounds})
    assert response.status_code == 200 and response.json()["count"] == 1


def test_a_multi_value_filter_asks_each_choice_once_however_often_it_is_repeated() -> None:
    """A status repeated 900 times (Django refuses more than 1000 fields a request) is one condition."""
    coordinator = CoordinatorFactory()
    client = _client(coordinator)
    url = "/api/v1/placements/?" + "&".join(["status=proposed"] * 900 + ["status=active"])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    listing = max((q["sql"] for q in queries.captured_queries if 'FROM "placements_placement"' in q["sql"]), key=len)
    assert listing.count("'proposed'") == 1 and listing.count("'active'") == 1


@pytest.mark.parametrize("url", ["/api/v1/placements/", "/participants/", "/needs/"])
def test_more_parameters_than_django_takes_are_a_400_not_an_exception(url: str) -> None:
    """Django refuses more than DATA_UPLOAD_MAX_NUMBER_FIELDS (1000); the error report's redacting
    filter read the query string again while logging that refusal, and the exception escaped."""
    client = _client(CoordinatorFactory())
    client.raise_request_exception = False
    response = client.get(url + "?" + "&".join(["status=proposed"] * 1001))
    assert response.status_code == 400


@pytest.mark.parametrize(
    "url", ["/admin/workplaces/need/", "/admin/participants/participant/", "/admin/taxonomy/occupation/"]
)
def test_the_admin_search_has_the_same_bounds(url: str) -> None:
    """Django's admin search adds an OR over the search fields a word: 1,300 words were a 500 on SQLite."""
    client = _client(UserFactory(is_superuser=True, is_staff=True))
    client.raise_request_exception = False
    response = client.get(url, {"q": " ".join(["a"] * 1300)})
    assert response.status_code == 200
    assert "En sökning får ha högst 100 tecken." in response.content.decode()
    assert "Sök på högst 8 ord." in client.get(url, {"q": " ".join(["a"] * 9)}).content.decode()
    assert client.get(url, {"q": "a b c d e f g h"}).status_code == 200


def test_every_admin_with_a_search_box_has_the_bounds() -> None:
    """A new admin with `search_fields` that forgets the bounds fails here, not in production."""
    from django.contrib import admin

    from accounts.search import BoundedSearchAdmin

    unbounded = [
        f"{model._meta.label}: {type(model_admin).__name__}"
        for model, model_admin in admin.site._registry.items()
        if model_admin.search_fields and not isinstance(model_admin, BoundedSearchAdmin)
    ]
    assert not unbounded, unbounded
