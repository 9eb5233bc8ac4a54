"""Coordinator pages for placements: propose one, then move it through its life cycle."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, cast
from urllib.parse import urlencode

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
from django_htmx.http import HttpResponseClientRedirect

from accounts.models import Role
from accounts.request_types import AuthenticatedHttpRequest
from accounts.roles import role_required
from accounts.search import SearchField, search_words
from accounts.service_views import attach_service_error, id_param, save_with_service
from participants.selectors import get_participant_for_user, participants_shown
from supervisors.models import Supervisor
from workplaces.models import Need
from workplaces.selectors import get_need_for_user

from . import certificates, rules, services, signing
from .documents import agreement_pdf, certificate_pdf
from .forms import (
    ActivateForm,
    AssessmentForm,
    CancelForm,
    CertificateReturnForm,
    CompleteForm,
    EndEarlyForm,
    LaterOutcomeForm,
    ProposeForm,
)
from .models import ENDED_STATUSES, Placement, PlacementStatus
from .selectors import (
    EXCLUDED_PER_PAGE,
    allocation_for_view,
    best_supervisor,
    candidates_for_view,
    follow_ups_in_full,
    get_placement_for_user,
    needs_for_participant,
    placement_for_view,
    supervisors_in_period,
)
from .signing_views import pdf_response
from .summary import SUMMARY_STATUSES

coordinator_only = role_required(Role.COORDINATOR)


def _back_url(back: str | None, *, need_pk: int, participant_pk: int) -> str:
    """Where a proposal from a ranking or an allocation row returns to."""
    if back == "participant":
        return reverse("placements:participant_needs", args=[participant_pk])
    if back == "allocation":
        return reverse("placements:allocation")
    return reverse("placements:need_candidates", args=[need_pk])


def _propose_page(
    request: AuthenticatedHttpRequest, form: ProposeForm, *, need: Need | None, back: str = "", action: str = ""
) -> HttpResponse:
    """The propose form: the whole page, or (for htmx) the dialog's content only."""
    if form.fields["participant"].widget.is_hidden:
        participant = form.fields["participant"].queryset.first()  # type: ignore[attr-defined]  # a ModelChoiceField
        participants_shown(user=request.user, rows=[participant] if participant else [])
    else:
        # The participant field lists the team's participants ready for a placement, by name.
        participants_shown(
            user=request.user, rows=cast(forms.ModelChoiceField, form.fields["participant"]).queryset or []
        )
    context = {"form": form, "need": need, "back": back, "action": action or request.get_full_path()}
    if request.htmx:
        return render(request, "placements/partials/propose_dialog.html", context)
    return render(request, "placements/placement_propose.html", context)


def _proposed(request: AuthenticatedHttpRequest, placement: Placement, *, back: str) -> HttpResponse:
    messages.success(request, _("The placement of %(name)s is proposed.") % {"name": placement.participant.full_name})
    if back == "allocation":
        target = reverse("placements:allocation")
    else:
        target = reverse("placements:detail", args=[placement.pk])
    if request.htmx:
        return HttpResponseClientRedirect(target)
    return redirect(target)


def _propose_with(request: AuthenticatedHttpRequest, form: ProposeForm) -> Placement | None:
    """Propose from a valid form; None (the errors on the form) if the form or the service refuses."""
    if not form.is_valid():
        return None
    try:
        return services.placement_propose(by=request.user, **form.service_arguments())
    except ValidationError as exc:
        attach_service_error(form, exc)
        return None


@coordinator_only
@require_http_methods(["GET", "POST"])
def placement_propose(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Propose a placement: the full form, or the pre-filled dialog for one participant and need."""
    need = participant = None
    need_pk = id_param(request.GET.get("need"))
    if need_pk is not None:
        need = get_need_for_user(request.user, need_pk)
    participant_pk = id_param(request.GET.get("participant"))
    if participant_pk is not None:
        participant = get_participant_for_user(request.user, participant_pk)
    back = request.GET.get("back", "")
    form = ProposeForm(request.POST or None, user=request.user, need=need, participant=participant)
    if request.method == "POST":
        placement = _propose_with(request, form)
        if placement is not None:
            return _proposed(request, placement, back=back)
    return _propose_page(request, form, need=need, back=back)


@coordinator_only
@require_http_methods(["GET", "POST"])
def proposal_change(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Change a proposal until it is agreed: the same form, with the rules asked the same way."""
    placement = placement_for_view(user=request.user, pk=pk)
    if placement.status != PlacementStatus.PROPOSED:
        raise Http404
    form = ProposeForm(request.POST or None, user=request.user, placement=placement)
    done = save_with_service(
        request,
        form,
        lambda data: services.placement_change_proposal(
            placement=placement,
            by=request.user,
            **{k: v for k, v in form.service_arguments().items() if k in services.PROPOSAL_FIELDS},
        ),
        success=lambda p: _("The proposal for %(name)s is changed.") % {"name": p.participant.full_name},
        redirect_to=lambda p: reverse("placements:detail", args=[p.pk]),
    )
    if done:
        return done
    return render(
        request, "placements/placement_propose.html", {"form": form, "need": placement.need, "placement": placement}
    )


def _actions(placement: Placement) -> dict[str, forms.Form]:
    """The transition forms that apply to the placement's current status."""
    available: dict[str, forms.Form] = {}
    # Agreeing is offered once every party has signed: the last signature agrees the placement, so
    # the button is there only when a rule stopped that (the need filled up meanwhile, say).
    if placement.status == PlacementStatus.PROPOSED and not signing.missing_parties(placement=placement):
        available["agree"] = forms.Form()
    if placement.status == PlacementStatus.AGREED:
        available["activate"] = ActivateForm(prefix="activate")
    if placement.status == PlacementStatus.ACTIVE:
        available["complete"] = CompleteForm(prefix="complete")
        available["end_early"] = EndEarlyForm(prefix="end_early")
    if placement.status in (PlacementStatus.PROPOSED, PlacementStatus.AGREED):
        available["cancel"] = CancelForm(prefix="cancel")
    if placement.status in ENDED_STATUSES:
        # The assessment is the supervisor's now (the certificate in the portal), approved below.
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
            "follow_ups": follow_ups_in_full(user=request.user, placement=placement),  # type: ignore[arg-type]  # a coordinator's page: a User
            "later_outcomes": placement.later_outcomes.all(),
            "acknowledgements": placement.acknowledgements.all(),
            "has_agreement": placement.status in AGREEMENT_STATUSES,
            "has_certificate": certificates.certificate_printable(placement),
            "has_summary": placement.status in SUMMARY_STATUSES,
            "certificate": certificates.certificate_for(placement),
            "certificate_return_form": CertificateReturnForm(prefix="certificate"),
            "signatures_missing": signing.missing_parties(placement=placement)
            if placement.status == PlacementStatus.PROPOSED
            else [],
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


@coordinator_only
def placement_agreement(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The signed agreement as stored when the last signature came in, never rendered again. A
    placement agreed before signing existed prints as it did, with who acknowledged it."""
    placement = placement_for_view(user=request.user, pk=pk)
    if placement.status not in AGREEMENT_STATUSES:
        raise Http404
    document = signing.signed_document(placement)
    if document is None:
        return pdf_response(agreement_pdf(placement, legacy=True), f"overenskommelse-{placement.pk}.pdf")
    with document.signed_pdf.open("rb") as file:
        return pdf_response(file.read(), f"overenskommelse-{placement.pk}-undertecknad.pdf")


@coordinator_only
def placement_certificate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    placement = placement_for_view(user=request.user, pk=pk)
    if not certificates.certificate_printable(placement):
        raise Http404
    return pdf_response(certificate_pdf(placement), f"praktikintyg-{placement.pk}.pdf")


@coordinator_only
@require_POST
def certificate_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    placement = get_placement_for_user(request.user, pk)
    try:
        certificates.certificate_approve(placement=placement, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The certificate is approved."))
    return redirect(reverse("placements:detail", args=[placement.pk]))


@coordinator_only
@require_POST
def certificate_return(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    placement = get_placement_for_user(request.user, pk)
    form = CertificateReturnForm(request.POST, prefix="certificate")
    if form.is_valid():
        try:
            certificates.certificate_return(placement=placement, by=request.user, note=form.cleaned_data["note"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The certificate is sent back to the supervisor."))
    else:
        messages.error(request, _("Say what the supervisor should change."))
    return redirect(reverse("placements:detail", args=[placement.pk]))


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


class ExcludedSearchForm(forms.Form):
    """Find someone among a need's excluded, by name."""

    q = SearchField(
        label=gettext_lazy("Find a person among the excluded"),
        widget=forms.TextInput(attrs={"class": "form-control", "type": "search"}),
    )


class ExcludedPageForm(forms.Form):
    page = forms.IntegerField(min_value=1, max_value=10_000, required=False)


# The name searched for among a need's excluded is posted and kept in the session, not the URL (it is
# a name); with the need it was for, so that another need's page starts unsearched.
EXCLUDED_SEARCH_SESSION_KEY = "placements:excluded-search"


@coordinator_only
@require_http_methods(["GET", "POST"])
def need_candidates(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Find candidates: the best-fitting participants for a need, with why, and everyone excluded
    with why, searchable by name."""
    need = get_need_for_user(request.user, pk)
    here = reverse("placements:need_candidates", args=[need.pk])
    if request.method == "POST":
        search = ExcludedSearchForm(request.POST)
        if "reset" in request.POST:
            request.session.pop(EXCLUDED_SEARCH_SESSION_KEY, None)
            return redirect(here + "#excluded")
        if search.is_valid():
            request.session[EXCLUDED_SEARCH_SESSION_KEY] = {"need": need.pk, "q": search.cleaned_data["q"] or ""}
            return redirect(here + "#excluded")
        query = ""  # refused: the error is shown by the field, and the whole list below it
    else:
        stored = request.session.get(EXCLUDED_SEARCH_SESSION_KEY) or {}
        query = str(stored.get("q") or "") if stored.get("need") == need.pk else ""
        search = ExcludedSearchForm(initial={"q": query})
    paging = ExcludedPageForm(request.GET)
    page = (paging.cleaned_data["page"] if paging.is_valid() else None) or 1
    ranking = candidates_for_view(user=request.user, need=need, search=search_words(query), page=page)
    pages = max(1, -(-ranking.excluded_total // EXCLUDED_PER_PAGE))
    return render(
        request,
        "placements/need_candidates.html",
        {"need": need, "ranking": ranking, "search": search, "page": page, "pages": pages, "query": query},
    )


@coordinator_only
def participant_needs(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Find placements: the open needs that suit a participant best, with why, and those they cannot
    take with why."""
    participant, ranking = needs_for_participant(user=request.user, pk=pk)
    return render(
        request,
        "placements/participant_needs.html",
        {"participant": participant, "matches": ranking.matches, "excluded": ranking.excluded},
    )


@coordinator_only
@require_POST
def quick_propose(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One click from a ranking or an allocation row: propose for the need's default period, its
    hours and the best supervisor with room. When a rule stops it, or something is still to be
    given (the decision reference, the confirmation of an untrained supervisor), the pre-filled
    dialog opens with every problem listed at once."""
    need_pk, participant_pk = id_param(request.POST.get("need")), id_param(request.POST.get("participant"))
    if need_pk is None or participant_pk is None:
        raise Http404
    need = get_need_for_user(request.user, need_pk)
    participant = get_participant_for_user(request.user, participant_pk)
    back = request.POST.get("back", "")
    if back not in ("participant", "allocation"):
        back = ""
    start, end = rules.default_period(need, timezone.localdate())
    supervisor = best_supervisor(need=need, start=start, end=end)
    data = {
        "participant": participant.pk,
        "need": need.pk,
        "supervisor": supervisor.pk if supervisor else "",
        "start": start.isoformat(),
        "end": end.isoformat(),
        "hours_per_day": str(need.hours_per_day),
    }
    form = ProposeForm(data, user=request.user, need=need, participant=participant)
    placement = _propose_with(request, form)
    if supervisor is None:
        form.errors["supervisor"] = form.error_class(
            [_("The workplace has no supervisor with room for another participant.")]
        )
    if placement is not None:
        return _proposed(request, placement, back=back)
    # The dialog posts to the propose page for this participant and need, and returns where it came from.
    query = urlencode({"need": need.pk, "participant": participant.pk, "back": back})
    return _propose_page(request, form, need=need, back=back, action=f"{reverse('placements:propose')}?{query}")


@coordinator_only
def allocation(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The best overall allocation of the team's waiting participants to open places."""
    proposals = allocation_for_view(user=request.user)
    return render(request, "placements/allocation.html", {"proposals": proposals})
