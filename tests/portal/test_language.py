"""French by default, English on request; the choice is remembered."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from facturier.accounts.models import User

pytestmark = pytest.mark.django_db


def test_french_by_default(client: Client) -> None:
    response = client.get(reverse("portal:login"))
    assert '<html lang="fr">' in response.content.decode()
    assert response["Content-Language"] == "fr"


def test_switch_is_stored_on_the_user_and_applied_next_request(logged_client: Client, user: User) -> None:
    account = reverse("portal:space", kwargs={"space": "MON_COMPTE"})
    response = logged_client.post(reverse("portal:set_language"), {"language": "en", "next": account})
    assert response.status_code == 302
    assert response["Location"] == account
    user.refresh_from_db()
    assert user.language == "en"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    page = logged_client.get(account).content.decode()
    assert '<html lang="en">' in page
    assert "My account" in page and "Log out" in page
    assert "Your language choice has been saved." in page


def test_user_language_wins_over_a_stale_cookie(client: Client, user: User) -> None:
    user.language = "en"
    user.save(update_fields=["language"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    client.force_login(user)
    assert '<html lang="en">' in client.get(reverse("portal:home")).content.decode()


def test_anonymous_choice_goes_to_the_cookie(client: Client) -> None:
    response = client.post(
        reverse("portal:set_language"), {"language": "en", "next": reverse("portal:login")}
    )
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get(reverse("portal:login")).content.decode()
    assert '<html lang="en">' in page
    assert "Log in" in page and "Forgot your password?" in page


def test_unknown_language_and_foreign_next_are_refused(logged_client: Client, user: User) -> None:
    response = logged_client.post(
        reverse("portal:set_language"), {"language": "de", "next": "https://evil.test/"}
    )
    assert response["Location"] == reverse("portal:home")
    user.refresh_from_db()
    assert user.language == "fr"
    response = logged_client.post(
        reverse("portal:set_language"), {"language": "en", "next": "https://evil.test/"}
    )
    assert response["Location"] == reverse("portal:home")


def test_language_switch_is_post_only(client: Client) -> None:
    assert client.get(reverse("portal:set_language")).status_code == 405
