"""Coordinator pages for organisations, their workplaces and the needs they offer."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Role
from accounts.request_types import AuthenticatedHttpRequest
from accounts.roles import role_required
from accounts.service_views import save_with_service
from accounts.tables import configure_table
from placements import occupancy
from placements.models import Placement
from placements.selectors import need_places_held, placements_shown
from supervisors.selectors import supervisors_at

from .filters import NeedFilter, OrganisationFilter
from .forms import NeedForm, OrganisationForm, WorkingHoursForm, WorkplaceForm
from .models import Need, NeedStatus, Organisation
from .selectors import (
    get_need_for_user,
    get_organisation_for_user,
    get_workplace_for_user,
    need_list,
    needs_of_workplace,
    organisation_list,
)
from .services import (
    ALLOWED_NEED_STATUS,
    need_change_status,
    need_save,
    organisation_save,
    regional_employer_refusal,
    workplace_save,
)
from .tables import NeedTable, OrganisationTable

PAGE_SIZE = 25
coordinator_only = role_required(Role.COORDINATOR)


@coordinator_only
def organisation_list_view(request: HttpRequest) -> HttpResponse:
    organisation_filter = OrganisationFilter(request.GET or None, queryset=organisation_list(user=request.user))
    table = OrganisationTable(organisation_filter.qs)
    configure_table(request, table, per_page=PAGE_SIZE)
    return render(request, "workplaces/organisation_list.html", {"table": table, "filter": organisation_filter})


@coordinator_only
def organisation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, pk)
    workplaces = organisation.workplaces.select_related("district").order_by("name")
    contracts = organisation.contracts.all()
    return render(
        request,
        "workplaces/organisation_detail.html",
        {
            "organisation": organisation,
            "workplaces": workplaces,
            "contracts": contracts,
            # A regional employer is changed by the system administrator only (the services' rule).
            "changeable": regional_employer_refusal(organisation, by=request.user) is None,
        },
    )


def _regional_refused(
    request: AuthenticatedHttpRequest, organisation: Organisation, *, back: str
) -> HttpResponse | None:
    """Back to `back` with the reason, when the user may not change what belongs to `organisation` (a
    regional employer's: workplaces.services.regional_employer_refusal): not a form that cannot be saved."""
    refused = regional_employer_refusal(organisation, by=request.user)
    if refused is None:
        return None
    messages.error(request, " ".join(refused.messages))
    return redirect(back)


@coordinator_only
@require_http_methods(["GET", "POST"])
def organisation_form(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, pk) if pk else None
    if organisation is not None:
        back = saved_url("workplaces:organisation_detail", organisation.pk)
        if refused := _regional_refused(request, organisation, back=back):
            return refused
    form = OrganisationForm(request.POST or None, instance=organisation)
    done = save_with_service(
        request,
        form,
        lambda data: organisation_save(organisation=organisation, by=request.user, **data),
        success=lambda saved: _("%(name)s is saved.") % {"name": saved.name},
        redirect_to=lambda saved: saved_url("workplaces:organisation_detail", saved.pk),
    )
    return done or render(
        request, "workplaces/form.html", {"form": form, "object": organisation, "kind": "organisation"}
    )


@coordinator_only
def workplace_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    workplace = get_workplace_for_user(request.user, pk)
    return render(
        request,
        "workplaces/workplace_detail.html",
        {
            "workplace": workplace,
            # A regional employer's are changed by the system administrator only (the services' rule).
            "changeable": regional_employer_refusal(workplace.organisation, by=request.user) is None,
            "needs": occupancy.with_places_taken_coming(
                needs_of_workplace(workplace=workplace, user=request.user), today=timezone.localdate()
            ).order_by("-start_date"),
            "supervisors": supervisors_at(workplace_id=workplace.pk, on=timezone.localdate()),
            "workplace_prerequisites": workplace.prerequisites.all(),
        },
    )


@coordinator_only
@require_http_methods(["GET", "POST"])
def workplace_form(
    request: AuthenticatedHttpRequest, organisation_pk: int | None = None, pk: int | None = None
) -> HttpResponse:
    workplace = get_workplace_for_user(request.user, pk) if pk else None
    organisation = workplace.organisation if workplace else get_organisation_for_user(request.user, organisation_pk)
    back = (
        saved_url("workplaces:workplace_detail", workplace.pk)
        if workplace
        else saved_url("workplaces:organisation_detail", organisation.pk)
    )
    if refused := _regional_refused(request, organisation, back=back):
        return refused
    form = WorkplaceForm(request.POST or None, instance=workplace)
    done = save_with_service(
        request,
        form,
        lambda data: workplace_save(workplace=workplace, by=request.user, organisation=organisation, **data),
        success=lambda saved: _("%(name)s is saved.") % {"name": saved.name},
        redirect_to=lambda saved: saved_url("workplaces:workplace_detail", saved.pk),
    )
    return done or render(
        request,
        "workplaces/form.html",
        {"form": form, "object": workplace, "kind": "workplace", "organisation": organisation},
    )


@coordinator_only
@require_http_methods(["GET", "POST"])
def need_list_view(request: HttpRequest) -> HttpResponse:
    # Places taken in each need's coming period, annotated before the filter asks for free places.
    needs = occupancy.with_places_taken_coming(need_list(user=request.user), today=timezone.localdate())
    need_filter = NeedFilter(request.GET or None, queryset=needs)
    table = NeedTable(need_filter.qs)
    configure_table(request, table, per_page=PAGE_SIZE)
    return render(request, "workplaces/need_list.html", {"filter": need_filter, "table": table})


@coordinator_only
def need_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    need = get_need_for_user(request.user, pk)
    placements = (
        Placement.objects.visible_to(request.user)
        .filter(need=need)
        .select_related("participant", "supervisor")
        .order_by("-planned_start")
    )
    taken = (
        occupancy.with_places_taken_coming(Need.objects.filter(pk=need.pk), today=timezone.localdate())
        .values_list("taken", flat=True)  # type: ignore[misc]  # taken is annotated by placements.occupancy
        .get()
    )
    return render(
        request,
        "workplaces/need_detail.html",
        {
            "need": need,
            "taken": taken,
            "free": max(need.places - taken, 0),
            "placements": placements_shown(user=request.user, rows=placements),
            "supervisors": supervisors_at(workplace_id=need.workplace_id, on=timezone.localdate()),
            # A regional employer's need is changed by the system administrator only (the services' rule).
            "changeable": regional_employer_refusal(need.workplace.organisation, by=request.user) is None,
            "transitions": _need_transitions(need.status),
            "need_prerequisites": need.prerequisites.all(),
            "workplace_prerequisites": need.workplace.prerequisites.all(),
            "working_hours": need.working_hours.all(),
        },
    )


def _need_transitions(status: str) -> list[tuple[str, str]]:
    return [
        (target, str(NeedStatus(target).label)) for target in sorted(ALLOWED_NEED_STATUS.get(NeedStatus(status), ()))
    ]


@coordinator_only
@require_http_methods(["GET", "POST"])
def need_form(
    request: AuthenticatedHttpRequest, workplace_pk: int | None = None, pk: int | None = None
) -> HttpResponse:
    need = get_need_for_user(request.user, pk) if pk else None
    workplace = need.workplace if need else get_workplace_for_user(request.user, workplace_pk)
    back = (
        saved_url("workplaces:need_detail", need.pk) if need else saved_url("workplaces:workplace_detail", workplace.pk)
    )
    if refused := _regional_refused(request, workplace.organisation, back=back):
        return refused
    form = NeedForm(request.POST or None, instance=need)
    hours = WorkingHoursForm(request.POST or None, need=need)
    # Both are checked in one round, so every error shows at once; the need is saved with its hours.
    done = None
    if request.method != "POST" or hours.is_valid():
        done = save_with_service(
            request,
            form,
            lambda data: need_save(
                need=need,
                by=request.user,
                workplace=workplace,
                places_held=need_places_held,
                working_hours=hours.spans(),
                **data,
            ),
            success=lambda saved: _("%(name)s is saved.") % {"name": saved.title},
            redirect_to=lambda saved: saved_url("workplaces:need_detail", saved.pk),
        )
    else:
        form.is_valid()  # the need's own errors show beside the hours' in the same round
    return done or render(
        request,
        "workplaces/form.html",
        {"form": form, "object": need, "kind": "need", "workplace": workplace, "hours_form": hours},
    )


@coordinator_only
@require_POST
def need_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    need = get_need_for_user(request.user, pk)
    try:
        need = need_change_status(need=need, to_status=request.POST.get("status", ""), by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The need is now “%(status)s”.") % {"status": need.get_status_display()})
    return redirect("workplaces:need_detail", pk=need.pk)


def saved_url(name: str, pk: int) -> str:
    return reverse(name, args=[pk])
