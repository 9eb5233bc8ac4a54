"""Pages for signing the agreement: the coordinator's (the draft, sending the personal links,
signing logged in, recording a paper signature) and the public page a personal link opens."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts import tenancy
from accounts.models import Role
from accounts.request_types import AuthenticatedHttpRequest
from accounts.roles import role_required
from accounts.service_views import attach_service_error

from . import signing
from .documents import agreement_pdf
from .forms import PaperSignatureForm, SignForm
from .models import Placement, PlacementStatus, Signature
from .selectors import placement_for_view

coordinator_only = role_required(Role.COORDINATOR)


def pdf_response(content: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    # The file name carries the placement's number, never a person's name.
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@coordinator_only
def agreement_draft(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The agreement as it would be signed today, marked UTKAST: to send the workplace before agreeing."""
    placement = placement_for_view(user=request.user, pk=pk)
    if placement.status != PlacementStatus.PROPOSED:
        raise Http404
    return pdf_response(agreement_pdf(placement, draft=True), f"overenskommelse-utkast-{placement.pk}.pdf")


def _signing_page(
    request: AuthenticatedHttpRequest,
    placement: Placement,
    *,
    sign_form: forms.Form | None = None,
    paper_form: forms.Form | None = None,
    links: dict[str, str] | None = None,
    send_error: str = "",
    status: int = 200,
) -> HttpResponse:
    document = signing.current_document(placement)
    user = request.user
    return render(
        request,
        "placements/signing.html",
        {
            "placement": placement,
            "document": document,
            "signatures": document.signatures.select_related("user") if document else [],
            "missing": signing.missing_parties(placement=placement) if placement.status == "proposed" else [],
            "voided": placement.agreement_documents.filter(voided_at__isnull=False).count(),
            "proposed": placement.status == PlacementStatus.PROPOSED,
            "sign_form": sign_form or SignForm(initial={"name": user.get_full_name()}, prefix="sign"),
            "paper_form": paper_form or PaperSignatureForm(prefix="paper"),
            "links": [(label, links[value]) for value, label in signing.Party.choices if links and value in links],
            "send_error": send_error,
        },
        status=status,
    )


@coordinator_only
def signing_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Where the agreement's signing stands, and what the coordinator can do next."""
    return _signing_page(request, placement_for_view(user=request.user, pk=pk))


@coordinator_only
@require_POST
def signing_send(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Freeze the agreement and send the personal links; they are shown here once, to hand over."""
    placement = placement_for_view(user=request.user, pk=pk)
    try:
        links = signing.signing_request_send(placement=placement, by=request.user)
    except ValidationError as exc:
        return _signing_page(request, placement, send_error=" ".join(exc.messages), status=400)
    messages.success(request, _("The agreement is frozen and the signing requests are sent."))
    return _signing_page(request, placement, links=links)


def _after_signature(request: AuthenticatedHttpRequest, placement: Placement) -> HttpResponse:
    placement.refresh_from_db()
    if placement.status == PlacementStatus.AGREED:
        messages.success(request, _("Every party has signed: the placement is agreed."))
        return redirect(reverse("placements:detail", args=[placement.pk]))
    messages.success(request, _("The signature is recorded."))
    return redirect(reverse("placements:signing", args=[placement.pk]))


@coordinator_only
@require_POST
def signing_sign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The coordinator signs for the labour-market unit, logged in."""
    placement = placement_for_view(user=request.user, pk=pk)
    form = SignForm(request.POST, prefix="sign")
    if form.is_valid():
        try:
            signing.signature_in_app(placement=placement, name=form.cleaned_data["name"], by=request.user)
        except ValidationError as exc:
            attach_service_error(form, exc)
        else:
            return _after_signature(request, placement)
    return _signing_page(request, placement, sign_form=form, status=400)


@coordinator_only
@require_POST
def signing_paper(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record a signature made on paper, with the scan."""
    placement = placement_for_view(user=request.user, pk=pk)
    form = PaperSignatureForm(request.POST, request.FILES, prefix="paper")
    if form.is_valid():
        try:
            signing.signature_on_paper(placement=placement, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_service_error(form, exc)
        else:
            return _after_signature(request, placement)
    return _signing_page(request, placement, paper_form=form, status=400)


@coordinator_only
def signing_document(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The frozen document being signed, byte for byte."""
    placement = placement_for_view(user=request.user, pk=pk)
    document = signing.current_document(placement)
    if document is None:
        raise Http404
    with document.pdf.open("rb") as file:
        return pdf_response(file.read(), f"overenskommelse-{placement.pk}-{document.sha256[:8]}.pdf", inline=True)


LINK_PROBLEMS = {
    "expired": gettext_lazy("This link has expired. Ask the coordinator for a new one."),
    "used": gettext_lazy("The agreement has already been signed through this link. Thank you!"),
    "invalid": gettext_lazy("This link is not valid. Check that the whole address was copied."),
    "void": gettext_lazy(
        "This agreement is no longer to be signed: it has changed or been withdrawn. The coordinator sends a new one."
    ),
}
# Not found for a link that never existed; gone for one that did.
LINK_STATUS = {"invalid": 404, "expired": 410, "used": 410, "void": 410}


def _link_problem(request: HttpRequest, reason: str) -> HttpResponse:
    return render(
        request,
        "placements/signing_link_problem.html",
        {"message": LINK_PROBLEMS[reason]},
        status=LINK_STATUS[reason],
    )


@login_not_required
@tenancy.system_context_view
@require_http_methods(["GET", "POST"])
def signing_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """A party signs the agreement through their personal link: the document, its SHA-256, their name."""
    try:
        link = signing.link_for_view(token)
    except signing.LinkError as exc:
        return _link_problem(request, exc.reason)
    form = SignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            signing.signature_by_link(link=link, name=form.cleaned_data["name"])
        except ValidationError as exc:
            attach_service_error(form, exc)
        else:
            return render(
                request,
                "placements/signing_link_problem.html",
                {"message": _("Thank you! Your signature is recorded."), "signed": True},
            )
    document = link.document
    return render(
        request,
        "placements/signing_link.html",
        {"placement": document.placement, "document": document, "link": link, "form": form, "token": token},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_not_required
@tenancy.system_context_view
def signing_link_document(request: HttpRequest, token: str) -> HttpResponse:
    """The exact document a personal link asks the holder to sign."""
    try:
        link = signing.link_for_view(token)
    except signing.LinkError as exc:
        return _link_problem(request, exc.reason)
    with link.document.pdf.open("rb") as file:
        return pdf_response(file.read(), f"overenskommelse-{link.document.sha256[:8]}.pdf", inline=True)


SCAN_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}


@coordinator_only
def signature_scan(request: AuthenticatedHttpRequest, pk: int, signature_pk: int) -> HttpResponse:
    """The scan of a paper signature of the placement's agreement."""
    placement = placement_for_view(user=request.user, pk=pk)
    signature = Signature.objects.filter(document__placement=placement, pk=signature_pk).exclude(scan="").first()
    if signature is None:
        raise Http404
    extension = signature.scan.name.rsplit(".", 1)[-1]
    with signature.scan.open("rb") as file:
        response = HttpResponse(file.read(), content_type=SCAN_TYPES.get(extension, "application/octet-stream"))
    response["Content-Disposition"] = f'attachment; filename="underskrift-{placement.pk}-{signature.pk}.{extension}"'
    response["Cache-Control"] = "private, no-store"
    return response
