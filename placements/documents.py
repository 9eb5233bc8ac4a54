"""The placement's two documents, in Swedish, rendered as PDF from HTML templates (WeasyPrint):
the agreement (when the placement is agreed), with the weekly schedule of working hours and studies,
and the certificate (praktikintyg, when completed)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import capfirst
from weasyprint import HTML

from taxonomy.models import Weekday

from .models import Party, Placement


def _pdf(template: str, context: dict[str, object]) -> bytes:
    # The documents are Swedish whatever language the user has chosen: they leave the system.
    with translation.override("sv"):
        html = render_to_string(template, {**context, "printed_on": timezone.localdate()})
    return HTML(string=html).write_pdf()


@dataclass(frozen=True)
class ScheduleDay:
    """One weekday of the agreement's weekly schedule: the placement's working hours and the studies."""

    day: str
    work: str  # "13:00–17:00", or "" on a day without working hours
    studies: list[str]  # "SFI 08:30–12:00 (SFI Östersund)"


def _span(start: object, end: object) -> str:
    return f"{start:%H:%M}–{end:%H:%M}"


def weekly_schedule(placement: Placement) -> list[ScheduleDay]:
    """Monday to Friday, and a weekend day that has working hours or studies: when the person works at
    the placement (the need's working hours) and when they study (their timetable). Called while the
    document's language is active (the weekday names and kinds are translated)."""
    hours = {h.weekday: h for h in placement.need.working_hours.all()}
    studies: dict[int, list[str]] = defaultdict(list)
    for study in placement.participant.study_times.all():
        text = f"{study.get_kind_display()} {_span(study.starts_at, study.ends_at)}"
        studies[study.weekday].append(f"{text} ({study.school})" if study.school else text)
    return [
        ScheduleDay(
            day=str(capfirst(day.label)),
            work=_span(hours[day].starts_at, hours[day].ends_at) if day in hours else "",
            studies=studies.get(day, []),
        )
        for day in Weekday
        if day <= Weekday.FRIDAY or day in hours or day in studies
    ]


def agreement_pdf(placement: Placement) -> bytes:
    acknowledged = {a.party: a for a in placement.acknowledgements.select_related("recorded_by")}
    parties = [(party, acknowledged.get(party.value)) for party in Party]
    with translation.override("sv"):
        schedule = weekly_schedule(placement)
    return _pdf(
        "placements/documents/agreement.html",
        {"placement": placement, "parties": parties, "weekly_schedule": schedule},
    )


def certificate_pdf(placement: Placement) -> bytes:
    return _pdf("placements/documents/certificate.html", {"placement": placement})
