"""Bulk import of referred participants: upload, preview every row with its errors, confirm once,
then the result: the people the list registered, to hand to a coordinator."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from accounts.access import get_visible_or_404
from accounts.models import Role
from accounts.numbers import number_text
from accounts.request_types import AuthenticatedHttpRequest
from accounts.roles import role_required

from .duplicates import registered_by_identity_number
from .forms import ImportAssignForm, ImportConfirmForm, ImportUploadForm
from .importing import (
    COLUMN_ALIASES,
    COLUMNS,
    ImportFileError,
    identity_numbers,
    mark_registered,
    parse_referral_list,
    template_csv,
    template_xlsx,
)
from .models import ReferralImport
from .selectors import participants_of_import, participants_shown
from .services import AlreadyImported, participants_assign_coordinator, referral_import_confirm
from .tenancy import tenant_key

PREVIEW_PAGE_SIZE = 100  # rows of the preview on one page; errors come first
RESULT_PAGE_SIZE = 100
MAX_PENDING_UPLOADS = 5  # uploads a coordinator may keep waiting for confirmation
RECENT_IMPORTS_SHOWN = 10


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def import_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # Each upload keeps up to 10 MB of personal data until imported or discarded.
            waiting = ReferralImport.objects.filter(created_by=request.user, status=ReferralImport.Status.PENDING)
            if waiting.count() >= MAX_PENDING_UPLOADS:
                raise ImportFileError(
                    ngettext(
                        "You have %(max)s upload waiting. Import or discard it first.",
                        "You have %(max)s uploads waiting. Import or discard one of them first.",
                        MAX_PENDING_UPLOADS,
                    )
                    % {"max": MAX_PENDING_UPLOADS}
                )
            content = upload.read()
            parse_referral_list(content, upload.name)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            pending = ReferralImport.objects.create(  # type: ignore[misc]  # a coordinator has a team
                created_by=request.user,
                **tenant_key(request.user.team),
                team=request.user.team,
                filename=upload.name[:200],
                content=content,
            )
            return redirect("participants:import_preview", pk=pending.pk)
    columns = [(c, [a for a in COLUMN_ALIASES.get(c.key, ()) if a != c.header]) for c in COLUMNS]
    # The user's own lists, waiting or imported: the way back to a preview or to whom a list registered.
    recent = ReferralImport.objects.filter(created_by=request.user).order_by("-created_at")[:RECENT_IMPORTS_SHOWN]
    return render(
        request, "participants/import_upload.html", {"form": form, "columns": columns, "recent": list(recent)}
    )


def _summary(total: int, valid: int, invalid: int) -> str:
    rows = ngettext("%(count)s row", "%(count)s rows", total) % {"count": number_text(total)}
    ok = ngettext("%(count)s can be imported", "%(count)s can be imported", valid) % {"count": number_text(valid)}
    bad = ngettext("%(count)s has errors", "%(count)s have errors", invalid) % {"count": number_text(invalid)}
    return f"{rows}: {ok}, {bad}."


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def import_preview(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pending = get_visible_or_404(ReferralImport.objects.filter(created_by=request.user), pk=pk)
    if pending.status == ReferralImport.Status.IMPORTED:
        messages.info(request, _("This list was already imported."))
        return redirect("participants:import_result", pk=pending.pk)
    if request.method == "POST" and "discard" in request.POST:
        ReferralImport.objects.filter(pk=pending.pk, status=ReferralImport.Status.PENDING).delete()
        messages.info(request, _("The upload is discarded."))
        return redirect("participants:import_upload")
    try:
        parsed = parse_referral_list(bytes(pending.content), pending.filename)
    except ImportFileError as exc:  # stored before the file's bounds were checked, or since made stricter
        pending.delete()
        messages.error(request, str(exc))
        return redirect("participants:import_upload")
    rows = parsed.rows
    # The municipality's register (participants.duplicates): logged as a lookup for every person found
    # outside the user's reach.
    registered = registered_by_identity_number(user=request.user, identity_numbers=identity_numbers(rows))
    mark_registered(rows, registered)
    form = ImportConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = referral_import_confirm(
                referral_import=pending, rows=rows, by=request.user, all_or_nothing=form.cleaned_data["all_or_nothing"]
            )
        except AlreadyImported:
            if not ReferralImport.objects.filter(pk=pending.pk).exists():  # discarded in another tab meanwhile
                messages.info(request, _("The upload is discarded."))
                return redirect("participants:import_upload")
            messages.info(request, _("This list was already imported."))
            return redirect("participants:import_result", pk=pending.pk)
        except ValidationError as exc:
            form.add_error(None, exc)
            if exc.code == "registered_meanwhile":  # the rows now in the register are shown as such
                mark_registered(
                    rows, registered_by_identity_number(user=request.user, identity_numbers=identity_numbers(rows))
                )
        else:
            created = ngettext(
                "%(count)s participant is registered.", "%(count)s participants are registered.", result.created
            ) % {"count": number_text(result.created)}
            skipped = ngettext("%(count)s row was skipped.", "%(count)s rows were skipped.", result.skipped) % {
                "count": number_text(result.skipped)
            }
            messages.success(request, f"{created} {skipped}")
            return redirect("participants:import_result", pk=pending.pk)
    invalid_count = sum(1 for row in rows if not row.valid)
    # Every row, errors first, a page at a time.
    ordered = sorted(rows, key=lambda row: (row.valid, row.line))
    page = Paginator(ordered, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    # Rows of case files the user may open stand for those participants on the page: logged as listed.
    participants_shown(
        user=request.user,
        rows=[row for row in page.object_list if row.registered_pk is not None],
        participant_id="registered_pk",
    )
    return render(
        request,
        "participants/import_preview.html",
        {
            "pending": pending,
            "form": form,
            "page": page,
            "rows": page.object_list,
            "summary": _summary(len(rows), len(rows) - invalid_count, invalid_count),
            "total": len(rows),
            "invalid_count": invalid_count,
            "valid_count": len(rows) - invalid_count,
            "ignored_columns": parsed.ignored_columns,
        },
    )


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def import_result(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The people an imported list registered (those still in the user's reach), with a bulk
    "assign to coordinator"."""
    done = get_visible_or_404(
        ReferralImport.objects.filter(created_by=request.user, status=ReferralImport.Status.IMPORTED), pk=pk
    )
    imported = participants_of_import(user=request.user, referral_import=done)
    form = ImportAssignForm(request.POST or None, user=request.user, participants=imported)
    if request.method == "POST" and form.is_valid():
        chosen = imported if form.cleaned_data["everyone"] else form.cleaned_data["participants"]
        try:
            count = participants_assign_coordinator(
                participant_ids=list(chosen.values_list("pk", flat=True)),
                coordinator=form.cleaned_data["coordinator"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s participant now has %(coordinator)s as coordinator.",
                    "%(count)s participants now have %(coordinator)s as coordinator.",
                    count,
                )
                % {"count": number_text(count), "coordinator": form.cleaned_data["coordinator"]},
            )
            return redirect(request.get_full_path())
    page = Paginator(imported, RESULT_PAGE_SIZE).get_page(request.GET.get("page"))
    shown = participants_shown(user=request.user, rows=page.object_list)
    return render(
        request,
        "participants/import_result.html",
        {"done": done, "form": form, "page": page, "participants": shown, "total": page.paginator.count},
    )


@role_required(Role.COORDINATOR)
def import_template(request: HttpRequest) -> HttpResponse:
    """The template as Swedish Excel reads CSV: `;`, CRLF and a UTF-8 byte-order mark."""
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="platsa-anvisningar-mall.csv"'
    return response


@role_required(Role.COORDINATOR)
def import_template_xlsx(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        template_xlsx(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="platsa-anvisningar-mall.xlsx"'
    return response
