"""Coordinator pages for placements: propose one, then move it through its life cycle."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Role
from accounts.request_types import AuthenticatedHttpRequest
from accounts.roles import role_required
from accounts.service_views import id_param, save_with_service
from participants.selectors import get_participant_for_user, participants_shown
from supervisors.models import Supervisor
from workplaces.selectors import get_need_for_user

from . import services
from .documents import agreement_pdf, certificate_pdf
from .forms import (
    AcknowledgeForm,
    ActivateForm,
    AssessmentForm,
    CancelForm,
    CompleteForm,
    EndEarlyForm,
    LaterOutcomeForm,
    ProposeForm,
)
from .models import ENDED_STATUSES, Placement, PlacementStatus
from .selectors import (
    allocation_for_view,
    best_supervisor,
    candidates_for_view,
    get_placement_for_user,
    needs_for_participant,
    placement_for_view,
    supervisors_in_period,
)

coordinator_only = role_required(Role.COORDINATOR)


@coordinator_only
@require_http_methods(["GET", "POST"])
def placement_propose(request: AuthenticatedHttpRequest) -> HttpResponse:
    need = None
    need_pk = id_param(request.GET.get("need") or request.POST.get("need"))
    if need_pk is not None:
        need = get_need_for_user(request.user, need_pk)
    initial: dict[str, Any] = {}
    if need is not None:
        initial["need"] = need.pk
    for name in ("participant", "supervisor"):
        value = id_param(request.GET.get(name))
        if value is not None:
            initial[name] = value
    form = ProposeForm(request.POST or None, user=request.user, need=need, initial=initial)
    done = save_with_service(
        request,
        form,
        lambda data: services.placement_propose(
            by=request.user, **{k: v for k, v in data.items() if k != "confirm_untrained"}
        ),
        success=lambda p: _("The placement of %(name)s is proposed.") % {"name": p.participant.full_name},
        redirect_to=lambda p: reverse("placements:detail", args=[p.pk]),
    )
    if done:
        return done
    # The participant field lists the team's participants ready for a placement, by name.
    participants_shown(user=request.user, rows=cast(forms.ModelChoiceField, form.fields["participant"]).queryset or [])
    return render(request, "placements/placement_propose.html", {"form": form, "need": need})


def _actions(placement: Placement) -> dict[str, forms.Form]:
    """The transition forms that apply to the placement's current status."""
    available: dict[str, forms.Form] = {}
    if placement.status == PlacementStatus.PROPOSED:
        available["agree"] = forms.Form()
    if placement.status == PlacementStatus.AGREED:
        available["activate"] = ActivateForm(prefix="activate")
    if placement.status == PlacementStatus.ACTIVE:
        available["complete"] = CompleteForm(prefix="complete")
        available["end_early"] = EndEarlyForm(prefix="end_early")
    if placement.status in (PlacementStatus.PROPOSED, PlacementStatus.AGREED):
        available["cancel"] = CancelForm(prefix="cancel")
    if placement.status in (PlacementStatus.AGREED, PlacementStatus.ACTIVE, *ENDED_STATUSES):
        available["acknowledge"] = AcknowledgeForm(prefix="acknowledge")
    if placement.status in ENDED_STATUSES:
        available["assessment"] = AssessmentForm(prefix="assessment", initial={"assessment": placement.assessment})
        available["later_outcome"] = LaterOutcomeForm(prefix="later_outcome")
    return available


@coordinator_only
def placement_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    placement = placement_for_view(user=request.user, pk=pk)
    return _render_detail(request, placement, _actions(placement))


def _render_detail(request: HttpRequest, placement: Placement, actions: dict[str, forms.Form]) -> HttpResponse:
    return render(
        request,
        "placements/placement_detail.html",
        {
            "placement": placement,
            "actions": actions,
            "events": placement.events.select_related("by"),
            "follow_ups": placement.follow_ups.all(),
            "later_outcomes": placement.later_outcomes.all(),
            "acknowledgements": placement.acknowledgements.all(),
            "has_agreement": placement.status in AGREEMENT_STATUSES,
            "has_certificate": placement.status == PlacementStatus.COMPLETED,
        },
    )


# action → (form class, service call, success message)
TRANSITIONS: dict[str, tuple[type[forms.Form], Callable[..., Any], Any]] = {
    "agree": (
        forms.Form,
        lambda p, by, d: services.placement_agree(placement=p, by=by),
        gettext_lazy("The placement is agreed."),
    ),
    "activate": (
        ActivateForm,
        lambda p, by, d: services.placement_activate(placement=p, by=by, on=d["on"]),
        gettext_lazy("The placement has started."),
    ),
    "complete": (
        CompleteForm,
        lambda p, by, d: services.placement_complete(placement=p, by=by, outcome=d["outcome"], on=d["on"]),
        gettext_lazy("The placement is completed."),
    ),
    "end_early": (
        EndEarlyForm,
        lambda p, by, d: services.placement_end_early(
            placement=p, by=by, outcome=d["outcome"], on=d["on"], reason=d["reason"]
        ),
        gettext_lazy("The placement has ended early."),
    ),
    "cancel": (
        CancelForm,
        lambda p, by, d: services.placement_cancel(placement=p, by=by, reason=d["reason"]),
        gettext_lazy("The placement is cancelled."),
    ),
    "acknowledge": (
        AcknowledgeForm,
        lambda p, by, d: services.placement_acknowledge(placement=p, by=by, party=d["party"], name=d["name"]),
        gettext_lazy("The acknowledgement is recorded."),
    ),
    "assessment": (
        AssessmentForm,
        lambda p, by, d: services.placement_record_assessment(placement=p, by=by, assessment=d["assessment"]),
        gettext_lazy("The assessment is saved."),
    ),
    "later_outcome": (
        LaterOutcomeForm,
        lambda p, by, d: services.placement_record_later_outcome(
            placement=p, by=by, days_after=d["days_after"], outcome=d["outcome"]
        ),
        gettext_lazy("The later outcome is recorded."),
    ),
}


@coordinator_only
@require_POST
def placement_transition(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    placement = get_placement_for_user(request.user, pk)
    if action not in TRANSITIONS:
        raise Http404
    form_class, call, message = TRANSITIONS[action]
    form = form_class(request.POST, prefix=None if form_class is forms.Form else action)
    done = save_with_service(
        request,
        form,
        lambda data: call(placement, request.user, data),
        success=lambda _saved: str(message),
        redirect_to=lambda _saved: reverse("placements:detail", args=[placement.pk]),
    )
    if done:
        return done
    # Show the refused form with its errors where it stands on the page.
    placement = placement_for_view(user=request.user, pk=placement.pk)
    actions = _actions(placement)
    actions[action] = form
    return _render_detail(request, placement, actions)


AGREEMENT_STATUSES = (PlacementStatus.AGREED, PlacementStatus.ACTIVE, *ENDED_STATUSES)


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    # The file name carries the placement's number, never a person's name.
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@coordinator_only
def placement_agreement(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    placement = placement_for_view(user=request.user, pk=pk)
    if placement.status not in AGREEMENT_STATUSES:
        raise Http404
    return _pdf_response(agreement_pdf(placement), f"overenskommelse-{placement.pk}.pdf")


@coordinator_only
def placement_certificate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    placement = placement_for_view(user=request.user, pk=pk)
    if placement.status != PlacementStatus.COMPLETED:
        raise Http404
    return _pdf_response(certificate_pdf(placement), f"praktikintyg-{placement.pk}.pdf")


def _date_param(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value and len(value) == 10 else None
    except ValueError:
        return None


@coordinator_only
def supervisor_options(request: HttpRequest) -> HttpResponse:
    """The <option>s of the supervisor field for the chosen need (swapped in by htmx): each supervisor
    of its workplace with their training through the period and their load in it ("2 of 3"). The
    period is the form's `start` and `end` when sent, else the need's coming period."""
    need_pk = id_param(request.GET.get("need"))
    supervisors: Iterable[Supervisor] = []
    if need_pk is not None:
        need = get_need_for_user(request.user, need_pk)
        start = _date_param(request.GET.get("start")) or max(need.start_date, timezone.localdate())
        end = _date_param(request.GET.get("end")) or need.end_date
        supervisors = supervisors_in_period(workplace_ids=[need.workplace_id], start=start, end=max(start, end))
    return render(request, "placements/partials/supervisor_options.html", {"supervisors": supervisors})


@coordinator_only
def need_candidates(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Find candidates: the best-fitting participants for a need, with why, and who is excluded."""
    need = get_need_for_user(request.user, pk)
    ranking = candidates_for_view(user=request.user, need=need)
    return render(request, "placements/need_candidates.html", {"need": need, "ranking": ranking})


@coordinator_only
def participant_needs(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Find placements: the open needs that suit a participant best, with why."""
    participant, matches = needs_for_participant(user=request.user, pk=pk)
    return render(request, "placements/participant_needs.html", {"participant": participant, "matches": matches})


@coordinator_only
@require_POST
def quick_propose(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One click from a ranking: propose the placement for the need's period with the best supervisor."""
    need_pk, participant_pk = id_param(request.POST.get("need")), id_param(request.POST.get("participant"))
    if need_pk is None or participant_pk is None:
        raise Http404
    need = get_need_for_user(request.user, need_pk)
    participant = get_participant_for_user(request.user, participant_pk)
    back = request.POST.get("back")
    if back == "participant":
        return_to = reverse("placements:participant_needs", args=[participant.pk])
    elif back == "allocation":
        return_to = reverse("placements:allocation")
    else:
        return_to = reverse("placements:need_candidates", args=[need.pk])
    # The need's coming period, for now: the coordinator's propose dialog may choose another.
    start, end = max(need.start_date, timezone.localdate()), need.end_date
    supervisor = best_supervisor(need=need, start=start, end=end)
    if supervisor is None:
        messages.error(request, _("The workplace has no supervisor with room for another participant."))
        return redirect(return_to)
    if not supervisor.trained_until:  # type: ignore[attr-defined]  # annotated by the queryset
        # Proposing with an untrained supervisor needs the coordinator's confirmation in the full form.
        messages.warning(request, _("The supervisor with room has not taken the supervisor training."))
        return redirect(
            reverse("placements:propose") + f"?need={need.pk}&participant={participant.pk}&supervisor={supervisor.pk}"
        )
    try:
        placement = services.placement_propose(
            participant=participant,
            need=need,
            supervisor=supervisor,
            start=start,
            end=end,
            hours_per_day=min(need.hours_per_day, participant.hours_per_day),
            by=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(return_to)
    messages.success(request, _("The placement of %(name)s is proposed.") % {"name": participant.full_name})
    if back == "allocation":
        return redirect(return_to)
    return redirect("placements:detail", pk=placement.pk)


@coordinator_only
def allocation(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The best overall allocation of the team's waiting participants to open places."""
    proposals = allocation_for_view(user=request.user)
    return render(request, "placements/allocation.html", {"proposals": proposals})
