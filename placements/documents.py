"""The placement's documents, in Swedish, rendered as PDF from HTML templates (WeasyPrint): the
agreement (a watermarked draft while proposed, the document frozen for signing, its signature
page) and the certificate (praktikintyg, when completed and approved)."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from pypdf import PdfReader, PdfWriter
from weasyprint import HTML

from .models import AgreementDocument, AgreementTerms, Party, Placement, Signature


def _letterhead() -> dict[str, str]:
    return {"municipality": settings.PLATSA_MUNICIPALITY_NAME, **settings.PLATSA_LETTERHEAD}


def _pdf(template: str, context: dict[str, object]) -> bytes:
    # The documents are Swedish whatever language the user has chosen: they leave the system.
    with translation.override("sv"):
        html = render_to_string(template, {**context, "printed_on": timezone.localdate(), "letterhead": _letterhead()})
    return HTML(string=html).write_pdf()


def agreement_pdf(
    placement: Placement, *, terms: AgreementTerms | None = None, draft: bool = False, legacy: bool = False
) -> bytes:
    """The agreement with the standard terms, the parties, the period and the signature lines.
    `draft` marks every page "UTKAST". `legacy`: a placement agreed before signing existed (it has
    no signed document) prints with who acknowledged it instead of the signature lines."""
    acknowledged = {a.party: a for a in placement.acknowledgements.select_related("recorded_by")}
    parties = [(party, acknowledged.get(party.value)) for party in Party]
    return _pdf(
        "placements/documents/agreement.html",
        {
            "placement": placement,
            "parties": parties,
            "terms": terms if terms is not None else AgreementTerms.current(),
            "draft": draft,
            "legacy": legacy,
            "signing_parties": list(Party),
        },
    )


def signed_agreement_pdf(document: AgreementDocument, signatures: Iterable[Signature]) -> bytes:
    """The frozen document's own pages, unchanged, followed by a signature page: each party, when,
    how, and the document's SHA-256."""
    page = _pdf("placements/documents/signature_page.html", {"document": document, "signatures": list(signatures)})
    writer = PdfWriter()
    with document.pdf.open("rb") as frozen:
        writer.append(PdfReader(io.BytesIO(frozen.read())))
    writer.append(PdfReader(io.BytesIO(page)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def certificate_pdf(placement: Placement) -> bytes:
    certificate = getattr(placement, "certificate", None)
    return _pdf("placements/documents/certificate.html", {"placement": placement, "certificate": certificate})
