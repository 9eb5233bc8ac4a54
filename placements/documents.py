"""The placement's two documents, in Swedish, rendered as PDF from HTML templates (WeasyPrint):
the agreement (when the placement is agreed) and the certificate (praktikintyg, when completed)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML

from .models import Party, Placement


def _pdf(template: str, context: dict[str, object]) -> bytes:
    # The documents are Swedish whatever language the user has chosen: they leave the system.
    with translation.override("sv"):
        html = render_to_string(template, {**context, "printed_on": timezone.localdate()})
    return HTML(string=html).write_pdf()


def agreement_pdf(placement: Placement) -> bytes:
    acknowledged = {a.party: a for a in placement.acknowledgements.select_related("recorded_by")}
    parties = [(party, acknowledged.get(party.value)) for party in Party]
    return _pdf("placements/documents/agreement.html", {"placement": placement, "parties": parties})


def certificate_pdf(placement: Placement) -> bytes:
    return _pdf("placements/documents/certificate.html", {"placement": placement})
