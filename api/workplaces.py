"""Organisations, workplaces and needs (the shared register), and a need's ranked candidates.

Coordinators only, as on the pages. Writes go through the pages' forms and the services; a need's
status moves through `need_change_status`; candidates come from
`placements.selectors.candidates_for_view`, the same call the candidates page makes, which
access-logs every participant listed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import Municipality
from accounts.request_types import AuthenticatedRequest
from participants.models import Participant
from placements import matching, occupancy
from placements.selectors import candidates_for_view, need_places_held
from workplaces.filters import NeedFilter, OrganisationFilter
from workplaces.forms import NeedForm, OrganisationForm, WorkplaceForm
from workplaces.models import Need, NeedStatus, Organisation, Workplace
from workplaces.selectors import (
    get_need_for_user,
    get_organisation_for_user,
    get_workplace_for_user,
    need_list,
    organisation_list,
)
from workplaces.services import need_change_status, need_save, organisation_save, workplace_save

from .base import ApiViewSet, call_service, form_input, pick_visible, validate_input
from .placements import ContributionSerializer


class OrganisationSerializer(serializers.ModelSerializer):
    workplace_count = serializers.IntegerField(read_only=True)
    open_needs = serializers.IntegerField(read_only=True)

    class Meta:  # output only: input goes through the forms (see api.base)
        model = Organisation
        # municipality (a local employer's) or region (a regional one's): set by a superuser in the admin only.
        fields = [
            "id",
            "name",
            "kind",
            "organisation_number",
            "active",
            "municipality",
            "region",
            "workplace_count",
            "open_needs",
        ]
        read_only_fields = ["municipality", "region"]


class WorkplaceSerializer(serializers.ModelSerializer):
    # Text, not "format: email": an address may be left blank.
    contact_email = serializers.CharField(read_only=True)

    class Meta:
        model = Workplace
        fields = [
            "id",
            "organisation",
            "name",
            "street_address",
            "postal_code",
            "city",
            "district",
            "contact_name",
            "contact_phone",
            "contact_email",
            "active",
        ]


class NeedSerializer(serializers.ModelSerializer):
    taken = serializers.IntegerField(
        read_only=True,
        help_text=_(
            "Places taken at the same time, at most, by agreed or active placements in the need's coming period "
            "(from today or its start, to its end)."
        ),
    )
    # Codes, not rows: which municipalities' coordinators may propose for a regional employer's need
    # (all of them in its region). Set by a superuser in the admin.
    published_to: serializers.SlugRelatedField[Municipality] = serializers.SlugRelatedField(
        many=True,
        read_only=True,
        slug_field="code",
        help_text=_(
            "A regional employer's need: the codes of the municipalities it is published to. "
            "Empty for a local employer's need."
        ),
    )

    class Meta:
        model = Need
        fields = [
            "id",
            "workplace",
            "title",
            "occupation",
            "tasks",
            "placement_type",
            "job_track",
            "places",
            "taken",
            "hours_per_day",
            "start_date",
            "end_date",
            "min_swedish_level",
            "min_education_level",
            "requires_driving_licence",
            "records_extract",
            "status",
            "published_to",
            "created_at",
            "updated_at",
        ]


OrganisationInput = form_input(OrganisationForm, "OrganisationInput")
WorkplaceUpdateInput = form_input(WorkplaceForm, "WorkplaceUpdateInput")
WorkplaceInput = form_input(
    WorkplaceForm, "WorkplaceInput", extra={"organisation": serializers.IntegerField(help_text=_("Organisation id"))}
)
NeedUpdateInput = form_input(NeedForm, "NeedUpdateInput")
NeedInput = form_input(
    NeedForm, "NeedInput", extra={"workplace": serializers.IntegerField(help_text=_("Workplace id"))}
)
NeedStatusInput = inline_serializer("NeedStatusInput", {"status": serializers.ChoiceField(choices=NeedStatus.choices)})


class ParticipantBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Participant
        fields = ["id", "first_name", "last_name", "status"]


class CandidateSerializer(serializers.Serializer):
    participant = ParticipantBriefSerializer()
    score = serializers.FloatField()
    contributions = ContributionSerializer(many=True)


class ExcludedSerializer(serializers.Serializer):
    participant = ParticipantBriefSerializer()
    reasons = serializers.ListField(child=serializers.CharField())


class ExcludedCountSerializer(serializers.Serializer):
    reason = serializers.CharField()
    count = serializers.IntegerField()


class CandidateRankingSerializer(serializers.Serializer):
    need = serializers.IntegerField(source="need.pk")
    eligible_count = serializers.IntegerField()
    candidates = CandidateSerializer(many=True)
    excluded = ExcludedSerializer(many=True)
    excluded_counts = serializers.SerializerMethodField()

    @extend_schema_field(ExcludedCountSerializer(many=True))
    def get_excluded_counts(self, ranking: matching.CandidateRanking) -> list[dict[str, Any]]:
        return [{"reason": reason, "count": count} for reason, count in ranking.excluded_counts]


def _save_response(serializer_class: type[serializers.Serializer], obj: Any, *, created: bool) -> Response:
    return Response(serializer_class(obj).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


@extend_schema_view(
    create=extend_schema(request=OrganisationInput, responses={201: OrganisationSerializer}),
    update=extend_schema(request=OrganisationInput, responses={200: OrganisationSerializer}),
    partial_update=extend_schema(request=OrganisationInput, responses={200: OrganisationSerializer}),
)
class OrganisationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ApiViewSet
):
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter

    def get_queryset(self) -> QuerySet[Organisation]:
        return organisation_list(user=self.request.user).order_by("name", "pk")

    def create(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]  # IsAuthenticated has run: the user is a User
        data = validate_input(request, OrganisationInput)
        saved = call_service(lambda: organisation_save(organisation=None, by=request.user, **data), fields=data)
        return _save_response(OrganisationSerializer, self.get_queryset().get(pk=saved.pk), created=True)

    def update(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]  # IsAuthenticated has run: the user is a User
        organisation = get_organisation_for_user(request.user, kwargs["pk"])
        data = validate_input(request, OrganisationInput, instance=organisation, partial=kwargs.get("partial", False))
        call_service(lambda: organisation_save(organisation=organisation, by=request.user, **data), fields=data)
        return _save_response(OrganisationSerializer, self.get_queryset().get(pk=organisation.pk), created=False)


@extend_schema_view(
    create=extend_schema(request=WorkplaceInput, responses={201: WorkplaceSerializer}),
    update=extend_schema(request=WorkplaceUpdateInput, responses={200: WorkplaceSerializer}),
    partial_update=extend_schema(request=WorkplaceUpdateInput, responses={200: WorkplaceSerializer}),
)
class WorkplaceViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ApiViewSet
):
    serializer_class = WorkplaceSerializer
    filterset_fields = ["organisation", "district", "active"]

    def get_queryset(self) -> QuerySet[Workplace]:
        return Workplace.objects.visible_to(self.request.user).order_by("name", "pk")

    def create(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]  # IsAuthenticated has run: the user is a User
        data = validate_input(request, WorkplaceInput)
        organisation = pick_visible(
            Organisation.objects.visible_to(request.user), request.data.get("organisation"), field="organisation"
        )
        saved = call_service(
            lambda: workplace_save(workplace=None, by=request.user, organisation=organisation, **data), fields=data
        )
        return _save_response(WorkplaceSerializer, saved, created=True)

    def update(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]  # IsAuthenticated has run: the user is a User
        workplace = get_workplace_for_user(request.user, kwargs["pk"])
        data = validate_input(request, WorkplaceUpdateInput, instance=workplace, partial=kwargs.get("partial", False))
        saved = call_service(lambda: workplace_save(workplace=workplace, by=request.user, **data), fields=data)
        return _save_response(WorkplaceSerializer, saved, created=False)


@extend_schema_view(
    create=extend_schema(request=NeedInput, responses={201: NeedSerializer}),
    update=extend_schema(request=NeedUpdateInput, responses={200: NeedSerializer}),
    partial_update=extend_schema(request=NeedUpdateInput, responses={200: NeedSerializer}),
)
class NeedViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ApiViewSet
):
    serializer_class = NeedSerializer
    filterset_class = NeedFilter

    def get_queryset(self) -> QuerySet[Need]:
        needs = occupancy.with_places_taken_coming(need_list(user=self.request.user), today=timezone.localdate())
        return needs.prefetch_related("published_to").order_by("-start_date", "pk")

    def _one(self, pk: int) -> Need:
        return self.get_queryset().get(pk=pk)

    def create(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]  # IsAuthenticated has run: the user is a User
        data = validate_input(request, NeedInput)
        workplace = pick_visible(
            Workplace.objects.visible_to(request.user), request.data.get("workplace"), field="workplace"
        )
        saved = call_service(lambda: need_save(need=None, by=request.user, workplace=workplace, **data), fields=data)
        return _save_response(NeedSerializer, self._one(saved.pk), created=True)

    def update(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]  # IsAuthenticated has run: the user is a User
        need = get_need_for_user(request.user, kwargs["pk"])
        data = validate_input(request, NeedUpdateInput, instance=need, partial=kwargs.get("partial", False))
        call_service(lambda: need_save(need=need, by=request.user, places_held=need_places_held, **data), fields=data)
        return _save_response(NeedSerializer, self._one(need.pk), created=False)

    @extend_schema(request=NeedStatusInput, responses={200: NeedSerializer}, summary="Change the need's status")
    @action(detail=True, methods=["post"], url_path="status", filter_backends=[])
    def change_status(self, request: AuthenticatedRequest, pk: str) -> Response:
        need = get_need_for_user(request.user, pk)
        data = request.data if isinstance(request.data, dict) else {}
        to_status = data.get("status")
        if not isinstance(to_status, str) or not to_status:
            raise serializers.ValidationError({"status": [str(forms.Field.default_error_messages["required"])]})
        call_service(lambda: need_change_status(need=need, to_status=to_status, by=request.user), fields=["status"])
        return _save_response(NeedSerializer, self._one(need.pk), created=False)

    @extend_schema(
        responses={200: CandidateRankingSerializer},
        summary="Ranked candidates with score and each criterion's contribution, and the excluded with reasons",
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def candidates(self, request: AuthenticatedRequest, pk: str) -> Response:
        need = get_need_for_user(request.user, pk)
        ranking = candidates_for_view(user=request.user, need=need)
        return Response(CandidateRankingSerializer(ranking).data)
