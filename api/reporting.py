"""Report figures for managers (and BI tools on a manager's token): aggregates only.

The figures are `reporting.services.report_figures_published`, the same as the quarterly report
publishes: a count of 1 to 4 is withheld (null), and so are the further cells that would let one
be worked out by subtraction, and every share resting on a withheld count (reporting.disclosure).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from config.db_router import reading_from_replica
from reporting.indicators import quarter_of
from reporting.services import report_figures_published
from reporting.views import ReportRequestForm, report_owner_for

from .base import ApiViewMixin, as_form_data, form_errors


class FigureSerializer(serializers.Serializer):
    shown = serializers.FloatField(allow_null=True, help_text=_("The value; null when withheld (see the method)."))
    numerator = serializers.IntegerField(allow_null=True)
    denominator = serializers.IntegerField(allow_null=True)
    status = serializers.CharField(allow_null=True, help_text=_("Against the year's target, if one is set."))


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    definition = serializers.CharField()
    unit = serializers.ChoiceField(choices=["percent", "count"])
    target = serializers.FloatField(allow_null=True)
    quarter_target = serializers.FloatField(
        allow_null=True, required=False, help_text=_("The quarter's own target, if one is set.")
    )
    baseline = serializers.FloatField(allow_null=True)
    kolada_kpi = serializers.CharField(
        allow_blank=True, help_text=_("The Kolada KPI the indicator is defined as; empty for the municipality's own.")
    )
    comparison = serializers.FloatField(
        allow_null=True, help_text=_("The comparison (national) figure; only for an indicator with a Kolada KPI.")
    )
    quarter = FigureSerializer()
    year_to_date = FigureSerializer()


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named label, not Field.label


class ReportFiguresSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    quarter = serializers.IntegerField()
    periods = serializers.DictField(child=PeriodSerializer())
    indicators = IndicatorSerializer(many=True)
    breakdowns = serializers.DictField(
        child=serializers.DictField(child=serializers.ListField(child=serializers.DictField())),
        help_text=_("Per dimension and period: placements started and ended, and outcomes (GROUP BY)."),
    )
    funnel = serializers.ListField(child=serializers.DictField())
    suppliers = serializers.ListField(child=serializers.DictField())
    left_social_assistance = serializers.ListField(child=serializers.DictField())
    computed_on = serializers.DateField()
    municipalities = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        help_text=_("A region's figures only: each municipality's indicators as its own report publishes them."),
    )


class ReportFiguresView(ApiViewMixin, APIView):
    read_roles = frozenset({Role.MANAGER, Role.REGIONAL_MANAGER})
    write_roles = frozenset()

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, description="2000-2100; this year if left out"),
            OpenApiParameter("quarter", int, enum=[1, 2, 3, 4], description="1-4; the current one if left out"),
        ],
        responses={200: ReportFiguresSerializer},
        summary="The quarterly report's figures (aggregates only)",
    )
    def get(self, request: Request) -> Response:
        today = timezone.localdate()
        params = {"year": request.query_params.get("year", today.year)}
        params["quarter"] = request.query_params.get("quarter", quarter_of(today))
        form = ReportRequestForm(data=as_form_data(params))
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form))
        # The user's municipality's figures, or a regional manager's region's (with its municipalities
        # side by side): the same as their quarterly report publishes.
        with reading_from_replica():  # config/db_router.py
            figures = report_figures_published(
                year=form.cleaned_data["year"],
                quarter=form.cleaned_data["quarter"],
                today=today,
                owner=report_owner_for(request.user),
            )
        return Response(ReportFiguresSerializer(figures).data)
