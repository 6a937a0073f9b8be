"""The flow pages in a real browser: a batch upload whose progress bar moves while a worker
processes it, then the per-file results swapped in without a reload; and « Suivi des flux ».

Drives Debian's chromium (/usr/bin/chromium) with Playwright; a browser is never downloaded.
Eager Celery would process the flow inside the upload request, so the test hands each queued flow
to a thread instead (a stand-in for a worker) and slows processing down with
``FACTURIER_FLOW_TEST_DELAY_SECONDS``: the page then really shows the flow running.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop here

from django.db import connections  # noqa: E402

from facturier.core.demo import DEMO_PASSWORD  # noqa: E402
from facturier.flows.models import Flow, FlowState  # noqa: E402
from tests.flows.builders import invoice_file, targz  # noqa: E402

from .conftest import SUPPLIER_MANAGER  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (apt-get install -y chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def worker(monkeypatch, settings) -> Iterator[list[threading.Thread]]:
    """Queued flows run in a thread, one second per invoice, like on a real worker."""
    from facturier.flows.services import flow_process
    from facturier.flows.tasks import process_flow

    settings.FACTURIER_FLOW_TEST_DELAY_SECONDS = 1.0
    threads: list[threading.Thread] = []

    def run(flow_id: int) -> None:
        try:
            flow_process(flow_id=flow_id)
        finally:
            connections.close_all()

    def delay(flow_id: int) -> None:
        thread = threading.Thread(target=run, args=(flow_id,), daemon=True)
        thread.start()
        threads.append(thread)

    monkeypatch.setattr(process_flow, "delay", delay)
    yield threads
    for thread in threads:
        thread.join(timeout=30)


@pytest.fixture
def page(browser, live_server, demo):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.problems = []  # type: ignore[attr-defined]
    page.on("console", lambda msg: page.problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Adresse e-mail").fill(SUPPLIER_MANAGER)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    yield page
    context.close()


def test_batch_upload_shows_progress_then_results_without_reload(page, live_server, worker, artifacts: Path) -> None:
    from playwright.sync_api import expect

    bad = invoice_file("ubl", "AD-B-2", purchase_order_reference=None)  # FINANCES requires a commitment number
    batch = targz([("facture-1.xml", invoice_file("ubl", "AD-B-1")), ("facture-2.xml", bad),
                   ("facture-3.xml", invoice_file("ubl", "AD-B-3"))])

    page.goto(f"{live_server.url}/espaces/factures-emises/")
    page.get_by_role("link", name="Déposer des fichiers").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Déposer des fichiers")
    page.wait_for_load_state("load")  # deposit.js (deferred) listens to the file input from then on
    syntax = page.get_by_label("Syntaxe du flux")
    # The extension only pre-selects: a .pdf suggests Factur-X...
    page.get_by_label("Fichier").set_input_files(
        {"name": "facture.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7"})
    expect(syntax).to_have_value("IN_DP_E2_CII_FACTURX")
    # ...and the user declares the batch's syntax.
    page.get_by_label("Fichier").set_input_files({"name": "lot.tar.gz", "mimeType": "application/gzip", "buffer": batch})
    syntax.select_option("IN_DP_E1_UBL_INVOICE")
    page.screenshot(path=str(artifacts / "flows-deposit-form.png"), full_page=True)
    page.get_by_role("button", name="Déposer").click()

    # The flow's page at once, while the worker is busy.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Flux CPP")
    # A mark on this document: still there at the end means the page was never reloaded.
    page.wait_for_load_state("load")
    page.evaluate("() => { window.flowPageMark = 'same document'; }")
    progress = page.locator("progress#flow-progress")
    expect(progress).to_be_visible()
    expect(page.locator("#flow-state")).to_contain_text("traitement")
    page.wait_for_function("() => { const p = document.querySelector('progress'); return p && p.value >= 1; }")
    expect(page.locator("#flow-state")).to_contain_text("sur 3")
    page.screenshot(path=str(artifacts / "flows-progress.png"), full_page=True)

    # When the flow ends, the results replace the bar: no reload.
    expect(page.get_by_role("heading", name="Résultat")).to_be_visible(timeout=20_000)
    expect(progress).to_have_count(0)
    expect(page.locator("#flow-state")).to_contain_text("Intégré partiellement")
    rows = page.locator("table.flow-items tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("AD-B-1")
    expect(rows.nth(0)).to_contain_text("Intégrée")
    expect(rows.nth(1)).to_contain_text("facture-2.xml")
    expect(rows.nth(1)).to_contain_text("Rejetée")
    expect(rows.nth(1)).to_contain_text("FR-PLT-07 (BT-13)")
    expect(rows.nth(1)).to_contain_text("numéro d'engagement")
    expect(rows.nth(2)).to_contain_text("AD-B-3")
    assert page.evaluate("() => window.flowPageMark") == "same document", "the page reloaded"
    page.screenshot(path=str(artifacts / "flows-results.png"), full_page=True)
    assert Flow.objects.get().state == FlowState.IN_INTEGRE_PARTIEL
    assert page.problems == []  # type: ignore[attr-defined]


def test_suivi_des_flux_page(page, live_server, worker, artifacts: Path) -> None:
    from playwright.sync_api import expect

    from facturier.accounts.models import User
    from facturier.flows.services import flow_process, flow_receive

    user = User.objects.get(email=SUPPLIER_MANAGER)
    numbers = []
    for name, data in [("lot-mars.tar.gz", targz([("a.xml", invoice_file("ubl", "AD-M-1")),
                                                  ("b.xml", invoice_file("ubl", "AD-M-2"))])),
                       ("facture-avril.xml", invoice_file("ubl", "AD-M-1"))]:  # a duplicate: rejected
        flow = flow_receive(actor=user, file_name=name, syntax="IN_DP_E1_UBL_INVOICE", channel="PORTAIL", data=data)
        for thread in worker:
            thread.join()
        flow_process(flow_id=flow.pk)
        numbers.append(flow.number)

    page.goto(f"{live_server.url}/espaces/suivi-flux/")
    page.get_by_role("link", name="Flux déposés").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Suivi des flux")
    table = page.locator("table.flow-list")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table).to_contain_text("lot-mars.tar.gz")
    expect(table).to_contain_text("Intégré")
    expect(table).to_contain_text("Rejeté")
    page.screenshot(path=str(artifacts / "flows-suivi.png"), full_page=True)

    page.get_by_label("État").select_option("IN_REJETE")
    page.get_by_role("button", name="Filtrer").click()
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("facture-avril.xml")
    with page.expect_download() as download:
        table.get_by_role("link", name=f"PDF — {numbers[1]}").click()
    assert download.value.suggested_filename == f"compte-rendu-{numbers[1]}.pdf"
    table.get_by_role("link", name=numbers[1], exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Flux {numbers[1]}")
    expect(page.locator("table.flow-items")).to_contain_text("FR-PLT-09")
    assert page.problems == []  # type: ignore[attr-defined]
