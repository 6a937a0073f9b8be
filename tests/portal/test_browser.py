"""A real browser through the real pages: log in, switch to English, check, screenshot.

Drives Debian's chromium (/usr/bin/chromium) with Playwright; a browser is never downloaded.
Without chromium the test fails under CI=true and is skipped elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test
# itself (creating the user) would otherwise be refused as "async unsafe".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from facturier.structures.models import Role  # noqa: E402
from facturier.structures.spaces import Space, SpaceMode  # noqa: E402
from tests.browser import chromium  # noqa: E402, F401
from tests.factories import PASSWORD, AttachmentFactory, StructureFactory, SubscriptionFactory, UserFactory  # noqa: E402

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser(chromium: Any) -> Any:
    return chromium


def test_login_switch_to_english_and_screenshot(
    browser, live_server, transactional_db, artifacts: Path
) -> None:
    from playwright.sync_api import expect

    user = UserFactory(email="camille@example.test", first_name="Camille", last_name="Martin")
    structure = StructureFactory(name="Au Diapason", identifier="89123456900012")
    AttachmentFactory(user=user, structure=structure, role=Role.PRINCIPAL_MANAGER)
    SubscriptionFactory(
        user=user, structure=structure, space=Space.FACTURES_EMISES, mode=SpaceMode.MODIFICATION
    )
    SubscriptionFactory(user=user, structure=structure, space=Space.SUIVI_FLUX)

    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        # 1. Log in through the real login page.
        page.goto(f"{live_server.url}/connexion/")
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        page.get_by_label("Adresse e-mail").fill(user.email)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Camille")

        # 2. Switch to English with the picker in the header.
        page.get_by_label("Langue").select_option("en")
        page.get_by_role("button", name="Changer").click()

        # 3. The page is in English.
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.get_by_role("heading", level=1)).to_have_text("Hello Camille")
        nav = page.get_by_role("navigation", name="Spaces")
        expect(nav.get_by_role("link", name="My account")).to_be_visible()
        expect(nav.get_by_role("link", name="Issued invoices")).to_be_visible()
        expect(nav.get_by_role("link", name="Manager activities")).to_be_visible()
        expect(page.get_by_role("button", name="Log out")).to_be_visible()
        expect(page.get_by_role("status")).to_have_text("Your language choice has been saved.")

        # 4. Screenshots: desktop, then a 360 px phone.
        page.screenshot(path=str(artifacts / "portal-home-en.png"), full_page=True)

        page.set_viewport_size({"width": 360, "height": 740})
        page.reload()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, "horizontal scroll at 360 px"
        toggle = page.get_by_role("button", name="Spaces menu")
        expect(toggle).to_be_visible()
        expect(nav.get_by_role("link", name="My account")).to_be_hidden()
        page.screenshot(path=str(artifacts / "portal-home-en-360.png"), full_page=True)
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        nav.get_by_role("link", name="Issued invoices").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Issued invoices")
        page.screenshot(path=str(artifacts / "portal-space-en-360.png"), full_page=True)

        # Keyboard: the first Tab reaches the skip link, which leads to the main content.
        page.set_viewport_size({"width": 1280, "height": 800})
        page.keyboard.press("Tab")
        skip = page.get_by_role("link", name="Skip to content")
        expect(skip).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.locator("main")).to_be_focused()

        # The remembered language survives a new login.
        page.get_by_role("button", name="Log out").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    finally:
        context.close()
    # A CSP violation or a script error shows up in the console.
    assert problems == []
