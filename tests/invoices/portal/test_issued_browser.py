"""« Factures émises » in a real browser (Debian's chromium through Playwright, never downloaded):
the supplier's invoice page and search list follow the status the recipient sets meanwhile,
without a reload, and say it in the live region."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import chromium, log_in, new_page  # noqa: F401 - fixtures

from facturier.accounts.models import User  # noqa: E402
from facturier.core.demo import COMMUNE_USER, DEMO_PASSWORD  # noqa: E402
from facturier.invoices import lifecycle  # noqa: E402
from facturier.invoices.enums import InvoiceStatus as S  # noqa: E402
from tests.invoices.test_resubmit import deposit  # noqa: E402

from .conftest import SUPPLIER_MANAGER  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE_TIMEOUT = 15_000  # the page polls every 4 s


@pytest.fixture
def page(new_page, live_server, demo):  # noqa: F811
    from playwright.sync_api import expect

    page = new_page()
    log_in(page, live_server.url, SUPPLIER_MANAGER, DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    return page


def test_the_supplier_sees_the_recipients_change_without_reloading(page, live_server, supplier_tech,
                                                                     artifacts: Path) -> None:
    from playwright.sync_api import expect

    invoice = deposit(supplier_tech, "cii", "AD-LIVE-1")
    other = deposit(supplier_tech, "cii", "AD-LIVE-2")
    agent = User.objects.get(email=COMMUNE_USER)

    # The invoice page: the recipient suspends it meanwhile.
    page.goto(f"{live_server.url}/factures-emises/factures/{invoice.pk}/")
    status = page.locator("#invoice-status")
    expect(status).to_have_text("Mise à disposition")
    page.evaluate("window.notReloaded = true")
    lifecycle.invoice_process(actor=agent, invoice=invoice, to=S.SUSPENDUE, comment="Bon de commande manquant")

    expect(status).to_have_text("Suspendue", timeout=LIVE_TIMEOUT)
    expect(page.locator("#issued-live-changes")).to_contain_text("Facture AD-LIVE-1 : nouveau statut « Suspendue ».")
    expect(page.locator("#issued-live-announcer")).to_have_text("Facture AD-LIVE-1 : nouveau statut « Suspendue ».")
    assert page.evaluate("window.notReloaded") is True
    page.screenshot(path=str(artifacts / "issued-live-invoice.png"), full_page=True)

    # After a reload the page offers what the new status allows.
    page.get_by_role("link", name="Actualiser la page").click()
    expect(page.locator("#action-complete")).to_be_visible()
    expect(page.locator("#action-acknowledge")).to_be_visible()
    page.locator("#actions").screenshot(path=str(artifacts / "issued-actions.png"))

    # The search list: the other invoice is rejected meanwhile.
    page.goto(f"{live_server.url}/factures-emises/suivi/recherche/")
    row_status = page.locator(f'[data-invoice-status="{other.pk}"]')
    expect(row_status).to_have_text("Mise à disposition")
    page.evaluate("window.notReloaded = true")
    lifecycle.invoice_process(actor=agent, invoice=other, to=S.REJETEE, comment="Montant erroné")
    expect(row_status).to_have_text("Rejetée", timeout=LIVE_TIMEOUT)
    expect(page.locator("#issued-live-announcer")).to_contain_text("Facture AD-LIVE-2 : nouveau statut « Rejetée ».")
    assert page.evaluate("window.notReloaded") is True
    page.screenshot(path=str(artifacts / "issued-live-search.png"), full_page=True)

    # The synthesis lists both, with what to do.
    page.goto(f"{live_server.url}/factures-emises/suivi/")
    expect(page.get_by_role("link", name="Compléter")).to_be_visible()
    expect(page.get_by_role("link", name="Acquitter")).to_have_count(2)
    page.screenshot(path=str(artifacts / "issued-synthesis.png"), full_page=True)
