"""Coordinator pages for the checks, prerequisites and exits on a case file: the criminal-records extract
check, the prerequisites a workplace may ask for (a hygiene course, a key card), when and why the person
left the unit, and a newcomer's status 90 days after the establishment programme.

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

from .forms import (
    ExitForm,
    ParticipantPrerequisiteForm,
    ProgrammeStatusForm,
    RecordsCheckForm,
    StudyTimeFormSet,
    study_times_initial,
)
from .selectors import (
    get_exit_for_user,
    get_participant_for_user,
    get_participant_prerequisite_for_user,
    get_programme_status_for_user,
    get_records_check_for_user,
    participant_for_view,
)
from .services import (
    exit_record,
    exit_remove,
    participant_prerequisite_end,
    participant_prerequisite_record,
    participant_prerequisite_remove,
    programme_status_due,
    programme_status_record,
    programme_status_remove,
    records_check_record,
    records_check_remove,
    study_times_replace,
)
from .text_messages import participant_sms_consent_set

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


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def exit_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record when and why the person left the unit; the case is closed with it."""
    participant = participant_for_view(user=request.user, pk=pk)
    form = ExitForm(request.POST or None)
    done = save_with_service(
        request,
        form,
        lambda data: exit_record(participant=participant, by=request.user, **data),
        success=lambda exit_: _("The exit is recorded: %(reason)s.") % {"reason": exit_.get_reason_display()},
        redirect_to=lambda exit_: _case_file_url(participant.pk),
    )
    return done or render(
        request, FORM_TEMPLATE, {"participant": participant, "form": form, "title": _("Record an exit")}
    )


@role_required(Role.COORDINATOR)
@require_POST
def exit_delete(request: AuthenticatedHttpRequest, pk: int, exit_pk: int) -> HttpResponse:
    """Remove an exit recorded by mistake."""
    exit_ = get_exit_for_user(request.user, participant_pk=pk, pk=exit_pk)
    exit_remove(exit_=exit_, by=request.user)
    messages.success(request, _("The exit is removed."))
    return redirect(_case_file_url(pk))


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def programme_status_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record where a newcomer was 90 days after the establishment programme ended."""
    participant = participant_for_view(user=request.user, pk=pk)
    form = ProgrammeStatusForm(request.POST or None)
    # Said before the coordinator fills the form in; the service refuses it on saving too.
    notice = (
        None
        if programme_status_due(participant=participant)
        else _("The status can be recorded for a newcomer 90 days after the programme ended.")
    )
    done = save_with_service(
        request,
        form,
        lambda data: programme_status_record(participant=participant, by=request.user, **data),
        success=lambda status: _("The status after the programme is recorded."),
        redirect_to=lambda status: _case_file_url(participant.pk),
    )
    return done or render(
        request,
        FORM_TEMPLATE,
        {
            "participant": participant,
            "form": form,
            "title": _("Record the status 90 days after the programme"),
            "notice": notice,
        },
    )


@role_required(Role.COORDINATOR)
@require_POST
def programme_status_delete(request: AuthenticatedHttpRequest, pk: int, status_pk: int) -> HttpResponse:
    """Remove a status after the programme recorded by mistake."""
    status = get_programme_status_for_user(request.user, participant_pk=pk, pk=status_pk)
    programme_status_remove(status=status, by=request.user)
    messages.success(request, _("The status after the programme is removed."))
    return redirect(_case_file_url(pk))


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def study_times_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The study timetable, every row in one form, saved all or nothing."""
    participant = participant_for_view(user=request.user, pk=pk)
    formset = StudyTimeFormSet(
        request.POST or None, prefix="study", initial=None if request.POST else study_times_initial(participant)
    )
    if request.method == "POST" and formset.is_valid():
        try:
            study_times_replace(participant=participant, by=request.user, times=formset.spans())  # type: ignore[attr-defined]  # StudyTimeFormSet's own method
        except ValidationError as exc:
            formset._non_form_errors = formset.error_class(exc.messages, renderer=formset.renderer)  # type: ignore[attr-defined]  # shown above the rows
        else:
            messages.success(request, _("The study timetable is saved."))
            return redirect(_case_file_url(participant.pk))
    return render(
        request,
        "participants/study_times_form.html",
        {"participant": participant, "formset": formset, "title": _("Study timetable")},
    )


@role_required(Role.COORDINATOR)
@require_POST
def sms_consent(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record the participant's consent to text messages ("consent=1"), or that they withdrew it."""
    participant = get_participant_for_user(request.user, pk)
    consent = request.POST.get("consent") == "1"
    try:
        participant_sms_consent_set(participant=participant, consent=consent, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        done = _("The consent to text messages is recorded.") if consent else None
        messages.success(request, done or _("The consent to text messages is withdrawn."))
    return redirect(_case_file_url(pk))
