"""Coordinator pages for the checks and prerequisites on a case file: the criminal-records extract
check and the prerequisites a workplace may ask for (a hygiene course, a key card).

Each form page shows the case file's name, so it reads the participant through `participant_for_view`
(a view in the access log); each write is logged by its service. Like the case file itself, these
pages are the team's coordinators' only: supervisors and managers never reach them.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Role
from accounts.request_types import AuthenticatedHttpRequest
from accounts.roles import role_required
from accounts.service_views import save_with_service

from .forms import ParticipantPrerequisiteForm, RecordsCheckForm
from .selectors import (
    get_participant_prerequisite_for_user,
    get_records_check_for_user,
    participant_for_view,
)
from .services import (
    participant_prerequisite_end,
    participant_prerequisite_record,
    participant_prerequisite_remove,
    records_check_record,
    records_check_remove,
)

FORM_TEMPLATE = "participants/case_file_entry_form.html"


def _case_file_url(pk: int) -> str:
    return reverse("participants:detail", args=[pk])


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def records_check_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record a criminal-records extract check: the coordinator who records it is the one who checked."""
    participant = participant_for_view(user=request.user, pk=pk)
    form = RecordsCheckForm(request.POST or None)
    done = save_with_service(
        request,
        form,
        lambda data: records_check_record(participant=participant, by=request.user, **data),
        success=lambda check: (
            _("The check is recorded. The extract is valid until %(date)s.") % {"date": f"{check.valid_until:%Y-%m-%d}"}
        ),
        redirect_to=lambda check: _case_file_url(participant.pk),
    )
    return done or render(
        request,
        FORM_TEMPLATE,
        {"participant": participant, "form": form, "title": _("Record a criminal-records extract check")},
    )


@role_required(Role.COORDINATOR)
@require_POST
def records_check_delete(request: AuthenticatedHttpRequest, pk: int, check_pk: int) -> HttpResponse:
    """Remove a check recorded by mistake."""
    check = get_records_check_for_user(request.user, participant_pk=pk, pk=check_pk)
    records_check_remove(check=check, by=request.user)
    messages.success(request, _("The check is removed."))
    return redirect(_case_file_url(pk))


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def prerequisite_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record a prerequisite the person has (obtained on, valid until)."""
    participant = participant_for_view(user=request.user, pk=pk)
    form = ParticipantPrerequisiteForm(request.POST or None)
    done = save_with_service(
        request,
        form,
        lambda data: participant_prerequisite_record(participant=participant, by=request.user, **data),
        success=lambda held: _("%(prerequisite)s is recorded.") % {"prerequisite": held.prerequisite},
        redirect_to=lambda held: _case_file_url(participant.pk),
    )
    return done or render(
        request, FORM_TEMPLATE, {"participant": participant, "form": form, "title": _("Record a prerequisite")}
    )


@role_required(Role.COORDINATOR)
@require_POST
def prerequisite_end(request: AuthenticatedHttpRequest, pk: int, held_pk: int) -> HttpResponse:
    """The person no longer has it (a key card handed back): it holds through today and not after."""
    held = get_participant_prerequisite_for_user(request.user, participant_pk=pk, pk=held_pk)
    try:
        held = participant_prerequisite_end(held=held, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(prerequisite)s is ended: valid until %(date)s.")
            % {"prerequisite": held.prerequisite, "date": f"{held.valid_until:%Y-%m-%d}"},
        )
    return redirect(_case_file_url(pk))


@role_required(Role.COORDINATOR)
@require_POST
def prerequisite_delete(request: AuthenticatedHttpRequest, pk: int, held_pk: int) -> HttpResponse:
    """Remove a prerequisite recorded by mistake."""
    held = get_participant_prerequisite_for_user(request.user, participant_pk=pk, pk=held_pk)
    participant_prerequisite_remove(held=held, by=request.user)
    messages.success(request, _("The prerequisite is removed."))
    return redirect(_case_file_url(pk))
