"""The quarterly report as a PDF (WeasyPrint, from an HTML template) and an XLSX workbook (openpyxl,
one sheet per breakdown). Both are made from the stored figures only, so they match the snapshot."""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from reporting.indicators import PERIOD_METHOD
from taxonomy.models import JobTrack, english_active

from .disclosure import NOT_SUMMED_OVER_MUNICIPALITIES, WITHHELD

# Labels in the active language: the pages show them in the user's language, the stored PDF and
# workbook in Swedish (both are made under translation.override("sv")).
STATUS_LABELS = {
    "on_track": gettext_lazy("On track"),
    "at_risk": gettext_lazy("At risk"),
    "off_track": gettext_lazy("Behind plan"),
    None: "–",
}
DIMENSION_LABELS = {
    "department": gettext_lazy("Departments and employers"),
    "job_track": gettext_lazy("Job track"),
    "target_group": gettext_lazy("Target group"),
    "gender": gettext_lazy("Gender"),
    "referral_source": gettext_lazy("Referral source"),
}
FUNNEL_LABELS = {
    "referred": gettext_lazy("People referred"),
    "mapped": gettext_lazy("Mapped"),
    "placed": gettext_lazy("Started a placement"),
    "completed": gettext_lazy("Completed a placement"),
    "work_or_studies": gettext_lazy("In work or studies at the end"),
}
SUPPRESSED = WITHHELD  # one mark for every withheld figure (reporting.disclosure)


def figure_number(value: float | int | None) -> str | None:
    """A figure as a number in the active language: "1 234", "42,4" in Swedish (a no-break space
    between thousands, a decimal comma), "1,234", "42.4" in English. A whole number has no decimals
    ("100", never "100.0"), any other one decimal, as the figures are rounded. None stays None."""
    if value is None:
        return None
    number = round(float(value), 1)
    decimals = 0 if number.is_integer() else 1
    return number_format(number, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def figure_text(value: float | int | None, unit: str = "count") -> str:
    """A figure as the reports and pages write it: a share with its per cent sign (Swedish puts a
    no-break space before it, "42,4 %"; English none, "42.4%"), a withheld figure as "withheld".
    The one formatting rule of the PDF, the dashboard and the archive."""
    if value is None:
        return str(SUPPRESSED)
    number = figure_number(value)
    if unit != "percent":
        return str(number)
    return f"{number}%" if english_active() else f"{number}\N{NO-BREAK SPACE}%"


def key_labels(dimension: str, keys: list[str]) -> dict[str, str]:
    """The label of each key of a breakdown in the active language; the job tracks' in one query."""
    from participants.models import Gender, ReferralSource, TargetGroup

    choices = {"gender": Gender, "target_group": TargetGroup, "referral_source": ReferralSource}.get(dimension)
    tracks: dict[str, str] = {}
    if dimension == "job_track" and english_active():
        # Figures group job tracks by their (Swedish) name; English needs the track's own.
        for track in JobTrack.objects.filter(name__in=[key for key in keys if key]):
            tracks.setdefault(track.name, track.localised_name)

    def label(key: str) -> str:
        if choices is not None and key in choices.values:
            return str(choices(key).label)
        return tracks.get(key) or key or "–"

    return {key: label(key) for key in keys}


def key_label(dimension: str, key: str) -> str:
    return key_labels(dimension, [key])[key]


# The regional table's footnote, on the dashboard, in the PDF and in the workbook alike.
REGIONAL_NOTE = gettext_lazy(
    "Each municipality's figures as its own publication shows them, and the region's, with the same "
    "definitions and the same disclosure control. The region's count is the sum of the "
    "municipalities'; its share is computed from their summed counts. A figure that would let a "
    "withheld one be worked out is withheld too, also in the region's breakdowns (an organisation "
    "that only one municipality uses)."
)
NOT_SUMMED_NOTE = gettext_lazy(
    "Not the sum of the municipalities' figures: %(indicators)s. A supervisor who supervises in more "
    "than one municipality counts once in the region."
)


def regional_rows(figures: dict[str, Any], *, period: str) -> dict[str, Any] | None:
    """The regional table of published figures (a region's dashboard or report): per indicator, each
    municipality's figure and the region's, None where withheld, and the footnotes. None for a
    municipality's figures. The one place the table is laid out: the dashboard, the PDF and the
    workbook show it from here."""
    municipalities = figures.get("municipalities")
    if not municipalities:
        return None
    by_code = [{row["code"]: row.get(period) for row in m["indicators"]} for m in municipalities]
    rows = [
        {
            "code": row["code"],
            "name": row.get("name") or row["code"],
            "unit": row["unit"],
            "cells": [(codes.get(row["code"]) or {}).get("shown") for codes in by_code],
            "total": row[period]["shown"],
            "summed": row["code"] not in NOT_SUMMED_OVER_MUNICIPALITIES,
        }
        for row in figures["indicators"]
        if isinstance(row.get(period), dict)
    ]
    not_summed = [row["name"] for row in rows if not row["summed"]]
    return {
        "names": [m["name"] for m in municipalities],
        "rows": rows,
        "notes": [
            str(REGIONAL_NOTE),
            *([str(NOT_SUMMED_NOTE % {"indicators": ", ".join(not_summed)})] if not_summed else []),
        ],
    }


def _regional_tables(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """The regional table of each period of the report (the quarter, the year to date), as text."""
    tables = []
    for period, label in (("quarter", _("Quarter")), ("year_to_date", _("Year to date"))):
        table = regional_rows(figures, period=period) if period in figures["periods"] else None
        if table is None:
            continue
        for row in table["rows"]:
            row["cells_text"] = [figure_text(value, row["unit"]) for value in row["cells"]]
            row["total_text"] = figure_text(row["total"], row["unit"])
        tables.append({**table, "period": period, "title": f"{label} {figures['periods'][period]['label']}"})
    return tables


def _comparison_text(row: dict[str, Any]) -> str:
    """The national figure with the Kolada KPI it is, or nothing: a comparison is shown only beside an
    indicator defined as that KPI (older snapshots have no `kolada_kpi`, so they show none)."""
    kpi, value = row.get("kolada_kpi"), row.get("comparison")
    if not kpi or value is None:
        return ""
    return _("National (Kolada %(kpi)s): %(value)s") % {"kpi": kpi, "value": figure_text(value, row["unit"])}


def _owner_name(figures: dict[str, Any]) -> str:
    """The municipality or region the report is of (stored with its figures since reports became
    per municipality; an older snapshot has only the installation's name to go by)."""
    return str(figures.get("owner_name") or settings.PLATSA_MUNICIPALITY_NAME)


def report_title(figures: dict[str, Any]) -> str:
    """The report's title: the municipality, the quarter, and "preliminary" while the quarter runs."""
    title = _("%(municipality)s: quarterly report %(quarter)s") % {
        "municipality": _owner_name(figures),
        "quarter": figures["periods"]["quarter"]["label"],
    }
    return f"{title} ({_('preliminary')})" if figures.get("preliminary") else title


def _target_text(value: float | None, unit: str) -> str:
    return "–" if value is None else figure_text(value, unit)


def _context(figures: dict[str, Any]) -> dict[str, Any]:
    indicators = [
        {
            **row,
            "quarter_text": figure_text(row["quarter"]["shown"], row["unit"]),
            "ytd_text": figure_text(row["year_to_date"]["shown"], row["unit"]),
            "quarter_status_text": str(STATUS_LABELS[row["quarter"]["status"]]),
            "status_text": str(STATUS_LABELS[row["year_to_date"]["status"]]),
            "target_text": _target_text(row["target"], row["unit"]),
            "quarter_target_text": _target_text(row.get("quarter_target"), row["unit"]),
            "comparison_text": _comparison_text(row),
        }
        for row in figures["indicators"]
    ]
    breakdowns = [
        {
            "title": str(DIMENSION_LABELS[dimension]),
            "rows": [
                {
                    "key": labels[row["key"]],
                    "values": [row["started"], row["ended"], row["work_or_studies"]],
                    "started": figure_text(row["started"]),
                    "ended": figure_text(row["ended"]),
                    "work_or_studies": figure_text(row["work_or_studies"]),
                }
                for row in periods["year_to_date"]
            ],
        }
        for dimension, periods in figures["breakdowns"].items()
        for labels in [key_labels(dimension, [row["key"] for row in periods["year_to_date"]])]
    ]
    funnel = [
        {"step": str(FUNNEL_LABELS[s["step"]]), "value": s["count"], "count": figure_text(s["count"])}
        for s in figures["funnel"]
    ]
    return {
        "figures": figures,
        "title": report_title(figures),
        "municipality": _owner_name(figures),
        "preliminary": bool(figures.get("preliminary")),
        "period_method": str(PERIOD_METHOD),
        "indicators": indicators,
        "breakdowns": breakdowns,
        "funnel": funnel,
        "suppliers": [
            {
                **supplier,
                "promised_text": figure_text(supplier["promised"]),
                "delivered_text": figure_text(supplier["delivered"]),
            }
            for supplier in figures.get("suppliers", [])
        ],
        "left_assistance": [
            {"key": key_label("referral_source", row["key"]), "value": row["left"], "left": figure_text(row["left"])}
            for row in figures.get("left_social_assistance", [])
        ],
        "regional": _regional_tables(figures),
    }


def report_pdf(figures: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    with translation.override("sv"):
        html = render_to_string("reporting/report_pdf.html", _context(figures))
    return HTML(string=html).write_pdf()


def _cell_text(value: Any) -> Any:
    """Control characters (allowed in names typed into forms) cannot be stored in a workbook."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _as_plain_text(worksheet: Any) -> None:
    """No cell is a formula: an organisation named '=HYPERLINK(...)' stays a name (formula injection)."""
    for row in worksheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def report_xlsx(figures: dict[str, Any]) -> bytes:
    with translation.override("sv"):
        return _workbook(figures)


# The workbook's figures are numbers, so that they sum and chart. A count is an integer shown with
# thousands grouped; a share is stored as a fraction (0.424) with a percent format, so that Excel
# or LibreOffice shows "42,4 %" in a Swedish locale and a formula can multiply with it. A withheld
# figure is an empty, shaded cell with a comment, never a text among the numbers, and the legend
# above the indicators (and under each table with a withheld cell) says what an empty cell means.
COUNT_FORMAT = "#,##0"
SHARE_FORMAT = "0.0 %"
WITHHELD_FILL = PatternFill(fill_type="solid", start_color="FFE7E6E6", end_color="FFE7E6E6")


def _withheld_note() -> str:
    return _("Empty shaded cell: withheld, so that no one can be identified (see the methodology).")


class _Sheet:
    """A worksheet written row by row: names as text (never formulas), figures as numeric cells."""

    def __init__(self, worksheet: Any) -> None:
        self.worksheet = worksheet
        self.withheld = False

    def text_row(self, values: list[Any], *, bold: bool = False) -> None:
        self.worksheet.append([_cell_text(value) for value in values])
        if bold:
            for cell in self.worksheet[self.worksheet.max_row]:
                cell.font = Font(bold=True)

    def header(self, values: list[str]) -> None:
        self.text_row(values, bold=True)
        # A coordinate, not a cell: asking for the cell below would create it, and move the next row down.
        self.worksheet.freeze_panes = f"A{self.worksheet.max_row + 1}"

    def figure_row(self, label: Any, figures: list[tuple[Any, str]], extra: list[Any] | None = None) -> None:
        """A label, then (value, unit) pairs (unit "count", "percent", "text"), then text columns."""
        self.worksheet.append([_cell_text(label)])
        row = self.worksheet.max_row
        for column, (value, unit) in enumerate(figures, start=2):
            cell = self.worksheet.cell(row=row, column=column)
            if unit == "text":
                cell.value = _cell_text(value)
            elif value is None and unit == "withheld":
                self._withhold(cell)
            elif value is None:
                continue
            elif unit == "percent":
                cell.value = round(float(value) / 100, 4)
                cell.number_format = SHARE_FORMAT
            else:
                cell.value = int(value) if float(value).is_integer() else float(value)
                cell.number_format = COUNT_FORMAT if isinstance(cell.value, int) else "#,##0.0"
        for column, value in enumerate(extra or [], start=2 + len(figures)):
            self.worksheet.cell(row=row, column=column, value=_cell_text(value))

    def _withhold(self, cell: Any) -> None:
        cell.fill = WITHHELD_FILL
        cell.comment = Comment(str(SUPPRESSED), "Platsa")
        self.withheld = True

    def finish(self, *, note: bool = True) -> None:
        if self.withheld and note:
            self.worksheet.append([])
            self.worksheet.append([_withheld_note()])
        _as_plain_text(self.worksheet)


def _shown(value: Any, unit: str = "count") -> tuple[Any, str]:
    """A figure that may be withheld (None): an empty shaded cell if so."""
    return (value, "withheld") if value is None else (value, unit)


def _workbook(figures: dict[str, Any]) -> bytes:
    context = _context(figures)
    workbook = Workbook()
    workbook.properties.title = context["title"]
    workbook.properties.creator = context["municipality"]
    sheet = _Sheet(workbook.active)
    sheet.worksheet.title = _("Indicators")
    periods = figures["periods"]
    sheet.text_row([context["title"]], bold=True)
    sheet.text_row(
        [
            _("Quarter %(start)s – %(end)s; year to date %(label)s. Computed on %(day)s.")
            % {
                "start": periods["quarter"]["start"],
                "end": periods["quarter"]["end"],
                "label": periods["year_to_date"]["label"],
                "day": figures["computed_on"],
            }
        ]
    )
    if context["preliminary"]:
        sheet.text_row([_("Preliminary: the quarter has not ended, and the figures may still change.")], bold=True)
    sheet.text_row([_withheld_note() + " " + _("Shares are in per cent.")])
    sheet.text_row([])
    sheet.header(
        [
            _("Indicator"),
            _("Quarter"),
            _("Target (quarter)"),
            _("Status (quarter)"),
            _("Year to date"),
            _("Target (year)"),
            _("Status (year)"),
            _("Comparison"),
            _("Kolada KPI"),
            _("Definition"),
        ]
    )
    for row in context["indicators"]:
        unit = row["unit"]
        sheet.figure_row(
            row["name"],
            [
                _shown(row["quarter"]["shown"], unit),
                (row.get("quarter_target"), unit),
                (row["quarter_status_text"], "text"),
                _shown(row["year_to_date"]["shown"], unit),
                (row["target"], unit),
                (row["status_text"], "text"),
                (row["comparison"] if row.get("kolada_kpi") else None, unit),
            ],
            [row.get("kolada_kpi") or "", row["definition"]],
        )
    sheet.worksheet.column_dimensions["A"].width = 55
    sheet.finish(note=False)  # the legend is above the table
    for breakdown in context["breakdowns"]:
        table = _Sheet(workbook.create_sheet(breakdown["title"][:31]))
        table.header(["", _("Started"), _("Ended"), _("In work or studies")])
        for row in breakdown["rows"]:
            table.figure_row(row["key"], [_shown(value) for value in row["values"]])
        table.finish()
    suppliers = _Sheet(workbook.create_sheet(_("Suppliers")))
    suppliers.header([_("Supplier"), _("Promised places a year"), _("Started this year")])
    for supplier in context["suppliers"]:
        suppliers.figure_row(supplier["name"], [(supplier["promised"], "count"), _shown(supplier["delivered"])])
    suppliers.finish()
    assistance = _Sheet(workbook.create_sheet(_("Social assistance")))
    assistance.header([_("Referral source"), _("Left social assistance")])
    for row in context["left_assistance"]:
        assistance.figure_row(row["key"], [_shown(row["value"])])
    assistance.finish()
    funnel = _Sheet(workbook.create_sheet(_("Funnel")))
    funnel.header([_("Step"), _("People")])
    for step in context["funnel"]:
        funnel.figure_row(step["step"], [_shown(step["value"])])
    funnel.finish()
    if context["regional"]:
        _regional_sheet(_Sheet(workbook.create_sheet(_("Municipalities"))), context)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _regional_sheet(sheet: _Sheet, context: dict[str, Any]) -> None:
    """The municipalities side by side, a block per period: each municipality's column, then the
    region's; a withheld figure an empty shaded cell, as everywhere in the workbook."""
    sheet.text_row([_("The municipalities side by side")], bold=True)
    for table in context["regional"]:
        sheet.text_row([])
        sheet.text_row([table["title"]], bold=True)
        sheet.text_row([_("Indicator"), *table["names"], _("The region")], bold=True)
        for row in table["rows"]:
            unit = row["unit"]
            sheet.figure_row(row["name"], [_shown(value, unit) for value in [*row["cells"], row["total"]]])
    sheet.text_row([])
    for note in context["regional"][0]["notes"]:
        sheet.text_row([note])
    sheet.worksheet.column_dimensions["A"].width = 55
    sheet.finish()
