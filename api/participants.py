"""Participants and their work experience: the case files, for coordinators only.

As on the pages: every list row and every opened case file is written to the access log;
identity numbers are masked unless revealed with a POST (logged as a reveal), and never searched
for in a URL (the list's name and identity-number search is left out here: a query string ends up
in server logs). Writes go through the intake form, the experience formset and the services.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.access_log import log_access
from accounts.models import AccessAction
from accounts.request_types import AuthenticatedRequest
from participants.filters import ParticipantFilter
from participants.forms import ExperienceFormSet, ParticipantForm
from participants.models import Participant, WorkExperience
from participants.selectors import get_participant_for_user, participant_for_view, participants_shown
from participants.services import participant_register, participant_update
from placements.selectors import needs_for_participant

from .base import (
    ApiViewSet,
    as_form_data,
    call_service,
    form_input,
    form_values,
    logged_list,
    require_object,
)
from .pagination import IdFilter
from .placements import NeedMatchSerializer


class ApiParticipantFilter(ParticipantFilter):
    # No free-text search: names and identity numbers must not travel in URLs.
    q = None  # type: ignore[assignment]  # django-filter removes a declared filter set to None


class WorkExperienceSerializer(serializers.ModelSerializer):
    class Meta:  # output only: input goes through the forms (see api.base)
        model = WorkExperience
        fields = ["id", "participant", "occupation", "years", "country", "description"]


class NestedExperienceSerializer(serializers.ModelSerializer):
    class Meta:
        model = WorkExperience
        fields = ["occupation", "years", "country"]


class ParticipantSerializer(serializers.ModelSerializer):
    identity_number = serializers.CharField(
        source="masked_identity_number",
        read_only=True,
        help_text=_("Masked; POST to reveal/ for the whole number (logged)."),
    )
    # Text, not "format: email": an address may be left blank.
    email = serializers.CharField(read_only=True)
    interests = serializers.SerializerMethodField()
    work_experience = NestedExperienceSerializer(source="work_experiences", many=True, read_only=True)

    class Meta:
        model = Participant
        fields = [
            "id",
            "first_name",
            "last_name",
            "identity_number",
            "gender",
            "phone",
            "email",
            "home_district",
            "target_group",
            "receives_social_assistance",
            "social_assistance_ended_on",
            "referral_source",
            "referral_date",
            "residence_permit_date",
            "establishment_programme_end",
            "swedish_level",
            "education_level",
            "has_driving_licence",
            "languages",
            "interests",
            "work_experience",
            "hours_per_day",
            "job_track",
            "team",
            "coordinator",
            "status",
            "status_changed_at",
            "created_at",
            "updated_at",
        ]

    def get_interests(self, participant: Participant) -> list[str]:
        return [interest.occupation_id for interest in participant.interests.all()]


class ExperienceRow(serializers.Serializer):
    occupation = serializers.CharField(help_text=_("SSYK unit code"))
    years = serializers.DecimalField(max_digits=3, decimal_places=1, coerce_to_string=True)
    country = serializers.CharField(required=False, allow_blank=True, max_length=100)


_ParticipantFormInput = form_input(
    ParticipantForm,
    "ParticipantFormInput",
    extra={
        "work_experience": ExperienceRow(
            many=True, required=False, help_text=_("Replaces the whole list; left out, it stays as it is.")
        )
    },
)


class ParticipantInput(_ParticipantFormInput):  # type: ignore[valid-type, misc]  # a class form_input() makes
    """The intake form and the work-experience rows, validated together as on the page."""

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        data = require_object(data)
        rows = data.get("work_experience")
        errors: dict[str, Any] = {}
        try:
            cleaned = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            errors.update(exc.detail)  # type: ignore[arg-type]  # a serializer's detail is a dict
            cleaned = {}
        experiences = None
        if rows is not None:
            if not isinstance(rows, list):
                errors["work_experience"] = [str(_("Send a list of rows."))]
            else:
                formset = ExperienceFormSet(data=_formset_data(rows), prefix="experience")
                if formset.is_valid():
                    experiences = formset.experiences()  # type: ignore[attr-defined]  # ExperienceFormSet's own method
                else:
                    errors["work_experience"] = _formset_errors(formset)
        if errors:
            raise serializers.ValidationError(errors)
        cleaned["experiences"] = experiences
        return cleaned


def _formset_data(rows: list[Any]) -> dict[str, Any]:
    management = {"TOTAL_FORMS": len(rows), "INITIAL_FORMS": 0, "MIN_NUM_FORMS": 0, "MAX_NUM_FORMS": 1000}
    posted = as_form_data(management, prefix="experience-")
    for index, row in enumerate(rows):
        values = row if isinstance(row, dict) else {"occupation": row}
        fields = {k: v for k, v in values.items() if k in ("occupation", "years", "country")}
        for key, value in as_form_data(fields, prefix=f"experience-{index}-").lists():
            posted.setlist(key, value)
    return posted


def _formset_errors(formset: Any) -> Any:
    if formset.non_form_errors():
        return [str(message) for message in formset.non_form_errors()]
    return [{name: [str(m) for m in messages] for name, messages in row.items()} for row in formset.errors]


RevealSerializer = inline_serializer("IdentityNumber", {"identity_number": serializers.CharField()})


@extend_schema_view(
    list=extend_schema(summary="Participants of the user's team (each row is access-logged)"),
    retrieve=extend_schema(summary="A participant's case file (access-logged)"),
    create=extend_schema(request=ParticipantInput, responses={201: ParticipantSerializer}),
    update=extend_schema(request=ParticipantInput, responses={200: ParticipantSerializer}),
    partial_update=extend_schema(request=ParticipantInput, responses={200: ParticipantSerializer}),
)
class ParticipantViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ApiViewSet,
):
    serializer_class = ParticipantSerializer
    filterset_class = ApiParticipantFilter
    filterset_takes_user = True

    def get_queryset(self) -> QuerySet[Participant]:
        return (
            Participant.objects.visible_to(self.request.user)
            .select_related("coordinator", "job_track")
            .prefetch_related("languages", "interests", "work_experiences")
            .order_by("last_name", "first_name", "pk")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return logged_list(self, participants_shown)

    def retrieve(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]  # IsAuthenticated has run: the user is a User
        participant = participant_for_view(user=request.user, pk=self.kwargs["pk"])
        return Response(self.get_serializer(self.get_queryset().get(pk=participant.pk)).data)

    def create(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]  # IsAuthenticated has run: the user is a User
        data = self._validated(request.data)
        experiences = data.pop("experiences") or []
        with transaction.atomic():
            participant = call_service(
                lambda: participant_register(
                    by=request.user,
                    team=request.user.team,
                    languages=data.pop("languages"),
                    interests=data.pop("interests"),
                    experiences=experiences,
                    **data,
                ),
                fields=ParticipantInput().fields,
            )
            log_access(user=request.user, participant_ids=[participant.pk], action=AccessAction.CREATE)
        return Response(self.get_serializer(self.get_queryset().get(pk=participant.pk)).data, status.HTTP_201_CREATED)

    def update(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]  # IsAuthenticated has run: the user is a User
        participant = get_participant_for_user(request.user, kwargs["pk"])
        partial = kwargs.get("partial", False)
        form = ParticipantForm(instance=participant, user=request.user)
        base = form_values(form) if partial else {}
        data = self._validated(request.data, instance=participant, base=base)
        experiences = data.pop("experiences")
        changed = [name for name in self._serializer.form.changed_data]
        if experiences is not None:
            changed.append("work_experience")
        with transaction.atomic():
            call_service(
                lambda: participant_update(
                    participant=Participant.objects.get(pk=participant.pk),
                    by=request.user,
                    languages=data.pop("languages"),
                    interests=data.pop("interests"),
                    experiences=experiences,
                    **data,
                ),
                fields=ParticipantInput().fields,
            )
            log_access(user=request.user, participant_ids=[participant.pk], action=AccessAction.CHANGE, fields=changed)
        return Response(self.get_serializer(self.get_queryset().get(pk=participant.pk)).data)

    def _validated(
        self, payload: Any, *, instance: Participant | None = None, base: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"user": self.request.user}
        if instance is not None:
            kwargs["instance"] = instance
        self._serializer = ParticipantInput(
            data=payload, context={"form_kwargs": kwargs, "base_values": base or {}, "request": self.request}
        )
        self._serializer.is_valid(raise_exception=True)
        return dict(self._serializer.validated_data)

    @extend_schema(
        request=None,
        responses={200: RevealSerializer, 404: OpenApiResponse(description="Not found")},
        summary="Reveal the identity number (logged as a reveal)",
    )
    @action(detail=True, methods=["post"])
    def reveal(self, request: AuthenticatedRequest, pk: str) -> Response:
        participant = participant_for_view(user=request.user, pk=pk, reveal=True)
        return Response({"identity_number": participant.formatted_identity_number})

    @extend_schema(
        responses={200: NeedMatchSerializer(many=True)},
        summary="Open needs that suit the participant best, with each criterion's contribution",
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def needs(self, request: AuthenticatedRequest, pk: str) -> Response:
        _participant, ranking = needs_for_participant(user=request.user, pk=pk)
        return Response(NeedMatchSerializer(ranking.matches, many=True).data)


class WorkExperienceFilter(filters.FilterSet):
    participant = IdFilter(field_name="participant_id")
    occupation = filters.CharFilter(field_name="occupation_id", max_length=4)

    class Meta:
        model = WorkExperience
        fields = ["participant", "occupation"]


class WorkExperienceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Work experience rows, read-only: they are written with the participant (one form, one
    service call, as on the page). Every row shown is access-logged for its participant."""

    serializer_class = WorkExperienceSerializer
    filterset_class = WorkExperienceFilter

    def get_queryset(self) -> QuerySet[WorkExperience]:
        visible = Participant.objects.visible_to(self.request.user)
        return WorkExperience.objects.filter(participant__in=visible).order_by("participant_id", "pk")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return logged_list(self, partial(participants_shown, participant_id="participant_id"))

    def retrieve(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]  # IsAuthenticated has run: the user is a User
        row = self.get_object()
        participant_for_view(user=request.user, pk=row.participant_id)
        return Response(self.get_serializer(row).data)
