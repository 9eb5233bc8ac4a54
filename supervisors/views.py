"""Coordinator pages for supervisors and the supervisor training programme."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import get_visible_or_404
from accounts.models import Role, User
from accounts.request_types import AuthenticatedHttpRequest
from accounts.roles import role_required
from accounts.service_views import save_with_service
from placements.occupancy import with_load_coming
from placements.selectors import CurrentParticipants, current_participants, untrained_supervisors_with_participants
from workplaces.selectors import get_workplace_for_user

from .forms import EnrolForm, SessionForm, SupervisorForm, SupervisorSearchForm
from .models import Enrolment, EnrolmentStatus, LoginState, Supervisor, TrainingSession
from .selectors import (
    get_supervisor_for_user,
    refreshers_due,
    sessions_with_free_seats,
    supervisors_matching,
    with_login,
    with_training_status,
)
from .services import (
    enrolment_cancel,
    enrolment_complete,
    enrolment_create,
    session_save,
    supervisor_invite,
    supervisor_save,
)

coordinator_only = role_required(Role.COORDINATOR)
PAGE_SIZE = 25


@dataclass(frozen=True)
class SupervisorRow:
    """A supervisor as the list and the page show them: training status, load from today on
    (`load`, `room`), whom they supervise today, and whether they can log in."""

    supervisor: Supervisor
    current: CurrentParticipants
    login: str


def _with_status(supervisors: QuerySet[Supervisor], *, today: dt.date) -> QuerySet[Supervisor]:
    """Training status, login state and the load from today on (placements.occupancy)."""
    annotated = with_login(with_training_status(supervisors, now=timezone.now()))
    return with_load_coming(annotated, today=today).select_related("workplace__organisation")


def _rows(user: User, supervisors: Iterable[Supervisor], *, today: dt.date) -> list[SupervisorRow]:
    shown = list(supervisors)
    current = current_participants(user=user, supervisor_ids=[s.pk for s in shown], today=today)
    return [
        SupervisorRow(supervisor=s, current=current[s.pk], login=str(LoginState(s.login_state).label))  # type: ignore[attr-defined]  # annotated
        for s in shown
    ]


@coordinator_only
def supervisor_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    search = SupervisorSearchForm(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    today = timezone.localdate()
    supervisors = supervisors_matching(Supervisor.objects.visible_to(request.user), words=query.split())
    rows = _with_status(supervisors, today=today)
    paginator = Paginator(rows.order_by("last_name", "first_name", "pk"), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "supervisors/supervisor_list.html",
        {"page": page, "rows": _rows(request.user, page, today=today), "q": query, "search": search},
    )


@coordinator_only
def supervisor_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    today = timezone.localdate()
    supervisor = get_visible_or_404(_with_status(Supervisor.objects.visible_to(request.user), today=today), pk=pk)
    enrolments = supervisor.enrolments.select_related("session__course").order_by("-session__starts_at")
    return render(
        request,
        "supervisors/supervisor_detail.html",
        {
            "supervisor": supervisor,
            "row": _rows(request.user, [supervisor], today=today)[0],
            "enrolments": enrolments,
        },
    )


@coordinator_only
@require_http_methods(["GET", "POST"])
def supervisor_form(
    request: AuthenticatedHttpRequest, workplace_pk: int | None = None, pk: int | None = None
) -> HttpResponse:
    supervisor = get_supervisor_for_user(request.user, pk) if pk else None
    workplace = supervisor.workplace if supervisor else get_workplace_for_user(request.user, workplace_pk)
    form = SupervisorForm(request.POST or None, instance=supervisor)
    done = save_with_service(
        request,
        form,
        lambda data: supervisor_save(supervisor=supervisor, by=request.user, workplace=workplace, **data),
        success=lambda saved: _("%(name)s is saved.") % {"name": saved.full_name},
        redirect_to=lambda saved: reverse("supervisors:detail", args=[saved.pk]),
    )
    return done or render(
        request, "supervisors/form.html", {"form": form, "object": supervisor, "workplace": workplace}
    )


@coordinator_only
@require_POST
def supervisor_invite_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    supervisor = get_supervisor_for_user(request.user, pk)
    try:
        supervisor_invite(supervisor=supervisor, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("%(name)s has been sent a link to choose a password.") % {"name": supervisor.full_name}
        )
    return redirect("supervisors:detail", pk=supervisor.pk)


@coordinator_only
def training_overview(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    # The sessions are the installation's (a supervisor's training counts everywhere); the supervisors
    # listed are those of the user's own register (accounts.access.supervisor_scope) only.
    visible = Supervisor.objects.visible_to(request.user).values("pk")
    return render(
        request,
        "supervisors/training_overview.html",
        {
            "sessions": sessions_with_free_seats(now=timezone.now()),
            "untrained": untrained_supervisors_with_participants(today=today).filter(pk__in=visible),
            "refreshers": refreshers_due(today=today).filter(pk__in=visible),
            "upcoming": TrainingSession.objects.filter(starts_at__gte=timezone.now()).select_related("course"),
            "recent": TrainingSession.objects.filter(starts_at__lt=timezone.now())
            .select_related("course")
            .order_by("-starts_at")[:10],
        },
    )


@coordinator_only
@require_http_methods(["GET", "POST"])
def session_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SessionForm(request.POST or None)
    done = save_with_service(
        request,
        form,
        lambda data: session_save(by=request.user, **data),
        success=lambda _saved: _("The session is saved."),
        redirect_to=lambda saved: reverse("supervisors:session", args=[saved.pk]),
    )
    return done or render(request, "supervisors/form.html", {"form": form, "object": None, "session_form": True})


def _session_page(request: HttpRequest, session: TrainingSession, form: EnrolForm | None = None) -> HttpResponse:
    # A session may seat supervisors of several municipalities: the page names those of the user's own
    # register and counts the others' seats only (`others`).
    visible = Supervisor.objects.visible_to(request.user)
    every = session.enrolments.all()
    enrolments = (
        every.filter(supervisor__in=visible.values("pk"))
        .select_related("supervisor__workplace")
        .order_by("status", "enrolled_at")
    )
    seated = every.filter(status=EnrolmentStatus.ENROLLED)
    candidates = visible.filter(active=True).exclude(pk__in=seated.values("supervisor_id"))
    return render(
        request,
        "supervisors/session_detail.html",
        {
            "session": session,
            "enrolments": enrolments,
            "others": seated.exclude(supervisor__in=visible.values("pk")).count(),
            "form": form or EnrolForm(supervisors=candidates.select_related("workplace")),
            "past": session.ends_at <= timezone.now(),
        },
    )


@coordinator_only
@require_http_methods(["GET", "POST"])
def session_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = get_visible_or_404(TrainingSession.objects.select_related("course"), pk=pk)
    if request.method == "POST":
        form = EnrolForm(request.POST, supervisors=Supervisor.objects.visible_to(request.user))
        if form.is_valid():
            try:
                enrolment = enrolment_create(
                    session=session, supervisor=form.cleaned_data["supervisor"], by=request.user
                )
            except ValidationError as exc:
                form.add_error("supervisor", exc)
            else:
                if enrolment.status == EnrolmentStatus.WAITLISTED:
                    messages.warning(
                        request,
                        _("The session is full: %(name)s is on the waiting list.")
                        % {"name": enrolment.supervisor.full_name},
                    )
                else:
                    messages.success(request, _("%(name)s is enrolled.") % {"name": enrolment.supervisor.full_name})
                return redirect("supervisors:session", pk=session.pk)
        return _session_page(request, session, form)
    return _session_page(request, session)


@coordinator_only
@require_POST
def enrolment_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    visible = Enrolment.objects.filter(supervisor__in=Supervisor.objects.visible_to(request.user))
    enrolment = get_visible_or_404(visible.select_related("session"), pk=pk)
    try:
        if action == "cancel":
            enrolment_cancel(enrolment=enrolment, by=request.user)
        elif action in ("attended", "absent"):
            enrolment_complete(enrolment=enrolment, attended=action == "attended", by=request.user)
        else:
            return redirect("supervisors:session", pk=enrolment.session_id)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Saved."))
    return redirect("supervisors:session", pk=enrolment.session_id)
