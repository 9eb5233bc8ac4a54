"""Account pages of the user's own."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import PasswordResetConfirmView
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from .access_log import log_review, previous_month, review_sign_off, review_signed, reviews_a_log
from .models import Role
from .request_types import AuthenticatedHttpRequest
from .roles import role_required
from .services import user_log_out_everywhere


class ChoosePasswordView(PasswordResetConfirmView):
    """The page an invitation links to (a new account, a supervisor's login): Django's reset page,
    with its one-time token and its password rules, that speaks of choosing a first password, not
    of resetting one. A reset asked for on the login page still lands on Django's own page."""

    template_name = "registration/password_choose.html"
    title = gettext_lazy("Choose a password")
    success_url = reverse_lazy("login")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:  # type: ignore[type-arg]  # any user model
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is chosen. Log in with it now."))
        return response


@require_POST
def log_out_everywhere(request: AuthenticatedHttpRequest) -> HttpResponse:
    user_log_out_everywhere(user=request.user)
    logout(request)
    return redirect("login")


class SignOffForm(forms.Form):
    notes = forms.CharField(label=gettext_lazy("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


def _month_param(text: str, *, latest: dt.date) -> dt.date | None:
    """The first day of the month asked for as YYYY-MM, if it lies between 2000-01 and `latest`.
    A month out of range would overflow the date arithmetic of the review (9999-12 has no next month)."""
    try:
        month = dt.date.fromisoformat(f"{text}-01")
    except ValueError:
        return None
    return month if dt.date(2000, 1, 1) <= month <= latest else None


@role_required(Role.ADMINISTRATOR)
@require_http_methods(["GET", "POST"])
def access_log_review(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The monthly access-log review, with the reviewer's sign-off."""
    if not reviews_a_log(request.user):
        raise Http404
    today = timezone.localdate()
    last_month = previous_month(today)
    month = _month_param(request.GET.get("month", ""), latest=today.replace(day=1)) or last_month
    signed = review_signed(month=month, user=request.user)
    form = SignOffForm(request.POST or None)
    if request.method == "POST" and signed is None and form.is_valid():
        review_sign_off(month=month, user=request.user, notes=form.cleaned_data["notes"])
        messages.success(request, _("The review of %(month)s is signed off.") % {"month": f"{month:%Y-%m}"})
        return redirect(f"{reverse('access_log_review')}?month={month:%Y-%m}")
    return render(
        request,
        "accounts/log_review.html",
        {"review": log_review(month=month, user=request.user), "signed": signed, "form": form, "month": month},
    )
