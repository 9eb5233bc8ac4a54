"""The placement's documents, in Swedish, rendered as PDF from HTML templates (WeasyPrint): the
agreement (a watermarked draft while proposed, the document frozen for signing, its signature
page), with the weekly schedule of working hours and studies, and the certificate (praktikintyg,
when completed and approved)."""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import capfirst
from pypdf import PdfReader, PdfWriter
from weasyprint import HTML

from accounts.models import Municipality
from taxonomy.models import Weekday

from .models import AgreementDocument, AgreementTerms, Party, Placement, Signature


def letterhead(municipality: Municipality) -> dict[str, str]:
    """What a document's head says: the municipality of the case file (the placement's participant's)
    with its unit and contact, as a superuser keeps them in the admin."""
    return {"municipality": municipality.name, **municipality.letterhead}


def _pdf(template: str, context: dict[str, object], *, placement: Placement) -> bytes:
    # The documents are Swedish whatever language the user has chosen: they leave the system.
    head = letterhead(placement.participant.municipality)
    with translation.override("sv"):
        html = render_to_string(template, {**context, "printed_on": timezone.localdate(), "letterhead": head})
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


def agreement_pdf(
    placement: Placement, *, terms: AgreementTerms | None = None, draft: bool = False, legacy: bool = False
) -> bytes:
    """The agreement with the standard terms, the parties, the period and the signature lines.
    `draft` marks every page "UTKAST". `legacy`: a placement agreed before signing existed (it has
    no signed document) prints with who acknowledged it instead of the signature lines."""
    acknowledged = {a.party: a for a in placement.acknowledgements.select_related("recorded_by")}
    parties = [(party, acknowledged.get(party.value)) for party in Party]
    with translation.override("sv"):
        schedule = weekly_schedule(placement)
    return _pdf(
        "placements/documents/agreement.html",
        {
            "placement": placement,
            "parties": parties,
            "terms": terms if terms is not None else AgreementTerms.current(placement.municipality_id),
            "draft": draft,
            "legacy": legacy,
            "signing_parties": list(Party),
            "weekly_schedule": schedule,
        },
        placement=placement,
    )


def signed_agreement_pdf(document: AgreementDocument, signatures: Iterable[Signature]) -> bytes:
    """The frozen document's own pages, unchanged, followed by a signature page: each party, when,
    how, and the document's SHA-256."""
    page = _pdf(
        "placements/documents/signature_page.html",
        {"document": document, "signatures": list(signatures)},
        placement=document.placement,
    )
    writer = PdfWriter()
    with document.pdf.open("rb") as frozen:
        writer.append(PdfReader(io.BytesIO(frozen.read())))
    writer.append(PdfReader(io.BytesIO(page)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def certificate_pdf(placement: Placement) -> bytes:
    certificate = getattr(placement, "certificate", None)
    return _pdf(
        "placements/documents/certificate.html",
        {"placement": placement, "certificate": certificate},
        placement=placement,
    )
