"""Coordinator pages for participants: list, profile with timeline, intake and editing."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access_log import log_access
from accounts.models import AccessAction, Role
from accounts.request_types import AuthenticatedHttpRequest
from accounts.roles import role_required
from accounts.service_views import attach_service_error
from accounts.tables import configure_table
from placements import selectors as placement_selectors

from .filters import ParticipantFilter
from .forms import ExperienceFormSet, ParticipantForm, StatusChangeForm, experience_initial
from .journal_views import journal_context
from .models import Participant
from .selectors import (
    exits_of,
    get_participant_for_user,
    participant_for_view,
    participant_viewed,
    participants_shown,
    prerequisites_of,
    programme_status_of,
    records_checks_of,
)
from .services import (
    participant_change_status,
    participant_register,
    participant_update,
    programme_status_due,
)
from .tables import ParticipantTable

# Filters are kept in the session, not the URL: a search may hold a name or an identity number.
FILTER_SESSION_KEY = "participants:list-filters"
PAGE_SIZE = 25


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def participant_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        if "reset" in request.POST:
            request.session.pop(FILTER_SESSION_KEY, None)
        else:
            # Only the filters' own fields, so that what a post stores in the session stays small.
            request.session[FILTER_SESSION_KEY] = {
                key: request.POST.getlist(key) for key in request.POST if key in ParticipantFilter.base_filters
            }
        return redirect("participants:list")
    stored = request.session.get(FILTER_SESSION_KEY) or {}
    data = _as_querydict(stored) if stored else None
    queryset = Participant.objects.visible_to(request.user).select_related("coordinator", "job_track")
    participant_filter = ParticipantFilter(data, queryset=queryset, user=request.user)
    table = ParticipantTable(participant_filter.qs)
    configure_table(request, table, per_page=PAGE_SIZE)
    participants_shown(user=request.user, rows=[row.record for row in table.paginated_rows])
    return render(
        request,
        "participants/participant_list.html",
        {"filter": participant_filter, "table": table, "filtered": bool(stored)},
    )


def _as_querydict(stored: dict[str, list[str]]) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, values in stored.items():
        data.setlist(key, values)
    return data


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def participant_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The case file. Coordinators only: supervisors get a minimal view in their portal."""
    revealed = request.method == "POST" and "reveal" in request.POST
    participant = participant_for_view(user=request.user, pk=pk, reveal=revealed)
    return _detail_page(request, participant, revealed=revealed)


def _detail_page(
    request: HttpRequest,
    participant: Participant,
    *,
    revealed: bool = False,
    status_form: StatusChangeForm | None = None,
) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "participants/participant_detail.html",
        {
            "participant": participant,
            "experiences": participant.work_experiences.select_related("occupation"),
            "interests": participant.interests.select_related("occupation"),
            "languages": participant.languages.all(),
            "placements": placement_selectors.participant_placements(participant=participant),
            "timeline": placement_selectors.participant_timeline(participant=participant),
            "revealed": revealed,
            "status_form": status_form or StatusChangeForm(participant=participant),
            "records_checks": records_checks_of(participant=participant),
            "prerequisites": prerequisites_of(participant=participant, on=today),
            "exits": exits_of(participant=participant),
            "programme_status": programme_status_of(participant=participant),
            "programme_status_due": programme_status_due(participant=participant, today=today),
            "today": today,
            "text_messages": participant.text_messages.all()[:5],
            **journal_context(user=request.user, participant=participant),  # type: ignore[arg-type]  # role_required: a User
        },
    )


@role_required(Role.COORDINATOR)
@require_POST
def participant_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Move the participant on (mapped, on hold, left the programme, back), with the rules of the service."""
    participant = get_participant_for_user(request.user, pk)
    form = StatusChangeForm(request.POST, participant=participant)
    if form.is_valid():
        try:
            participant_change_status(
                participant=participant,
                to_status=form.cleaned_data["to_status"],
                by=request.user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            attach_service_error(form, exc)
        else:
            log_access(
                user=request.user, participant_ids=[participant.pk], action=AccessAction.CHANGE, fields=["status"]
            )
            messages.success(request, _("The status is changed."))
            return redirect("participants:detail", pk=participant.pk)
    # The page is shown again with the error next to the field: that is a view of the case file.
    return _detail_page(request, participant_viewed(user=request.user, participant=participant), status_form=form)


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def participant_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ParticipantForm(request.POST or None, user=request.user)
    formset = ExperienceFormSet(request.POST or None, prefix="experience")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = dict(form.cleaned_data)
        try:
            participant = participant_register(
                by=request.user,
                team=request.user.team,
                languages=data.pop("languages"),
                interests=data.pop("interests"),
                experiences=formset.experiences(),  # type: ignore[attr-defined]  # ExperienceFormSet's own method
                **data,
            )
        except ValidationError as exc:
            attach_service_error(form, exc)
        else:
            log_access(user=request.user, participant_ids=[participant.pk], action=AccessAction.CREATE)
            messages.success(request, _("%(name)s is registered.") % {"name": participant.full_name})
            return redirect("participants:detail", pk=participant.pk)
    return render(request, "participants/participant_form.html", {"form": form, "formset": formset})


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def participant_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    # The form shows the case file: a view, also when it is saved.
    participant = participant_for_view(user=request.user, pk=pk)
    form = ParticipantForm(request.POST or None, instance=participant, user=request.user)
    formset = ExperienceFormSet(
        request.POST or None, prefix="experience", initial=None if request.POST else experience_initial(participant)
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = dict(form.cleaned_data)
        try:
            participant_update(
                participant=Participant.objects.get(pk=participant.pk),
                by=request.user,
                languages=data.pop("languages"),
                interests=data.pop("interests"),
                experiences=formset.experiences(),  # type: ignore[attr-defined]  # ExperienceFormSet's own method
                **data,
            )
        except ValidationError as exc:
            attach_service_error(form, exc)
        else:
            changed = [*form.changed_data, *(["work_experience"] if formset.has_changed() else [])]
            log_access(user=request.user, participant_ids=[participant.pk], action=AccessAction.CHANGE, fields=changed)
            messages.success(request, _("The changes are saved."))
            return redirect("participants:detail", pk=participant.pk)
    return render(
        request, "participants/participant_form.html", {"form": form, "formset": formset, "participant": participant}
    )
