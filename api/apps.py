"""The REST API (/api/v1/) as one app.

Why one app and not an `api.py` in each: the API is a top layer like the views, and like them it
composes several apps (a need's candidates are participants, a placement joins four apps). What
every endpoint shares (authentication, the role check, turning a form's or a service's
ValidationError into a 400, pagination, access logging of case files) lives once in `api.base`,
and the dependency rule stays simple: `api` imports the apps, no app imports `api`. Each module
here mirrors one app (participants, workplaces, supervisors, placements, reporting) and calls
that app's forms, selectors and services, never a copy of their rules.
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API")
