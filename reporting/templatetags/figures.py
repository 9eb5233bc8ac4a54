"""Figures in the pages as in the reports: `{{ value|figure }}` for a count, `{{ value|figure:"percent" }}`
for a share, in the active language's number format ("1 234", "42,4 %"). A withheld figure (None)
stays None, so that `|default_if_none:"<5"` still says what it is."""

from __future__ import annotations

from django import template

from reporting.documents import figure_text

register = template.Library()


@register.filter
def figure(value: float | int | None, unit: str = "count") -> str | None:
    return None if value is None else figure_text(value, unit)
