"""deposerPDFFacture (F2): the PDF becomes a pending attachment, answered with pre-filled data."""

from __future__ import annotations

import pytest
from django.test import Client

from facturier.einvoice.writers import write_facturx
from facturier.invoices.models import InvoiceAttachment
from facturier.structures.models import TechnicalAccount
from tests.flows.builders import invoice

from .deposits import post
from .entries import b64, text_pdf

pytestmark = pytest.mark.django_db
DEPOSER_PDF = "/cpro/factures/v1/deposer/pdf"


def test_pastell_body_with_a_facturx_is_prefilled_exactly(
    api_client: Client, api_headers: dict, technical_account: TechnicalAccount
) -> None:
    pdf = write_facturx(invoice("AD-2025-0500"))
    # PASTELL (api.md §9.6): fichierFacture, nomFichier, formatDepot PDF_NON_SIGNE.
    answer = post(api_client, DEPOSER_PDF, {"fichierFacture": b64(pdf), "nomFichier": "facture-AD-2025-0500.pdf",
                                            "formatDepot": "PDF_NON_SIGNE"}, api_headers)
    assert answer.status_code == 200, answer.json()
    data = answer.json()
    assert data["codeRetour"] == 0 and isinstance(data["pieceJointeId"], int)
    assert data["numeroFacture"] == "AD-2025-0500" and data["dateFacture"] == "2025-03-01"
    assert data["codeDestinataire"] == "21345000000012" and data["codeFournisseur"] == "89123456900012"
    assert data["codeServiceExecutant"] == "FINANCES" and data["numeroBonCommande"] == "EJ-2025-0042"
    assert data["codeDeviseFacture"] == "EUR" and data["typeFacture"] == "FACTURE"
    assert data["montantHtTotal"] == 205.0 and data["montantTVA"] == 34.48
    assert data["montantAPayer"] == 239.48 and data["montantTtcAvantRemiseGlobalTTC"] == 239.48
    assert data["sourcePreRemplissage"] == "facturx"
    stored = InvoiceAttachment.objects.get(pk=data["pieceJointeId"])
    assert stored.invoice is None and stored.kind == "PRINCIPALE" and stored.uploaded_by == technical_account.user


def test_plain_pdf_is_prefilled_from_its_text_and_unknowns_are_null(
    api_client: Client, api_headers: dict, technical_account: TechnicalAccount
) -> None:
    pdf = text_pdf(["FACTURE N° TX-9", "Date de facture : 02/04/2025", "Total HT : 100,00"])
    data = post(api_client, DEPOSER_PDF, {"fichierFacture": b64(pdf), "nomFichier": "tx9.pdf"}, api_headers).json()
    assert data["numeroFacture"] == "TX-9" and data["dateFacture"] == "2025-04-02" and data["montantHtTotal"] == 100.0
    assert data["codeDestinataire"] is None and data["montantTVA"] is None
    assert data["sourcePreRemplissage"] == "text"


def test_not_a_pdf_is_refused_by_field(api_client: Client, api_headers: dict, technical_account: TechnicalAccount) -> None:
    answer = post(api_client, DEPOSER_PDF, {"fichierFacture": b64(b"<xml/>"), "nomFichier": "a.pdf"}, api_headers)
    assert answer.status_code == 400 and "fichierFacture" in answer.json()["erreurs"]
    answer = post(api_client, DEPOSER_PDF, {"fichierFacture": b64(b"%PDF-1.4"), "nomFichier": "a.txt"}, api_headers)
    assert answer.status_code == 400 and "nomFichier" in answer.json()["erreurs"]
    assert InvoiceAttachment.objects.count() == 0
