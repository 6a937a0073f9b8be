"""deposerFluxFacture (F1), rechercherFactureParFournisseur (F4), consulterCR/consulterCRDetaille
(T1/T2) and the reference lists (T4–T9, T12) through the Django test client."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.test import Client

from facturier.flows.models import Flow
from facturier.invoices.models import Invoice
from facturier.structures.models import TechnicalAccount

from .deposits import DEPOSER_FLUX, commune, deposit_body, file_for, post

pytestmark = pytest.mark.django_db(transaction=True)


def test_deposit_answers_the_flow_number_and_the_invoice_is_found(
    api_client: Client, api_headers: dict[str, str], technical_account: TechnicalAccount
) -> None:
    recipient = commune()
    data = file_for(technical_account, recipient, "ubl", "T-1")
    answer = post(api_client, DEPOSER_FLUX, deposit_body(data, "t1.xml", "IN_DP_E1_UBL_INVOICE"), api_headers)
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert set(body) >= {"codeRetour", "libelle", "numeroFluxDepot", "dateDepot", "syntaxeFlux"}
    assert body["codeRetour"] == 0 and body["syntaxeFlux"] == "IN_DP_E1_UBL_INVOICE"
    number = body["numeroFluxDepot"]

    detail = post(api_client, "/cpro/transverses/v1/consulterCRDetaille", {"numeroFluxDepot": number}, api_headers)
    assert detail.json()["etatCourantDepotFlux"] == "IN_INTEGRE", detail.json()["listeErreurDP"]
    assert detail.json()["listeErreurDP"] == [] and detail.json()["listeErreurTechnique"] == []

    found = post(api_client, "/cpro/factures/v1/rechercher/fournisseur", {"numeroFluxDepot": number}, api_headers)
    rows = found.json()["listeFactures"]
    assert [r["numeroFacture"] for r in rows] == ["T-1"]
    assert found.json()["parametresRetour"]["total"] == 1 and found.json()["total"] == 1
    row = rows[0]
    assert row["identifiantFactureCPP"] == Invoice.objects.get().pk
    assert row["statut"] == "MISE_A_DISPOSITION" and row["typeFacture"] == "FACTURE"
    assert row["codeServiceExecutant"] == "FINANCES" and row["numeroBonCommande"] == "EJ-2025-0042"
    assert isinstance(row["montantHT"], float) and row["dateFacture"] == "2025-03-01"

    credit = post(
        api_client, "/cpro/factures/v1/rechercher/fournisseur",
        {"numeroFluxDepot": number, "typeFacture": "AVOIR"}, api_headers,
    )
    assert credit.json()["listeFactures"] == []

    cr = post(api_client, "/cpro/transverses/v1/consulterCR", {"numeroFluxDepot": number}, api_headers).json()
    assert cr["etatCourantFlux"] == "IN_INTEGRE" and cr["nomFichierFlux"] == "t1.xml"
    assert base64.b64decode(cr["fichierCR"]).startswith(b"%PDF-")


def test_partial_flow_lists_each_bad_invoice_with_its_rule(
    api_client: Client, api_headers: dict[str, str], technical_account: TechnicalAccount
) -> None:
    from tests.flows.builders import targz

    recipient = commune()
    lot = targz([
        ("ok.xml", file_for(technical_account, recipient, "cii", "P-OK")),
        ("ko.xml", file_for(technical_account, recipient, "cii", "P-KO", buyer_reference="INCONNU")),
    ])
    body = post(api_client, DEPOSER_FLUX, deposit_body(lot, "lot.tar.gz", "IN_DP_E1_CII_16B"), api_headers).json()
    detail = post(
        api_client, "/cpro/transverses/v1/consulterCRDetaille", {"numeroFluxDepot": body["numeroFluxDepot"]},
        api_headers,
    ).json()
    assert detail["etatCourantDepotFlux"] == "IN_INTEGRE_PARTIEL"
    assert [(e["numeroDP"], e["libelleErreurDP"][:9]) for e in detail["listeErreurDP"]] == [("P-KO", "FR-PLT-05")]
    assert "INCONNU" in detail["listeErreurDP"][0]["libelleErreurDP"]


def test_another_account_cannot_see_the_flow(
    api_client: Client, api_headers: dict[str, str], technical_account: TechnicalAccount
) -> None:
    recipient = commune()
    data = file_for(technical_account, recipient, "cii", "S-1")
    number = post(api_client, DEPOSER_FLUX, deposit_body(data, "s.xml", "IN_DP_E1_CII_16B"), api_headers).json()[
        "numeroFluxDepot"
    ]
    other = Flow.objects.get(number=number)
    assert other.depositor == technical_account.user
    missing = post(api_client, "/cpro/transverses/v1/consulterCR", {"numeroFluxDepot": "CPP" + "0" * 22}, api_headers)
    assert missing.status_code == 404 and missing.json()["codeRetour"] == 20000


@pytest.mark.parametrize(
    ("path", "key", "field", "expected"),
    [
        ("recuperer/devises", "listeDevises", "codeDevise", "EUR"),
        ("recuperer/pays", "listePays", "codePays", "FR"),
        ("recuperer/tauxtva", "listeTauxTva", "codeTauxTva", "TVA20"),
        ("recuperer/motifs/exonerationtva", "listeMotifsExonerationTva", "codeMotifExonerationTva", "VATEX-EU-AE"),
        ("recuperer/modedepot", "listeModeDepot", "modeDepot", "SAISIE_API"),
        ("recuperer/modereglements", "listeModePaiement", "modePaiement", "VIREMENT"),
        ("recuperer/formatflux", "listeFormatFlux", "formatFlux", "IN_DP_E2_FACTURX"),
    ],
)
def test_reference_lists(
    api_client: Client, api_headers: dict[str, str], path: str, key: str, field: str, expected: Any
) -> None:
    answer = post(api_client, f"/cpro/transverses/v1/{path}", {"codeLangue": "FR"}, api_headers)
    assert answer.status_code == 200 and answer.json()["codeRetour"] == 0
    assert expected in [row[field] for row in answer.json()[key]]
