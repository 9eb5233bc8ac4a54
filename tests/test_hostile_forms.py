"""Hostile input to the create and edit forms outside intake and placements: organisations, workplaces,
needs, supervisors, training, targets, reports, lookup, the log review, and the account pages.

Each test starts from a valid post and spoils up to a few of its fields with hostile values (see
`hostile_values`), so both the refusals and the acceptances are exercised: a refusal writes nothing,
an acceptance saves exactly what the form cleaned, and no answer is a 500 or reflects markup."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import LogReview, Role
from accounts.tests.factories import CoordinatorFactory, ManagerFactory, UserFactory
from participants.lookup_views import break_glass_ticket
from participants.tests.factories import ParticipantFactory
from reporting.models import Indicator, QuarterlyReport, Target
from reporting.tests.factories import IndicatorFactory
from reporting.views import TargetsForm
from supervisors.forms import SessionForm, SupervisorForm
from supervisors.models import Enrolment, Supervisor
from supervisors.tests.factories import (
    EnrolmentFactory,
    SupervisorFactory,
    TrainingCourseFactory,
    TrainingSessionFactory,
)
from taxonomy.tests.factories import (
    DistrictFactory,
    JobTrackFactory,
    OccupationFactory,
    PlacementTypeFactory,
    PrerequisiteFactory,
)
from workplaces.forms import NeedForm, OrganisationForm, WorkplaceForm
from workplaces.models import Need, Organisation, OrganisationKind, Workplace
from workplaces.tests.factories import NeedFactory, OrganisationFactory, WorkplaceFactory

from .hostile_values import (
    MARKUP,
    as_querydict,
    assert_safe,
    assert_saved_as_cleaned,
    corrupted,
    fuzz,
    hostile_data,
    post_hostile,
    saved_pk,
)

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _check_model_form(client: Client, url: str, form_class, data: dict[str, Any], *, instance=None, **form_kwargs):
    """Post to a model form page; an accepted post must have saved what the same form cleans."""
    expected = form_class(as_querydict(data), instance=instance, **form_kwargs)
    valid = expected.is_valid()
    response = post_hostile(client, url, data)
    if response.status_code == 302:
        assert valid, expected.errors
        assert_saved_as_cleaned(form_class._meta.model.objects.get(pk=saved_pk(response)), expected.cleaned_data)
    else:
        assert response.status_code == 200
    return response


# Organisations


def _organisation_post(name: str) -> dict[str, Any]:
    return {"name": name, "kind": OrganisationKind.COMPANY, "organisation_number": "556036-0793", "active": "on"}


@fuzz()
@given(data=st.data(), name=st.sampled_from(MARKUP))
def test_the_organisation_form(data: st.DataObject, name: str) -> None:
    client = _client(CoordinatorFactory())
    post = data.draw(corrupted(_organisation_post(name)))
    _check_model_form(client, reverse("workplaces:organisation_create"), OrganisationForm, post)


@fuzz()
@given(data=st.data())
def test_the_organisation_edit_form(data: st.DataObject) -> None:
    client = _client(CoordinatorFactory())
    organisation = OrganisationFactory()
    post = data.draw(corrupted(_organisation_post(MARKUP[1])))
    _check_model_form(
        client,
        reverse("workplaces:organisation_edit", args=[organisation.pk]),
        OrganisationForm,
        post,
        instance=Organisation.objects.get(pk=organisation.pk),
    )


# Workplaces


def _workplace_post() -> dict[str, Any]:
    return {
        "name": MARKUP[0],
        "street_address": MARKUP[2],
        "postal_code": "831 30",
        "city": "Östersund",
        "district": str(DistrictFactory().pk),
        "contact_name": MARKUP[3],
        "contact_phone": "063-14 30 00",
        "contact_email": "kontakt@example.org",
        "prerequisites": [str(PrerequisiteFactory().pk), str(PrerequisiteFactory().pk)],
        "active": "on",
    }


@fuzz()
@given(data=st.data())
def test_the_workplace_form(data: st.DataObject) -> None:
    client = _client(CoordinatorFactory())
    organisation = OrganisationFactory()
    post = data.draw(corrupted(_workplace_post()))
    _check_model_form(client, reverse("workplaces:workplace_create", args=[organisation.pk]), WorkplaceForm, post)


@fuzz()
@given(data=st.data())
def test_the_workplace_edit_form(data: st.DataObject) -> None:
    client = _client(CoordinatorFactory())
    workplace = WorkplaceFactory()
    post = data.draw(corrupted(_workplace_post()))
    _check_model_form(
        client,
        reverse("workplaces:workplace_edit", args=[workplace.pk]),
        WorkplaceForm,
        post,
        instance=Workplace.objects.get(pk=workplace.pk),
    )


# Needs (the create form with purely random values is in test_hostile_input)


def _need_post() -> dict[str, Any]:
    start = timezone.localdate() + dt.timedelta(days=10)
    return {
        "title": MARKUP[4],
        "occupation": OccupationFactory().code,
        "tasks": MARKUP[0],
        "placement_type": str(PlacementTypeFactory().pk),
        "job_track": str(JobTrackFactory().pk),
        "places": "2",
        "hours_per_day": "4",
        "start_date": start.isoformat(),
        "end_date": (start + dt.timedelta(weeks=8)).isoformat(),
        "min_swedish_level": "0",
        "min_education_level": "",
        "requires_driving_licence": "",
        "records_extract": "",
        "prerequisites": [str(PrerequisiteFactory().pk)],
    }


@fuzz()
@given(data=st.data())
def test_the_need_form_from_a_valid_start(data: st.DataObject) -> None:
    client = _client(CoordinatorFactory())
    workplace = WorkplaceFactory()
    post = data.draw(corrupted(_need_post()))
    _check_model_form(client, reverse("workplaces:need_create", args=[workplace.pk]), NeedForm, post)


@fuzz()
@given(data=st.data())
def test_the_need_edit_form(data: st.DataObject) -> None:
    client = _client(CoordinatorFactory())
    need = NeedFactory()
    post = data.draw(corrupted(_need_post()))
    _check_model_form(
        client, reverse("workplaces:need_edit", args=[need.pk]), NeedForm, post, instance=Need.objects.get(pk=need.pk)
    )


@fuzz()
@given(post=hostile_data(["status"]))
def test_the_need_status_change(post: dict[str, Any]) -> None:
    client = _client(CoordinatorFactory())
    need = NeedFactory()
    before = need.status
    response = post_hostile(client, reverse("workplaces:need_status", args=[need.pk]), post)
    need.refresh_from_db()
    assert response.status_code == 302
    assert need.status == before or need.status == post.get("status")
    assert not response.changed  # type: ignore[attr-defined]  # tagged by post_hostile


# Supervisors


def _supervisor_post() -> dict[str, Any]:
    return {
        "first_name": MARKUP[0],
        "last_name": MARKUP[1],
        "title": MARKUP[2],
        "email": "handledare@example.org",
        "phone": "070-123 45 67",
        "max_participants": "2",
        "active": "on",
    }


@fuzz()
@given(data=st.data())
def test_the_supervisor_form(data: st.DataObject) -> None:
    client = _client(CoordinatorFactory())
    workplace = WorkplaceFactory()
    post = data.draw(corrupted(_supervisor_post()))
    _check_model_form(client, reverse("supervisors:create", args=[workplace.pk]), SupervisorForm, post)


@fuzz()
@given(data=st.data())
def test_the_supervisor_edit_form(data: st.DataObject) -> None:
    client = _client(CoordinatorFactory())
    supervisor = SupervisorFactory()
    post = data.draw(corrupted(_supervisor_post()))
    _check_model_form(
        client,
        reverse("supervisors:edit", args=[supervisor.pk]),
        SupervisorForm,
        post,
        instance=Supervisor.objects.get(pk=supervisor.pk),
    )


@fuzz(10)
@given(post=hostile_data(["email", "first_name", "user"]))
def test_the_supervisor_invitation(post: dict[str, Any]) -> None:
    """The invitation takes no input: whatever is posted, it invites the supervisor as registered."""
    client = _client(CoordinatorFactory())
    supervisor = SupervisorFactory()  # examples share the database: a fresh e-mail address each time
    response = post_hostile(client, reverse("supervisors:invite", args=[supervisor.pk]), post)
    assert response.status_code == 302
    registered = Supervisor.objects.get(pk=supervisor.pk)
    assert registered.user is not None and registered.user.email == supervisor.email


# Training


def _session_post() -> dict[str, Any]:
    starts = timezone.localtime() + dt.timedelta(days=20)
    return {
        "course": str(TrainingCourseFactory().pk),
        "starts_at": f"{starts:%Y-%m-%dT09:00}",
        "ends_at": f"{starts:%Y-%m-%dT15:00}",
        "location": MARKUP[0],
        "capacity": "12",
        "trainer": MARKUP[3],
    }


@fuzz()
@given(data=st.data())
def test_the_training_session_form(data: st.DataObject) -> None:
    client = _client(CoordinatorFactory())
    post = data.draw(corrupted(_session_post()))
    _check_model_form(client, reverse("supervisors:session_create"), SessionForm, post)


@fuzz()
@given(post=hostile_data(["supervisor"]))
def test_the_enrolment_form(post: dict[str, Any]) -> None:
    coordinator = CoordinatorFactory()
    client = _client(coordinator)
    session = TrainingSessionFactory()
    SupervisorFactory()
    before = set(Enrolment.objects.values_list("pk", flat=True))
    url = reverse("supervisors:session", args=[session.pk])
    response = post_hostile(client, url, post, may_write=["supervisors.Enrolment"])
    # Only the id of a supervisor the coordinator may see enrols anyone, and then exactly that one.
    new = list(Enrolment.objects.exclude(pk__in=before).values_list("supervisor_id", flat=True))
    assert len(new) <= 1
    if new:
        assert response.status_code == 302
        posted = post["supervisor"][-1] if isinstance(post["supervisor"], list) else post["supervisor"]
        assert str(new[0]) == str(posted).strip()


@fuzz()
@given(
    action=st.one_of(
        st.sampled_from(["cancel", "attended", "absent"]), st.from_regex(r"[-a-zA-Z0-9_]{1,40}", fullmatch=True)
    ),
    post=hostile_data(["reason", "attended"]),
)
def test_the_enrolment_actions(action: str, post: dict[str, Any]) -> None:
    client = _client(CoordinatorFactory())
    enrolment = EnrolmentFactory()
    response = post_hostile(
        client, reverse("supervisors:enrolment_action", args=[enrolment.pk, action]), post, may_write=[]
    )
    assert response.status_code in (302, 404)


# Targets and reports (managers)


@fuzz()
@given(
    data=st.data(),
    year=st.one_of(st.sampled_from(["2026", "1999", "2101", "²", "٢٠٢٦", "-1", "9" * 40]), st.text(max_size=10)),
)
def test_the_targets_form(data: st.DataObject, year: str) -> None:
    client = _client(ManagerFactory())
    share = IndicatorFactory(unit=Indicator.Unit.PERCENT)
    count = IndicatorFactory(unit=Indicator.Unit.COUNT)
    valid = {
        f"target_{share.pk}": "55",
        f"baseline_{share.pk}": "40.5",
        f"target_{count.pk}": "120",
        f"baseline_{count.pk}": "",
    }
    post = data.draw(corrupted(valid))
    url = reverse("reporting:targets") + "?" + _query({"year": year})
    expected = TargetsForm(
        as_querydict(post), indicators=[count, share] if count.code < share.code else [share, count], targets={}
    )
    valid_post = expected.is_valid()
    response = post_hostile(client, url, post)
    if response.status_code == 302:
        assert valid_post
        for indicator, (target_value, baseline) in expected.values().items():
            saved = Target.objects.filter(indicator_id=indicator, quarter__isnull=True).first()
            if target_value is None:
                assert saved is None
            else:
                assert (saved.target_value, saved.baseline) == (target_value, baseline)


def _query(params: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return urlencode(params)


@fuzz()
@given(post=hostile_data(["year", "quarter"]))
def test_the_report_request(post: dict[str, Any]) -> None:
    client = _client(ManagerFactory())
    response = post_hostile(client, reverse("reporting:generate"), post, may_write=["reporting.QuarterlyReport"])
    assert response.status_code == 302
    reports = list(QuarterlyReport.objects.all())
    assert len(reports) <= 1
    for report in reports:
        assert (str(report.year), str(report.quarter)) == (str(post["year"]).strip(), str(post["quarter"]).strip())


@fuzz()
@given(query=hostile_data(["year", "page", "sort", "q", "month"]))
def test_query_strings_of_the_manager_pages(query: dict[str, Any]) -> None:
    client = _client(ManagerFactory())
    flat = {k: v[-1] if isinstance(v, list) and v else ("" if isinstance(v, list) else v) for k, v in query.items()}
    for name in ("reporting:dashboard", "reporting:fairness", "reporting:archive", "reporting:targets"):
        assert_safe(client.get(reverse(name), flat))


@fuzz()
@given(query=hostile_data(["q", "page", "sort", "status", "occupation", "district", "kind", "name", "workplace"]))
def test_query_strings_of_the_coordinator_lists(query: dict[str, Any]) -> None:
    client = _client(CoordinatorFactory())
    flat = {k: v[-1] if isinstance(v, list) and v else ("" if isinstance(v, list) else v) for k, v in query.items()}
    for name in ("workplaces:need_list", "workplaces:organisation_list", "supervisors:list", "participants:list"):
        assert_safe(client.get(reverse(name), flat))


# Lookup and break-glass


@fuzz()
@given(post=hostile_data(["identity_number"]))
def test_the_identity_number_lookup(post: dict[str, Any]) -> None:
    client = _client(CoordinatorFactory())
    ParticipantFactory()
    post_hostile(client, reverse("participants:lookup"), post, may_write=["accounts.AccessLogEntry"])


@fuzz()
@given(post=hostile_data(["reason"]))
def test_the_break_glass_reason(post: dict[str, Any]) -> None:
    coordinator = CoordinatorFactory()
    client = _client(coordinator)
    ticket = break_glass_ticket(user=coordinator, participant=ParticipantFactory())
    response = post_hostile(
        client,
        reverse("participants:break_glass"),
        {**post, "ticket": ticket},
        may_write=["accounts.BreakGlassGrant", "accounts.AccessLogEntry"],
    )
    assert response.status_code in (200, 302)  # the reason refused next to the field, or the case file


@fuzz()
@given(
    post=hostile_data(
        [
            *("q", "status", "target_group", "coordinator", "job_track", "home_district", "reset"),
            *("occupation", "occupation_in", "language", "driving_licence", "swedish_level_min"),
        ]
    )
)
def test_the_participant_search_filters(post: dict[str, Any]) -> None:
    """Filters are kept in the session and applied on the next page: a hostile filter must not break the list."""
    client = _client(CoordinatorFactory())
    ParticipantFactory()
    response = post_hostile(client, reverse("participants:list"), post, may_write=["accounts.AccessLogEntry"])
    assert response.status_code == 302


# The log review sign-off (administrators)


@fuzz()
@given(
    post=hostile_data(["notes"]),
    month=st.one_of(st.sampled_from(["2026-02", "2026-13", "0000-01", "9999-12", "²"]), st.text(max_size=12)),
)
def test_the_log_review_sign_off(post: dict[str, Any], month: str) -> None:
    client = _client(UserFactory(role=Role.ADMINISTRATOR))
    url = reverse("access_log_review") + "?" + _query({"month": month})
    before = set(LogReview.objects.values_list("pk", flat=True))
    response = post_hostile(client, url, post, may_write=["accounts.LogReview"])
    new = list(LogReview.objects.exclude(pk__in=before))
    if new:
        notes = post.get("notes", "")
        notes = (notes[-1] if notes else "") if isinstance(notes, list) else notes
        assert [review.notes for review in new] == [notes.strip()]
        assert response.status_code == 302


# Account pages


@fuzz(15)
@given(post=hostile_data(["username", "password"]))
def test_the_login_form(post: dict[str, Any]) -> None:
    assert_safe(Client().post(reverse("login"), post))


@fuzz(15)
@given(post=hostile_data(["email"]))
def test_the_password_reset_form(post: dict[str, Any]) -> None:
    assert_safe(Client().post(reverse("password_reset"), post))


@fuzz(15)
@given(post=hostile_data(["old_password", "new_password1", "new_password2"]))
def test_the_password_change_form(post: dict[str, Any]) -> None:
    assert_safe(_client(CoordinatorFactory()).post(reverse("password_change"), post))


@fuzz(15)
@given(post=hostile_data(["language", "next"]))
def test_the_language_switch(post: dict[str, Any]) -> None:
    response = Client().post(reverse("set_language"), post)
    assert_safe(response)
    if response.status_code == 302:
        # Never off-site, whatever `next` says.
        assert url_has_allowed_host_and_scheme(response["Location"], allowed_hosts={"testserver"})


def test_a_huge_id_in_any_object_url_is_a_404_not_a_500() -> None:
    client = _client(CoordinatorFactory())
    huge = 10**30
    for name in (
        "workplaces:organisation_detail",
        "workplaces:workplace_detail",
        "workplaces:need_detail",
        "supervisors:detail",
        "supervisors:session",
        "participants:detail",
        "placements:detail",
    ):
        assert client.get(reverse(name, args=[huge])).status_code == 404, name


# The admin site (administrators keep users, teams, reference data and procurement contracts there)


def _admin_add_pages() -> list[str]:
    from django.contrib import admin

    return sorted(
        f"{model._meta.app_label}.{model._meta.model_name}"
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label
        in {"accounts", "taxonomy", "participants", "workplaces", "supervisors", "placements", "reporting"}
    )


@pytest.mark.parametrize("label", _admin_add_pages())
def test_the_admin_add_forms(label: str) -> None:
    """Every admin add form of the project's models, posted hostile values for each of its fields."""
    from django.contrib import admin
    from django.test import RequestFactory

    app_label, model_name = label.split(".")
    model = next(m for m in admin.site._registry if m._meta.label_lower == label)
    model_admin = admin.site._registry[model]
    superuser = UserFactory(is_staff=True, is_superuser=True)
    request = RequestFactory().get("/")
    request.user = superuser
    if not model_admin.has_add_permission(request):
        pytest.skip("the admin offers no add form for this model (read-only)")
    fields = list(model_admin.get_form(request).base_fields)
    management: dict[str, object] = {}
    for inline in model_admin.get_inline_instances(request):
        prefix = inline.get_formset(request).get_default_prefix()
        management |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    client = _client(superuser)
    url = reverse(f"admin:{app_label}_{model_name}_add")

    @fuzz(4)  # some thirty admin forms: a few examples each keeps the suite fast
    @given(post=hostile_data(fields, fixed=management))
    def post_to_the_admin(post: dict[str, Any]) -> None:
        response = post_hostile(client, url, post, may_write=["accounts.AccessLogEntry"])
        assert response.status_code in (200, 302)

    post_to_the_admin()
