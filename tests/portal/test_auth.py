"""Login, logout, password reset by e-mail and password change."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse

from facturier.accounts.models import User
from facturier.audit.models import AuditEntry
from tests.factories import TechnicalUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_login_page_renders(client: Client) -> None:
    response = client.get(reverse("portal:login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert 'type="email"' in html and 'autocomplete="current-password"' in html
    assert 'for="id_username"' in html and 'for="id_password"' in html


def test_login_with_email_and_password(client: Client, user: User, password: str) -> None:
    response = client.post(
        reverse("portal:login"), {"username": "Camille@Example.test", "password": password}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert client.session[SESSION_KEY] == str(user.pk)
    home = client.get(reverse("portal:home"))
    assert "Bonjour Camille" in home.content.decode()
    assert AuditEntry.objects.filter(action="auth.login", actor=user).count() == 1


def test_login_redirects_to_next(client: Client, user: User, password: str) -> None:
    target = reverse("portal:space", kwargs={"space": "MON_COMPTE"})
    response = client.post(
        reverse("portal:login"), {"username": user.email, "password": password, "next": target}
    )
    assert response["Location"] == target


def test_wrong_password_fails(client: Client, user: User) -> None:
    response = client.post(reverse("portal:login"), {"username": user.email, "password": "not-the-password"})
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    html = response.content.decode()
    assert "Adresse e-mail ou mot de passe incorrect." in html
    assert 'role="alert"' in html


def test_technical_account_cannot_use_the_portal(client: Client, password: str) -> None:
    tech = TechnicalUserFactory()
    response = client.post(reverse("portal:login"), {"username": tech.email, "password": password})
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert "compte technique" in response.content.decode()


def test_pages_need_login(client: Client) -> None:
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login") + "?next=")


def test_logout_is_post_only(logged_client: Client) -> None:
    assert logged_client.get(reverse("portal:logout")).status_code == 405
    response = logged_client.post(reverse("portal:logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal:login")
    assert SESSION_KEY not in logged_client.session
    assert "Vous êtes déconnecté." in response.content.decode()
    assert logged_client.get(reverse("portal:home")).status_code == 302
    assert AuditEntry.objects.filter(action="auth.logout").count() == 1


def test_csrf_is_enforced_on_login(user: User, password: str) -> None:
    browser = Client(enforce_csrf_checks=True)
    refused = browser.post(reverse("portal:login"), {"username": user.email, "password": password})
    assert refused.status_code == 403
    assert "Formulaire expiré" in refused.content.decode()
    assert SESSION_KEY not in browser.session

    page = browser.get(reverse("portal:login"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    accepted = browser.post(
        reverse("portal:login"), {"username": user.email, "password": password, "csrfmiddlewaretoken": token}
    )
    assert accepted.status_code == 302
    assert browser.session[SESSION_KEY] == str(user.pk)


def _reset_link(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/mot-de-passe/reinitialisation/\S+/)", body)
    assert match, body
    return match.group(1)


def test_password_reset_by_email(client: Client, user: User) -> None:
    before = user.password_changed_at
    response = client.post(reverse("portal:password_reset"), {"email": user.email})
    assert response["Location"] == reverse("portal:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject == "facturier : choisir un nouveau mot de passe"

    link = _reset_link(message.body)
    form_page = client.get(link, follow=True)  # Django swaps the token for a session marker
    assert form_page.status_code == 200
    assert 'name="new_password1"' in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Une-phrase-de-passe-42", "new_password2": "Une-phrase-de-passe-42"},
    )
    assert done["Location"] == reverse("portal:password_reset_complete")

    user.refresh_from_db()
    assert user.check_password("Une-phrase-de-passe-42")
    assert user.password_changed_at > before
    entry = AuditEntry.objects.get(action="account.password.changed")
    assert entry.actor == user and entry.data == {"reason": "reset"}
    assert Client().login(username=user.email, password="Une-phrase-de-passe-42")
    # The link serves once.
    assert "plus valable" in client.get(link, follow=True).content.decode()


def test_password_reset_reveals_nothing_and_skips_technical_accounts(client: Client) -> None:
    tech = TechnicalUserFactory()
    for email in ("nobody@example.test", tech.email):
        response = client.post(reverse("portal:password_reset"), {"email": email})
        assert response["Location"] == reverse("portal:password_reset_done")
    assert mail.outbox == []


def test_password_reset_mail_in_the_account_language(client: Client) -> None:
    english = UserFactory(language=User.Language.EN)
    client.post(reverse("portal:password_reset"), {"email": english.email})
    assert mail.outbox[0].subject == "facturier: choose a new password"


def test_password_change(logged_client: Client, user: User, password: str) -> None:
    response = logged_client.post(
        reverse("portal:password_change"),
        {
            "old_password": password,
            "new_password1": "Autre-phrase-de-passe-7",
            "new_password2": "Autre-phrase-de-passe-7",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("portal:space", kwargs={"space": "MON_COMPTE"})
    assert "Votre mot de passe a été changé." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("Autre-phrase-de-passe-7")
    # The session survives the change (Django rotates its hash).
    assert logged_client.get(reverse("portal:home")).status_code == 200
