"""The case journal's pages: notes and tasks on a case file, and a coordinator's own tasks.

Like the case file, the journal is its team's coordinators' only: everyone else gets 404 on every
note and task URL (`role_required` for the role, `journal_scope` through the selectors for the
object). From the case file the forms post with htmx and get the journal section back, saving a page
load; without JavaScript they post normally and are redirected to the case file.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Role, User
from accounts.request_types import AuthenticatedHttpRequest
from accounts.roles import role_required
from accounts.service_views import attach_service_error

from .forms import CaseNoteForm, TaskCloseForm, TaskForm
from .models import Participant
from .selectors import (
    get_journal_participant_for_user,
    get_task_for_user,
    journal_of,
    journal_rows_shown,
    participant_viewed,
    tasks_visible,
)
from .services import case_note_record, task_close, task_create

FORM_TEMPLATE = "participants/case_file_entry_form.html"
JOURNAL_PARTIAL = "participants/partials/journal.html"
TASKS_PER_PAGE = 25


def journal_context(
    *,
    user: User,
    participant: Participant,
    note_form: CaseNoteForm | None = None,
    task_form: TaskForm | None = None,
) -> dict[str, Any]:
    """What the case file's journal section shows, for a page that has logged its view of the case file."""
    return {
        "participant": participant,
        "journal": journal_of(user=user, participant=participant),
        "note_form": note_form or CaseNoteForm(),
        "task_form": task_form or TaskForm(participant=participant, user=user),
        "close_form": TaskCloseForm(),
        "today": timezone.localdate(),
    }


def _journal_url(pk: int) -> str:
    return reverse("participants:detail", args=[pk]) + "#journal"


def _journal_partial(request: AuthenticatedHttpRequest, participant: Participant, **forms: Any) -> HttpResponse:
    """The journal section alone (what htmx swaps in), a view of the case file in the access log."""
    participant_viewed(user=request.user, participant=participant)
    return render(request, JOURNAL_PARTIAL, journal_context(user=request.user, participant=participant, **forms))


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _saved(request: AuthenticatedHttpRequest, participant: Participant, message: str) -> HttpResponse:
    messages.success(request, message)
    if _is_htmx(request):
        return _journal_partial(request, participant)
    return redirect(_journal_url(participant.pk))


def _save(form: Any, save: Any) -> Any | None:
    """The form's service call, its ValidationError shown next to the fields; None if not saved."""
    if not form.is_valid():
        return None
    try:
        return save(dict(form.cleaned_data))
    except ValidationError as exc:
        attach_service_error(form, exc)
        return None


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def note_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Write a note in the case journal."""
    participant = get_journal_participant_for_user(request.user, pk)
    form = CaseNoteForm(request.POST or None)
    if request.method == "POST":
        note = _save(form, lambda data: case_note_record(participant=participant, by=request.user, **data))
        if note is not None:
            return _saved(request, participant, _("The note is saved."))
        if _is_htmx(request):
            return _journal_partial(request, participant, note_form=form)
    participant_viewed(user=request.user, participant=participant)
    return render(request, FORM_TEMPLATE, {"participant": participant, "form": form, "title": _("Write a note")})


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def task_create_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Open a task on the case file for a coordinator of the team."""
    participant = get_journal_participant_for_user(request.user, pk)
    form = TaskForm(request.POST or None, participant=participant, user=request.user)
    if request.method == "POST":
        task = _save(form, lambda data: task_create(participant=participant, by=request.user, **data))
        if task is not None:
            return _saved(request, participant, _("The task is added."))
        if _is_htmx(request):
            return _journal_partial(request, participant, task_form=form)
    participant_viewed(user=request.user, participant=participant)
    return render(request, FORM_TEMPLATE, {"participant": participant, "form": form, "title": _("Add a task")})


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def task_close_view(request: AuthenticatedHttpRequest, pk: int, task_pk: int) -> HttpResponse:
    """Close a task with the action taken; a concern's task closed is the concern handled."""
    task = get_task_for_user(request.user, participant_pk=pk, pk=task_pk)
    participant = task.participant
    form = TaskCloseForm(request.POST or None)
    if request.method == "POST":
        closed = _save(form, lambda data: task_close(task=task, by=request.user, **data))
        if closed is not None:
            return _saved(request, participant, _("The task is done: %(title)s.") % {"title": closed.title})
        if not task.is_open:
            messages.error(request, " ".join(str(message) for message in form.non_field_errors()))
            return redirect(_journal_url(participant.pk))
    participant_viewed(user=request.user, participant=participant)
    journal_rows_shown(user=request.user, rows=[task])
    return render(
        request,
        "participants/task_close.html",
        {"participant": participant, "task": task, "form": form, "title": _("Close the task")},
    )


@role_required(Role.COORDINATOR)
@require_GET
def task_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The coordinator's own tasks (open by default, soonest due first; `?show=all` with the done ones),
    a page at a time: the whole list behind the start page's "Tasks due"."""
    show_all = request.GET.get("show") == "all"
    tasks = tasks_visible(user=request.user).filter(assignee=request.user)
    if not show_all:
        tasks = tasks.open()
    page = Paginator(tasks, TASKS_PER_PAGE).get_page(request.GET.get("page"))
    rows = journal_rows_shown(user=request.user, rows=page.object_list)
    return render(
        request,
        "participants/task_list.html",
        {"page": page, "tasks": rows, "show_all": show_all, "today": timezone.localdate()},
    )
