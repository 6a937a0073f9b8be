"""Acceptance: the PyPI ``chorus-api`` client deposits invoices on a live server (api.md §9.1).

Au Diapason's technical account deposits a Factur-X PDF (then UBL, then CII) addressed to the
Commune de Montclair, service FINANCES with a commitment number; it polls consulterCRDetaille until
IN_INTEGRE and finds the invoice with rechercher_facture(numeroFluxDepot). A tar.gz of three
invoices, one of them bad, ends IN_INTEGRE_PARTIEL with the bad one and its rule in listeErreurDP.
"""

from __future__ import annotations

import base64
import time
from typing import Any

import pytest
from chorusapi.client import ChorusAPI

from facturier.core.demo import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TECH_PASSWORD, TECH_LOGIN, load_demo
from tests.flows.builders import EXTENSIONS, SYNTAXES, invoice_file, targz

FINAL = {"IN_INTEGRE", "IN_INTEGRE_PARTIEL", "IN_REJETE"}


def client(live_server: Any) -> ChorusAPI:
    api = ChorusAPI(
        client_id=DEMO_CLIENT_ID,
        client_secret=DEMO_CLIENT_SECRET,
        tech_username=TECH_LOGIN,
        tech_password=DEMO_TECH_PASSWORD,
        sandbox=True,
    )
    api.auth_url = live_server.url + "/api/oauth/token"
    api.api_url = live_server.url
    return api.auth()


def wait_final(api: ChorusAPI, number: str) -> Any:
    deadline = time.monotonic() + 60
    while True:
        report = api.consulter_cr_detaille(number)
        assert report.code_retour == 0, report.libelle
        if report.etat_courant_depot_flux in FINAL or time.monotonic() > deadline:
            return report
        time.sleep(0.2)


@pytest.fixture
def demo(transactional_db: None) -> None:
    load_demo()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fmt", ["facturx", "ubl", "cii"])
def test_chorus_api_deposits_and_finds_the_invoice(live_server: Any, demo: None, fmt: str) -> None:
    api = client(live_server)
    number = f"AD-{fmt.upper()}-0001"
    content = base64.b64encode(invoice_file(fmt, number)).decode()
    deposit = api.deposer_flux(content, f"facture_{number}.{EXTENSIONS[fmt]}", syntaxe_flux=SYNTAXES[fmt])
    assert deposit.code_retour == 0 and deposit.libelle == "TRA_MSG_00.000"
    assert deposit.numero_flux_depot.startswith("CPP") and len(deposit.numero_flux_depot) == 25
    assert deposit.syntaxe_flux == SYNTAXES[fmt] and len(deposit.date_depot) == 10

    report = wait_final(api, deposit.numero_flux_depot)
    assert report.etat_courant_depot_flux == "IN_INTEGRE", [e.libelle_erreur_dP for e in report.liste_erreur_dp]
    assert report.liste_erreur_dp == [] and report.liste_erreur_technique == []

    found = api.rechercher_facture(deposit.numero_flux_depot)
    assert found.code_retour == 0
    assert len(found.liste_factures) == 1
    item = found.liste_factures[0]
    assert item.numero_facture == number and isinstance(item.identifiant_facture_cpp, int)
    assert item.code_fournisseur == "89123456900012" and item.designation_fournisseur == "Au Diapason"
    assert item.code_destinataire == "21345000000012" and item.statut == "MISE_A_DISPOSITION"
    assert item.numero_flux_depot == deposit.numero_flux_depot and item.montant_ttc == pytest.approx(239.48)

    cr = api.consulter_cr(deposit.numero_flux_depot)
    assert cr.etat_courant_flux == "IN_INTEGRE" and base64.b64decode(cr.fichier_cr).startswith(b"%PDF-")


@pytest.mark.django_db(transaction=True)
def test_a_tar_gz_with_one_bad_invoice_is_partially_integrated(live_server: Any, demo: None) -> None:
    api = client(live_server)
    bad = invoice_file("facturx", "AD-LOT-BAD", purchase_order_reference=None)  # FINANCES needs an EJ
    lot = targz(
        [
            ("facture-1.pdf", invoice_file("facturx", "AD-LOT-1")),
            ("facture-2.pdf", bad),
            ("facture-3.pdf", invoice_file("facturx", "AD-LOT-3")),
        ]
    )
    deposit = api.deposer_flux(base64.b64encode(lot).decode(), "factur-x_chorus_lot_factures.tar.gz")
    report = wait_final(api, deposit.numero_flux_depot)
    assert report.etat_courant_depot_flux == "IN_INTEGRE_PARTIEL"
    assert [e.numero_dp for e in report.liste_erreur_dp] == ["AD-LOT-BAD"]
    error = report.liste_erreur_dp[0]
    assert error.libelle_erreur_dP.startswith("FR-PLT-07") and "BT-13" in error.libelle_erreur_dP
    assert error.identifiant_fournisseur == "89123456900012"
    assert error.identifiant_destinataire == "21345000000012"

    found = api.rechercher_facture(deposit.numero_flux_depot)
    assert sorted(f.numero_facture for f in found.liste_factures) == ["AD-LOT-1", "AD-LOT-3"]
