"""Acceptance (issue 6 "Real client"): the PyPI client ``chorus-api`` deposits a flow as Au
Diapason on a live server; raw HTTP calls by the Commune de Montclair's technical account find and
process the invoice (SERVICE_FAIT, MANDATEE, MISE_EN_PAIEMENT); ``consulter/historique``, read back
as the supplier the way the OCA Odoo module does, gives ``statutCourantCode`` and the history.

The OCA module's reading rules (api.md §9.2) are checked as it applies them: ``idFacture`` is an int
equal to the one sent, the number found by ``rechercher/fournisseur`` is the number inside the
file, and its polling stops once the status is MANDATEE or MISE_EN_PAIEMENT.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
import requests

from facturier.core.demo import (
    COMMUNE_TECH_LOGIN,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_TECH_PASSWORD,
    TECH_LOGIN,
    load_demo,
)
from facturier.structures.models import Structure
from tests.flows.builders import SYNTAXES, invoice_file

from .test_deposit_chorus_client import client, wait_final

CHORUS_CONTENT_TYPE = "application/json;charset=utf-8"
# The OCA module stops following an invoice in these statuses (chorus_cron, api.md §9.2).
OCA_FINAL_STATUSES = {"MANDATEE", "MISE_EN_PAIEMENT"}


class RawClient:
    """Plain ``requests`` calls as PASTELL or the OCA module make them: token from the form, then
    ``Authorization: Bearer`` + ``cpro-account`` + a JSON body."""

    def __init__(self, base_url: str, login: str) -> None:
        token = requests.post(
            base_url + "/api/oauth/token",
            data={"grant_type": "client_credentials", "client_id": DEMO_CLIENT_ID,
                  "client_secret": DEMO_CLIENT_SECRET, "scope": "openid"},
            timeout=30,
        )
        assert token.status_code == 200, token.text
        self.base_url = base_url
        self.headers = {
            "Authorization": f"{token.json()['token_type']} {token.json()['access_token']}",
            "cpro-account": base64.b64encode(f"{login}:{DEMO_TECH_PASSWORD}".encode()),
            "Content-type": CHORUS_CONTENT_TYPE,
        }

    def post(self, path: str, payload: dict[str, Any]) -> requests.Response:
        response = requests.post(self.base_url + "/cpro/" + path, data=json.dumps(payload), headers=self.headers,
                                 timeout=30)
        assert response.headers["Content-Type"] == CHORUS_CONTENT_TYPE
        return response

    def ok(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        response = self.post(path, payload)
        answer = response.json()
        assert (response.status_code, answer["codeRetour"], answer["libelle"]) == (200, 0, "TRA_MSG_00.000"), answer
        return answer


@pytest.fixture
def demo(transactional_db: None) -> None:
    load_demo()


@pytest.mark.django_db(transaction=True)
def test_chorus_api_deposit_then_the_recipient_processes_and_the_supplier_follows(live_server: Any, demo: None) -> None:
    # 1. The supplier deposits a Factur-X with chorus-api and finds its invoice (PY-CA, PY-OCA).
    api = client(live_server)
    number = "AD-CYCLE-0001"
    deposit = api.deposer_flux(base64.b64encode(invoice_file("facturx", number)).decode(), f"facture_{number}.pdf",
                               syntaxe_flux=SYNTAXES["facturx"])
    assert deposit.code_retour == 0
    assert wait_final(api, deposit.numero_flux_depot).etat_courant_depot_flux == "IN_INTEGRE"
    (found,) = api.rechercher_facture(deposit.numero_flux_depot).liste_factures
    invoice_id = found.identifiant_facture_cpp
    assert isinstance(invoice_id, int) and found.numero_facture == number and found.statut == "MISE_A_DISPOSITION"

    # 2. The commune's technical account finds it the way PASTELL does, and processes it.
    commune = RawClient(live_server.url, COMMUNE_TECH_LOGIN)
    search = commune.ok("factures/v1/rechercher/recipiendaire", {
        "listeFournisseurs": [{"idFournisseur": Structure.objects.get(identifier=found.code_fournisseur).pk}],
        "numeroFacture": number, "paramRecherche": {"nbResultatsParPage": 1000, "pageResultatDemandee": 1}})
    assert search["listeFactures"][0]["idFacture"] == invoice_id and search["pageCourante"] >= search["pages"]
    possible = commune.ok("transverses/v1/recuperer/etats/traitement", {"statutCourant": "MISE_A_DISPOSITION"})
    assert {"SERVICE_FAIT", "MANDATEE", "MISE_EN_PAIEMENT"} <= {
        row["statutPossiblePourTraitement"] for row in possible["listeStatutsPossiblesPourTraitement"]}
    for target, extra in (("SERVICE_FAIT", {}), ("MANDATEE", {"numeroDPMandat": "M-2025-17"}),
                          ("MISE_EN_PAIEMENT", {})):
        answer = commune.ok("factures/v1/traiter/recue",
                            {"idFacture": invoice_id, "nouveauStatut": target, "motif": "", **extra})
        assert (answer["idFacture"], answer["nouveauStatut"], answer["numeroFacture"]) == (invoice_id, target, number)
    refused = commune.post("factures/v1/traiter/recue", {"idFacture": invoice_id, "nouveauStatut": "SUSPENDUE",
                                                         "motif": "Trop tard"})
    assert refused.status_code == 409 and refused.json()["codeRetour"] == 20002

    # 3. The supplier reads the history back as the OCA module does ({"idFacture": <int>} only).
    supplier = RawClient(live_server.url, TECH_LOGIN)
    history = supplier.ok("factures/v1/consulter/historique", {"idFacture": invoice_id})
    assert history["idFacture"] == invoice_id and type(history["idFacture"]) is int
    assert history["statutCourantCode"] == "MISE_EN_PAIEMENT" and history["statutCourantCode"] in OCA_FINAL_STATUSES
    assert history["numeroFacture"] == number
    codes = [row["histoStatutCode"] for row in history["historiquesDesStatuts"]["histoStatut"]]
    assert codes == ["MISE_EN_PAIEMENT", "MANDATEE", "SERVICE_FAIT", "MISE_A_DISPOSITION", "DEPOSEE"]
    paid = history["historiquesDesStatuts"]["histoStatut"][0]
    assert paid["histoStatutUtilisateurEmail"] == COMMUNE_TECH_LOGIN
    # The supplier's own search now shows the new status (what PY-OCA's cron reads next).
    (again,) = api.rechercher_facture(deposit.numero_flux_depot).liste_factures
    assert (again.identifiant_facture_cpp, again.statut) == (invoice_id, "MISE_EN_PAIEMENT")
