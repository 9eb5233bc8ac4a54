"""The supervisor portal: a supervisor's own placements, a minimal view of each participant, and
the follow-up form (also used by coordinators). Made to work on a 360-pixel-wide phone."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import get_visible_or_404
from accounts.models import Role
from accounts.roles import role_required
from accounts.service_views import save_with_service

from .forms import FollowUpForm
from .models import FollowUp
from .selectors import get_placement_for_user
from .services import follow_up_log


@role_required(Role.SUPERVISOR)
def portal_placement(request: HttpRequest, pk: int) -> HttpResponse:
    """What a supervisor needs of a placement: who, when, how many hours, whom to call. Nothing more."""
    placement = get_placement_for_user(request.user, pk)
    return render(
        request,
        "placements/portal_placement.html",
        {"placement": placement, "follow_ups": placement.follow_ups.order_by("due_date")},
    )


@role_required(Role.SUPERVISOR, Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def follow_up_form(request: HttpRequest, pk: int) -> HttpResponse:
    placement = get_placement_for_user(request.user, pk)
    due = None
    due_pk = request.GET.get("due") or request.POST.get("due")
    if due_pk and str(due_pk).isdigit():
        due = get_visible_or_404(FollowUp.objects.filter(placement=placement, done_on__isnull=True), pk=int(due_pk))
    form = FollowUpForm(request.POST or None)
    back = (
        reverse("placements:portal_placement", args=[placement.pk])
        if request.user.has_role(Role.SUPERVISOR) and placement.supervisor.user_id == request.user.pk
        else reverse("placements:detail", args=[placement.pk])
    )
    done = save_with_service(
        request,
        form,
        lambda data: follow_up_log(placement=placement, follow_up=due, by=request.user, **data),
        success=lambda _saved: _("The follow-up is saved. Thank you!"),
        redirect_to=lambda _saved: back,
    )
    return done or render(
        request,
        "placements/follow_up_form.html",
        {"placement": placement, "form": form, "due": due, "back": back},
    )
