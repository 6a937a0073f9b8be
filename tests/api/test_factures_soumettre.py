"""soumettreFacture (F3): SAISIE_API with lines, DEPOT_PDF_API with a main attachment (array or
object), errors by field."""

from __future__ import annotations

import pytest
from django.test import Client

from facturier.einvoice import Format, read
from facturier.einvoice.validate import validate
from facturier.invoices.models import Invoice, InvoiceAttachment
from facturier.structures.models import Structure, TechnicalAccount

from .deposits import commune, post
from .entries import b64, ready_supplier, text_pdf

pytestmark = pytest.mark.django_db
SOUMETTRE = "/cpro/factures/v1/soumettre"
DEPOSER_PDF = "/cpro/factures/v1/deposer/pdf"
AJOUTER = "/cpro/transverses/v1/ajouter/fichier"


def saisie(recipient: Structure, supplier: Structure, **overrides: object) -> dict:
    body = {
        "idUtilisateurCourant": 0,
        "modeDepot": "SAISIE_API",
        "numeroFactureSaisi": "API-2025-001",
        "dateFacture": "2025-03-01",
        "dateEcheancePaiement": "2025-03-31",
        "destinataire": {"codeDestinataire": recipient.identifier, "codeServiceExecutant": "FINANCES"},
        "fournisseur": {"idFournisseur": supplier.pk, "idServiceFournisseur": None,
                        "codeCoordonneesBancairesFournisseur": None},
        "cadreDeFacturation": {"codeCadreFacturation": "A1_FACTURE_FOURNISSEUR", "codeStructureValideur": None},
        "references": {"deviseFacture": "EUR", "typeFacture": "FACTURE", "typeTva": "TVA_SUR_DEBIT",
                       "modePaiement": "VIREMENT", "numeroBonCommande": "EJ-1", "numeroMarche": "M-7",
                       "motifExonerationTva": None, "numeroFactureOrigine": None},
        "lignePoste": [
            {"lignePosteNumero": 1, "lignePosteReference": "ACC", "lignePosteDenomination": "Accord de piano",
             "lignePosteQuantite": 2, "lignePosteUnite": "lot", "lignePosteMontantUnitaireHT": 80,
             "lignePosteMontantRemiseHT": 0, "lignePosteTauxTva": "TVA20", "lignePosteTauxTvaManuel": None},
            {"lignePosteNumero": 2, "lignePosteReference": "", "lignePosteDenomination": "Partitions",
             "lignePosteQuantite": 3, "lignePosteUnite": "Kg", "lignePosteMontantUnitaireHT": 15,
             "lignePosteMontantRemiseHT": None, "lignePosteTauxTva": None, "lignePosteTauxTvaManuel": 5.5},
        ],
        "ligneTva": [
            {"ligneTvaTaux": "TVA20", "ligneTvaMontantBaseHtParTaux": 160, "ligneTvaMontantTvaParTaux": 32},
            {"ligneTvaTauxManuel": 5.5, "ligneTvaMontantBaseHtParTaux": 45, "ligneTvaMontantTvaParTaux": 2.48},
        ],
        "montantTotal": {"montantHtTotal": 205, "montantTVA": 34.48, "montantTtcTotal": 239.48,
                         "montantRemiseGlobaleTTC": 0, "motifRemiseGlobaleTTC": "", "montantAPayer": 239.48},
        "pieceJointePrincipale": None,
        "pieceJointeComplementaire": None,
        "commentaire": "Merci",
    }
    body.update(overrides)
    return body


def test_saisie_api_integrates_a_valid_facturx(
    api_client: Client, api_headers: dict, technical_account: TechnicalAccount
) -> None:
    supplier, recipient = ready_supplier(technical_account), commune()
    answer = post(api_client, SOUMETTRE, saisie(recipient, supplier), api_headers)
    assert answer.status_code == 200, answer.json()
    data = answer.json()
    assert data["codeRetour"] == 0 and isinstance(data["identifiantFactureCPP"], int)
    assert data["numeroFacture"] == "API-2025-001" and data["statutFacture"] == "MISE_A_DISPOSITION"
    assert len(data["dateDepot"]) == 10 and len(data["empreinteCertificatDepot"]) == 64
    assert data["identifiantStructure"] == supplier.identifier
    invoice = Invoice.objects.get(pk=data["identifiantFactureCPP"])
    assert invoice.deposit_mode == "SAISIE_API" and str(invoice.amount_due) == "239.480000"
    with invoice.original_file.open("rb") as handle:
        original = handle.read()
    assert read(original).format is Format.FACTURX and validate(original).valid
    found = post(api_client, "/cpro/factures/v1/rechercher/fournisseur", {"numeroFacture": "API-2025-001"},
                 api_headers).json()
    assert [row["identifiantFactureCPP"] for row in found["listeFactures"]] == [invoice.pk]


def test_rejection_names_the_fields(api_client: Client, api_headers: dict, technical_account: TechnicalAccount) -> None:
    supplier, recipient = ready_supplier(technical_account), commune()
    body = saisie(recipient, supplier, destinataire={"codeDestinataire": recipient.identifier,
                                                      "codeServiceExecutant": "INCONNU"})
    answer = post(api_client, SOUMETTRE, body, api_headers)
    assert answer.status_code == 400 and answer.json()["codeRetour"] == 20013
    errors = answer.json()["erreurs"]
    assert errors["destinataire.codeServiceExecutant"][0].startswith("FR-PLT-05")
    assert errors["findings"][0]["rule"] == "FR-PLT-05" and "BT-10" in errors["findings"][0]["terms"]
    assert Invoice.objects.count() == 0

    twice = post(api_client, SOUMETTRE, saisie(recipient, supplier), api_headers)
    assert twice.status_code == 200
    dup = post(api_client, SOUMETTRE, saisie(recipient, supplier), api_headers).json()
    assert dup["codeRetour"] == 20013 and "FR-PLT-09" in dup["erreurs"]["numeroFactureSaisi"][0]
    assert f"identifiantFactureCPP {twice.json()['identifiantFactureCPP']}" in dup["erreurs"]["numeroFactureSaisi"][0]


def test_input_errors_are_field_level(api_client: Client, api_headers: dict, technical_account: TechnicalAccount) -> None:
    supplier, recipient = ready_supplier(technical_account), commune()
    body = saisie(recipient, supplier, destinataire={"codeDestinataire": "00000000000000"}, lignePoste=[])
    errors = post(api_client, SOUMETTRE, body, api_headers).json()["erreurs"]
    assert "destinataire.codeDestinataire" in errors and "lignePoste" in errors
    body = saisie(recipient, supplier, montantTotal={"montantHtTotal": 205, "montantTVA": 30})
    errors = post(api_client, SOUMETTRE, body, api_headers).json()["erreurs"]
    assert list(errors) == ["montantTotal.montantTVA"] and "34.48" in errors["montantTotal.montantTVA"][0]
    line = {"lignePosteDenomination": "X", "lignePosteMontantUnitaireHT": 1, "lignePosteTauxTva": "TVA99"}
    errors = post(api_client, SOUMETTRE, saisie(recipient, supplier, lignePoste=[line], ligneTva=None,
                                                 montantTotal=None), api_headers).json()["erreurs"]
    assert "lignePoste[0].lignePosteTauxTva" in errors
    assert Invoice.objects.count() == 0


def pastell_body(recipient: Structure, supplier: Structure, attachment_id: int) -> dict:
    """PASTELL's exact soumettreFacture body (api.md §9.6)."""
    return {
        "modeDepot": "DEPOT_PDF_API",
        "numeroFactureSaisi": "PA-2025-07",
        "dateFacture": "2025-03-02",
        "destinataire": {"codeDestinataire": recipient.identifier, "codeServiceExecutant": "FINANCES"},
        "fournisseur": {"idFournisseur": supplier.pk},
        "cadreDeFacturation": {"codeCadreFacturation": "A1_FACTURE_FOURNISSEUR"},
        "references": {"deviseFacture": "EUR", "typeFacture": "FACTURE", "typeTva": "TVA_SUR_DEBIT",
                       "modePaiement": "VIREMENT", "numeroBonCommande": "EJ-77"},
        "montantTotal": {"montantHtTotal": 1000, "montantTVA": 200, "montantTtcTotal": 1200, "montantAPayer": 1200},
        "pieceJointePrincipale": [{"pieceJointePrincipaleDesignation": "facture.pdf",
                                   "pieceJointePrincipaleId": attachment_id}],
    }


def test_pastell_pdf_deposit_after_deposer_pdf(
    api_client: Client, api_headers: dict, technical_account: TechnicalAccount
) -> None:
    supplier, recipient = ready_supplier(technical_account), commune()
    pdf = text_pdf(["Facture PA-2025-07", "Total HT 1000,00"])
    uploaded = post(api_client, DEPOSER_PDF, {"fichierFacture": b64(pdf), "nomFichier": "facture.pdf",
                                              "formatDepot": "PDF_NON_SIGNE"}, api_headers).json()
    answer = post(api_client, SOUMETTRE, pastell_body(recipient, supplier, uploaded["pieceJointeId"]), api_headers)
    assert answer.status_code == 200, answer.json()
    invoice = Invoice.objects.get(pk=answer.json()["identifiantFactureCPP"])
    assert invoice.deposit_mode == "DEPOT_PDF_API" and invoice.syntax == "pdf"
    assert str(invoice.amount_ttc) == "1200.000000" and invoice.commitment_number == "EJ-77"
    with invoice.original_file.open("rb") as handle:
        assert handle.read() == pdf
    assert InvoiceAttachment.objects.get(pk=uploaded["pieceJointeId"]).invoice == invoice
    again = post(api_client, SOUMETTRE, {**pastell_body(recipient, supplier, uploaded["pieceJointeId"]),
                                         "numeroFactureSaisi": "PA-2025-08"}, api_headers)
    assert again.status_code == 400 and "pieceJointePrincipale[0].pieceJointePrincipaleId" in again.json()["erreurs"]


def test_go_sends_the_main_attachment_as_an_object(
    api_client: Client, api_headers: dict, technical_account: TechnicalAccount
) -> None:
    supplier, recipient = ready_supplier(technical_account), commune()
    pdf = text_pdf(["Facture GO-1"])
    uploaded = post(api_client, AJOUTER, {"pieceJointeFichier": b64(pdf), "pieceJointeNom": "go.pdf",
                                          "pieceJointeTypeMime": "application/pdf", "pieceJointeExtension": "PDF"},
                    api_headers).json()
    extra = post(api_client, AJOUTER, {"pieceJointeFichier": b64(b"bon"), "pieceJointeNom": "bl.txt"},
                 api_headers).json()
    body = {
        **pastell_body(recipient, supplier, 0),
        "numeroFactureSaisi": "GO-1",
        "pieceJointePrincipale": {"pieceJointePrincipaleDesignation": "go.pdf",
                                  "pieceJointePrincipaleId": uploaded["pieceJointeId"]},
        "pieceJointeComplementaire": [{"pieceJointeComplementaireDesignation": "Bon de livraison",
                                       "pieceJointeComplementaireType": "BON_LIVRAISON",
                                       "pieceJointeComplementaireId": extra["pieceJointeId"]}],
        "ligneTva": [{"ligneTvaTaux": "TVA20", "ligneTvaMontantBaseHtParTaux": 1000, "ligneTvaMontantTvaParTaux": 200}],
    }
    answer = post(api_client, SOUMETTRE, body, api_headers)
    assert answer.status_code == 200, answer.json()
    invoice = Invoice.objects.get(pk=answer.json()["identifiantFactureCPP"])
    assert sorted((a.kind, a.designation) for a in invoice.attachments.all()) == [
        ("COMPLEMENTAIRE", "Bon de livraison"), ("PRINCIPALE", "go.pdf")]


def test_another_accounts_upload_cannot_be_used(
    api_client: Client, api_headers: dict, technical_account: TechnicalAccount
) -> None:
    from django.core.files.base import ContentFile

    from tests.factories import UserFactory

    supplier, recipient = ready_supplier(technical_account), commune()
    stranger = InvoiceAttachment(name="x.pdf", extension="PDF", sha256="0", size=8, uploaded_by=UserFactory())
    stranger.file.save("x.pdf", ContentFile(b"%PDF-1.4"), save=False)
    stranger.save()
    answer = post(api_client, SOUMETTRE, pastell_body(recipient, supplier, stranger.pk), api_headers)
    assert answer.status_code == 400 and "pieceJointePrincipale[0].pieceJointePrincipaleId" in answer.json()["erreurs"]


def _bank_of(invoice_id: int) -> str:
    with Invoice.objects.get(pk=invoice_id).original_file.open("rb") as handle:
        [means] = read(handle.read()).invoice.payment_means
    return means.credit_transfer.account_id.value


def test_the_named_bank_details_or_the_only_ones_are_carried(
    api_client: Client, api_headers: dict, technical_account: TechnicalAccount
) -> None:
    from facturier.structures.models import BankAccount

    from .entries import IBAN

    supplier, recipient = ready_supplier(technical_account), commune()
    answer = post(api_client, SOUMETTRE, saisie(recipient, supplier, numeroFactureSaisi="BK-1"), api_headers)
    assert _bank_of(answer.json()["identifiantFactureCPP"]) == IBAN  # the structure's only valid ones
    other = BankAccount.objects.create(structure=supplier, name="Compte projets", iban="FR7610107001011234567890129",
                                       bic="BREDFRPP", created_by=technical_account.user)
    named = {"idFournisseur": supplier.pk, "codeCoordonneesBancairesFournisseur": other.pk}
    answer = post(api_client, SOUMETTRE, saisie(recipient, supplier, numeroFactureSaisi="BK-2", fournisseur=named),
                  api_headers)
    assert _bank_of(answer.json()["identifiantFactureCPP"]) == other.iban
    BankAccount.objects.filter(pk=other.pk).update(is_active=False)
    answer = post(api_client, SOUMETTRE, saisie(recipient, supplier, numeroFactureSaisi="BK-3", fournisseur=named),
                  api_headers)
    assert answer.status_code == 400 and "fournisseur.codeCoordonneesBancairesFournisseur" in str(answer.json())
    assert not Invoice.objects.filter(number="BK-3").exists()


def test_a_global_discount_entered_ttc_is_carried_ht_in_the_lines_proportion() -> None:
    from decimal import Decimal

    from facturier.invoices.entry import EntryLine, discount_ht_from_ttc

    def line(price: str, rate: str, category: str = "S") -> EntryLine:
        return EntryLine(name="x", quantity=Decimal(1), unit_price=Decimal(price), vat_rate=Decimal(rate),
                         vat_category=category)

    # 100 HT at 20 % and 100 HT at 10 %: 230 TTC for 200 HT, so 23 TTC off is 20 HT off.
    assert discount_ht_from_ttc(lines=[line("100", "20"), line("100", "10")], discount_ttc=Decimal("23")) == Decimal("20.00")
    assert discount_ht_from_ttc(lines=[line("0", "20")], discount_ttc=Decimal("5")) is None
