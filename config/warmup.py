"""Work every web process would otherwise do on its first requests, done once when the app is loaded.

Django imports the URLconf (and with it every view module: WeasyPrint, SciPy, openpyxl, DRF) on the
first request, and loads the translation catalogues and compiles each template on first use. Under
gunicorn that lands on the first requests each worker serves, seconds of CPU while users log in. Done
when `config.wsgi` is imported, it runs once in gunicorn's master with `--preload` (the workers inherit
the result when they fork) or once per worker at its start without it. No database access: a
connection opened before the fork would be shared by the workers.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.forms.renderers import get_default_renderer
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template
from django.urls import get_resolver
from django.utils import translation

logger = logging.getLogger(__name__)

# Templates of other packages that most pages render, besides the project's own (all of templates/).
PACKAGE_TEMPLATES = (
    settings.DJANGO_TABLES2_TEMPLATE,
    "django_tables2/bootstrap5.html",
    "bootstrap5/field.html",
    "bootstrap5/layout/help_text_and_errors.html",
)
# Form widgets are rendered by the form renderer's own template engine (config/form_renderer.py).
WIDGET_TEMPLATES = (
    "django/forms/widgets/select.html",
    "django/forms/widgets/select_option.html",
    "django/forms/widgets/input.html",
    "django/forms/widgets/text.html",
    "django/forms/widgets/number.html",
    "django/forms/widgets/textarea.html",
    "django/forms/widgets/checkbox.html",
    "django/forms/widgets/date.html",
)


def warm_up() -> int:
    """Import the URLconf, load every language's catalogue and compile the templates. Returns how many
    templates were compiled."""
    get_resolver().url_patterns  # noqa: B018  (the property imports the URLconf and every included module)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):  # activating a language loads (and caches) its catalogues
            pass
    renderer = get_default_renderer()
    loads = [(get_template, name) for name in [*_project_templates(), *PACKAGE_TEMPLATES]]
    loads += [(renderer.get_template, name) for name in WIDGET_TEMPLATES]  # type: ignore[misc]  # both loaders take a template name
    compiled = 0
    for load, name in loads:
        try:
            load(name)
        except (TemplateDoesNotExist, TemplateSyntaxError):
            logger.warning("warm-up: template %s could not be compiled", name)
            continue
        compiled += 1
    return compiled


def _project_templates() -> list[str]:
    names = []
    for directory in settings.TEMPLATES[0]["DIRS"]:  # type: ignore[attr-defined]  # DIRS is a list
        root = Path(directory)
        names += sorted(str(path.relative_to(root)) for path in root.rglob("*.html"))
    return names
