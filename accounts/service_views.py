"""The one shape every form page has: validate the form, call the service, say so, redirect.

A service's ValidationError is shown next to the fields it names, so a rule that only the
service can check (capacity, state) reads like any other form error and nothing is half-saved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


def attach_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def save_with_service(
    request: HttpRequest,
    form: forms.BaseForm,
    save: Callable[[dict[str, Any]], Any],
    *,
    success: Callable[[Any], str],
    redirect_to: Callable[[Any], str],
) -> HttpResponse | None:
    """On a valid POST, call `save(cleaned_data)`; return the redirect, or None to re-render the form."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        saved = save(dict(form.cleaned_data))
    except ValidationError as exc:
        attach_service_error(form, exc)
        return None
    messages.success(request, success(saved))
    return redirect(redirect_to(saved))


def id_param(value: object) -> int | None:
    """A row id from a query or form parameter: ASCII digits that fit a 64-bit key, else None.
    (str.isdigit() also accepts "²", which int() refuses, and int() refuses 5000 digits.)"""
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None
