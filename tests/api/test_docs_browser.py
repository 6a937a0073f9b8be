"""/api/docs/ in a real browser, under the site's strict Content-Security-Policy: Swagger UI loads,
gets a token through the OAuth2 client-credentials flow, and calls the health check.

Drives Debian's chromium (/usr/bin/chromium) with Playwright; a browser is never downloaded.
Without chromium the test fails under CI=true and is skipped elsewhere.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; the fixtures' ORM calls would otherwise
# be refused as "async unsafe".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from tests.api.conftest import CLIENT_ID, CLIENT_SECRET  # noqa: E402
from tests.browser import chromium  # noqa: E402, F401

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser(chromium: Any) -> Any:
    return chromium


def test_swagger_ui_works_under_the_csp(
    browser: Any, live_server: Any, transactional_db: None, application: Any, account_header: str
) -> None:
    from playwright.sync_api import expect

    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    try:
        response = page.goto(live_server.url + "/api/docs/")
        assert response is not None and "default-src 'self'" in response.headers["content-security-policy"]
        expect(page.locator(".opblock").first).to_be_visible(timeout=15000)

        page.click("button.authorize")
        dialog = page.locator(".modal-ux")
        dialog.locator("#api_key_value").fill(account_header)
        dialog.locator("button[aria-label='Apply credentials']").click()
        dialog.locator("#client_id_clientCredentials").fill(CLIENT_ID)
        dialog.locator("#client_secret_clientCredentials").fill(CLIENT_SECRET)
        dialog.locator("label[for=openid-clientCredentials-checkbox-pisteOAuth2]").click()
        dialog.locator("button[aria-label='Apply given OAuth2 credentials']").click()
        expect(dialog.locator("button[aria-label='Remove authorization']")).to_have_count(2, timeout=10000)
        page.locator("button.close-modal").first.click()

        # Several APIs are listed now: open the health check explicitly.
        page.locator(".opblock-summary", has_text="health-check").first.click()
        page.click("button.try-out__btn")
        page.click("button.execute")
        result = page.locator(".live-responses-table")
        expect(result).to_contain_text('"statusCodeValue": 200', timeout=10000)
        expect(result).to_contain_text('"libelle": "TRA_MSG_00.000"')
    finally:
        page.close()
    assert not problems, problems
