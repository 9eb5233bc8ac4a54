"""Bulk import of referred participants: upload, preview every row with its errors, confirm."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import get_visible_or_404
from accounts.models import Role
from accounts.request_types import AuthenticatedHttpRequest
from accounts.roles import role_required

from .duplicates import registered_by_identity_number
from .forms import ImportConfirmForm, ImportUploadForm
from .importing import (
    COLUMNS,
    ImportFileError,
    identity_numbers,
    mark_registered,
    parse_referral_file,
    template_csv,
)
from .models import ReferralImport
from .selectors import participants_shown
from .services import participants_import

PREVIEW_ROWS_SHOWN = 1000
MAX_PENDING_UPLOADS = 5  # uploads a coordinator may keep waiting for confirmation


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def import_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # Each upload keeps up to 10 MB of personal data until imported or discarded.
            if ReferralImport.objects.filter(created_by=request.user).count() >= MAX_PENDING_UPLOADS:
                raise ImportFileError(
                    _("You have %(max)s uploads waiting. Import or discard one of them first.")
                    % {"max": MAX_PENDING_UPLOADS}
                )
            content = upload.read()
            parse_referral_file(content, upload.name)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            pending = ReferralImport.objects.create(  # type: ignore[misc]  # a coordinator has a team
                created_by=request.user, team=request.user.team, filename=upload.name[:200], content=content
            )
            return redirect("participants:import_preview", pk=pending.pk)
    return render(request, "participants/import_upload.html", {"form": form, "columns": COLUMNS})


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def import_preview(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pending = get_visible_or_404(ReferralImport.objects.filter(created_by=request.user), pk=pk)
    if request.method == "POST" and "discard" in request.POST:
        pending.delete()
        messages.info(request, _("The upload is discarded."))
        return redirect("participants:import_upload")
    try:
        rows = parse_referral_file(bytes(pending.content), pending.filename)
    except ImportFileError as exc:  # stored before the file's bounds were checked, or since made stricter
        pending.delete()
        messages.error(request, str(exc))
        return redirect("participants:import_upload")
    # The register-wide check: logged as a lookup for every person found outside the user's reach.
    registered = registered_by_identity_number(user=request.user, identity_numbers=identity_numbers(rows))
    mark_registered(rows, registered)
    form = ImportConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = participants_import(
                rows=rows, by=request.user, team=pending.team, all_or_nothing=form.cleaned_data["all_or_nothing"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            pending.delete()
            messages.success(
                request,
                _("%(created)s participants are registered; %(skipped)s rows were skipped.")
                % {"created": result.created, "skipped": result.skipped},
            )
            return redirect("participants:list")
    invalid = [row for row in rows if not row.valid]
    shown = rows[:PREVIEW_ROWS_SHOWN]
    # Rows of case files the user may open stand for those participants on the page: logged as listed.
    participants_shown(
        user=request.user, rows=[row for row in shown if row.registered_pk is not None], participant_id="registered_pk"
    )
    return render(
        request,
        "participants/import_preview.html",
        {
            "pending": pending,
            "form": form,
            "rows": shown,
            "total": len(rows),
            "invalid_count": len(invalid),
            "valid_count": len(rows) - len(invalid),
            "truncated": len(rows) > PREVIEW_ROWS_SHOWN,
        },
    )


@role_required(Role.COORDINATOR)
def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="platsa-anvisningar-mall.csv"'
    return response
