"""Exact identity-number lookup across the whole register, and break-glass access outside the team.

The lookup exists so that no one is registered twice: it answers whether a person is registered
and by which team, and is logged. Opening the case file of another team's participant needs a
stated reason; it is logged and flagged for the log review (accounts.services.break_glass_open)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access_log import log_access
from accounts.models import AccessAction, Role
from accounts.request_types import AuthenticatedHttpRequest
from accounts.roles import role_required
from accounts.services import break_glass_open

from .identity import normalize_identity_number
from .models import Participant


class LookupForm(forms.Form):
    identity_number = forms.CharField(label=gettext_lazy("Personal identity number"), max_length=13)

    def clean_identity_number(self) -> str:
        return normalize_identity_number(self.cleaned_data["identity_number"])


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why do you need to open this case file?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def lookup(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = LookupForm(request.POST or None)
    found = visible = None
    if request.method == "POST" and form.is_valid():
        found = (
            Participant.objects.select_related("team")
            .filter(identity_number=form.cleaned_data["identity_number"])
            .first()
        )
        if found is not None:
            log_access(user=request.user, participant_ids=[found.pk], action=AccessAction.LOOKUP)
            visible = Participant.objects.visible_to(request.user).filter(pk=found.pk).exists()
    return render(
        request,
        "participants/lookup.html",
        {
            "form": form,
            "found": found,
            "visible": visible,
            "searched": request.method == "POST" and form.is_valid(),
            "glass": BreakGlassForm(),
        },
    )


@role_required(Role.COORDINATOR)
@require_POST
def break_glass(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participant = Participant.objects.filter(pk=pk).first()
    if participant is None:
        raise Http404
    form = BreakGlassForm(request.POST)
    if form.is_valid():
        try:
            break_glass_open(user=request.user, participant_id=participant.pk, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("participants:lookup")
        messages.warning(request, _("Opened outside your team. The opening and its reason are logged for review."))
        return redirect("participants:detail", pk=participant.pk)
    messages.error(request, _("State the reason (at least ten characters)."))
    return redirect("participants:lookup")
