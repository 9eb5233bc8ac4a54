from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo and benchmark data. A separate app because it writes to every other app and none of
    them may import it: it sits above the whole dependency chain and never ships logic of its own."""

    name = "demo"
    verbose_name = _("Demo data")
