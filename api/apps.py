"""The REST API (/api/v1/) as one app.

Why one app and not an `api.py` in each: the API is a top layer like the views, and like them it
composes several apps (a need's candidates are participants, a placement joins four apps). What
every endpoint shares (authentication, the role check, turning a form's or a service's
ValidationError into a 400, pagination, access logging of case files) lives once in `api.base`,
and the dependency rule stays simple: `api` imports the apps, no app imports `api`. Each module
here mirrors one app (participants, workplaces, supervisors, placements, reporting) and calls
that app's forms, selectors and services, never a copy of their rules.
"""

from typing import Any

from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_cache_tables(*, using: str, **kwargs: Any) -> None:
    """The database cache the API ceiling counts in without Redis (settings.API_THROTTLE_CACHE): made
    by every `migrate`, so no deployment step can forget it. Existing tables are left as they are.
    Django sends post_migrate per app with models, and this app has none: it runs for each (cheap)."""
    call_command("createcachetable", database=using, verbosity=0)


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        post_migrate.connect(create_cache_tables, dispatch_uid="api.create_cache_tables")
