"""Invitation and password-reset e-mails link to the site address of the user's municipality
(accounts.municipal_settings.site_url_for), or the installation's SITE_URL for a user of none, and never
to the host the request named: a forged Host header does not reach the e-mail."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from accounts.models import User
from accounts.services import user_send_password_reset
from accounts.tests.factories import AdministratorFactory, ManagerFactory, MunicipalityFactory, RegionalManagerFactory

pytestmark = pytest.mark.django_db

BRACKE_SITE = "https://platsa.bracke.se"
INSTALLATION = "https://platsa.example.org"
FORGED = "evil.example"


def _text(message: mail.EmailMessage) -> str:
    return f"{message.subject}\n{message.body}"


def _links(message: mail.EmailMessage) -> list[str]:
    return [word for word in message.body.split() if "://" in word]


@pytest.fixture
def bracke_manager() -> User:
    bracke = MunicipalityFactory(code="2305", name="Bräcke kommun", site_url=BRACKE_SITE)
    return ManagerFactory(municipality=bracke, email="chef@bracke.example")


@override_settings(SITE_URL=INSTALLATION)
@pytest.mark.parametrize("new", [True, False], ids=["invitation", "reset"])
def test_a_link_sent_to_a_user_of_a_municipality_with_its_own_site_begins_with_it(
    bracke_manager: User, new: bool, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        user_send_password_reset(user=bracke_manager, by=AdministratorFactory(), new=new)
    path = "/accounts/welcome/" if new else "/accounts/reset/"
    assert [link.startswith(BRACKE_SITE + path) for link in _links(mail.outbox[0])] == [True]


@override_settings(SITE_URL=INSTALLATION)
def test_a_link_sent_to_a_user_of_no_municipality_or_one_without_a_site_begins_with_the_site_url(
    django_capture_on_commit_callbacks,
) -> None:
    regional, local = RegionalManagerFactory(), ManagerFactory()
    assert regional.municipality is None and local.municipality is not None and not local.municipality.site_url
    with django_capture_on_commit_callbacks(execute=True):
        user_send_password_reset(user=regional, by=AdministratorFactory(), new=True)
        user_send_password_reset(user=local, by=AdministratorFactory())
    assert [_links(message)[0].startswith(INSTALLATION + "/accounts/") for message in mail.outbox] == [True, True]


@override_settings(SITE_URL=INSTALLATION, ALLOWED_HOSTS=["*"])
def test_a_reset_asked_for_with_a_forged_host_links_to_the_users_municipality(bracke_manager: User) -> None:
    response = Client().post(reverse("password_reset"), {"email": bracke_manager.email}, HTTP_HOST=FORGED)
    assert response.status_code == 302
    (message,) = mail.outbox
    assert FORGED not in _text(message)
    assert _links(message)[0].startswith(BRACKE_SITE + "/accounts/reset/")


@override_settings(SITE_URL=INSTALLATION, ALLOWED_HOSTS=["*"])
def test_the_administrators_reset_action_and_invitation_ignore_a_forged_host(
    bracke_manager: User, django_capture_on_commit_callbacks
) -> None:
    client = Client(HTTP_HOST=FORGED)
    client.force_login(AdministratorFactory(municipality=bracke_manager.municipality))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "send_password_reset", "_selected_action": [bracke_manager.pk]},
        )
        response = client.post(
            reverse("admin:accounts_user_add"),
            {"username": "nyanstalld", "first_name": "Ny", "last_name": "Anställd", "email": "ny@example.org"},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    reset, invitation = mail.outbox
    assert _links(reset)[0].startswith(BRACKE_SITE + "/accounts/reset/")
    site = User.objects.get(username="nyanstalld").municipality
    expected = (site.site_url if site is not None and site.site_url else INSTALLATION) + "/accounts/welcome/"
    assert _links(invitation)[0].startswith(expected)
    assert all(FORGED not in _text(message) for message in mail.outbox)
