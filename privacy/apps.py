from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Data protection: retention rules (gallring) and their nightly run, the register extract for a
    subject-access request (GDPR art. 15) and erasure on request (art. 17).

    A top app, beside reporting and above placements: retention and erasure reach across
    participants, placements and the access log, and a lower app may not import a higher one
    (STYLE.md). Putting this in `participants` would make it import `placements`; putting it in
    `placements` would give that app a job that is not about placements. Nothing imports `privacy`.
    """

    name = "privacy"
    verbose_name = _("Data protection")
