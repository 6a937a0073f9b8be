"""« Factures à valider » in a real browser (Debian's chromium through Playwright, never
downloaded): the sub-contractor names the main contractor through the directory autocomplete,
then the main contractor sees the invoice with its deadline and validates it from the list."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import chromium, log_in, new_page  # noqa: F401 - fixtures

from facturier.core.demo import DEMO_PASSWORD  # noqa: E402
from facturier.invoices.enums import InvoiceStatus  # noqa: E402
from facturier.invoices.models import Invoice  # noqa: E402

from .test_validation import MAIN_MANAGER, MAIN_SIRET, SUB_MANAGER, a9  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_validator_fields_follow_the_frame_and_use_the_directory(new_page, live_server, demo,  # noqa: F811
                                                                     artifacts: Path) -> None:
    from playwright.sync_api import expect

    page = new_page()
    log_in(page, live_server.url, SUB_MANAGER, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/factures-emises/saisir/")
    fieldset = page.locator("#validator-fieldset")
    expect(fieldset).to_be_hidden()  # A1 by default: no validator
    page.get_by_label("Cadre de facturation").select_option("A9")
    expect(fieldset).to_be_visible()
    expect(page.locator("#validator2-group")).to_be_visible()
    validator = page.locator("#id_validator_identifier")
    validator.press_sequentially("Bâtim", delay=30)
    option = page.get_by_role("option", name="Bâtiments Durables SA")
    expect(option).to_be_visible()
    page.screenshot(path=str(artifacts / "validation-entry-autocomplete.png"), full_page=True)
    option.click()
    expect(validator).to_have_value(MAIN_SIRET)
    expect(page.locator("#validator-info")).to_contain_text("Bâtiments Durables SA")
    page.get_by_label("Cadre de facturation").select_option("A12")
    expect(page.locator("#validator2-group")).to_be_hidden()
    expect(fieldset.get_by_text("Mandataire du groupement (A12)")).to_be_visible()
    page.get_by_label("Cadre de facturation").select_option("A1")
    expect(fieldset).to_be_hidden()
    expect(validator).to_be_disabled()


def test_the_main_contractor_validates_from_factures_a_valider(new_page, live_server, demo,  # noqa: F811
                                                                 artifacts: Path) -> None:
    from playwright.sync_api import expect

    first, second = a9("ST-2025-041"), a9("ST-2025-042")
    page = new_page()
    log_in(page, live_server.url, MAIN_MANAGER, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/espaces/factures-a-valider/")
    page.get_by_role("link", name="À valider", exact=True).first.click()
    expect(page).to_have_url(f"{live_server.url}/factures-a-valider/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Factures à valider")
    row = page.locator(f"tr[data-invoice='{first.pk}']")
    expect(row).to_contain_text("Sous-Traitance Services")
    expect(row).to_contain_text("15 jours restants")
    page.screenshot(path=str(artifacts / "validation-pending.png"), full_page=True)

    row.get_by_role("button", name="Valider").click()
    expect(page.locator(".message--success")).to_contain_text("Facture ST-2025-041 validée")
    expect(page.locator(f"tr[data-invoice='{first.pk}']")).to_have_count(0)
    expect(page.locator(f"tr[data-invoice='{second.pk}']")).to_be_visible()
    page.screenshot(path=str(artifacts / "validation-validated.png"), full_page=True)
    first.refresh_from_db()
    assert first.status == InvoiceStatus.MISE_A_DISPOSITION

    # The second one is refused from its page, with a motive and a comment.
    page.get_by_role("link", name="ST-2025-042", exact=True).click()
    expect(page.locator("#validation-deadline")).to_contain_text("15 jours restants")
    page.get_by_label("Motif du refus").select_option("ERREUR_MONTANT")
    page.get_by_label("Commentaire").fill("Le montant du lot 3 ne correspond pas au devis.")
    page.screenshot(path=str(artifacts / "validation-invoice.png"), full_page=True)
    page.get_by_role("button", name="Refuser la facture").click()
    expect(page.locator(".message--success")).to_contain_text("Facture ST-2025-042 refusée")
    assert Invoice.objects.get(pk=second.pk).status == InvoiceStatus.REFUSEE_1
