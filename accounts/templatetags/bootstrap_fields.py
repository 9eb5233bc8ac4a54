"""`{{ field|bootstrap_field }}`: crispy-bootstrap5's markup for one form field, written out in Python.

crispy renders each field through a tree of Django templates (`bootstrap5/field.html` and the help and
error templates it includes), about 0.4 ms a field: the participant list's filter alone has twelve fields
on every page. This filter writes the same HTML (label, widget with crispy's classes, help text, errors,
the ARIA links Django adds) for the plain widgets, inputs and selects; anything else (check boxes,
radio buttons, files, multi-widgets, hidden fields) still goes through crispy. The widget itself is
rendered as Django renders it (config/form_renderer.py). `accounts/tests/test_bootstrap_fields.py` checks
the output against crispy's for every field of the list filters, bound and with errors."""

from __future__ import annotations

import html

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.conf import settings
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# What crispy leaves to its templates: those go through crispy unchanged.
_CRISPY_ONLY = (
    forms.CheckboxInput,
    forms.RadioSelect,
    forms.CheckboxSelectMultiple,
    forms.FileInput,
    forms.MultiWidget,
    forms.SelectDateWidget,
)


def _css_class(widget: forms.Widget, *, invalid: bool) -> str:
    """The widget's classes as crispy sets them: its own, the widget's class name (through
    CRISPY_CLASS_CONVERTERS), then Bootstrap's (`form-select` or `form-control`, `is-invalid`)."""
    name = type(widget).__name__.lower()
    name = getattr(settings, "CRISPY_CLASS_CONVERTERS", {}).get(name, name)
    css = widget.attrs.get("class", "")
    css = (css if name in css else f"{css} {name}") if css else name
    for extra in (
        "form-select" if isinstance(widget, forms.Select) else "form-control",
        "is-invalid" if invalid else "",
    ):
        if extra and extra not in css.split():
            css += f" {extra}"
    return css


@register.filter
def bootstrap_field(bound: forms.BoundField) -> SafeString:
    widget = bound.field.widget
    if bound.is_hidden or isinstance(widget, _CRISPY_ONLY) or hasattr(widget, "widget"):
        crispys: SafeString = as_crispy_field(bound)
        return crispys
    errors = bound.errors
    auto_id = bound.auto_id
    parts = [
        f'<div id="div_{html.escape(auto_id)}" class="mb-3{" " + bound.css_classes() if bound.css_classes() else ""}">'
    ]
    if bound.label:
        required = bound.field.required
        label_for = f' for="{html.escape(bound.id_for_label)}"' if bound.id_for_label else ""
        asterisk = '<span class="asteriskField">*</span>' if required else ""
        parts.append(
            f'<label{label_for} class="form-label{" requiredField" if required else ""}">'
            f"{conditional_escape(bound.label)}{asterisk}</label>"
        )
    parts.append(str(bound.as_widget(attrs={"class": _css_class(widget, invalid=bool(errors))})))
    if errors:
        parts.append(f'<div id="{html.escape(auto_id)}_error" class="invalid-feedback">')
        parts.extend(
            f'<p id="error_{n}_{html.escape(auto_id)}"><strong>{html.escape(str(error))}</strong></p>'
            for n, error in enumerate(errors, start=1)
        )
        parts.append("</div>")
    if bound.help_text:
        # Help texts are the code's own, marked safe by crispy too (`|safe`).
        parts.append(f'<div id="{html.escape(auto_id)}_helptext" class="form-text">{bound.help_text}</div>')
    parts.append("</div>")
    return mark_safe("".join(parts))  # every value escaped above; the widget is Django's own HTML
