"""Meetings about placements: the same people, rules and access log as the placement page's
Meetings section. Booking, changing and cancelling go through `placements.meetings` (which sends
the invitations); input through the page's MeetingForm. `GET meetings/{id}/ics/` is the meeting's
iCalendar file (text/calendar), the invitation with every invited party as an attendee."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.request_types import AuthenticatedRequest
from placements import meetings
from placements.calendars import meeting_ics
from placements.forms import MeetingForm
from placements.models import Meeting, MeetingKind, Placement

from .base import ApiViewSet, call_service, form_input, logged_list, pick_visible, validate_input
from .pagination import BoundedIsoDateTimeFilter, IdFilter


class CalendarRenderer(BaseRenderer):
    """iCalendar (RFC 5545). Errors on its route go out as JSON (MeetingViewSet.handle_exception)."""

    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        if isinstance(data, bytes):
            return data
        return json.dumps(data, ensure_ascii=False).encode("utf-8")


class MeetingSerializer(serializers.ModelSerializer):
    class Meta:  # output only: input goes through the form (see api.base)
        model = Meeting
        fields = [
            "id",
            "placement",
            "kind",
            "starts_at",
            "ends_at",
            "place",
            "video_link",
            "with_participant",
            "with_supervisor",
            "with_coordinator",
            "other_attendees",
            "interpreter_needed",
            "interpreter_language",
            "uid",
            "sequence",
            "booked_by",
            "cancelled_at",
            "created_at",
            "updated_at",
        ]


MeetingInput = form_input(
    MeetingForm, "MeetingInput", extra={"placement": serializers.IntegerField(help_text=_("Placement id"))}
)
MeetingChangeInput = form_input(MeetingForm, "MeetingChangeInput")


class MeetingFilter(filters.FilterSet):
    placement = IdFilter(field_name="placement_id")
    kind = filters.MultipleChoiceFilter(choices=MeetingKind.choices)
    cancelled = filters.BooleanFilter(field_name="cancelled_at", lookup_expr="isnull", exclude=True)
    starts_after = BoundedIsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = BoundedIsoDateTimeFilter(field_name="starts_at", lookup_expr="lt")

    class Meta:
        model = Meeting
        fields = ["placement", "kind", "cancelled", "starts_after", "starts_before"]


@extend_schema_view(
    create=extend_schema(request=MeetingInput, responses={201: MeetingSerializer}, summary="Book a meeting"),
    update=extend_schema(request=MeetingChangeInput, responses={200: MeetingSerializer}, summary="Change a meeting"),
    partial_update=extend_schema(
        request=MeetingChangeInput, responses={200: MeetingSerializer}, summary="Change part of a meeting"
    ),
)
class MeetingViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ApiViewSet
):
    """Meetings of the placements of the coordinator's team. Booking, changing and cancelling send
    the invitations by e-mail (METHOD:REQUEST, then METHOD:CANCEL), with the same UID."""

    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter

    def get_queryset(self) -> QuerySet[Meeting]:
        return Meeting.objects.visible_to(self.request.user).select_related("placement").order_by("starts_at", "pk")

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        if isinstance(getattr(self.request, "accepted_renderer", None), CalendarRenderer):
            # An error is not a calendar: it goes out as JSON, as every other error of the API does.
            self.request.accepted_renderer = JSONRenderer()
            self.request.accepted_media_type = JSONRenderer.media_type
        return response

    def get_object(self) -> Meeting:
        return meetings.get_meeting_for_user(self.request.user, self.kwargs["pk"])

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return logged_list(self, meetings.meetings_shown)

    def retrieve(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]  # IsAuthenticated has run: the user is a User
        return Response(self.get_serializer(meetings.meeting_for_view(user=request.user, pk=kwargs["pk"])).data)

    def create(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]  # IsAuthenticated has run: the user is a User
        data = validate_input(request, MeetingInput)
        placement = pick_visible(
            Placement.objects.visible_to(request.user), request.data.get("placement"), field="placement"
        )
        meeting = call_service(lambda: meetings.meeting_book(placement=placement, by=request.user, **data), fields=data)
        return Response(MeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)

    def update(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]  # IsAuthenticated has run: the user is a User
        meeting = meetings.meeting_for_view(user=request.user, pk=kwargs["pk"])
        data = validate_input(request, MeetingChangeInput, instance=meeting, partial=kwargs.get("partial", False))
        changed = call_service(lambda: meetings.meeting_change(meeting=meeting, by=request.user, **data), fields=data)
        return Response(MeetingSerializer(changed).data)

    @extend_schema(request=None, responses={200: MeetingSerializer}, summary="Cancel a meeting")
    @action(detail=True, methods=["post"], filter_backends=[])
    def cancel(self, request: AuthenticatedRequest, pk: str) -> Response:
        meeting = meetings.meeting_for_view(user=request.user, pk=pk)
        cancelled = call_service(lambda: meetings.meeting_cancel(meeting=meeting, by=request.user))
        return Response(MeetingSerializer(cancelled).data)

    @extend_schema(
        responses={(200, "text/calendar"): OpenApiResponse(OpenApiTypes.BINARY, description="RFC 5545 iCalendar")},
        summary="The meeting's iCalendar file",
    )
    @action(
        detail=True, methods=["get"], renderer_classes=[CalendarRenderer], filter_backends=[], pagination_class=None
    )
    def ics(self, request: AuthenticatedRequest, pk: str) -> Response:
        meeting = meetings.meeting_for_view(user=request.user, pk=pk)
        response = Response(meeting_ics(meeting), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="mote-{meeting.pk}.ics"'
        return response
