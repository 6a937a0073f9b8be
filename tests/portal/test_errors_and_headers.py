"""Error pages and secure headers."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from facturier.portal.views import errors

pytestmark = pytest.mark.django_db


def test_404_page(client: Client) -> None:
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page introuvable" in html
    assert '<main id="main"' in html and 'class="skip-link"' in html


def test_404_page_in_english(client: Client) -> None:
    client.cookies["facturier_language"] = "en"
    html = client.get("/nowhere/").content.decode()
    assert '<html lang="en">' in html and "Page not found" in html


def test_403_page_keeps_the_layout(logged_client: Client) -> None:
    response = logged_client.get(reverse("portal:space", kwargs={"space": "SUIVI_FLUX"}))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Accès refusé" in html
    assert 'aria-label="Espaces"' in html  # the navigation is still there
    assert "Mon compte" in html


def test_500_page_renders_without_a_request_context(rf) -> None:
    response = errors.server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Erreur du serveur" in html
    assert "/static/portal/portal.css" in html
    assert 'name="csrfmiddlewaretoken"' not in html


@pytest.mark.parametrize("path", ["/connexion/", "/nulle-part/"])
def test_secure_headers(client: Client, path: str) -> None:
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_no_inline_script_or_style(logged_client: Client) -> None:
    html = logged_client.get(reverse("portal:home")).content.decode()
    assert "<script>" not in html and "<style" not in html and " style=" not in html
    assert '<script src="/static/portal/portal.js" defer></script>' in html


def test_flash_messages_are_announced(logged_client: Client) -> None:
    response = logged_client.post(reverse("portal:set_language"), {"language": "fr"}, follow=True)
    assert '<p class="message message--success" role="status">Votre choix de langue est enregistré.</p>' in (
        response.content.decode()
    )
