"""The entry pages in a real browser (Debian's chromium through Playwright, never downloaded):
a PDF deposit pre-filled from its Factur-X, and an invoice entered line by line with the
directory autocomplete and live totals, whose generated Factur-X the e-invoice core validates
as EN 16931."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import chromium, log_in, new_page  # noqa: F401 - fixtures

from facturier.core.demo import DEMO_PASSWORD  # noqa: E402
from facturier.einvoice.validate import validate  # noqa: E402
from facturier.invoices.models import Invoice  # noqa: E402

from .conftest import COMMUNE_SIRET, SUPPLIER_MANAGER, facturx_pdf  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(new_page, live_server, demo):  # noqa: F811
    from playwright.sync_api import expect

    page = new_page()
    log_in(page, live_server.url, SUPPLIER_MANAGER, DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    return page


def test_pdf_deposit_is_prefilled_then_integrated(page, live_server, artifacts: Path) -> None:
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/espaces/factures-emises/")
    page.get_by_role("link", name="Déposer une facture PDF").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Déposer une facture PDF")
    expect(page.locator("#ocr-status")).to_be_visible()
    page.get_by_label("Facture PDF").set_input_files(
        {"name": "AD-PDF-42.pdf", "mimeType": "application/pdf", "buffer": facturx_pdf("AD-PDF-42")})
    page.screenshot(path=str(artifacts / "entry-pdf-upload.png"), full_page=True)
    page.get_by_role("button", name="Lire le PDF").click()

    expect(page.locator("#prefill-status")).to_contain_text("données Factur-X intégrées")
    expect(page.get_by_label("Numéro de facture")).to_have_value("AD-PDF-42")
    expect(page.get_by_label("Destinataire (SIRET)")).to_have_value(COMMUNE_SIRET)
    expect(page.get_by_label("Service destinataire")).to_have_value("FINANCES")
    expect(page.get_by_label("Numéro d'engagement")).to_have_value("EJ-2025-0042")
    expect(page.get_by_label("Date de facture")).to_have_value("2025-03-01")
    expect(page.locator("[name='lines-1-name']")).to_have_value("Partitions")
    # Live totals of the pre-filled lines: 160.00 × 20 % + 45.00 × 5.5 % → TTC 239.48.
    expect(page.locator("[data-total='total_ttc']")).to_have_text("239,48")
    page.screenshot(path=str(artifacts / "entry-pdf-prefilled.png"), full_page=True)

    page.get_by_role("button", name="Envoyer la facture").click()
    expect(page.locator("#deposit-outcome")).to_contain_text("Facture intégrée")
    invoice = Invoice.objects.get()
    assert invoice.deposit_mode == "DEPOT_PDF_PORTAIL" and invoice.number == "AD-PDF-42"
    expect(page.locator("#invoice-status")).to_have_text(invoice.get_status_display())
    page.screenshot(path=str(artifacts / "entry-pdf-outcome.png"), full_page=True)


def test_an_entered_invoice_becomes_a_valid_facturx(page, live_server, artifacts: Path) -> None:
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/espaces/factures-emises/")
    page.get_by_role("link", name="Saisir une facture").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Saisir une facture")

    # Recipient from the directory: type part of the name, pick the suggestion.
    recipient = page.get_by_label("Destinataire (SIRET)")
    recipient.press_sequentially("Montcl", delay=30)
    option = page.get_by_role("option", name="Commune de Montclair")
    expect(option).to_be_visible()
    page.screenshot(path=str(artifacts / "entry-autocomplete.png"), full_page=True)
    option.click()
    expect(recipient).to_have_value(COMMUNE_SIRET)
    expect(page.locator("#recipient-info")).to_contain_text("Commune de Montclair")
    service = page.get_by_label("Service destinataire")
    expect(service.locator("option[value='FINANCES']")).to_have_count(1)
    service.select_option("FINANCES")

    page.get_by_label("Numéro d'engagement").fill("EJ-2025-0042")
    page.get_by_label("Numéro de facture").fill("AD-WEB-1")
    page.get_by_label("Date de facture").fill("2025-03-01")
    page.get_by_label("Date d'échéance").fill("2025-03-31")

    page.locator("[name='lines-0-name']").fill("Accord de piano")
    page.locator("[name='lines-0-quantity']").fill("2")
    page.locator("[name='lines-0-unit_price']").fill("80")
    page.locator("[name='lines-1-name']").fill("À supprimer")
    page.locator("[name='lines-1-quantity']").fill("1")
    page.locator("[name='lines-1-unit_price']").fill("999")
    expect(page.locator("[data-total='total_ht']")).to_have_text("1159,00")
    # Remove that row; add rows past the three of the page.
    page.locator("tr[data-line-row]").nth(1).get_by_role("button", name="Retirer").click()
    expect(page.locator("[data-total='total_ht']")).to_have_text("160,00")
    page.get_by_role("button", name="Ajouter une ligne").click()
    page.get_by_role("button", name="Ajouter une ligne").click()
    expect(page.locator("tr[data-line-row]")).to_have_count(4)
    page.locator("[name='lines-3-name']").fill("Partitions")
    page.locator("[name='lines-3-quantity']").fill("3")
    page.locator("[name='lines-3-unit_price']").fill("15,00")
    page.locator("[name='lines-3-vat_rate']").select_option("5.5")
    page.locator("[name='lines-3-discount']").fill("5")
    page.get_by_label("Remise globale HT").fill("10")
    page.get_by_label("Motif de la remise").fill("Fidélité")
    # Live totals, computed as the server does: 200.00 − 10.00 = 190.00 HT; VAT 30.40 + 2.09.
    expect(page.locator("[data-total='total_ht']")).to_have_text("190,00")
    expect(page.locator("[data-total='total_vat']")).to_have_text("32,49")
    expect(page.locator("[data-total='total_ttc']")).to_have_text("222,49")
    expect(page.locator("#vat-breakdown tr")).to_have_count(2)
    page.screenshot(path=str(artifacts / "entry-form.png"), full_page=True)

    # A draft first, resumed, then sent.
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.locator(".messages")).to_contain_text("Brouillon enregistré")
    expect(page.locator("[name='lines-1-name']")).to_have_value("Partitions")
    expect(page.locator("[data-total='total_ttc']")).to_have_text("222,49")
    page.get_by_role("button", name="Envoyer la facture").click()
    expect(page.locator("#deposit-outcome")).to_contain_text("Facture intégrée")
    page.screenshot(path=str(artifacts / "entry-outcome.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger la facture Factur-X").click()
    pdf = Path(download.value.path()).read_bytes()
    report = validate(pdf, file=download.value.suggested_filename)
    assert report.valid, [f.message_en for f in report.findings]
    invoice = Invoice.objects.get()
    assert invoice.deposit_mode == "SAISIE_PORTAIL" and str(invoice.amount_ttc).startswith("222.49")
