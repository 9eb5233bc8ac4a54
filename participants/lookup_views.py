"""Exact identity-number lookup across the municipality's register, and break-glass access outside the team.

The lookup searches the user's own municipality only, through the one check of who is registered
(participants.duplicates, as the intake form, the API and the import do): of another municipality's
case files it tells nothing, not even that the person is registered there (the same person may have
a case file in each: identity numbers are unique per municipality), and break-glass, which starts
from a hit, stays within the municipality too (accounts.access.identity_lookup_scope).

The lookup exists so that no one is registered twice: it answers whether a person is registered
and by which team, and is logged. Opening the case file of another team's participant needs a
stated reason; it is logged and flagged for the log review (accounts.services.break_glass_open).

Break-glass starts from a lookup hit, never from a record number: the hit carries a signed ticket
(this user, this participant, valid a few minutes) and the break-glass form takes only that. A
missing, forged, expired or someone else's ticket, and a record gone since, get one and the same
answer, so the form tells nothing about which record numbers exist."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import identity_lookup_scope
from accounts.access_log import log_access
from accounts.models import AccessAction, Role, User
from accounts.request_types import AuthenticatedHttpRequest
from accounts.roles import role_required
from accounts.service_views import attach_service_error
from accounts.services import break_glass_open

from .duplicates import registered_by_identity_number
from .identity import normalize_identity_number
from .models import Participant


class LookupForm(forms.Form):
    identity_number = forms.CharField(label=gettext_lazy("Personal identity number"), max_length=13)

    def clean_identity_number(self) -> str:
        return normalize_identity_number(self.cleaned_data["identity_number"])


class BreakGlassForm(forms.Form):
    ticket = forms.CharField(widget=forms.HiddenInput, max_length=200)
    reason = forms.CharField(
        label=gettext_lazy("Why do you need to open this case file?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


TICKET_SALT = "participants.break-glass"
TICKET_MINUTES = 15


def break_glass_ticket(*, user: User, participant: Participant) -> str:
    """The signed ticket a lookup hit outside the team carries to the break-glass form."""
    return signing.dumps({"user": user.pk, "participant": participant.pk}, salt=TICKET_SALT, compress=True)


def participant_of_ticket(*, user: User, ticket: object) -> Participant | None:
    """The participant the user looked up, if the ticket is theirs, recent and the record still there."""
    try:
        data = signing.loads(str(ticket), salt=TICKET_SALT, max_age=dt.timedelta(minutes=TICKET_MINUTES))
    except signing.BadSignature:  # also expired (SignatureExpired is a BadSignature)
        return None
    if not isinstance(data, dict) or data.get("user") != user.pk or not isinstance(data.get("participant"), int):
        return None
    return (
        Participant.objects.select_related("team")
        .filter(identity_lookup_scope(user), pk=data["participant"], pseudonymised_at__isnull=True)
        .first()
    )


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def lookup(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = LookupForm(request.POST or None)
    found = visible = None
    glass = None
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["identity_number"]
        # The one check of who is registered, in the user's municipality only; it logs a hit outside
        # the user's reach as a lookup, and the lookup logs the user's own hit too.
        hit = registered_by_identity_number(user=request.user, identity_numbers=[number]).get(number)
        if hit is not None:
            found = Participant.objects.select_related("team").get(pk=hit.pk)
            visible = hit.visible
            if visible:
                log_access(user=request.user, participant_ids=[found.pk], action=AccessAction.LOOKUP)
            else:
                glass = BreakGlassForm(initial={"ticket": break_glass_ticket(user=request.user, participant=found)})
    return _lookup_page(request, form=form, found=found, visible=visible, glass=glass)


def _lookup_page(
    request: HttpRequest,
    *,
    form: LookupForm,
    found: Participant | None,
    visible: bool | None,
    glass: BreakGlassForm | None,
) -> HttpResponse:
    return render(
        request,
        "participants/lookup.html",
        {
            "form": form,
            "found": found,
            "visible": visible,
            "searched": found is not None or (form.is_bound and form.is_valid()),
            "glass": glass,
        },
    )


@role_required(Role.COORDINATOR)
@require_POST
def break_glass(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = BreakGlassForm(request.POST)
    participant = participant_of_ticket(user=request.user, ticket=request.POST.get("ticket", ""))
    if participant is None:
        # One answer for every ticket that does not lead to a record: no oracle of record numbers.
        messages.error(request, _("Look the person up again to open the case file."))
        return redirect("participants:lookup")
    if form.is_valid():
        try:
            break_glass_open(user=request.user, participant_id=participant.pk, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            attach_service_error(form, exc)
        else:
            messages.warning(request, _("Opened outside your team. The opening and its reason are logged for review."))
            return redirect("participants:detail", pk=participant.pk)
    # The lookup's answer again, with the reason's error next to it.
    return _lookup_page(request, form=LookupForm(), found=participant, visible=False, glass=form)
