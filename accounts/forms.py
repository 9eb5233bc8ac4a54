"""Forms of the accounts app that Django's own views are given."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm

from .municipal_settings import site_url_for


class MunicipalPasswordResetForm(PasswordResetForm):
    """Django's reset e-mail, its link beginning with the site address of the user's municipality
    (`municipal_settings.site_url_for`; a user of none: settings.SITE_URL), never with the request's
    host: a forged Host header cannot bend the link (or the site name) in the e-mail."""

    def save(self, **kwargs: Any) -> None:  # type: ignore[override]  # takes Django's keywords and passes them on
        # Not the request's site: `send_mail` puts each user's own address in their e-mail.
        kwargs["domain_override"] = urlsplit(str(settings.SITE_URL)).netloc
        super().save(**kwargs)

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        site = urlsplit(site_url_for(context["user"].municipality))
        context = {**context, "protocol": site.scheme, "domain": site.netloc, "site_name": site.netloc}
        super().send_mail(
            subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name
        )
