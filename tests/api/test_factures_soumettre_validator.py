"""soumettreFacture (F3) with ``cadreDeFacturation{codeStructureValideur, codeServiceValideur}``: an A9
invoice goes to the main contractor (A_VALIDER_1) with its identity; bad validators are refused on
the wire field that named them."""

from __future__ import annotations

import pytest
from django.test import Client

from facturier.invoices.enums import InvoiceStatus
from facturier.invoices.models import Invoice
from facturier.structures.models import Structure, TechnicalAccount
from tests.factories import ServiceFactory, StructureFactory

from .deposits import commune, post
from .entries import ready_supplier
from .test_factures_soumettre import SOUMETTRE, saisie

pytestmark = pytest.mark.django_db


def a9(recipient: Structure, supplier: Structure, **cadre: object) -> dict:
    return saisie(recipient, supplier, cadreDeFacturation={"codeCadreFacturation": "A9_FACTURE_SOUSTRAITANT", **cadre})


@pytest.fixture
def parties(technical_account: TechnicalAccount) -> tuple[Structure, Structure, Structure]:
    main = StructureFactory(name="Titulaire Bâtiment SA")
    return ready_supplier(technical_account), commune(), main


def test_an_a9_submission_lands_at_the_validator_with_its_identity(
    api_client: Client, api_headers: dict, parties: tuple
) -> None:
    supplier, recipient, main = parties
    service = ServiceFactory(structure=main, code="CHANTIERS", name="Conduite de chantiers")
    body = a9(recipient, supplier, codeStructureValideur=main.identifier, codeServiceValideur="CHANTIERS")
    answer = post(api_client, SOUMETTRE, body, api_headers)
    assert answer.status_code == 200, answer.json()
    data = answer.json()
    assert data["codeRetour"] == 0 and data["statutFacture"] == InvoiceStatus.A_VALIDER_1
    invoice = Invoice.objects.get(pk=data["identifiantFactureCPP"])
    assert invoice.billing_frame == "A9_FACTURE_SOUSTRAITANT"
    assert (invoice.validator1, invoice.validator1_service) == (main, service)
    assert (invoice.validator1_identifier, invoice.validator1_name) == (main.identifier, "Titulaire Bâtiment SA")
    assert invoice.validator2 is None


@pytest.mark.parametrize(
    ("cadre", "field", "rule"),
    [
        ({}, "cadreDeFacturation.codeStructureValideur", "FR-VAL-01"),
        ({"codeStructureValideur": "00000000000000"}, "cadreDeFacturation.codeStructureValideur", "FR-VAL-02"),
        ({"codeStructureValideur": "main", "codeServiceValideur": "NULLE_PART"},
         "cadreDeFacturation.codeServiceValideur", "FR-VAL-05"),
        ({"codeStructureValideur": "supplier"}, "cadreDeFacturation.codeStructureValideur", "FR-VAL-04"),
    ],
)
def test_bad_validators_are_refused_on_their_wire_field(
    api_client: Client, api_headers: dict, parties: tuple, cadre: dict, field: str, rule: str
) -> None:
    supplier, recipient, main = parties
    named = {"main": main.identifier, "supplier": supplier.identifier}
    cadre = {key: named.get(value, value) for key, value in cadre.items()}
    answer = post(api_client, SOUMETTRE, a9(recipient, supplier, **cadre), api_headers)
    assert answer.status_code == 400
    data = answer.json()
    assert data["codeRetour"] == 20013
    assert list(data["erreurs"]) == [field, "findings"]
    assert data["erreurs"][field][0].startswith(f"{rule} : ")
    assert data["erreurs"]["findings"][0]["rule"] == rule
    assert Invoice.objects.count() == 0


def test_a_validator_on_an_a1_invoice_is_refused(api_client: Client, api_headers: dict, parties: tuple) -> None:
    supplier, recipient, main = parties
    body = saisie(recipient, supplier, cadreDeFacturation={"codeCadreFacturation": "A1_FACTURE_FOURNISSEUR",
                                                          "codeStructureValideur": main.identifier})
    data = post(api_client, SOUMETTRE, body, api_headers).json()
    assert data["codeRetour"] == 20013
    assert data["erreurs"]["cadreDeFacturation.codeStructureValideur"][0].startswith("FR-VAL-06")
    # Null validator fields (GO and the COM example send them) are no validator at all.
    body["cadreDeFacturation"]["codeStructureValideur"] = None
    assert post(api_client, SOUMETTRE, body, api_headers).json()["statutFacture"] == "MISE_A_DISPOSITION"
