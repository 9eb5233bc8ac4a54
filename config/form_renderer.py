"""The form renderer: Django's widget templates in their Jinja2 version, Django templates for the rest.

Django renders every widget, and every `<option>` of a select, through a template. With the Django
template language that costs about 0.1 ms an option, and the list filters' selects have hundreds (the
SSYK unit groups alone are 429): that was a third of the participant list's and half of the need list's
CPU. Django ships the same widget templates for Jinja2 (`django/forms/jinja2/`), compiled to Python and
several times faster. Templates that exist only in the Django template language, such as the admin's
widget wrappers, are taken from Django's default renderer.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class FastWidgetRenderer(Jinja2):
    @cached_property
    def django_templates(self) -> DjangoTemplates:
        return DjangoTemplates()

    def get_template(self, template_name: str) -> Any:
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self.django_templates.get_template(template_name)
