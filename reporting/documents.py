"""The quarterly report as a PDF (WeasyPrint, from an HTML template) and an XLSX workbook (openpyxl,
one sheet per breakdown). Both are made from the stored figures only, so they match the snapshot."""

from __future__ import annotations

import io
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from taxonomy.models import JobTrack, english_active

from .disclosure import WITHHELD

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


def _display(value: Any, unit: str = "count") -> str:
    if value is None:
        return str(SUPPRESSED)
    return f"{value} %" if unit == "percent" else str(value)


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


def _context(figures: dict[str, Any]) -> dict[str, Any]:
    indicators = [
        {
            **row,
            "quarter_text": _display(row["quarter"]["shown"], row["unit"]),
            "ytd_text": _display(row["year_to_date"]["shown"], row["unit"]),
            "status_text": str(STATUS_LABELS[row["year_to_date"]["status"]]),
            "target_text": "–" if row["target"] is None else _display(row["target"], row["unit"]),
        }
        for row in figures["indicators"]
    ]
    breakdowns = [
        {
            "title": str(DIMENSION_LABELS[dimension]),
            "rows": [
                {
                    "key": labels[row["key"]],
                    "started": _display(row["started"]),
                    "ended": _display(row["ended"]),
                    "work_or_studies": _display(row["work_or_studies"]),
                }
                for row in periods["year_to_date"]
            ],
        }
        for dimension, periods in figures["breakdowns"].items()
        for labels in [key_labels(dimension, [row["key"] for row in periods["year_to_date"]])]
    ]
    funnel = [{"step": str(FUNNEL_LABELS[s["step"]]), "count": _display(s["count"])} for s in figures["funnel"]]
    return {
        "figures": figures,
        "indicators": indicators,
        "breakdowns": breakdowns,
        "funnel": funnel,
        "suppliers": figures.get("suppliers", []),
        "left_assistance": [
            {"key": key_label("referral_source", row["key"]), "left": _display(row["left"])}
            for row in figures.get("left_social_assistance", [])
        ],
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


def _append(sheet: Any, row: list[Any]) -> None:
    sheet.append([_cell_text(value) for value in row])


def report_xlsx(figures: dict[str, Any]) -> bytes:
    with translation.override("sv"):
        return _workbook(figures)


def _workbook(figures: dict[str, Any]) -> bytes:
    context = _context(figures)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Indicators")
    header = [_("Indicator"), _("Quarter"), _("Year to date"), _("Target"), _("Status"), _("Definition")]
    _append(sheet, header)
    for row in context["indicators"]:
        _append(
            sheet,
            [
                row["name"],
                row["quarter_text"],
                row["ytd_text"],
                row["target_text"],
                row["status_text"],
                row["definition"],
            ],
        )
    for breakdown in context["breakdowns"]:
        table = workbook.create_sheet(breakdown["title"][:31])
        _append(table, ["", _("Started"), _("Ended"), _("In work or studies")])
        for row in breakdown["rows"]:
            _append(table, [row["key"], row["started"], row["ended"], row["work_or_studies"]])
    suppliers = workbook.create_sheet(_("Suppliers"))
    _append(suppliers, [_("Supplier"), _("Promised places a year"), _("Started this year")])
    for supplier in context["suppliers"]:
        _append(suppliers, [supplier["name"], supplier["promised"], _display(supplier["delivered"])])
    assistance = workbook.create_sheet(_("Social assistance"))
    _append(assistance, [_("Referral source"), _("Left social assistance")])
    for row in context["left_assistance"]:
        _append(assistance, [row["key"], row["left"]])
    funnel = workbook.create_sheet(_("Funnel"))
    for step in context["funnel"]:
        _append(funnel, [step["step"], step["count"]])
    for worksheet in workbook.worksheets:
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
        _as_plain_text(worksheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
