"""Placements and their life cycle, follow-ups, and the supervisor's own placements.

Coordinators: placements of their team's participants; proposing goes through ProposeForm and
`placement_propose`, and each transition through the page's own table (`placements.views.TRANSITIONS`:
the same form and the same service call as the buttons on the placement page).
Supervisors: `portal/placements/` shows only their own placements and only what the portal page
shows (who, when, how many hours, whom to call); follow-ups of their own placements they read and log.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Role, User
from accounts.request_types import AuthenticatedRequest
from placements import services
from placements.forms import FollowUpForm, ProposeForm
from placements.models import FollowUp, Placement, PlacementStatus
from placements.selectors import (
    follow_up_for_view,
    follow_ups_shown,
    get_placement_for_user,
    placement_for_view,
    placements_shown,
)
from placements.views import TRANSITIONS

from .base import (
    ApiViewSet,
    as_form_data,
    call_service,
    form_errors,
    form_input,
    logged_list,
    pick_visible,
    require_object,
    validate_input,
)
from .pagination import IdFilter


class PlacementSerializer(serializers.ModelSerializer):
    class Meta:  # output only: input goes through the forms (see api.base)
        model = Placement
        fields = [
            "id",
            "participant",
            "need",
            "supervisor",
            "placement_type",
            "coordinator",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "hours_per_day",
            "decision_reference",
            "status",
            "end_reason",
            "outcome",
            "assessment",
            "created_at",
            "updated_at",
        ]


class PlacementFilter(filters.FilterSet):
    # Ids as plain numbers: a choice field would tell "not one of the choices" for someone
    # else's participant, and so that the id exists.
    status = filters.MultipleChoiceFilter(choices=PlacementStatus.choices)
    participant = IdFilter(field_name="participant_id")
    need = IdFilter(field_name="need_id")
    supervisor = IdFilter(field_name="supervisor_id")

    class Meta:
        model = Placement
        fields = ["status", "participant", "need", "supervisor"]


ProposeInput = form_input(ProposeForm, "ProposeInput")


def _transition_input(name: str) -> type[serializers.Serializer] | None:
    form_class = TRANSITIONS[name][0]
    if not form_class.base_fields:
        return None
    return form_input(form_class, "".join(part.title() for part in name.split("_")) + "Input")


def _transition_action(name: str, summary: str) -> Any:
    """A POST action that runs the transition `name` exactly as the placement page's button does."""

    def transition(self: PlacementViewSet, request: Request, pk: str) -> Response:
        placement = get_placement_for_user(request.user, pk)
        form_class, call, _message = TRANSITIONS[name]
        payload = require_object(request.data) if request.data else {}
        form = form_class(data=as_form_data(payload)) if form_class is not forms.Form else forms.Form(data={})
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form))
        call_service(lambda: call(placement, request.user, form.cleaned_data), fields=form.fields)
        return Response(PlacementSerializer(get_placement_for_user(request.user, placement.pk)).data)

    transition.__name__ = name
    decorated = action(detail=True, methods=["post"], url_path=name.replace("_", "-"), filter_backends=[])(transition)
    return extend_schema(request=_transition_input(name), responses={200: PlacementSerializer}, summary=summary)(
        decorated
    )


@extend_schema_view(create=extend_schema(request=ProposeInput, responses={201: PlacementSerializer}))
class PlacementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ApiViewSet):
    """Placements of the coordinator's team. Creating one proposes it; the actions move it on."""

    serializer_class = PlacementSerializer
    filterset_class = PlacementFilter

    def get_queryset(self) -> QuerySet[Placement]:
        return Placement.objects.visible_to(self.request.user).order_by("-planned_start", "-pk")

    def get_object(self) -> Placement:
        return get_placement_for_user(self.request.user, self.kwargs["pk"])

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return logged_list(self, placements_shown)

    def retrieve(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]  # IsAuthenticated has run: the user is a User
        return Response(self.get_serializer(placement_for_view(user=request.user, pk=kwargs["pk"])).data)

    def create(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]  # IsAuthenticated has run: the user is a User
        data = validate_input(request, ProposeInput, form_kwargs={"user": request.user})
        data.setdefault("decision_reference", "")
        placement = call_service(lambda: services.placement_propose(by=request.user, **data), fields=data)
        return Response(PlacementSerializer(placement).data, status=status.HTTP_201_CREATED)

    agree = _transition_action("agree", "Agree the proposed placement")
    activate = _transition_action("activate", "Start the agreed placement")
    complete = _transition_action("complete", "Complete the active placement with its outcome")
    end_early = _transition_action("end_early", "End the active placement early, with a reason")
    cancel = _transition_action("cancel", "Cancel a proposed or agreed placement")
    assessment = _transition_action("assessment", "Save the supervisor's assessment of an ended placement")
    later_outcome = _transition_action("later_outcome", "Record the outcome 90 or 180 days after the end")


class PortalPlacementSerializer(serializers.ModelSerializer):
    """What the supervisor portal shows of a placement, and nothing more."""

    participant_name = serializers.CharField(source="participant.full_name", read_only=True)
    workplace = serializers.CharField(source="need.workplace.name", read_only=True)
    coordinator_name = serializers.SerializerMethodField()
    coordinator_phone = serializers.SerializerMethodField()
    coordinator_email = serializers.SerializerMethodField()

    class Meta:
        model = Placement
        fields = [
            "id",
            "participant_name",
            "workplace",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "hours_per_day",
            "status",
            "coordinator_name",
            "coordinator_phone",
            "coordinator_email",
        ]

    def get_coordinator_name(self, placement: Placement) -> str:
        return str(placement.coordinator) if placement.coordinator else ""

    def get_coordinator_phone(self, placement: Placement) -> str:
        return placement.coordinator.phone if placement.coordinator else ""

    def get_coordinator_email(self, placement: Placement) -> str:
        return placement.coordinator.email if placement.coordinator else ""


class PortalPlacementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """A supervisor's own placements, as the portal shows them."""

    read_roles = frozenset({Role.SUPERVISOR})
    write_roles = frozenset()
    serializer_class = PortalPlacementSerializer
    filterset_fields = ["status"]

    def get_queryset(self) -> QuerySet[Placement]:
        user: User = self.request.user  # type: ignore[assignment]  # IsAuthenticated has run
        return (
            Placement.objects.filter(supervisor__user=user.pk)
            .select_related("participant", "need__workplace", "coordinator")
            .order_by("-planned_start", "-pk")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return logged_list(self, placements_shown)

    def retrieve(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]  # IsAuthenticated has run: the user is a User
        placement = self.get_object()
        placement_for_view(user=request.user, pk=placement.pk)
        return Response(self.get_serializer(placement).data)


class FollowUpSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUp
        fields = [
            "id",
            "placement",
            "due_date",
            "done_on",
            "cancelled_on",
            "author",
            "days_present",
            "days_absent",
            "tasks_done",
            "progress_work",
            "progress_swedish",
            "progress_cooperation",
            "concern",
            "concern_text",
            "next_steps",
            "created_at",
        ]


FollowUpInput = form_input(
    FollowUpForm,
    "FollowUpInput",
    extra={
        "placement": serializers.IntegerField(help_text=_("Placement id")),
        "due": serializers.IntegerField(
            required=False, allow_null=True, help_text=_("The scheduled follow-up this logs; left out, a new one.")
        ),
    },
)


class FollowUpFilter(filters.FilterSet):
    placement = IdFilter(field_name="placement_id")
    done = filters.BooleanFilter(field_name="done_on", lookup_expr="isnull", exclude=True)
    cancelled = filters.BooleanFilter(
        field_name="cancelled_on",
        lookup_expr="isnull",
        exclude=True,
        help_text=_("Cancelled because the placement ended before the follow-up was due."),
    )
    outstanding = filters.BooleanFilter(
        method="filter_outstanding", help_text=_("Neither logged nor cancelled: still to be done.")
    )
    concern = filters.BooleanFilter()

    class Meta:
        model = FollowUp
        fields = ["placement", "done", "cancelled", "outstanding", "concern"]

    def filter_outstanding(self, queryset: QuerySet[FollowUp], name: str, value: bool | None) -> QuerySet[FollowUp]:
        if value is None:
            return queryset
        outstanding = FollowUp.objects.outstanding().values("pk")
        return queryset.filter(pk__in=outstanding) if value else queryset.exclude(pk__in=outstanding)


@extend_schema_view(create=extend_schema(request=FollowUpInput, responses={201: FollowUpSerializer}))
class FollowUpViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ApiViewSet):
    """Follow-ups of the placements the user may open; logged through `follow_up_log`, as the form does."""

    read_roles = frozenset({Role.COORDINATOR, Role.SUPERVISOR})
    write_roles = frozenset({Role.COORDINATOR, Role.SUPERVISOR})
    serializer_class = FollowUpSerializer
    filterset_class = FollowUpFilter

    def get_queryset(self) -> QuerySet[FollowUp]:
        return FollowUp.objects.visible_to(self.request.user).select_related("placement").order_by("-due_date", "-pk")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return logged_list(self, follow_ups_shown)

    def retrieve(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]  # IsAuthenticated has run: the user is a User
        return Response(self.get_serializer(follow_up_for_view(user=request.user, pk=kwargs["pk"])).data)

    def create(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]  # IsAuthenticated has run: the user is a User
        data = validate_input(request, FollowUpInput)
        placement = pick_visible(
            Placement.objects.visible_to(request.user), request.data.get("placement"), field="placement"
        )
        due = None
        if request.data.get("due") not in (None, ""):
            due = pick_visible(
                FollowUp.objects.filter(placement=placement, done_on__isnull=True), request.data.get("due"), field="due"
            )
        follow_up = call_service(
            lambda: services.follow_up_log(placement=placement, follow_up=due, by=request.user, **data), fields=data
        )
        return Response(FollowUpSerializer(follow_up).data, status=status.HTTP_201_CREATED)


class NeedBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    workplace = serializers.CharField(source="workplace.name")
    organisation = serializers.CharField(source="workplace.organisation.name")
    occupation = serializers.CharField(source="occupation_id")
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    hours_per_day = serializers.DecimalField(max_digits=3, decimal_places=1)


class ContributionSerializer(serializers.Serializer):
    criterion = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named label, not Field.label
    points = serializers.FloatField()


class NeedMatchSerializer(serializers.Serializer):
    need = NeedBriefSerializer()
    score = serializers.FloatField()
    contributions = ContributionSerializer(many=True)
