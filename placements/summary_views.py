"""The coordinator's pages for the participant's placement summary ("Din praktik"): see it in a
language (the case file's by default), download or print its one-page PDF, and say what to bring.
The language is in the query (not personal); every read is logged as a view of the case file."""

from __future__ import annotations

import hashlib

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.request_types import AuthenticatedHttpRequest
from accounts.roles import role_required
from accounts.service_views import save_with_service
from participants.models import InformationLanguage, TextMessageFailure
from participants.text_messages import participant_sms_send, sms_refusal

from . import services
from .models import Placement
from .selectors import placement_for_view
from .signing_views import pdf_response
from .summary import SUMMARY_STATUSES, catalogue_review, summaries_for, summary_language, summary_pdf, summary_sms_text

coordinator_only = role_required(Role.COORDINATOR)


class FirstDayNotesForm(forms.Form):
    notes = forms.CharField(
        label=gettext_lazy("What to bring"),
        max_length=services.FIRST_DAY_NOTES_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Shown as written in every language: write it in easy Swedish (for example “Work shoes and lunch”)."
        ),
    )


def _summary_placement(request: AuthenticatedHttpRequest, pk: int) -> Placement:
    placement = placement_for_view(user=request.user, pk=pk)
    if placement.status not in SUMMARY_STATUSES:
        raise Http404
    return placement


def _language(request: AuthenticatedHttpRequest, placement: Placement) -> str:
    return summary_language(request.GET.get("language"), default=placement.participant.information_language)


def _page(request: AuthenticatedHttpRequest, placement: Placement, form: FirstDayNotesForm) -> HttpResponse:
    refusal = sms_refusal(participant=placement.participant)
    language = _language(request, placement)
    return render(
        request,
        "placements/summary/summary_page.html",
        {
            "placement": placement,
            "summaries": summaries_for(placement=placement, language=language),
            "language": language,
            "language_label": InformationLanguage(language).label,
            "languages": InformationLanguage.choices,
            "case_file_language": placement.participant.information_language,
            "notes_form": form,
            # The SMS goes in the case file's language, whichever the page shows.
            "sms_text": summary_sms_text(placement=placement, language=placement.participant.information_language),
            "sms_refusal": refusal,
            "no_sms_consent": refusal == TextMessageFailure.NO_CONSENT,
            "sms_review": catalogue_review(language=placement.participant.information_language),
            "sms_language_label": placement.participant.get_information_language_display(),
        },
    )


@coordinator_only
def summary_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    placement = _summary_placement(request, pk)
    return _page(request, placement, FirstDayNotesForm(initial={"notes": placement.first_day_notes}))


@coordinator_only
def summary_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    placement = _summary_placement(request, pk)
    language = _language(request, placement)
    return pdf_response(
        summary_pdf(placement=placement, language=language),
        f"din-praktik-{placement.pk}-{language}.pdf",
        inline=request.GET.get("inline") == "1",
    )


@coordinator_only
@require_POST
def summary_notes(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    placement = _summary_placement(request, pk)
    form = FirstDayNotesForm(request.POST)
    done = save_with_service(
        request,
        form,
        lambda data: services.placement_set_first_day_notes(placement=placement, notes=data["notes"], by=request.user),
        success=lambda _saved: _("What to bring is saved."),
        redirect_to=lambda saved: (
            reverse("placements:summary", args=[saved.pk]) + f"?language={_language(request, saved)}"
        ),
    )
    return done or _page(request, placement, form)


@coordinator_only
@require_POST
def summary_sms(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Send the summary's SMS text to the participant, in the case file's language: queued, and only
    with their consent and a mobile number (participants.text_messages says so, and logs the send)."""
    started = timezone.now()
    placement = _summary_placement(request, pk)
    participant = placement.participant
    text = summary_sms_text(placement=placement, language=participant.information_language)
    # The same text once a day: a double click, or a post sent again, queues no second message.
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    key = f"summary:{placement.pk}:{timezone.localdate().isoformat()}:{digest}"
    try:
        message = participant_sms_send(participant=participant, text=text, by=request.user, key=key)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if message.created_by_id == request.user.pk and message.created_at >= started:
            messages.success(request, _("The summary is on its way to the participant by SMS."))
        else:
            messages.info(request, _("This summary was already sent by SMS today; it is not sent again."))
    return redirect(reverse("placements:summary", args=[placement.pk]) + f"?language={_language(request, placement)}")
