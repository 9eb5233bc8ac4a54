"""What every endpoint shares: the role check, input validated by the UI's own forms, service
errors as 400s, pagination, filtering with the user, and no login redirect for API clients.

Input goes through the same Django form as the page that does the same thing, so the rules and
the (translated) messages are one set. JSON is turned into what a browser would post (strings,
lists of strings) before the form sees it: a form fed a number or an object where it expects
text would otherwise fail in ways no browser can make it fail.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import QueryDict
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.viewsets import GenericViewSet

from accounts import tenancy
from accounts.models import Role

if TYPE_CHECKING:
    from rest_framework.permissions import _PermissionClass

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY
T = TypeVar("T")


# --- Roles -----------------------------------------------------------------------------------


class HasRole(permissions.BasePermission):
    """The roles a view lets in, as the pages do with `role_required`: `read_roles` for GET,
    `write_roles` for everything else. Superusers (system administration) pass, as on the pages.
    Which objects a user may reach is decided by the querysets (`.visible_to(user)`)."""

    message = _("Your role gives no access to this part of the API.")

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if user.is_superuser:
            return True
        roles = view.read_roles if request.method in permissions.SAFE_METHODS else view.write_roles
        return bool(set(roles) & user.roles)


class ApiViewMixin:
    """API views answer anonymous clients 401 themselves (DRF), so the login-redirect middleware
    lets them through; `HasRole` and the default IsAuthenticated still refuse them."""

    read_roles: ClassVar[frozenset[Role]] = frozenset({Role.COORDINATOR})
    write_roles: ClassVar[frozenset[Role]] = frozenset({Role.COORDINATOR})
    permission_classes: Sequence[_PermissionClass] = [permissions.IsAuthenticated, HasRole]

    @classmethod
    def as_view(cls, *args: Any, **kwargs: Any) -> Any:
        return login_not_required(super().as_view(*args, **kwargs))  # type: ignore[misc]  # a mixin: the view has as_view

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # The token is read here, after the middleware bound the request to an anonymous user's
        # nothing: from now on the database reads as the token's user (accounts.tenancy).
        super().initial(request, *args, **kwargs)  # type: ignore[misc]  # a mixin: the view has initial
        tenancy.narrow_to_user(request.user)


class ApiViewSet(ApiViewMixin, GenericViewSet):
    pass


def logged_list(view: GenericViewSet, shown: Callable[..., list[Any]]) -> Response:
    """A list answer whose rows are logged through `shown`, the selector for those rows
    (participants.selectors.participants_shown or one built on it)."""
    queryset = view.filter_queryset(view.get_queryset())
    page = view.paginate_queryset(queryset)
    rows = shown(user=view.request.user, rows=page if page is not None else queryset)
    data = view.get_serializer(rows, many=True).data
    return view.get_paginated_response(data) if page is not None else Response(data)


# --- Errors ------------------------------------------------------------------------------------


def _messages(errors: Iterable[Any]) -> list[str]:
    # Form messages may carry a link for the page (a duplicate's profile); an API client gets text.
    return [strip_tags(str(message)) for message in errors]


def error_dict(error: DjangoValidationError, fields: Iterable[str] = ()) -> dict[str, list[str]]:
    """A service's ValidationError as field errors; errors about fields the input has not go to
    non_field_errors, as `attach_service_error` puts them at the top of the form."""
    known = set(fields)
    result: dict[str, list[str]] = {}
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            key = field if field in known else NON_FIELD
            result.setdefault(key, []).extend(_messages(DjangoValidationError(errors).messages))
    else:
        result[NON_FIELD] = _messages(error.messages)
    return result


def form_errors(form: forms.BaseForm) -> dict[str, list[str]]:
    return {(NON_FIELD if name == "__all__" else name): _messages(errors) for name, errors in form.errors.items()}


def call_service(call: Callable[[], T], *, fields: Iterable[str] = ()) -> T:
    """Run a service; its ValidationError becomes a 400 with field errors."""
    try:
        return call()
    except DjangoValidationError as exc:
        raise serializers.ValidationError(error_dict(exc, fields)) from exc


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus a Django ValidationError that escaped a view: a 400, never a 500; and the
    throttle's message in one language (DRF's Swedish catalogue leaves its second sentence English)."""
    if isinstance(exc, DjangoValidationError):
        return Response(error_dict(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Throttled) and exc.wait is not None:  # type: ignore[attr-defined]  # DRF sets wait; its stubs leave it out
        seconds = math.ceil(exc.wait)  # type: ignore[attr-defined]  # DRF sets wait; its stubs leave it out
        message = ngettext(
            "Too many requests. Try again in %(seconds)d second.",
            "Too many requests. Try again in %(seconds)d seconds.",
            seconds,
        )
        exc = Throttled(detail=message % {"seconds": seconds})  # without `wait`, which adds DRF's sentence
        exc.wait = seconds  # type: ignore[attr-defined]  # for the Retry-After header
    return drf_exception_handler(exc, context)


# --- Input through the UI's forms --------------------------------------------------------------


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    return str(value)


def as_form_data(data: Mapping[str, Any], prefix: str = "") -> QueryDict:
    """JSON as a browser would post it: a list becomes repeated values, everything else text."""
    posted = QueryDict(mutable=True)
    for key, value in data.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        posted.setlist(f"{prefix}{key}", [_as_text(v) for v in values])
    return posted


def form_values(form: forms.BaseForm) -> dict[str, Any]:
    """What the form shows for an existing object: the base a partial update (PATCH) starts from."""
    return {name: form[name].value() for name in form.fields}


def require_object(data: Any) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise serializers.ValidationError({NON_FIELD: [str(_("Send a JSON object."))]})
    return data


class FormInput(serializers.Serializer):
    """Input validated by a Django form of the UI. The declared fields document the input in the
    schema; the form decides what is valid and says what is wrong."""

    form_class: ClassVar[type[forms.BaseForm]]

    def form_kwargs(self) -> dict[str, Any]:
        return dict(self.context.get("form_kwargs", {}))

    def base_values(self) -> dict[str, Any]:
        """For a partial update: the current values, which the sent ones replace."""
        return dict(self.context.get("base_values", {}))

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        data = require_object(data)
        merged = {**self.base_values(), **{k: v for k, v in data.items() if k in self.fields}}
        form = self.form_class(data=as_form_data(merged), **self.form_kwargs())
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form))
        self.form = form
        return dict(form.cleaned_data)


def field_for(form_field: forms.Field) -> serializers.Field:
    """The schema's description of a form field (documentation only; the form validates)."""
    common: dict[str, Any] = {"required": form_field.required, "help_text": str(form_field.help_text) or None}
    if not form_field.required:
        common["allow_null"] = True
    label = str(form_field.label) if form_field.label else None
    common["label"] = label
    if isinstance(form_field, forms.ModelMultipleChoiceField):
        child = _pk_field(form_field.queryset.model)  # type: ignore[union-attr]  # a model choice field has a queryset
        return serializers.ListField(child=child, **common)
    if isinstance(form_field, forms.ModelChoiceField):
        pk = form_field.queryset.model._meta.pk  # type: ignore[union-attr]  # a model choice field has a queryset
        if isinstance(pk, (models.CharField, models.TextField)):
            return serializers.CharField(**common)
        return serializers.IntegerField(**common)
    if isinstance(form_field, forms.TypedChoiceField) and form_field.coerce is int:
        return serializers.ChoiceField(choices=_choices(form_field), **common)
    if isinstance(form_field, forms.ChoiceField):
        return serializers.ChoiceField(choices=_choices(form_field), allow_blank=not form_field.required, **common)
    if isinstance(form_field, forms.BooleanField):
        common.pop("allow_null", None)
        return serializers.BooleanField(**{**common, "required": False})
    if isinstance(form_field, forms.DateField):
        return serializers.DateField(**common)
    if isinstance(form_field, forms.DateTimeField):
        return serializers.DateTimeField(**common)
    if isinstance(form_field, forms.DecimalField):
        return serializers.DecimalField(
            max_digits=form_field.max_digits or 10,
            decimal_places=form_field.decimal_places or 2,
            coerce_to_string=True,
            **common,
        )
    if isinstance(form_field, forms.IntegerField):
        return serializers.IntegerField(min_value=form_field.min_value, max_value=form_field.max_value, **common)  # type: ignore[arg-type]  # None: no bound
    if isinstance(form_field, forms.EmailField):
        return serializers.EmailField(allow_blank=not form_field.required, **common)
    max_length = getattr(form_field, "max_length", None)
    return serializers.CharField(allow_blank=not form_field.required, max_length=max_length, **common)  # type: ignore[arg-type]  # None: no bound


def _choices(form_field: forms.ChoiceField) -> list[tuple[Any, Any]]:
    # With their labels, so the schema names one enum for the form's field and the model's.
    return [(value, label) for value, label in form_field.choices if value != ""]  # type: ignore[misc, union-attr]  # choices are pairs by now


def _pk_field(model: type[models.Model]) -> serializers.Field:
    pk = model._meta.pk
    if isinstance(pk, (models.CharField, models.TextField)):
        return serializers.CharField()
    return serializers.IntegerField()


def form_input(
    form_class: type[forms.BaseForm],
    name: str,
    *,
    exclude: Iterable[str] = (),
    extra: Mapping[str, serializers.Field] | None = None,
) -> type[FormInput]:
    """A FormInput for `form_class`, with one documented field per form field."""
    skipped = set(exclude)
    attrs: dict[str, Any] = {
        field_name: field_for(field)
        for field_name, field in form_class.base_fields.items()  # type: ignore[attr-defined]  # set by the form metaclass
        if field_name not in skipped
    }
    attrs.update(extra or {})
    attrs["form_class"] = form_class
    attrs["__module__"] = __name__
    return type(name, (FormInput,), attrs)


class Problem(serializers.Serializer):
    """A 4xx answer without field errors."""

    detail = serializers.CharField()


def validate_input(
    request: Request,
    input_class: type[FormInput],
    *,
    instance: models.Model | None = None,
    partial: bool = False,
    form_kwargs: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The request's data through the form of `input_class`; a PATCH starts from the current values."""
    kwargs = dict(form_kwargs or {})
    if instance is not None:
        kwargs["instance"] = instance
    base = form_values(input_class.form_class(**kwargs)) if partial else {}
    serializer = input_class(data=request.data, context={"form_kwargs": kwargs, "base_values": base})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def pick_visible(queryset: models.QuerySet, value: Any, *, field: str) -> Any:
    """A related object named in the input, from the user's visible queryset; else a 400 on `field`."""
    text = str(value if value is not None else "").strip()
    found = queryset.filter(pk=int(text)).first() if text.isdigit() and int(text) < 2**63 else None
    if found is None:
        message = forms.ModelChoiceField.default_error_messages["invalid_choice"]
        raise serializers.ValidationError({field: [str(message)]})
    return found
