"""The case journal: notes and tasks on case files, for the person's team's coordinators.

The same rules as the pages, from the same places: who may keep a journal (`accounts.access`), which
notes and tasks a user reaches (`journal_scope` through `participants.selectors`), the same forms for
input and the same services for writes, and the same access-log entries (the selectors log what they
show). Anyone whose role keeps no journal (supervisors, managers, administrators) gets 404 on every
URL here, as on the pages: the same answer as for a note that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.access import may_keep_journal
from accounts.models import Role
from accounts.request_types import AuthenticatedRequest
from participants.forms import CaseNoteForm, TaskCloseForm, TaskForm
from participants.models import CaseNote, Task
from participants.selectors import (
    case_note_for_view,
    case_notes_visible,
    get_task_for_user,
    journal_participants,
    journal_rows_shown,
    task_for_view,
    tasks_visible,
)
from participants.services import case_note_record, task_close, task_create

from .base import ApiViewSet, call_service, form_input, logged_list, pick_visible, validate_input
from .pagination import IdFilter


class KeepsJournal(permissions.BasePermission):
    """Coordinators (and superusers) only; anyone else signed in gets 404, never 403."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not may_keep_journal(request.user):
            raise NotFound
        return True


class JournalViewSet(ApiViewSet):
    read_roles = frozenset({Role.COORDINATOR})
    write_roles = frozenset({Role.COORDINATOR})
    permission_classes = [permissions.IsAuthenticated, KeepsJournal]


class CaseNoteSerializer(serializers.ModelSerializer):
    class Meta:  # output only: input goes through CaseNoteForm
        model = CaseNote
        fields = ["id", "participant", "noted_on", "kind", "text", "author", "created_at"]


class TaskSerializer(serializers.ModelSerializer):
    concern_follow_up = serializers.SerializerMethodField(
        help_text=_("The follow-up whose concern this task handles, if any.")
    )

    class Meta:  # output only: input goes through TaskForm and TaskCloseForm
        model = Task
        fields = [
            "id",
            "participant",
            "title",
            "detail",
            "due_on",
            "assignee",
            "created_by",
            "created_at",
            "done_on",
            "done_by",
            "action_taken",
            "concern_follow_up",
        ]

    def get_concern_follow_up(self, task: Task) -> int | None:
        follow_up = getattr(task, "concern_follow_up", None)
        return follow_up.pk if follow_up is not None else None


_PARTICIPANT = {"participant": serializers.IntegerField(help_text=_("Participant id"))}
CaseNoteInput = form_input(CaseNoteForm, "CaseNoteInput", extra=_PARTICIPANT)
TaskInput = form_input(TaskForm, "TaskInput", extra=_PARTICIPANT)
TaskCloseInput = form_input(TaskCloseForm, "TaskCloseInput")


class CaseNoteFilter(filters.FilterSet):
    participant = IdFilter(field_name="participant_id")
    kind = filters.CharFilter(max_length=20)

    class Meta:
        model = CaseNote
        fields = ["participant", "kind"]


class TaskFilter(filters.FilterSet):
    participant = IdFilter(field_name="participant_id")
    assignee = IdFilter(field_name="assignee_id")
    done = filters.BooleanFilter(field_name="done_on", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Task
        fields = ["participant", "assignee", "done"]


@extend_schema_view(create=extend_schema(request=CaseNoteInput, responses={201: CaseNoteSerializer}))
class CaseNoteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, JournalViewSet):
    """Notes in the case journals the user keeps, newest first; every note shown is access-logged."""

    serializer_class = CaseNoteSerializer
    filterset_class = CaseNoteFilter

    def get_queryset(self) -> Any:
        return case_notes_visible(user=self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return logged_list(self, journal_rows_shown)

    def retrieve(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]  # IsAuthenticated has run: the user is a User
        return Response(self.get_serializer(case_note_for_view(user=request.user, pk=kwargs["pk"])).data)

    def create(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]  # IsAuthenticated has run: the user is a User
        participant = pick_visible(
            journal_participants(user=request.user), request.data.get("participant"), field="participant"
        )
        data = validate_input(request, CaseNoteInput)
        data.pop("participant", None)
        note = call_service(lambda: case_note_record(participant=participant, by=request.user, **data), fields=data)
        return Response(CaseNoteSerializer(note).data, status=status.HTTP_201_CREATED)


@extend_schema_view(create=extend_schema(request=TaskInput, responses={201: TaskSerializer}))
class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, JournalViewSet):
    """Tasks on the case files the user keeps a journal for, open first and soonest due; every task shown
    is access-logged. Close one with the action taken (`close`): a concern's task closed is the concern
    handled."""

    serializer_class = TaskSerializer
    filterset_class = TaskFilter

    def get_queryset(self) -> Any:
        return tasks_visible(user=self.request.user).select_related("concern_follow_up")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return logged_list(self, journal_rows_shown)

    def retrieve(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]  # IsAuthenticated has run: the user is a User
        return Response(self.get_serializer(task_for_view(user=request.user, pk=kwargs["pk"])).data)

    def create(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]  # IsAuthenticated has run: the user is a User
        participant = pick_visible(
            journal_participants(user=request.user), request.data.get("participant"), field="participant"
        )
        data = validate_input(request, TaskInput, form_kwargs={"participant": participant})
        data.pop("participant", None)
        task = call_service(lambda: task_create(participant=participant, by=request.user, **data), fields=data)
        return Response(TaskSerializer(task).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=TaskCloseInput,
        responses={200: TaskSerializer, 400: OpenApiResponse(description="Invalid"), 404: OpenApiResponse()},
        summary="Close the task with the action taken",
    )
    @action(detail=True, methods=["post"])
    def close(self, request: AuthenticatedRequest, pk: str) -> Response:
        task = get_task_for_user(request.user, pk=pk)
        data = validate_input(request, TaskCloseInput)
        closed = call_service(lambda: task_close(task=task, by=request.user, **data), fields=data)
        return Response(TaskSerializer(closed).data)
