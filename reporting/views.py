"""Manager pages: the dashboard of key figures against target, and the quarterly report archive.
Managers see aggregates only, through reporting.disclosure (small numbers withheld, and the cells
that would let one be worked out)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import get_visible_or_404, reporting_municipalities, reporting_region
from accounts.form_fields import DecimalInputField
from accounts.models import Municipality, Region, Role
from accounts.request_types import AuthenticatedHttpRequest
from accounts.roles import role_required
from accounts.service_views import attach_service_error

from .dashboard import dashboard_figures_for_page, dashboard_summary_for_page
from .disclosure import DISCLOSURE_METHOD
from .documents import DIMENSION_LABELS, FUNNEL_LABELS, STATUS_LABELS, key_label, key_labels, regional_rows
from .fairness import (
    DEFINITIONS,
    DIMENSION_TITLES,
    IDENTICAL,
    MEASURE_TITLES,
    METHOD_TEXT,
    fairness,
    group_label,
)
from .fairness import MEASURES as FAIRNESS_MEASURES
from .indicators import (
    FOLLOW_UP_WORKING_DAYS,
    PERIOD_METHOD,
    STANDARD,
    Figure,
    Period,
    forecast,
)
from .models import Indicator, QuarterlyReport, Target
from .scope import Owner, owner_filter, scope_of, sole_municipality
from .services import (
    previous_quarter,
    quarterly_report_queue,
    report_file_name,
    targets_save,
)

manager_only = role_required(Role.MANAGER, Role.REGIONAL_MANAGER)
# Targets are a municipality's strategy: a regional manager sets none.
municipality_manager_only = role_required(Role.MANAGER)


def report_owner_for(user: Any) -> Owner:
    """Whose figures the user's pages show (accounts.access decides who sees which): a regional
    manager's region; a manager's municipality; a superuser's own, or the installation's only one.
    Anyone else gets 404."""
    region_id = reporting_region(user)
    if region_id is not None:
        return get_visible_or_404(Region.objects.filter(municipalities__isnull=False).distinct(), pk=region_id)
    municipality = Municipality.objects.filter(reporting_municipalities(user), pk=user.municipality_id).first()
    if municipality is not None:
        return municipality
    if user.is_superuser:
        try:
            return sole_municipality()
        except ValueError:
            pass
    raise Http404


def _municipality_for(user: Any) -> Municipality:
    owner = report_owner_for(user)
    if not isinstance(owner, Municipality):
        raise Http404
    return owner


class ReportRequestForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=gettext_lazy("Quarter"), choices=[(q, f"Q{q}") for q in range(1, 5)], coerce=int
    )


QUARTER_NOT_BEGUN = gettext_lazy("This quarter has not begun: there is nothing to report yet.")


class ReportGenerateForm(ReportRequestForm):
    """The quarter to make a report for: one that has begun. A quarter still running gives a
    preliminary report (see quarterly_report_generate)."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        year, quarter = data.get("year"), data.get("quarter")
        if year is not None and quarter is not None and Period.quarter(year, quarter).start > timezone.localdate():
            self.add_error("quarter", QUARTER_NOT_BEGUN)
        return data


def _year_param(request: HttpRequest, *, latest: int) -> int:
    """The year asked for in ?year=, if it is a year between 2000 and `latest`; else this year."""
    text = request.GET.get("year", "")
    # isdigit() alone also accepts "²", which int() refuses.
    return int(text) if text.isascii() and text.isdigit() and 2000 <= int(text) <= latest else timezone.localdate().year


def _trend(value: float | None, before: float | None) -> float | None:
    """The change since the same part of last year, when both figures may be shown."""
    if value is None or before is None:
        return None
    return round(value - before, 1)


def _figure(stored: dict[str, Any]) -> Figure:
    return Figure(
        value=stored.get("value"), numerator=stored.get("numerator") or 0, denominator=stored.get("denominator")
    )


@manager_only
def dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    year = _year_param(request, latest=today.year)
    owner = report_owner_for(request.user)
    # Precomputed (reporting/dashboard.py): one row read, whatever the size of the data.
    summary, updating = dashboard_summary_for_page(year=year, owner=owner)
    figures = dashboard_figures_for_page(summary)
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
                row["year_to_date"]["shown"],
                percent=row["unit"] == "percent",
                start=ytd_start,
                today=until,
                so_far=_figure(row["year_to_date"]),
                quarters={int(q): _figure(f) for q, f in figures.get("quarters", {}).get(row["code"], {}).items()},
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
            "summary": summary,
            "updating": updating,
            "computed_today": timezone.localdate(summary.computed_at) == today,
            "owner": owner,
            "regional": regional_rows(figures, period="year_to_date"),
        },
    )


@manager_only
def report_archive(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    year, quarter = previous_quarter(today)
    form = ReportGenerateForm(initial={"year": year, "quarter": quarter})
    owner = report_owner_for(request.user)
    reports = (
        QuarterlyReport.objects.filter(**owner_filter(owner))
        .select_related("requested_by")
        .order_by("-year", "-quarter", "-version")
    )
    # While a version is being generated the table refreshes itself (htmx) to show the progress.
    working = reports.filter(status__in=(QuarterlyReport.Status.PENDING, QuarterlyReport.Status.RUNNING)).exists()
    rows = list(reports)
    names = {code: str(definition.name) for code, definition in STANDARD.items()} | {
        "breakdowns": _("Breakdowns"),
        "funnel": _("The way to work"),
        "suppliers": _("Suppliers"),
        "left_social_assistance": _("Left social assistance"),
    }
    for report in rows:
        report.change_labels = [names.get(code, code) for code in report.changes]  # type: ignore[attr-defined]  # for the template
    return render(
        request, "reporting/report_archive.html", {"reports": rows, "form": form, "working": working, "owner": owner}
    )


@manager_only
@require_POST
def report_generate(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Generate a report (again): a new version is queued; the earlier ones are kept. A quarter that
    has not ended gives a preliminary version, which does not become current."""
    form = ReportGenerateForm(request.POST)
    if not form.is_valid():
        not_begun = str(QUARTER_NOT_BEGUN) in form.errors.get("quarter", [])
        messages.error(request, str(QUARTER_NOT_BEGUN) if not_begun else _("Choose a year and a quarter."))
        return redirect("reporting:archive")
    report = quarterly_report_queue(
        year=form.cleaned_data["year"],
        quarter=form.cleaned_data["quarter"],
        by=request.user,
        owner=report_owner_for(request.user),
    )
    if report.preliminary:
        messages.warning(
            request,
            _("The quarter has not ended: this version is preliminary and does not become the current report."),
        )
    messages.success(request, _("The report is being generated. This page shows when it is done."))
    return redirect("reporting:archive")


@manager_only
def report_file(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    owned = owner_filter(report_owner_for(request.user))
    report = get_visible_or_404(QuarterlyReport.objects.filter(status=QuarterlyReport.Status.DONE, **owned), pk=pk)
    stored = {"pdf": report.pdf, "xlsx": report.xlsx}.get(kind)
    if not stored:
        raise Http404
    name = f"{report_file_name(report, preliminary=report.preliminary)}.{kind}"
    return FileResponse(stored.open("rb"), as_attachment=True, filename=name)  # type: ignore[return-value]  # streamed; the decorator's type says HttpResponse


QUARTERS = (1, 2, 3, 4)


class TargetsForm(forms.Form):
    """For one year, per indicator: the year's target and baseline, and optionally a target for each
    quarter (the quarter's report measures the quarter against it; without one, against a quarter
    of the year's target).

    Nothing is lost by accident. A target that is set and sent back empty is an error unless the
    row's "remove" box is ticked (then the row's emptied targets are removed, the filled ones saved),
    and a form sent with nothing in it at all (a stray submit, a page that lost its values) is an
    error too: either way nothing is saved and the page says so."""

    def __init__(
        self,
        *args: object,
        indicators: list[Indicator],
        targets: dict[int, Target],
        quarter_targets: dict[tuple[int, int], Target] | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # handed on to Form as given
        self.indicators = indicators
        self.current = targets
        self.current_quarters = quarter_targets or {}
        for indicator in indicators:
            current = targets.get(indicator.pk)
            maximum = 100 if indicator.unit == Indicator.Unit.PERCENT else 100000
            self.fields[f"target_{indicator.pk}"] = self._number(
                _("Target"), maximum, current.target_value if current else None
            )
            self.fields[f"baseline_{indicator.pk}"] = self._number(
                _("Baseline"), maximum, current.baseline if current else None
            )
            for quarter in QUARTERS:
                set_for_quarter = self.current_quarters.get((indicator.pk, quarter))
                self.fields[f"quarter_{indicator.pk}_{quarter}"] = self._number(
                    _("Target Q%(quarter)s") % {"quarter": quarter},
                    maximum,
                    set_for_quarter.target_value if set_for_quarter else None,
                )
            if current is not None or any((indicator.pk, q) in self.current_quarters for q in QUARTERS):
                self.fields[f"remove_{indicator.pk}"] = forms.BooleanField(label=_("Remove"), required=False)

    @staticmethod
    def _number(label: str, maximum: int, initial: object) -> forms.DecimalField:
        return DecimalInputField(
            label=label, required=False, min_value=0, max_value=maximum, decimal_places=2, initial=initial
        )

    def rows(
        self,
    ) -> list[tuple[Indicator, forms.BoundField, forms.BoundField, list[forms.BoundField], forms.BoundField | None]]:
        return [
            (
                i,
                self[f"target_{i.pk}"],
                self[f"baseline_{i.pk}"],
                [self[f"quarter_{i.pk}_{q}"] for q in QUARTERS],
                self[f"remove_{i.pk}"] if f"remove_{i.pk}" in self.fields else None,
            )
            for i in self.indicators
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}

        def emptied(name: str, indicator: Indicator) -> bool:
            return data.get(name) is None and name not in self.errors and not data.get(f"remove_{indicator.pk}")

        fields = [f"target_{i.pk}" for i in self.indicators if i.pk in self.current and emptied(f"target_{i.pk}", i)]
        fields += [
            f"quarter_{i.pk}_{q}"
            for i in self.indicators
            for q in QUARTERS
            if (i.pk, q) in self.current_quarters and emptied(f"quarter_{i.pk}_{q}", i)
        ]
        for name in fields:
            self.add_error(name, _("Enter the target, or tick “Remove” to remove this year's target."))
        if fields:
            raise ValidationError(
                _("Nothing was saved: a target that is set cannot be left empty. Enter it, or tick “Remove”.")
            )
        if not self.errors and all(value is None or value is False for value in data.values()):
            raise ValidationError(_("Nothing was saved: the form was empty. Enter a target for the year or a quarter."))
        return data

    def values(self) -> dict[int, tuple[object, object]]:
        """The year's target and baseline of each indicator; an empty target (allowed only where there
        was none, or with "remove" ticked) removes it."""
        data = self.cleaned_data
        return {i.pk: (data[f"target_{i.pk}"], data[f"baseline_{i.pk}"]) for i in self.indicators}

    def quarter_values(self) -> dict[int, dict[int, object]]:
        """Each indicator's target for each quarter; an empty one removes it (as for the year)."""
        data = self.cleaned_data
        return {i.pk: {q: data[f"quarter_{i.pk}_{q}"] for q in QUARTERS} for i in self.indicators}


@municipality_manager_only
@require_http_methods(["GET", "POST"])
def targets(request: AuthenticatedHttpRequest) -> HttpResponse:
    year = _year_param(request, latest=2100)
    municipality = _municipality_for(request.user)
    indicators = list(Indicator.objects.order_by("code"))
    current: dict[int, Target] = {}
    quarters: dict[tuple[int, int], Target] = {}
    for target in Target.objects.filter(year=year, municipality=municipality):
        if target.quarter is None:
            current[target.indicator_id] = target
        else:
            quarters[(target.indicator_id, target.quarter)] = target
    # A POST is bound even when it carries no field at all, so that an empty one is an error, not a
    # page shown again as if nothing had been sent.
    form = TargetsForm(
        request.POST if request.method == "POST" else None,
        indicators=indicators,
        targets=current,
        quarter_targets=quarters,
    )
    if request.method == "POST" and form.is_valid():
        try:
            targets_save(
                year=year,
                values=form.values(),  # type: ignore[arg-type]  # cleaned to Decimals
                quarters=form.quarter_values(),  # type: ignore[arg-type]  # cleaned to Decimals
                by=request.user,
                municipality=municipality,
            )
        except ValidationError as exc:
            attach_service_error(form, exc)
        else:
            messages.success(request, _("The targets for %(year)s are saved.") % {"year": year})
            return redirect(f"{reverse('reporting:targets')}?year={year}")
    return render(request, "reporting/targets.html", {"form": form, "year": year})


def _p_text(p: float) -> str:
    """A p-value's comparison as the page writes it, in the user's language: "= 0,01", "= 0,004", "< 0,001"."""
    if p < 0.001:
        return f"< {formats.number_format(0.001, 3)}"
    return f"= {formats.number_format(p, 2 if p >= 0.01 else 3)}"


def _verdict(test: dict[str, Any] | None) -> tuple[str, bool]:
    """The test's answer in words, and whether it flags a gap."""
    if test is None:
        return _("Too few groups are shown to compare."), False
    if test["method"] == IDENTICAL:
        return _("Every group shown has the same rate."), False
    if test["flagged"]:
        text = _("The difference is too large to be likely due to chance (p %(p)s).")
    else:
        text = _("The differences may be due to chance at these group sizes (p %(p)s).")
    return text % {"p": _p_text(test["adjusted_p"])}, test["flagged"]


@manager_only
def fairness_view(request: HttpRequest) -> HttpResponse:
    """Rates of proposals, starts and work or studies per person waiting, by group, with a test of
    whether the gaps between the groups shown are larger than chance would make them."""
    today = timezone.localdate()
    year = _year_param(request, latest=today.year)
    tables = []
    scope = scope_of(report_owner_for(request.user))
    for dimension, figures in fairness(year=year, today=today, scope=scope).items():
        verdicts = []
        for measure in FAIRNESS_MEASURES:
            text, flagged = _verdict(figures["tests"][measure])
            verdicts.append({"measure": MEASURE_TITLES[measure], "text": text, "flagged": flagged})
        tables.append(
            {
                "title": DIMENSION_TITLES[dimension],
                "rows": [{**row, "label": group_label(dimension, row["group"])} for row in figures["rows"]],
                "verdicts": verdicts,
            }
        )
    return render(
        request,
        "reporting/fairness.html",
        {
            "year": year,
            "years": range(today.year, today.year - 5, -1),
            "tables": tables,
            "definitions": [DEFINITIONS[name] for name in ("waiting", *FAIRNESS_MEASURES)],
            "method": METHOD_TEXT,
        },
    )


@manager_only
def methodology(request: HttpRequest) -> HttpResponse:
    """The written definition of every indicator, and how periods and small numbers are handled."""
    definitions = [{"code": code, "definition": definition} for code, definition in STANDARD.items()]
    return render(
        request,
        "reporting/methodology.html",
        {
            "definitions": definitions,
            "period_method": PERIOD_METHOD,
            "fairness_definitions": list(DEFINITIONS.values()),
            "fairness_method": METHOD_TEXT,
            "disclosure_method": DISCLOSURE_METHOD,
            "working_days": FOLLOW_UP_WORKING_DAYS,
        },
    )
