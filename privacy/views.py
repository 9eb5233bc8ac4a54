"""Data-subject requests: the register extract (GDPR art. 15) and erasure on request (art. 17).

Administrators (and the data protection officer, who has that role) find the person by an exact
identity number (posted, never in a URL; logged) and may produce the extract or erase. A coordinator
produces the extract of their own team's participants from the participant page. Who may do what is
stated in accounts/access.py (`data_subject_scope`, `erasure_scope`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import access
from accounts.access_log import log_access
from accounts.models import AccessAction, Role
from accounts.request_types import AuthenticatedHttpRequest
from accounts.roles import role_required
from accounts.service_views import attach_service_error
from participants.lookup_views import LookupForm
from participants.models import Participant

from .extract import extract_json, extract_pdf, register_extract
from .forms import ErasureForm, ExtractForm
from .models import ErasureMethod
from .services import participant_erase_on_request


@role_required(Role.ADMINISTRATOR)
@require_http_methods(["GET", "POST"])
def requests(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Find the person a request is about by an exact identity number (logged as a lookup)."""
    form = LookupForm(request.POST or None)
    found: list[Participant] = []
    if request.method == "POST" and form.is_valid():
        # An identity number is unique within a municipality, not across them: a superuser may find
        # the person's case file in each municipality of the installation (one row per municipality,
        # so the list is bounded by their number), each its own municipality's to answer for.
        found = list(
            Participant.objects.filter(access.data_subject_scope(request.user))
            .select_related("team", "municipality")
            .filter(identity_number=form.cleaned_data["identity_number"])
            .order_by("municipality__name", "pk")
        )
        if found:
            log_access(user=request.user, participant_ids=[p.pk for p in found], action=AccessAction.LOOKUP)
    return render(
        request,
        "privacy/requests.html",
        {"form": form, "found": found, "searched": request.method == "POST" and form.is_valid()},
    )


@role_required(Role.COORDINATOR, Role.ADMINISTRATOR)
@require_POST
def extract(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Produce and download the register extract, as PDF or JSON; logged as an export."""
    participant = access.get_visible_or_404(Participant.objects.filter(access.data_subject_scope(request.user)), pk=pk)
    form = ExtractForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose PDF or JSON."))
    kind = form.cleaned_data["format"]
    data = register_extract(participant=participant, by=request.user)
    log_access(
        user=request.user,
        participant_ids=[participant.pk],
        action=AccessAction.EXPORT,
        reason=f"register extract ({kind})",
    )
    if kind == "json":
        response = HttpResponse(extract_json(data), content_type="application/json; charset=utf-8")
    else:
        response = HttpResponse(extract_pdf(data), content_type="application/pdf")
    # The file name carries the record number only, never a name or an identity number.
    response["Content-Disposition"] = f'attachment; filename="registerutdrag-{participant.pk}.{kind}"'
    # Not cached: NoStoreMiddleware marks every answer to a signed-in user no-store, private.
    return response


@role_required(Role.ADMINISTRATOR)
@require_http_methods(["GET", "POST"])
def erase(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Erase a case file on request, after a confirmation with the reason."""
    participant = access.get_visible_or_404(Participant.objects.filter(access.erasure_scope(request.user)), pk=pk)
    form = ErasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = participant_erase_on_request(
                participant=participant,
                method=ErasureMethod(form.cleaned_data["method"]),
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            attach_service_error(form, exc)
        else:
            messages.success(
                request,
                _("The case file is erased. Reference for the person: %(reference)s") % {"reference": record.reference},
            )
            return redirect("privacy:requests")
    # The page shows who the person is: one access-log entry per page shown.
    log_access(user=request.user, participant_ids=[participant.pk], action=AccessAction.VIEW)
    placements = participant.placements.count()
    return render(request, "privacy/erase.html", {"participant": participant, "form": form, "placements": placements})
