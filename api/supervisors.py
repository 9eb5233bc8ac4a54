"""Supervisors (the register of people who supervise placements): coordinators only, as on the pages.
Writes go through the supervisor form and `supervisor_save`."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from accounts.request_types import AuthenticatedRequest
from supervisors.forms import SupervisorForm, SupervisorSearchForm
from supervisors.models import Supervisor
from supervisors.selectors import get_supervisor_for_user, supervisors_matching, with_training
from supervisors.services import supervisor_save
from workplaces.models import Workplace

from .base import ApiViewSet, call_service, form_errors, form_input, pick_visible, validate_input


class SupervisorSerializer(serializers.ModelSerializer):
    trained_until = serializers.DateField(
        read_only=True, allow_null=True, help_text=_("End of a completed training valid today, if any.")
    )

    class Meta:  # output only: input goes through the forms (see api.base)
        model = Supervisor
        fields = [
            "id",
            "workplace",
            "first_name",
            "last_name",
            "title",
            "email",
            "phone",
            "max_participants",
            "active",
            "trained_until",
        ]


SupervisorUpdateInput = form_input(SupervisorForm, "SupervisorUpdateInput")
SupervisorInput = form_input(
    SupervisorForm, "SupervisorInput", extra={"workplace": serializers.IntegerField(help_text=_("Workplace id"))}
)


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("q", str, description="Words in the name or the workplace's name")]
    ),
    create=extend_schema(request=SupervisorInput, responses={201: SupervisorSerializer}),
    update=extend_schema(request=SupervisorUpdateInput, responses={200: SupervisorSerializer}),
    partial_update=extend_schema(request=SupervisorUpdateInput, responses={200: SupervisorSerializer}),
)
class SupervisorViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ApiViewSet
):
    serializer_class = SupervisorSerializer
    filterset_fields = ["workplace", "active"]

    def get_queryset(self) -> QuerySet[Supervisor]:
        # The same search, with the same bounds, as the supervisor list page.
        words: list[str] = []
        if self.action == "list":
            search = SupervisorSearchForm(self.request.query_params)
            if not search.is_valid():
                raise serializers.ValidationError(form_errors(search))
            words = search.cleaned_data["q"].split()
        supervisors = supervisors_matching(Supervisor.objects.visible_to(self.request.user), words=words)
        return with_training(supervisors, on=timezone.localdate()).order_by("last_name", "first_name", "pk")

    def _one(self, pk: int) -> Supervisor:
        return with_training(Supervisor.objects.filter(pk=pk), on=timezone.localdate()).get()

    def create(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]  # IsAuthenticated has run: the user is a User
        data = validate_input(request, SupervisorInput)
        workplace = pick_visible(
            Workplace.objects.visible_to(request.user), request.data.get("workplace"), field="workplace"
        )
        saved = call_service(
            lambda: supervisor_save(supervisor=None, by=request.user, workplace=workplace, **data), fields=data
        )
        return Response(SupervisorSerializer(self._one(saved.pk)).data, status=status.HTTP_201_CREATED)

    def update(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]  # IsAuthenticated has run: the user is a User
        supervisor = get_supervisor_for_user(request.user, kwargs["pk"])
        data = validate_input(request, SupervisorUpdateInput, instance=supervisor, partial=kwargs.get("partial", False))
        call_service(lambda: supervisor_save(supervisor=supervisor, by=request.user, **data), fields=data)
        return Response(SupervisorSerializer(self._one(supervisor.pk)).data)
