"""The supervisor portal: a supervisor's own placements, a minimal view of each participant, and
the follow-up form (also used by coordinators). Made to work on a 360-pixel-wide phone."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts import tenancy
from accounts.access import get_visible_or_404
from accounts.models import Role
from accounts.request_types import AuthenticatedHttpRequest
from accounts.roles import role_required
from accounts.service_views import attach_service_error, id_param, save_with_service

from . import certificates
from .follow_ups import log_refusal
from .forms import CertificateForm, FollowUpForm
from .links import LinkError, link_for_view
from .models import FollowUp
from .selectors import placement_for_view
from .services import follow_up_log, follow_up_log_by_link


@role_required(Role.SUPERVISOR)
def portal_placement(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """What a supervisor needs of a placement: who, when, how many hours, whom to call. Nothing more."""
    placement = placement_for_view(user=request.user, pk=pk)
    return render(
        request,
        "placements/portal_placement.html",
        {
            "placement": placement,
            # When the participant is at the workplace (the need's hours; their studies are not the
            # workplace's business), and the meetings the supervisor takes part in, still to come.
            "working_hours": placement.need.working_hours.all(),
            "meetings": placement.meetings.not_cancelled()
            .filter(with_supervisor=True, ends_at__gte=timezone.now())
            .order_by("starts_at"),
            "follow_ups": placement.follow_ups.order_by("due_date"),
            # A new follow-up only while the placement runs; none once it has ended.
            "can_log": log_refusal(placement=placement, follow_up=None) is None,
            "certificate": certificates.certificate_for(placement),
            "can_write_certificate": placement.status in certificates.WRITABLE_STATUSES,
        },
    )


@role_required(Role.SUPERVISOR)
@require_http_methods(["GET", "POST"])
def portal_certificate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The supervisor writes the certificate's assessment, sees the attendance the follow-ups give,
    saves a draft or submits it to the coordinator."""
    placement = placement_for_view(user=request.user, pk=pk)
    if placement.status not in certificates.WRITABLE_STATUSES:
        raise Http404
    certificate = certificates.certificate_for(placement)
    editable = certificate is None or certificate.status in certificates.EDITABLE
    form = CertificateForm(request.POST or None, initial={"assessment": certificate.assessment if certificate else ""})
    submit = "submit" in request.POST
    done = save_with_service(
        request,
        form,
        lambda data: certificates.certificate_save(
            placement=placement, assessment=data["assessment"], submit=submit, by=request.user
        ),
        success=lambda saved: (
            _("The certificate is sent to the coordinator.")
            if saved.status == "submitted"
            else _("The draft is saved.")
        ),
        redirect_to=lambda _saved: reverse("placements:portal_placement", args=[placement.pk]),
    )
    if done:
        return done
    present, absent = certificates.attendance_summary(placement=placement)
    return render(
        request,
        "placements/portal_certificate.html",
        {
            "placement": placement,
            "certificate": certificate,
            "form": form,
            "editable": editable,
            "present": present,
            "absent": absent,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@role_required(Role.SUPERVISOR, Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def follow_up_form(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    placement = placement_for_view(user=request.user, pk=pk)
    due = None
    due_pk = id_param(request.GET.get("due") or request.POST.get("due"))
    if due_pk is not None:
        # A cancelled one is found, so that the page can say why it is not logged.
        due = get_visible_or_404(FollowUp.objects.filter(placement=placement, done_on__isnull=True), pk=due_pk)
    back = (
        reverse("placements:portal_placement", args=[placement.pk])
        if request.user.has_role(Role.SUPERVISOR) and placement.supervisor.user_id == request.user.pk
        else reverse("placements:detail", args=[placement.pk])
    )
    refusal = log_refusal(placement=placement, follow_up=due)
    if refusal is not None:
        # Said before anything is typed; follow_up_log refuses the same, for the API and the links.
        return render(
            request,
            "placements/follow_up_form.html",
            {"placement": placement, "due": due, "back": back, "refusal": " ".join(refusal.messages)},
        )
    form = FollowUpForm(request.POST or None)
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


LINK_PROBLEMS = {
    "expired": gettext_lazy("This link has expired. Ask the coordinator for a new one."),
    "used": gettext_lazy("This follow-up has already been logged. Thank you!"),
    "invalid": gettext_lazy("This link is not valid."),
    "cancelled": gettext_lazy("This follow-up is no longer needed: the placement ended before it was due."),
}


@login_not_required
@tenancy.system_context_view
@require_http_methods(["GET", "POST"])
def follow_up_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """A supervisor without an account logs one follow-up through the link in the reminder."""
    try:
        link = link_for_view(token)
    except LinkError as exc:
        return render(
            request, "placements/follow_up_link_problem.html", {"message": LINK_PROBLEMS[exc.reason]}, status=410
        )
    placement = link.follow_up.placement
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            follow_up_log_by_link(link=link, **form.cleaned_data)
        except ValidationError as exc:
            attach_service_error(form, exc)
        else:
            return render(request, "placements/follow_up_link_problem.html", {"message": LINK_PROBLEMS["used"]})
    return render(
        request,
        "placements/follow_up_form.html",
        {"placement": placement, "form": form, "due": link.follow_up, "back": "", "by_link": True},
    )
