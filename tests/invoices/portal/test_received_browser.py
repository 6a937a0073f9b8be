"""« Factures reçues » in a real browser (Debian's chromium through Playwright): the synthesis with
several invoices processed at once, the dashboard, and the "Traiter" dialog (fields shown for the
chosen status, the reason required, the State motives), with screenshots in test-artifacts/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from tests.browser import chromium, log_in, new_page  # noqa: F401 - fixtures

from facturier.core.demo import COMMUNE_USER, DEMO_PASSWORD  # noqa: E402
from facturier.invoices.enums import InvoiceStatus as S  # noqa: E402
from facturier.invoices.models import Invoice  # noqa: E402

from .test_received import MINISTRY_MANAGER, move, receive, receive_at_ministry  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logged_in(new_page, base: str, email: str):  # noqa: F811
    from playwright.sync_api import expect

    page = new_page()
    log_in(page, base, email, DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    return page


def test_synthesis_and_processing_several_invoices(new_page, live_server, demo, artifacts: Path) -> None:  # noqa: F811
    from playwright.sync_api import expect

    invoices = [receive(f"AD-2025-01{n}") for n in range(4)]
    move(invoices[3], S.SERVICE_FAIT)
    page = logged_in(new_page, live_server.url, COMMUNE_USER)
    page.goto(f"{live_server.url}/espaces/factures-recues/")
    page.get_by_role("link", name="Synthèse").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Synthèse")
    expect(page.locator("#to-process-total")).to_have_text("4 factures à traiter")
    expect(page.locator("[data-count-status='MISE_A_DISPOSITION'] .count")).to_have_text("3")
    page.get_by_label("Tout cocher").check()
    expect(page.get_by_label("Cocher la facture AD-2025-010")).to_be_checked()
    page.get_by_label("Cocher la facture AD-2025-013").uncheck()
    # The complement becomes required for a suspension, the mandate number appears for MANDATEE only.
    bulk = page.locator("#bulk-form")
    mandate = bulk.get_by_label("Numéro de mandat")
    expect(mandate).to_be_hidden()
    bulk.get_by_label("Mandatée").check()
    expect(mandate).to_be_visible()
    bulk.get_by_label("Service fait").check()
    expect(mandate).to_be_hidden()
    page.screenshot(path=str(artifacts / "received-synthesis.png"), full_page=True)
    page.get_by_role("button", name="Traiter les factures cochées").click()

    expect(page.locator("#bulk-summary")).to_contain_text("3 factures passées au statut « Service fait ».")
    page.screenshot(path=str(artifacts / "received-bulk-outcome.png"), full_page=True)
    assert sorted(Invoice.objects.values_list("status", flat=True)) == [S.SERVICE_FAIT] * 4


def test_dashboard(new_page, live_server, demo, artifacts: Path) -> None:  # noqa: F811
    from playwright.sync_api import expect

    now = timezone.now()
    for n, (days, status) in enumerate(((1, None), (3, None), (12, S.SERVICE_FAIT), (20, S.MANDATEE),
                                        (45, None), (75, S.SUSPENDUE), (80, S.MISE_EN_PAIEMENT), (95, S.REJETEE))):
        invoice = receive(f"AD-2025-02{n}")
        if status:
            move(invoice, status)
        Invoice.objects.filter(pk=invoice.pk).update(deposited_at=now - dt.timedelta(days=days))
    page = logged_in(new_page, live_server.url, COMMUNE_USER)
    page.goto(f"{live_server.url}/factures-recues/tableau-de-bord/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")
    expect(page.locator("#figure-total")).to_have_text("8")
    expect(page.locator("#figure-to-process")).to_have_text("6")
    expect(page.locator("#figure-overdue")).to_have_text("2")
    expect(page.locator(".dashboard-overdue tbody tr")).to_have_count(2)
    expect(page.locator("tr[data-age='31'] td").first).to_have_text("1")
    page.screenshot(path=str(artifacts / "received-dashboard.png"), full_page=True)


def test_the_traiter_dialog(new_page, live_server, demo, artifacts: Path) -> None:  # noqa: F811
    from playwright.sync_api import expect

    invoice = receive("AD-2025-0301")
    page = logged_in(new_page, live_server.url, COMMUNE_USER)
    page.goto(f"{live_server.url}/factures-recues/factures/{invoice.pk}/")
    expect(page.locator("#invoice-status")).to_have_text("Mise à disposition")
    expect(page.locator(".rendering-lines")).to_contain_text("Accord de piano")

    page.get_by_role("button", name="Traiter").click()
    dialog = page.get_by_role("dialog", name="Traiter la facture AD-2025-0301")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Service fait")).to_be_focused()
    expect(dialog.get_by_role("radio")).to_have_count(8)
    # Escape closes it and gives the focus back to the button.
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("button", name="Traiter")).to_be_focused()

    page.get_by_role("button", name="Traiter").click()
    comment = dialog.get_by_label("Complément d'information")
    dialog.get_by_label("Suspendue").check()
    expect(comment).to_have_attribute("aria-required", "true")
    expect(dialog.locator(".required-marker")).to_have_text("(obligatoire)")
    dialog.get_by_label("Service fait").check()
    expect(comment).to_have_attribute("aria-required", "false")
    dialog.get_by_label("Suspendue").check()
    page.screenshot(path=str(artifacts / "received-traiter-dialog.png"), full_page=False)
    # Without a reason the browser does not send the form (the server would refuse it too).
    dialog.get_by_role("button", name="Enregistrer le traitement").click()
    expect(dialog).to_be_visible()
    assert comment.evaluate("element => element.validity.valueMissing")
    comment.fill("Bon de livraison manquant")
    dialog.get_by_role("button", name="Enregistrer le traitement").click()
    expect(page.locator("#invoice-status")).to_have_text("Suspendue")
    expect(page.locator(".history-statuses")).to_contain_text("Bon de livraison manquant")
    page.screenshot(path=str(artifacts / "received-after-traiter.png"), full_page=True)


def test_the_state_service_dialog_offers_the_motives(new_page, live_server, demo, artifacts: Path) -> None:  # noqa: F811
    from playwright.sync_api import expect

    invoice = receive_at_ministry("AD-2025-0401")
    page = logged_in(new_page, live_server.url, MINISTRY_MANAGER)
    page.goto(f"{live_server.url}/factures-recues/factures/{invoice.pk}/")
    page.get_by_role("button", name="Traiter").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("À recycler")).to_have_count(0)
    motive = dialog.get_by_label("EJ incorrect ou inexistant")
    expect(motive).to_be_hidden()
    dialog.get_by_label("Rejetée").check()
    expect(motive).to_be_visible()
    motive.check()
    page.screenshot(path=str(artifacts / "received-traiter-state.png"), full_page=False)
    dialog.get_by_role("button", name="Enregistrer le traitement").click()
    expect(page.locator("#invoice-status")).to_have_text("Rejetée")
    invoice.refresh_from_db()
    assert invoice.status_changes.last().motives == ["EJ_INCORRECT"]


def test_tracking_slip_download(new_page, live_server, demo, artifacts: Path) -> None:  # noqa: F811
    """The recipient downloads the tracking slip from the invoice page: a PDF naming the invoice and
    every status with its comment; the download of the slip is not a download of the invoice."""
    from playwright.sync_api import expect

    from facturier.invoices.models import InvoiceEvent
    from tests.invoices.world import pdf_text

    invoice = receive("AD-2025-0301")
    move(invoice, S.SUSPENDUE)
    page = logged_in(new_page, live_server.url, COMMUNE_USER)
    page.goto(f"{live_server.url}/factures-recues/factures/{invoice.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("AD-2025-0301")
    page.screenshot(path=str(artifacts / "received-invoice-page.png"), full_page=True)
    with page.expect_download() as caught:
        page.get_by_role("link", name="Bordereau de suivi (PDF)").click()
    download = caught.value
    target = artifacts / "bordereau-de-suivi.pdf"
    download.save_as(str(target))
    data = target.read_bytes()
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for expected in ("AD-2025-0301", "Au Diapason", "Commune de Montclair", "Suspendue", "motif"):
        assert expected in text, expected
    assert not invoice.events.filter(code=InvoiceEvent.Code.DOWNLOAD).exists()
