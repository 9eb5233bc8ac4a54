"""Manager pages: the dashboard of key figures against target, and the quarterly report archive.
Managers see aggregates only, through reporting.disclosure (small numbers withheld, and the cells
that would let one be worked out)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import get_visible_or_404
from accounts.models import Role
from accounts.request_types import AuthenticatedHttpRequest
from accounts.roles import role_required
from accounts.service_views import attach_service_error

from .disclosure import protect_dashboard, protect_fairness
from .documents import DIMENSION_LABELS, FUNNEL_LABELS, STATUS_LABELS, key_label, key_labels
from .fairness import COUNTS, fairness
from .indicators import INDICATORS, Period, forecast, quarter_of, quarterly_series
from .models import Indicator, QuarterlyReport, Target
from .services import data_version, previous_quarter, quarterly_report_queue, report_figures, targets_save

manager_only = role_required(Role.MANAGER)


class ReportRequestForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=gettext_lazy("Quarter"), choices=[(q, f"Q{q}") for q in range(1, 5)], coerce=int
    )


def _current_quarter(year: int) -> int:
    today = timezone.localdate()
    return quarter_of(today) if year == today.year else 4


def _year_param(request: HttpRequest, *, latest: int) -> int:
    """The year asked for in ?year=, if it is a year between 2000 and `latest`; else this year."""
    text = request.GET.get("year", "")
    # isdigit() alone also accepts "²", which int() refuses.
    return int(text) if text.isascii() and text.isdigit() and 2000 <= int(text) <= latest else timezone.localdate().year


DASHBOARD_CACHE_SECONDS = 15 * 60


def _trend(value: float | None, before: float | None) -> float | None:
    """The change since the same part of last year, when both figures may be shown."""
    if value is None or before is None:
        return None
    return round(value - before, 1)


def _dashboard_figures(year: int, today: dt.date) -> dict[str, Any]:
    """The year's figures, cached until the data changes (one cheap version query) or 15 minutes pass."""
    key = (
        "dashboard:"
        + hashlib.sha256(repr((year, today, translation.get_language(), data_version())).encode()).hexdigest()
    )
    figures = cache.get(key)
    if figures is None:
        figures = report_figures(year, _current_quarter(year), today=today, year_to_date_only=True)
        figures["series"] = quarterly_series(year)
        # The trend: the same part of the year before, indicator values only.
        previous = Period.year_to_date(year - 1, _current_quarter(year))
        figures["previous"] = {code: function(previous).as_dict() for code, function in INDICATORS.items()}
        figures = protect_dashboard(figures)
        cache.set(key, figures, DASHBOARD_CACHE_SECONDS)
    return figures


@manager_only
def dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    year = _year_param(request, latest=today.year)
    figures = _dashboard_figures(year, today)
    ytd_start = dt.date(year, 1, 1)
    until = min(today, dt.date(year, 12, 31))
    tiles = [
        {
            **row,
            "value": row["year_to_date"]["shown"],
            "status": row["year_to_date"]["status"],
            "status_text": STATUS_LABELS[row["year_to_date"]["status"]],
            "trend": _trend(row["year_to_date"]["shown"], figures["previous"].get(row["code"])),
            "forecast": forecast(
                row["year_to_date"]["shown"], percent=row["unit"] == "percent", start=ytd_start, today=until
            ),
        }
        for row in figures["indicators"]
    ]
    series = figures["series"]
    matched_target = next((r["target"] for r in figures["indicators"] if r["code"] == "matched-per-year"), None)
    chart_data = {
        "labels": [f"Q{q}" for q in range(1, 5)],
        "series": series,
        "matched_target": [round(matched_target * q / 4) if matched_target else None for q in range(1, 5)],
        "names": {
            "started": _("Placements started"),
            "ended": _("Placements ended"),
            "work_or_studies": _("Ended in work or studies"),
            "matched_cumulative": _("Matched so far"),
            "matched_target": _("Target, matched"),
        },
    }
    breakdowns = [
        {
            "title": DIMENSION_LABELS[dimension],
            "rows": [{**row, "label": labels[row["key"]]} for row in periods["year_to_date"]],
        }
        for dimension, periods in figures["breakdowns"].items()
        for labels in [key_labels(dimension, [row["key"] for row in periods["year_to_date"]])]
    ]
    funnel = [{"label": FUNNEL_LABELS[s["step"]], "count": s["count"]} for s in figures["funnel"]]
    left_assistance = [
        {"label": key_label("referral_source", row["key"]), "left": row["left"]}
        for row in figures["left_social_assistance"]
    ]
    return render(
        request,
        "reporting/dashboard.html",
        {
            "year": year,
            "years": range(today.year, today.year - 5, -1),
            "figures": figures,
            "tiles": tiles,
            "breakdowns": breakdowns,
            "funnel": funnel,
            "left_assistance": left_assistance,
            "chart_data": chart_data,
        },
    )


@manager_only
def report_archive(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    year, quarter = previous_quarter(today)
    form = ReportRequestForm(initial={"year": year, "quarter": quarter})
    reports = QuarterlyReport.objects.select_related("requested_by").order_by("-year", "-quarter", "-version")
    # While a version is being generated the table refreshes itself (htmx) to show the progress.
    working = reports.filter(status__in=(QuarterlyReport.Status.PENDING, QuarterlyReport.Status.RUNNING)).exists()
    return render(request, "reporting/report_archive.html", {"reports": reports, "form": form, "working": working})


@manager_only
@require_POST
def report_generate(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Generate a report (again): a new version is queued; the earlier ones are kept."""
    form = ReportRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a year and a quarter."))
        return redirect("reporting:archive")
    quarterly_report_queue(year=form.cleaned_data["year"], quarter=form.cleaned_data["quarter"], by=request.user)
    messages.success(request, _("The report is being generated. This page shows when it is done."))
    return redirect("reporting:archive")


@manager_only
def report_file(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    report = get_visible_or_404(QuarterlyReport.objects.filter(status=QuarterlyReport.Status.DONE), pk=pk)
    stored = {"pdf": report.pdf, "xlsx": report.xlsx}.get(kind)
    if not stored:
        raise Http404
    name = f"platsa-{report.year}-q{report.quarter}-v{report.version}.{kind}"
    return FileResponse(stored.open("rb"), as_attachment=True, filename=name)  # type: ignore[return-value]  # streamed; the decorator's type says HttpResponse


class TargetsForm(forms.Form):
    """One target and baseline field per indicator, for one year. An existing target is removed only
    when its "remove" box is ticked: an emptied field is an error, so a form sent empty (a stray
    submit, a page that lost its values) changes nothing."""

    def __init__(
        self, *args: object, indicators: list[Indicator], targets: dict[int, Target], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # handed on to Form as given
        self.indicators = indicators
        self.current = targets
        for indicator in indicators:
            current = targets.get(indicator.pk)
            maximum = 100 if indicator.unit == Indicator.Unit.PERCENT else 100000
            self.fields[f"target_{indicator.pk}"] = forms.DecimalField(
                label=_("Target"),
                required=False,
                min_value=0,
                max_value=maximum,
                decimal_places=2,
                initial=current.target_value if current else None,
            )
            self.fields[f"baseline_{indicator.pk}"] = forms.DecimalField(
                label=_("Baseline"),
                required=False,
                min_value=0,
                max_value=maximum,
                decimal_places=2,
                initial=current.baseline if current else None,
            )
            if current is not None:
                self.fields[f"remove_{indicator.pk}"] = forms.BooleanField(label=_("Remove"), required=False)

    def rows(self) -> list[tuple[Indicator, forms.BoundField, forms.BoundField, forms.BoundField | None]]:
        return [
            (
                i,
                self[f"target_{i.pk}"],
                self[f"baseline_{i.pk}"],
                self[f"remove_{i.pk}"] if f"remove_{i.pk}" in self.fields else None,
            )
            for i in self.indicators
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        emptied = [
            i
            for i in self.indicators
            if i.pk in self.current
            and data.get(f"target_{i.pk}") is None
            and f"target_{i.pk}" not in self.errors
            and not data.get(f"remove_{i.pk}")
        ]
        for indicator in emptied:
            self.add_error(
                f"target_{indicator.pk}", _("Enter the target, or tick “Remove” to remove this year's target.")
            )
        if emptied:
            raise ValidationError(
                _("Nothing was saved: a target that is set cannot be left empty. Enter it, or tick “Remove”.")
            )
        return data

    def values(self) -> dict[int, tuple[object, object]]:
        data = self.cleaned_data
        return {
            i.pk: (None, None) if data.get(f"remove_{i.pk}") else (data[f"target_{i.pk}"], data[f"baseline_{i.pk}"])
            for i in self.indicators
        }


@manager_only
@require_http_methods(["GET", "POST"])
def targets(request: AuthenticatedHttpRequest) -> HttpResponse:
    year = _year_param(request, latest=2100)
    indicators = list(Indicator.objects.order_by("code"))
    current = {t.indicator_id: t for t in Target.objects.filter(year=year, quarter__isnull=True)}
    form = TargetsForm(request.POST or None, indicators=indicators, targets=current)
    if request.method == "POST" and form.is_valid():
        try:
            targets_save(year=year, values=form.values(), by=request.user)  # type: ignore[arg-type]  # cleaned to Decimals
        except ValidationError as exc:
            attach_service_error(form, exc)
        else:
            messages.success(request, _("The targets for %(year)s are saved.") % {"year": year})
            return redirect(f"{reverse('reporting:targets')}?year={year}")
    return render(request, "reporting/targets.html", {"form": form, "year": year})


@manager_only
def fairness_view(request: HttpRequest) -> HttpResponse:
    """How proposals, placements and outcomes are spread over groups, against those waiting."""
    today = timezone.localdate()
    year = _year_param(request, latest=today.year)
    titles = {
        "gender": DIMENSION_LABELS["gender"],
        "age_band": _("Age"),
        "referral_source": DIMENSION_LABELS["referral_source"],
    }
    tables = [
        {"title": titles[dimension], "rows": [{**row, "label": key_label(dimension, row["group"])} for row in rows]}
        for dimension, rows in protect_fairness(fairness(year=year, today=today), columns=COUNTS).items()
    ]
    return render(
        request,
        "reporting/fairness.html",
        {"year": year, "years": range(today.year, today.year - 5, -1), "tables": tables},
    )
