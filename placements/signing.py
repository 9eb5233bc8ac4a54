"""Signing the placement agreement.

When the coordinator starts signing, the agreement is rendered once and frozen: its bytes are
stored and their SHA-256 recorded (AgreementDocument). Each party signs that exact document:
the participant and the workplace's supervisor through a personal link (signed, expiring,
single-use, like the follow-up link), the coordinator in Platsa while logged in, or any of them
on paper, which the coordinator records with a scan. A change to the proposal voids the
document and every signature on it; a new one must be sent.

The rule "are the required signatures in" lives here (`missing_parties`); `placement_agree`, the
one service for the state change, asks it, and the last signature calls `placement_agree`. When
the placement is agreed, the signed PDF (the frozen pages and a signature page) is stored and is
served from then on, never rendered again from today's data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from functools import partial

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.access_log import log_access_by_link
from accounts.models import AccessAction, User
from accounts.municipal_settings import site_url_for
from participants.tenancy import tenant_key

from .documents import agreement_pdf, signed_agreement_pdf
from .models import (
    AgreementDocument,
    AgreementTerms,
    Party,
    Placement,
    PlacementStatus,
    Signature,
    SignatureMethod,
    SigningLink,
)

logger = logging.getLogger(__name__)

SALT = "platsa.signing-link"

# Every party signs: the participant, the workplace (its supervisor or manager) and the coordinator.
REQUIRED_PARTIES = (Party.PARTICIPANT, Party.WORKPLACE, Party.COORDINATOR)
# Parties that sign through a personal link; the coordinator signs logged in.
LINK_PARTIES = (Party.PARTICIPANT, Party.WORKPLACE)

# A scan is accepted by what it is, not by what its name says: the first bytes of each kind.
SCAN_SIGNATURES = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


# --- the rule ---------------------------------------------------------------------------------


def current_document(placement: Placement) -> AgreementDocument | None:
    """The placement's document that is not void: the one being signed, or signed."""
    return AgreementDocument.objects.filter(placement_id=placement.pk, voided_at__isnull=True).first()


def missing_parties(*, placement: Placement) -> list[Party]:
    """The required parties whose signature of the current document is not in (all of them when
    signing has not started). A signature counts only for the exact document: its hash must match."""
    document = current_document(placement)
    if document is None:
        return list(REQUIRED_PARTIES)
    signed = set(document.signatures.filter(document_sha256=document.sha256).values_list("party", flat=True))
    return [party for party in REQUIRED_PARTIES if party.value not in signed]


def require_signatures(*, placement: Placement) -> None:
    """Raise unless every required party has signed the current document."""
    missing = missing_parties(placement=placement)
    if missing:
        raise ValidationError(
            _("The agreement is not signed yet by: %(parties)s.")
            % {"parties": ", ".join(str(party.label) for party in missing)},
            code="signatures_missing",
        )


# --- the document -----------------------------------------------------------------------------


def _require_proposed(placement: Placement) -> None:
    if placement.status != PlacementStatus.PROPOSED:
        raise ValidationError(_("The agreement is signed while the placement is proposed."), code="not_proposed")


def _lock(placement: Placement) -> Placement:
    return Placement.objects.select_for_update(of=("self",)).get(pk=placement.pk)


@transaction.atomic
def signing_start(*, placement: Placement, by: User | None) -> AgreementDocument:
    """Freeze the agreement for signing (once; the same document until the proposal changes)."""
    locked = _lock(placement)
    _require_proposed(locked)
    document = current_document(locked)
    if document is not None:
        return document
    terms = AgreementTerms.current(locked.municipality_id)  # the placement's municipality, not the user's
    if terms is None:
        raise ValidationError(_("The standard terms are missing: an administrator adds them."), code="no_terms")
    content = agreement_pdf(locked, terms=terms)
    document = AgreementDocument(
        placement=locked, **tenant_key(locked), terms=terms, sha256=sha256_hex(content), created_by=by
    )
    document.pdf.save("agreement.pdf", ContentFile(content), save=False)
    document.full_clean()
    document.save()
    return document


def signing_void(*, placement: Placement) -> int:
    """Void the current document and the signatures on it (the proposal changed, or was
    cancelled); outstanding links stop working. Returns how many documents were voided."""
    return AgreementDocument.objects.filter(
        placement_id=placement.pk, voided_at__isnull=True, signed_at__isnull=True
    ).update(voided_at=timezone.now())


def signed_document_store(*, placement: Placement) -> AgreementDocument | None:
    """Store the signed PDF of the agreed placement: called by placement_agree, once."""
    document = current_document(placement)
    if document is None or document.signed_pdf:
        return document
    signatures = document.signatures.order_by("signed_at", "pk")
    content = signed_agreement_pdf(document, signatures)
    document.signed_pdf.save("signed.pdf", ContentFile(content), save=False)
    document.signed_sha256 = sha256_hex(content)
    document.signed_at = timezone.now()
    document.save(update_fields=["signed_pdf", "signed_sha256", "signed_at"])
    return document


def signed_document(placement: Placement) -> AgreementDocument | None:
    """The placement's signed agreement, if it was agreed by signatures."""
    return (
        AgreementDocument.objects.filter(placement_id=placement.pk, voided_at__isnull=True, signed_at__isnull=False)
        .exclude(signed_pdf="")
        .first()
    )


# --- personal links ---------------------------------------------------------------------------


class LinkError(Exception):
    """The link is broken, expired, used, or its document void; `reason` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def link_create(*, document: AgreementDocument, party: str) -> str:
    """A new personal link (path) for `party` to sign `document`."""
    link = SigningLink.objects.create(
        document=document, **tenant_key(document), party=party, nonce=secrets.token_hex(16)
    )
    token = signing.dumps({"link": link.pk, "nonce": link.nonce}, salt=SALT)
    return reverse("signing_link", args=[token])


def link_resolve(token: str) -> SigningLink:
    """The link a token stands for, if it is genuine, unexpired, unused and its document current."""
    try:
        data = signing.loads(token, salt=SALT, max_age=dt.timedelta(days=SigningLink.VALID_DAYS))
    except signing.SignatureExpired as exc:
        raise LinkError("expired") from exc
    except signing.BadSignature as exc:
        raise LinkError("invalid") from exc
    if not isinstance(data, dict) or not isinstance(data.get("link"), int):
        raise LinkError("invalid")
    link = (
        SigningLink.objects.select_related("document__placement__participant", "document__placement__coordinator")
        .filter(pk=data["link"], nonce=str(data.get("nonce")))
        .first()
    )
    if link is None:
        raise LinkError("invalid")
    if link.used_at is not None or link.document.signatures.filter(party=link.party).exists():
        raise LinkError("used")
    if link.document.voided_at is not None or link.document.placement.status != PlacementStatus.PROPOSED:
        raise LinkError("void")
    return link


def _holder(link: SigningLink) -> str:
    placement = link.document.placement
    if link.party == Party.WORKPLACE:
        return f"signing-link:supervisor-{placement.supervisor_id}"
    return f"signing-link:{link.party}-{placement.participant_id}"


def link_for_view(token: str) -> SigningLink:
    """The link, as `link_resolve`, for the page that shows the agreement to its holder: logged as
    a view of the participant's case file, through the link."""
    link = link_resolve(token)
    log_access_by_link(
        holder=_holder(link), participant_ids=[link.document.placement.participant_id], action=AccessAction.VIEW
    )
    return link


def _send_request(address: str, url: str, placement_pk: int) -> None:
    placement = Placement.objects.select_related("need__workplace", "coordinator").get(pk=placement_pk)
    with translation.override("sv"):
        subject = _("Sign the placement agreement")
        body = render_to_string("placements/email/signing_request.txt", {"placement": placement, "url": url})
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    except Exception:
        # The coordinator has the link on the page as well and can pass it on by hand.
        logger.exception("signing request to placement %s not sent", placement_pk)


@transaction.atomic
def signing_request_send(*, placement: Placement, by: User | None) -> dict[str, str]:
    """Freeze the agreement (if not yet) and make a personal link for each party that signs by
    link and has not signed, replacing their unused earlier links; e-mail it where an address is
    known. Returns party → URL, which the coordinator sees once, to hand over where there is no
    e-mail."""
    document = signing_start(placement=placement, by=by)
    placement = Placement.objects.select_related("participant", "supervisor", "municipality").get(pk=placement.pk)
    site_url = site_url_for(placement.municipality)
    signed = set(document.signatures.values_list("party", flat=True))
    addresses = {Party.PARTICIPANT: placement.participant.email, Party.WORKPLACE: placement.supervisor.email}
    urls: dict[str, str] = {}
    for party in LINK_PARTIES:
        if party.value in signed:
            continue
        # A new link replaces the party's unused ones: sent again because the first went to a wrong
        # address, the old one must not sign as the party. It is then refused as not valid.
        SigningLink.objects.filter(document__placement=placement, party=party, used_at__isnull=True).delete()
        url = site_url + link_create(document=document, party=party)
        urls[party.value] = url
        if addresses[party]:
            transaction.on_commit(partial(_send_request, addresses[party], url, placement.pk))
    return urls


# --- signatures -------------------------------------------------------------------------------


def _sign(
    placement: Placement,
    *,
    party: str,
    name: str,
    method: str,
    user: User | None,
    scan: UploadedFile | None = None,
    document: AgreementDocument | None = None,
) -> Signature:
    locked = _lock(placement)
    _require_proposed(locked)
    current = current_document(locked)
    if current is None:
        raise ValidationError(_("Signing has not started: send the agreement for signing first."), code="not_started")
    if document is not None and document.pk != current.pk:
        raise ValidationError(_("The agreement has changed since this link was sent."), code="void")
    if current.signatures.filter(party=party).exists():
        raise ValidationError({"party": _("This party has already signed the agreement.")}, code="signed")
    if not name.strip():
        raise ValidationError({"name": _("Write your name to sign.")}, code="required")
    signature = Signature(
        document=current,
        **tenant_key(current),
        party=party,
        name=name.strip(),
        method=method,
        user=user,
        document_sha256=current.sha256,
    )
    if scan is not None:
        extension = scan_check(scan)
        signature.scan.save(f"scan.{extension}", scan, save=False)
    signature.full_clean()
    signature.save()
    return signature


def _agree_if_complete(placement: Placement, *, by: User | None) -> None:
    """With the last signature in, agree the placement. When a rule blocks it now (the need has
    filled up meanwhile), the signatures stay and the coordinator sees why on the placement page."""
    if missing_parties(placement=placement):
        return
    # services imports this module for the rule; the state change stays in its one service.
    from .services import placement_agree

    try:
        with transaction.atomic():
            placement_agree(placement=placement, by=by)
    except ValidationError:
        logger.info("placement %s signed by every party but not agreed: a rule blocks it", placement.pk)


@transaction.atomic
def signature_by_link(*, link: SigningLink, name: str) -> Signature:
    """The holder of a personal link signs the document the link was made for; the link is used up."""
    locked = SigningLink.objects.select_for_update().select_related("document").get(pk=link.pk)
    if locked.used_at is not None:
        raise ValidationError(_("This link has already been used."), code="link_used")
    placement = Placement.objects.get(pk=locked.document.placement_id)
    signature = _sign(
        placement, party=locked.party, name=name, method=SignatureMethod.LINK, user=None, document=locked.document
    )
    locked.used_at = timezone.now()
    locked.save(update_fields=["used_at"])
    _agree_if_complete(placement, by=None)
    return signature


@transaction.atomic
def signature_in_app(*, placement: Placement, name: str, by: User) -> Signature:
    """The coordinator signs for the labour-market unit, logged in."""
    signature = _sign(placement, party=Party.COORDINATOR, name=name, method=SignatureMethod.IN_APP, user=by)
    _agree_if_complete(placement, by=by)
    return signature


@transaction.atomic
def signature_on_paper(*, placement: Placement, party: str, name: str, scan: UploadedFile, by: User) -> Signature:
    """The coordinator records a party's signature on a printout of the current document, with its scan."""
    if party not in Party.values:
        raise ValidationError({"party": _("Choose the party.")})
    signature = _sign(placement, party=party, name=name, method=SignatureMethod.PAPER, user=by, scan=scan)
    _agree_if_complete(placement, by=by)
    return signature


def scan_check(scan: UploadedFile) -> str:
    """The scan's kind (pdf, jpg, png) if it is one, by its first bytes and its name, within the size limit."""
    if scan.size is None or scan.size > settings.PLATSA_SCAN_MAX_BYTES:
        raise ValidationError(
            {"scan": _("The scan may be at most %(mb)s MB.") % {"mb": settings.PLATSA_SCAN_MAX_BYTES // (1024 * 1024)}},
            code="too_large",
        )
    extension = (scan.name or "").rsplit(".", 1)[-1].lower() if "." in (scan.name or "") else ""
    scan.seek(0)
    head = scan.read(16)
    scan.seek(0)
    if extension not in SCAN_SIGNATURES or not head.startswith(SCAN_SIGNATURES[extension]):
        raise ValidationError({"scan": _("The scan must be a PDF, JPEG or PNG file.")}, code="file_type")
    return "jpg" if extension == "jpeg" else extension


def agreement_documents_delete(*, placements: QuerySet[Placement]) -> int:
    """Delete the placements' agreement documents, their signatures and links, and the stored files
    (the PDFs and the scans carry names): for pseudonymising and erasing case files. Returns how many
    documents were deleted."""
    documents = list(AgreementDocument.objects.filter(placement__in=placements).prefetch_related("signatures"))
    files = [f for d in documents for f in (d.pdf, d.signed_pdf, *(s.scan for s in d.signatures.all())) if f]
    # The files go once the rows are gone for good: a rolled-back erasure keeps both.
    transaction.on_commit(lambda: [file.storage.delete(file.name) for file in files])
    return (
        AgreementDocument.objects.filter(pk__in=[d.pk for d in documents])
        .delete()[1]
        .get(AgreementDocument._meta.label, 0)
    )
