"""« Factures émises » → Saisir une facture, Déposer une facture PDF, Mes brouillons: forms,
pre-fill, drafts, outcome, field errors of a rejection, permission and scoping."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from facturier.accounts.models import User
from facturier.einvoice.validate import validate
from facturier.invoices.models import Invoice
from facturier.invoices.portal.models import InvoiceDraft
from facturier.structures.models import Role, Structure
from facturier.structures.spaces import Space, SpaceMode
from tests.factories import AttachmentFactory, SubscriptionFactory, UserFactory

from .conftest import COMMUNE_SIRET, IBAN, SUPPLIER_SIRET, facturx_pdf

ENTRY = "/factures-emises/saisir/"
PDF = "/factures-emises/deposer-pdf/"
DRAFTS = "/factures-emises/brouillons/"

pytestmark = pytest.mark.django_db(transaction=True)


def diapason() -> Structure:
    return Structure.objects.get(identifier=SUPPLIER_SIRET)


def entry_post(**overrides: Any) -> dict[str, Any]:
    """A complete entry (two lines, two VAT rates) as the browser posts it."""
    lines = overrides.pop("lines", [
        {"name": "Accord de piano", "quantity": "2", "unit": "C62", "unit_price": "80,00", "vat_category": "S",
         "vat_rate": "20"},
        {"name": "Partitions", "quantity": "3", "unit": "C62", "unit_price": "15", "vat_category": "S",
         "vat_rate": "5.5", "discount": "5"},
    ])
    data: dict[str, Any] = {
        "supplier": str(diapason().pk), "recipient": COMMUNE_SIRET, "service_code": "FINANCES",
        "commitment_number": "EJ-2025-0042", "contract_number": "", "type": "FACTURE", "frame": "A1",
        "number": "AD-S-1", "issue_date": "2025-03-01", "due_date": "2025-03-31", "currency": "EUR",
        "preceding_invoice": "", "global_discount": "", "global_discount_reason": "", "payment_means": "30",
        "iban": IBAN, "bic": "AGRIFRPP", "payment_terms": "30 jours", "exemption_reason": "", "note": "",
        "action": "submit",
        "lines-TOTAL_FORMS": str(len(lines) + 1), "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "500",
    }
    for i, line in enumerate(lines):
        for key, value in line.items():
            data[f"lines-{i}-{key}"] = value
    # One empty row, as the page offers: ignored.
    data[f"lines-{len(lines)}-unit"] = "C62"
    data[f"lines-{len(lines)}-vat_category"] = "S"
    data[f"lines-{len(lines)}-vat_rate"] = "20"
    data.update(overrides)
    return data


# --- pages --------------------------------------------------------------------------------------


def test_the_pages_are_listed_and_load_their_scripts(supplier_client: Client) -> None:
    space = supplier_client.get("/espaces/factures-emises/").content.decode()
    for url in (ENTRY, PDF, DRAFTS):
        assert f'href="{url}"' in space
    html = supplier_client.get(ENTRY).content.decode()
    assert "invoices/entry.js" in html and "invoices/directory.js" in html
    assert "<script>" not in html and "style=" not in html  # CSP: no inline script or style
    assert 'data-recipient-search="/factures-emises/annuaire/recherche.json"' in html
    assert 'name="lines-TOTAL_FORMS"' in html and 'id="entry-line-template"' in html
    assert html.count("data-line-row") == 3 + 1  # three empty rows without JavaScript, and the template
    assert f'value="{IBAN}"' in html  # the supplier's bank account is offered
    assert supplier_client.get(PDF).status_code == 200


def test_a_consultation_user_cannot_enter_nor_deposit(client: Client, demo: None) -> None:
    reader = UserFactory(email="lecteur@au-diapason.test")
    AttachmentFactory(user=reader, structure=diapason(), role=Role.USER)
    SubscriptionFactory(user=reader, structure=diapason(), space=Space.FACTURES_EMISES, mode=SpaceMode.CONSULTATION)
    client.force_login(reader)
    for url in (ENTRY, PDF, DRAFTS, "/factures-emises/annuaire/recherche.json?q=Mont"):
        assert client.get(url).status_code == 403, url
    assert client.post(ENTRY, entry_post()).status_code == 403
    assert client.post(PDF, {"pdf": SimpleUploadedFile("f.pdf", facturx_pdf())}).status_code == 403
    space = client.get("/espaces/factures-emises/").content.decode()
    assert ENTRY not in space and PDF not in space
    assert not Invoice.objects.exists() and not InvoiceDraft.objects.exists()


def test_anonymous_goes_to_login(client: Client, demo: None) -> None:
    response = client.get(ENTRY)
    assert response.status_code == 302 and "/connexion/" in response["Location"]


# --- directory autocomplete ---------------------------------------------------------------------


def test_the_directory_search_lists_active_public_structures(supplier_client: Client) -> None:
    by_siret = supplier_client.get("/factures-emises/annuaire/recherche.json?q=213450").json()["results"]
    assert [r["identifier"] for r in by_siret] == [COMMUNE_SIRET]
    by_name = supplier_client.get("/factures-emises/annuaire/recherche.json?q=montcl").json()["results"]
    assert COMMUNE_SIRET in [r["identifier"] for r in by_name]
    # A private structure is not a recipient.
    assert supplier_client.get("/factures-emises/annuaire/recherche.json?q=Diapason").json()["results"] == []
    assert supplier_client.get("/factures-emises/annuaire/recherche.json?q=8912").json()["results"] == []
    Structure.objects.filter(identifier=COMMUNE_SIRET).update(status=Structure.Status.INACTIVE)
    assert supplier_client.get("/factures-emises/annuaire/recherche.json?q=213450").json()["results"] == []


def test_the_services_of_a_recipient(supplier_client: Client) -> None:
    data = supplier_client.get(f"/factures-emises/annuaire/services.json?destinataire={COMMUNE_SIRET}").json()
    assert data["recipient"]["name"] == "Commune de Montclair"
    finances = next(s for s in data["services"] if s["code"] == "FINANCES")
    assert finances["commitment_required"] is True
    assert supplier_client.get(f"/factures-emises/annuaire/services.json?destinataire={SUPPLIER_SIRET}").status_code == 404


# --- form validation ----------------------------------------------------------------------------


@pytest.mark.parametrize("overrides, field, message", [
    ({"number": ""}, "number", "Ce champ est obligatoire"),
    ({"recipient": "99999999999999"}, "recipient", "Aucune structure publique active"),
    ({"recipient": SUPPLIER_SIRET}, "recipient", "Aucune structure publique active"),
    ({"issue_date": "2025-04-01"}, "due_date", "ne peut pas précéder"),
    ({"global_discount": "10"}, "global_discount_reason", "motif de la remise"),
    ({"lines-0-vat_rate": "0"}, "lines-0-vat_rate", "ne peut pas être 0"),
    ({"lines-0-quantity": "deux"}, "lines-0-quantity", "Saisissez un nombre"),
    ({"number": "X" * 21}, "number", "au plus 20"),
])
def test_form_errors_name_their_field(supplier_client: Client, overrides: dict[str, str], field: str,
                                      message: str) -> None:
    response = supplier_client.post(ENTRY, entry_post(**overrides))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    form, formset = response.context["form"], response.context["formset"]
    if field.startswith("lines-"):
        _, index, name = field.split("-")
        assert formset.forms[int(index)].errors[name]
    else:
        assert form.errors[field]
    assert not Invoice.objects.exists()


def test_an_invoice_needs_a_line(supplier_client: Client) -> None:
    response = supplier_client.post(ENTRY, entry_post(lines=[]))
    assert response.status_code == 400
    assert "Saisissez au moins une ligne de facture." in response.content.decode()


def test_a_supplier_the_user_does_not_deposit_for_is_refused(supplier_client: Client) -> None:
    other = Structure.objects.get(identifier="52345678800018")
    response = supplier_client.post(ENTRY, entry_post(supplier=str(other.pk)))
    assert response.status_code == 400 and response.context["form"].errors["supplier"]
    assert not Invoice.objects.exists()


def test_recalculer_gives_the_server_totals_without_errors(supplier_client: Client) -> None:
    response = supplier_client.post(ENTRY, entry_post(action="recalc", number="", global_discount="10",
                                                      global_discount_reason="Fidélité"))
    assert response.status_code == 200
    totals = response.context["totals"]
    # 160.00 + (45.00 − 5.00) = 200.00; the 10.00 discount split 8.00 / 2.00 over the two rates.
    assert str(totals["line_total"]) == "200.00" and str(totals["total_ht"]) == "190.00"
    assert str(totals["total_vat"]) == "32.49"  # 152.00 × 20 % + 38.00 × 5.5 % = 30.40 + 2.09
    assert str(totals["total_ttc"]) == "222.49"
    html = response.content.decode()
    assert 'data-total="total_ttc">222,49<' in html
    assert "Ce champ est obligatoire" not in html  # a recalculation is not a submission


# --- entry: submit, outcome, Factur-X -----------------------------------------------------------


def test_an_entry_is_integrated_and_its_facturx_is_valid(supplier_client: Client, supplier_user: User) -> None:
    response = supplier_client.post(ENTRY, entry_post())
    invoice = Invoice.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/factures-emises/factures/{invoice.pk}/depot/"
    assert invoice.deposit_mode == "SAISIE_PORTAIL" and invoice.depositor == supplier_user
    assert invoice.number == "AD-S-1" and invoice.commitment_number == "EJ-2025-0042"
    assert invoice.amount_ttc == Decimal("234.20")  # 160 × 1.2 + 40 × 1.055
    page = supplier_client.get(response["Location"]).content.decode()
    assert "AD-S-1" in page and invoice.get_status_display() in page and "Facture intégrée" in page
    original = supplier_client.get(f"/factures-emises/factures/{invoice.pk}/original/")
    pdf = b"".join(original.streaming_content)
    assert original["Content-Type"] == "application/pdf" and pdf.startswith(b"%PDF")
    report = validate(pdf, file="facture.pdf")
    assert report.valid, report.findings
    assert report.format == "facturx" or "facturx" in str(report.format).lower()


def test_a_rejected_entry_shows_each_error_on_its_field(supplier_client: Client) -> None:
    # FINANCES requires a commitment number (BT-13): the platform rejects, the field says so.
    response = supplier_client.post(ENTRY, entry_post(commitment_number=""))
    assert response.status_code == 400 and not Invoice.objects.exists()
    errors = response.context["form"].errors
    assert "BT-13" in errors["commitment_number"][0]
    html = response.content.decode()
    assert "La facture est rejetée" in html and "field--error" in html
    # An unknown service code (BT-10) lands on the service select.
    response = supplier_client.post(ENTRY, entry_post(number="AD-S-2"))
    assert response.status_code == 302
    duplicate = supplier_client.post(ENTRY, entry_post(number="AD-S-2"))
    assert duplicate.status_code == 400 and "FR-PLT-09" in duplicate.context["form"].errors["number"][0]


def test_findings_map_to_fields() -> None:
    from facturier.invoices.portal import adapter

    assert adapter.FIELD_OF_TERM["BT-10"] == "service_code"
    assert adapter.FIELD_OF_TERM["BT-13"] == "commitment_number"
    assert adapter.FIELD_OF_TERM["BT-1"] == "number"
    assert adapter.FIELD_OF_TERM["BT-2"] == "issue_date"
    assert adapter._line_index({"location": "/rsm:X/ram:IncludedSupplyChainTradeLineItem[2]/ram:Y"}) == 1
    assert adapter._line_index({"location": "/Invoice/cac:InvoiceLine[3]"}) == 2


# --- drafts -------------------------------------------------------------------------------------


def test_a_draft_is_saved_resumed_then_submitted(supplier_client: Client, supplier_user: User) -> None:
    response = supplier_client.post(ENTRY, entry_post(action="save", number="", commitment_number=""))
    draft = InvoiceDraft.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{DRAFTS}{draft.pk}/"
    assert draft.owner == supplier_user and draft.supplier == diapason() and draft.kind == "SAISIE"
    assert draft.payload["recipient"] == COMMUNE_SIRET and len(draft.payload["lines"]) == 2
    assert draft.payload["recipient_name"] == "Commune de Montclair"
    listing = supplier_client.get(DRAFTS).content.decode()
    assert f'href="{DRAFTS}{draft.pk}/"' in listing and "Commune de Montclair" in listing and "Brouillon" in listing
    resumed = supplier_client.get(f"{DRAFTS}{draft.pk}/")
    html = resumed.content.decode()
    assert 'value="Accord de piano"' in html and 'value="Partitions"' in html
    assert '<option value="FINANCES" selected>' in html  # the recipient's services, from the draft
    assert "Ce champ est obligatoire" not in html  # an incomplete draft shows no errors
    done = supplier_client.post(f"{DRAFTS}{draft.pk}/", entry_post(number="AD-D-1"))
    invoice = Invoice.objects.get()
    assert done.status_code == 302 and invoice.number == "AD-D-1"
    assert not InvoiceDraft.objects.exists()  # it became an invoice


def test_a_rejected_draft_keeps_what_was_typed(supplier_client: Client) -> None:
    supplier_client.post(ENTRY, entry_post(action="save"))
    draft = InvoiceDraft.objects.get()
    response = supplier_client.post(f"{DRAFTS}{draft.pk}/", entry_post(commitment_number="", number="AD-K-9"))
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.payload["number"] == "AD-K-9" and draft.payload["commitment_number"] == ""


def test_a_draft_is_deleted(supplier_client: Client) -> None:
    supplier_client.post(ENTRY, entry_post(action="save"))
    draft = InvoiceDraft.objects.get()
    assert supplier_client.get(f"{DRAFTS}{draft.pk}/supprimer/").status_code == 405
    response = supplier_client.post(f"{DRAFTS}{draft.pk}/supprimer/")
    assert response.status_code == 302 and not InvoiceDraft.objects.exists()


def test_drafts_and_invoices_are_scoped(supplier_client: Client, client: Client, other_user: User) -> None:
    supplier_client.post(ENTRY, entry_post(action="save"))
    draft = InvoiceDraft.objects.get()
    supplier_client.post(ENTRY, entry_post())
    invoice = Invoice.objects.get()
    other = Client()
    other.force_login(other_user)
    for url in (f"{DRAFTS}{draft.pk}/", f"{DRAFTS}{draft.pk}/pdf/", f"/factures-emises/factures/{invoice.pk}/depot/",
                f"/factures-emises/factures/{invoice.pk}/original/"):
        assert other.get(url).status_code == 404, url
    assert other.post(f"{DRAFTS}{draft.pk}/supprimer/").status_code == 404
    assert other.post(f"{DRAFTS}{draft.pk}/", entry_post(number="AD-X")).status_code == 404
    assert "AD-S-1" not in other.get(DRAFTS).content.decode()
    assert InvoiceDraft.objects.filter(pk=draft.pk).exists()


# --- PDF deposit --------------------------------------------------------------------------------


def test_a_facturx_pdf_prefills_the_form(supplier_client: Client) -> None:
    pdf = facturx_pdf("AD-PDF-7")
    response = supplier_client.post(PDF, {"pdf": SimpleUploadedFile("facture.pdf", pdf),
                                          "supplier": str(diapason().pk)})
    draft = InvoiceDraft.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{DRAFTS}{draft.pk}/"
    assert draft.kind == "DEPOT_PDF" and draft.pdf_bytes() == pdf and draft.pdf_name == "facture.pdf"
    assert draft.payload["_prefill"]["source"] == "facturx"
    html = supplier_client.get(response["Location"]).content.decode()
    assert "données Factur-X intégrées" in html
    assert 'value="AD-PDF-7"' in html and f'value="{COMMUNE_SIRET}"' in html
    assert '<option value="FINANCES" selected>' in html and 'value="EJ-2025-0042"' in html
    assert 'value="2025-03-01"' in html and 'value="Accord de piano"' in html and 'value="Partitions"' in html
    assert '<option value="5.5" selected>' in html
    # Submitted as is: the supplier's PDF is the original, the entered data the structured data.
    done = supplier_client.post(response["Location"], entry_post(
        number="AD-PDF-7", lines=[
            {"name": "Accord de piano", "quantity": "2", "unit": "C62", "unit_price": "80", "vat_category": "S",
             "vat_rate": "20"},
            {"name": "Partitions", "quantity": "3", "unit": "C62", "unit_price": "15", "vat_category": "S",
             "vat_rate": "5.5"},
        ]))
    invoice = Invoice.objects.get()
    assert done.status_code == 302, done.context and done.context["form"].errors
    assert invoice.deposit_mode == "DEPOT_PDF_PORTAIL" and invoice.number == "AD-PDF-7"
    with invoice.original_file.open("rb") as handle:
        assert handle.read() == pdf
    assert not InvoiceDraft.objects.exists()
    page = supplier_client.get(done["Location"]).content.decode()
    assert "Facture intégrée" in page and "Télécharger le fichier original" in page


def test_the_pdf_form_refuses_what_is_not_a_pdf(supplier_client: Client) -> None:
    response = supplier_client.post(PDF, {"pdf": SimpleUploadedFile("f.pdf", b"hello"), "supplier": str(diapason().pk)})
    assert response.status_code == 200 and "n&#x27;est pas un PDF" in response.content.decode()
    empty = supplier_client.post(PDF, {"pdf": SimpleUploadedFile("f.pdf", b""), "supplier": str(diapason().pk)})
    assert empty.status_code == 200 and not InvoiceDraft.objects.exists()


def test_the_page_says_when_ocr_is_not_available(supplier_client: Client, monkeypatch) -> None:
    from facturier.invoices.portal import views

    monkeypatch.setattr(views, "ocr_available", lambda: False)
    html = supplier_client.get(PDF).content.decode()
    assert "La reconnaissance de caractères (OCR) n'est pas disponible sur ce serveur" in html
    monkeypatch.setattr(views, "ocr_available", lambda: True)
    html = supplier_client.get(PDF).content.decode()
    assert "n'est pas disponible" not in html


def test_prefill_from_text_gives_one_line_of_the_whole_amount() -> None:
    from facturier.invoices.portal.adapter import prefill_payload

    payload = prefill_payload({"source": "text", "ocr_available": False, "fields": {
        "number": "F-12", "issue_date": dt.date(2025, 2, 1), "recipient": COMMUNE_SIRET, "supplier": SUPPLIER_SIRET,
        "amount_ht": "100.00", "amount_vat": "20.00", "amount_ttc": "120.00"}})
    assert payload["number"] == "F-12" and payload["issue_date"] == "2025-02-01"
    assert payload["recipient"] == COMMUNE_SIRET and "supplier" not in payload
    assert payload["lines"] == [{"name": "Montant de la facture", "reference": "", "quantity": "1", "unit": "C62",
                                 "unit_price": "100.00", "discount": "", "vat_category": "S", "vat_rate": "20"}]
    assert payload["_prefill"]["amounts"]["amount_ttc"] == "120.00"
