"""The invitation's page speaks of choosing a first password; a reset asked for still speaks of resetting."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.services import user_send_password_reset
from accounts.tests.factories import AdministratorFactory, ManagerFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Handledning-2026!"


def _link(body: object) -> str:
    found = re.search(r"https?://[^/\s]+(/\S+)", str(body))
    assert found is not None, body
    return found[1]


def test_the_invitation_link_opens_a_page_to_choose_a_password(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    user = ManagerFactory(email="ny@example.org")
    user.set_unusable_password()
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        user_send_password_reset(user=user, by=AdministratorFactory(), new=True)
    link = _link(mail.outbox[0].body)
    assert link.startswith("/accounts/welcome/")
    response = client.get(link, follow=True)
    page = response.content.decode()
    assert "<title>Välj lösenord" in page and "<h1" in page and "Välj lösenord</h1>" in page
    assert "Ange nytt lösenord" not in page and "återställ" not in page.split("<main", 1)[-1].lower()
    assert response.redirect_chain[-1][0].startswith("/accounts/welcome/")  # the token left the URL
    response = client.post(
        response.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD}, follow=True
    )
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert "Ditt lösenord är valt" in response.content.decode()


def test_a_used_invitation_link_says_so_and_offers_a_reset(client: Client, django_capture_on_commit_callbacks) -> None:
    user = ManagerFactory()
    user.set_unusable_password()
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        user_send_password_reset(user=user, by=AdministratorFactory(), new=True)
    link = _link(mail.outbox[0].body)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    page = Client().get(link, follow=True).content.decode()
    assert "Länken är ogiltig" in page and reverse("password_reset") in page


def test_a_reset_asked_for_on_the_login_page_still_speaks_of_a_new_password(client: Client) -> None:
    user = ManagerFactory(email="glomsk@example.org")
    client.post(reverse("password_reset"), {"email": "glomsk@example.org"})
    link = _link(mail.outbox[0].body)
    assert link.startswith("/accounts/reset/")
    response = client.get(link, follow=True)
    page = response.content.decode()
    assert "Ange nytt lösenord" in page and "Välj lösenord" not in page
    client.post(response.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD})
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_reset_link_sent_by_an_administrator_to_an_existing_account_is_a_reset(
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        user_send_password_reset(user=ManagerFactory(), by=AdministratorFactory())
    assert _link(mail.outbox[0].body).startswith("/accounts/reset/")
