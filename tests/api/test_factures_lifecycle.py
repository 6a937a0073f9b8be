"""The lifecycle operations of the « Factures » and « Transverses » APIs (issue 6 §7): searches
(F4–F7), consultations (F8–F11), download (F12), processing (F13–F19) and the lifecycle lists
(T10, T13–T15, T19), called over HTTP with the demo's technical accounts.

Au Diapason (supplier, tech@au-diapason.demo) deposits flows for the Commune de Montclair
(recipient, tech@montclair.demo); Bâtiments Durables gets a technical account to validate
sub-contractors' invoices. Each operation: happy path, the field names and JSON types the real
clients read (api.md §9), pagination, and the errors 20000 / 20001 / 20002.
"""

from __future__ import annotations

import base64
import io
import zipfile
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_application_model

from facturier.accounts.models import User
from facturier.core.demo import COMMUNE_TECH_LOGIN, DEMO_CLIENT_ID, DEMO_TECH_PASSWORD, TECH_LOGIN, load_demo
from facturier.flows.services import flow_receive
from facturier.invoices.enums import BillingFrame, InvoiceStatus
from facturier.invoices.models import Invoice, InvoiceAttachment, InvoiceEvent
from facturier.structures.models import (
    ApiConnection,
    Attachment,
    Role,
    SpaceSubscription,
    Structure,
    StructureSpace,
    TechnicalAccount,
)
from facturier.structures.spaces import Space, SpaceMode
from tests.flows.builders import SYNTAXES, invoice_file

from .conftest import CHORUS_CONTENT_TYPE, cpro_account

pytestmark = pytest.mark.django_db

S = InvoiceStatus
F = "/cpro/factures/v1/"
T = "/cpro/transverses/v1/"
COMMUNE = "21345000000012"
DIAPASON = "89123456900012"
BATIMENTS = "52345678800018"
SYNDICAT = "21769012200015"
STATE = "11000009800019"
VALIDATOR_LOGIN = "tech@batiments-durables.test"
READER_LOGIN = "tech@eaux-intercommunal.test"
STATE_LOGIN = "tech@ministere-exemple.test"

Call = Callable[..., tuple[int, dict[str, Any]]]


# --- the world ----------------------------------------------------------------------------------


def structure(siret: str) -> Structure:
    return Structure.objects.get(identifier=siret)


def technical_account(siret: str, login: str, *, attached_to: str | None = None,
                      space: Space = Space.FACTURES_A_VALIDER, mode: str = SpaceMode.MODIFICATION) -> User:
    """A technical account of ``siret``, connected to the demo application, attached to
    ``attached_to`` (default: its own structure) through ``space`` in ``mode``."""
    own = structure(siret)
    target = structure(attached_to or siret)
    user = User.objects.create_user(login, DEMO_TECH_PASSWORD, first_name="API", last_name=own.name[:150],
                                    kind=User.Kind.TECHNICAL)
    account = TechnicalAccount.objects.create(user=user, structure=own)
    Attachment.objects.create(user=user, structure=target, role=Role.USER, status=Attachment.Status.VALIDATED)
    StructureSpace.objects.get_or_create(structure=target, space=space)
    SpaceSubscription.objects.create(user=user, structure=target, space=space, mode=mode,
                                     status=SpaceSubscription.Status.ACTIVE)
    ApiConnection.objects.create(
        application=get_application_model().objects.get(client_id=DEMO_CLIENT_ID), technical_account=account,
        structure=own, environment=ApiConnection.Environment.PRODUCTION, application_name="demo",
        usage_type=ApiConnection.UsageType.OWN_USE, status=ApiConnection.Status.ACTIVE, declared_by=user,
    )
    return user


@pytest.fixture
def demo(db: None) -> None:
    load_demo()


@pytest.fixture
def api(demo: None) -> Call:
    """``api(login, "factures", "traiter/recue", body)`` → (HTTP status, JSON answer)."""
    token = get_access_token_model().objects.create(
        application=get_application_model().objects.get(client_id=DEMO_CLIENT_ID),
        token="lifecycle-token-0123456789", expires=timezone.now() + timedelta(hours=1), scope="openid",
    )
    client = Client()

    def call(login: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
        response = client.post(path, body or {}, content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {token.token}",
                               HTTP_CPRO_ACCOUNT=cpro_account(login, DEMO_TECH_PASSWORD))
        assert response["Content-Type"] == CHORUS_CONTENT_TYPE
        return response.status_code, response.json()

    return call


@pytest.fixture
def validator(demo: None) -> User:
    return technical_account(BATIMENTS, VALIDATOR_LOGIN)


def deposit(number: str, fmt: str = "cii", **overrides: Any) -> Invoice:
    """Au Diapason deposits a flow of one invoice for the commune (service FINANCES): it is
    integrated and routed at once (MISE_A_DISPOSITION)."""
    with TestCase.captureOnCommitCallbacks(execute=True):  # the flow is processed after commit
        flow = flow_receive(actor=User.objects.get(email=TECH_LOGIN), data=invoice_file(fmt, number, **overrides),
                            file_name=f"{number}.xml", syntax=SYNTAXES[fmt], channel="API")
    return Invoice.objects.get(flow_id=flow.pk)


def to_validate(invoice: Invoice, validator: Structure) -> Invoice:
    """Make ``invoice`` a sub-contractor's invoice (A9) waiting for ``validator`` (setup only)."""
    Invoice.objects.filter(pk=invoice.pk).update(
        billing_frame=BillingFrame.A9, status=S.A_VALIDER_1, validator1=validator,
        validator1_identifier=validator.identifier, validator1_name=validator.name,
    )
    invoice.refresh_from_db()
    return invoice


def ok(answer: tuple[int, dict[str, Any]]) -> dict[str, Any]:
    status, body = answer
    assert (status, body["codeRetour"], body["libelle"]) == (200, 0, "TRA_MSG_00.000"), body
    return body


def error(answer: tuple[int, dict[str, Any]], http: int, code: int) -> dict[str, Any]:
    status, body = answer
    assert (status, body["codeRetour"]) == (http, code), body
    assert body["libelle"] and body["message"]
    return body


# --- F5 rechercher/recipiendaire ------------------------------------------------------------------


def test_recipient_search_finds_the_received_invoices_with_integer_ids(api: Call) -> None:
    first, second = deposit("RR-0001"), deposit("RR-0002")
    body = ok(api(COMMUNE_TECH_LOGIN, F + "rechercher/recipiendaire", {"typeDemandePaiement": "FACTURE"}))
    rows = {row["numeroFacture"]: row for row in body["listeFactures"]}
    assert set(rows) == {"RR-0001", "RR-0002"}
    row = rows["RR-0001"]
    assert row["idFacture"] == first.pk and isinstance(row["idFacture"], int)
    assert (row["statut"], row["typeDemandePaiement"], row["typeFacture"]) == (S.MISE_A_DISPOSITION, "FACTURE", "FACTURE")
    assert (row["codeFournisseur"], row["designationFournisseur"]) == (DIAPASON, "Au Diapason")
    assert (row["codeDestinataire"], row["codeServiceExecutant"]) == (COMMUNE, "FINANCES")
    assert row["numeroBonCommande"] == "EJ-2025-0042" and row["montantTTC"] == pytest.approx(239.48)
    assert row["factureTelechargeeParDestinataire"] is False and isinstance(row["taille"], int)
    assert len(row["dateDepot"]) == 10 and row["dateFacture"] == "2025-03-01"
    assert "T" in row["dateHeureEtatCourant"] and row["dateHeureEtatCourant"][-6] in "+-"
    # Pagination at the top level (PASTELL) and in parametresRetour, always integers.
    counters = {"pageCourante": 1, "pages": 1, "nbResultatsParPage": 10, "total": 2}
    assert {key: body[key] for key in counters} == counters and body["parametresRetour"] == counters
    assert second.pk in {row["idFacture"] for row in body["listeFactures"]}


def test_recipient_search_filters_and_pages(api: Call) -> None:
    invoices = [deposit(f"RP-000{n}") for n in range(1, 4)]
    Invoice.objects.filter(pk=invoices[0].pk).update(downloaded_by_recipient=True)
    search = F + "rechercher/recipiendaire"
    # PASTELL's paging loop: one per page, ascending by number.
    seen = []
    for page in (1, 2, 3):
        body = ok(api(COMMUNE_TECH_LOGIN, search, {"paramRecherche": {
            "pageResultatDemandee": page, "nbResultatsParPage": 1, "triColonne": "numeroFacture",
            "triSens": "Ascendant", "nbResultatsMaximum": 999999}}))
        assert (body["pageCourante"], body["pages"], body["total"]) == (page, 3, 3)
        seen += [row["numeroFacture"] for row in body["listeFactures"]]
    assert seen == ["RP-0001", "RP-0002", "RP-0003"]
    # Downloaded or not: false is a criterion here.
    body = ok(api(COMMUNE_TECH_LOGIN, search, {"factureTelechargeeParDestinataire": False}))
    assert sorted(row["numeroFacture"] for row in body["listeFactures"]) == ["RP-0002", "RP-0003"]
    body = ok(api(COMMUNE_TECH_LOGIN, search, {"factureTelechargeeParDestinataire": True,
                                               "statutCourant": "MISE_A_DISPOSITION"}))
    assert [row["idFacture"] for row in body["listeFactures"]] == [invoices[0].pk]
    # PASTELL's lookup: by supplier and number; a date-time bound as PASTELL sends it.
    supplier = structure(DIAPASON)
    body = ok(api(COMMUNE_TECH_LOGIN, search, {"listeFournisseurs": [{"idFournisseur": supplier.pk}],
                                               "numeroFacture": "RP-0002",
                                               "periodeDateHeureEtatCourantAu": "2999-12-31T23:59:59"}))
    assert [row["idFacture"] for row in body["listeFactures"]] == [invoices[1].pk]
    status, body = api(COMMUNE_TECH_LOGIN, search, {"statutCourant": ["SERVICE_FAIT", "MANDATEE"]})
    assert (status, body["codeRetour"], body["listeFactures"]) == (200, 20000, [])

def test_recipient_search_without_result_answers_20000_with_http_200(api: Call) -> None:
    deposit("RN-0001")
    for login, body in ((COMMUNE_TECH_LOGIN, {"numeroFacture": "NOPE"}),
                        (COMMUNE_TECH_LOGIN, {"typeDemandePaiement": "FACTURE_TRAVAUX"}),
                        (TECH_LOGIN, {})):  # the supplier receives nothing
        status, answer = api(login, F + "rechercher/recipiendaire", body)
        assert (status, answer["codeRetour"], answer["libelle"]) == (200, 20000, "TRA_MSG_00.015")
        assert answer["listeFactures"] == [] and answer["pageCourante"] == 1 and answer["total"] == 0
        assert isinstance(answer["pages"], int) and answer["parametresRetour"]["total"] == 0


def test_recipient_search_costs_the_same_queries_for_one_or_four_invoices(api: Call, settings: Any) -> None:
    # The caller stays remembered however slowly the deposits below run (5 s by default).
    settings.FACTURIER_API_IDENTITY_CACHE_SECONDS = 600
    deposit("RQ-0001")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            ok(api(COMMUNE_TECH_LOGIN, F + "rechercher/recipiendaire", {}))
        return len(queries)

    count()  # the caller is then remembered (authentication: one query instead of three)
    one = count()
    for n in range(2, 5):
        deposit(f"RQ-000{n}")
    assert count() == one


# --- F4 rechercher/fournisseur (extended) ---------------------------------------------------------


def test_supplier_search_gives_validator_fields_and_the_rejection_handled_flag(api: Call, validator: User) -> None:
    invoice = to_validate(deposit("SF-0001"), structure(BATIMENTS))
    ok(api(VALIDATOR_LOGIN, F + "traiter/factureAValider", {"idFacture": invoice.pk, "action": "VALIDATION"}))
    body = ok(api(TECH_LOGIN, F + "rechercher/fournisseur", {"numeroFacture": "SF-0001"}))
    (row,) = body["listeFactures"]
    assert row["identifiantFactureCPP"] == invoice.pk and row["numeroFacture"] == "SF-0001"
    assert (row["codeValideur1"], row["raisonSocialeValideur1"]) == (BATIMENTS, "Bâtiments Durables SA")
    assert row["typeIdentifiantValideur1"] == "SIRET" and row["dateValidation1"] == timezone.localdate().isoformat()
    assert row["codeValideur2"] is None and row["dateValidation2"] is None
    assert row["rejetTraite"] is False and row["statut"] == S.MISE_A_DISPOSITION
    ok(api(COMMUNE_TECH_LOGIN, F + "traiter/recue",
           {"idFacture": invoice.pk, "nouveauStatut": "REJETEE", "motif": "Montant erroné"}))
    ok(api(TECH_LOGIN, F + "traiterRejet", {"listeDemandePaiement": [{"idDemandePaiement": invoice.pk}],
                                            "motifRejet": "Avoir émis", "cpltInfos": "Nouvelle facture SF-0002"}))
    body = ok(api(TECH_LOGIN, F + "rechercher/fournisseur", {"rejetTraite": True}))
    (row,) = body["listeFactures"]
    assert row["rejetTraite"] is True and row["commentaireEtatCourant"] == "Montant erroné"
    assert row["statut"] == S.REJETEE


# --- F13 traiter/recue ----------------------------------------------------------------------------


def test_the_recipient_processes_an_invoice_to_payment(api: Call) -> None:
    invoice = deposit("TR-0001")
    for target, extra in (("SERVICE_FAIT", {}), ("MANDATEE", {"NumeroDPMandat": "2589"}),
                          ("MISE_EN_PAIEMENT", {"motif": ""})):
        body = ok(api(COMMUNE_TECH_LOGIN, F + "traiter/recue",
                      {"idUtilisateurCourant": 0, "idFacture": invoice.pk, "nouveauStatut": target, **extra}))
        assert body["idFacture"] == invoice.pk and body["nouveauStatut"] == target
        assert body["numeroFacture"] == "TR-0001" and body["dateTraitement"] == timezone.localdate().isoformat()
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_EN_PAIEMENT and invoice.mandate_number == "2589"
    assert [c.status for c in invoice.status_changes.all()][-3:] == ["SERVICE_FAIT", "MANDATEE", "MISE_EN_PAIEMENT"]
    assert invoice.status_changes.last().actor.email == COMMUNE_TECH_LOGIN


def test_illegal_stale_and_unreasoned_moves_are_refused(api: Call) -> None:
    invoice = deposit("TR-0002")
    path = F + "traiter/recue"
    body = error(api(COMMUNE_TECH_LOGIN, path, {"idFacture": invoice.pk, "nouveauStatut": "COMPLETEE"}), 409, 20002)
    assert body["libelle"] == "GDP_MSG_TRANSITION_INTERDITE" and "COMPLETEE" in body["message"]
    body = error(api(COMMUNE_TECH_LOGIN, path, {"idFacture": invoice.pk, "nouveauStatut": "SUSPENDUE"}), 400, 20000)
    assert body["libelle"] == "GDP_MSG_MOTIF_OBLIGATOIRE"
    error(api(COMMUNE_TECH_LOGIN, path, {"idFacture": invoice.pk, "nouveauStatut": "REJETEE", "motif": "x" * 256}),
          400, 20000)
    error(api(COMMUNE_TECH_LOGIN, path, {"idFacture": invoice.pk, "nouveauStatut": "PAYEE"}), 400, 20000)
    error(api(COMMUNE_TECH_LOGIN, path, {"idFacture": invoice.pk}), 400, 20000)
    ok(api(COMMUNE_TECH_LOGIN, path, {"idFacture": invoice.pk, "nouveauStatut": "SERVICE_FAIT"}))
    # Replaying changes nothing; a caller who saw MISE_A_DISPOSITION is told the invoice moved.
    ok(api(COMMUNE_TECH_LOGIN, path, {"idFacture": invoice.pk, "nouveauStatut": "SERVICE_FAIT"}))
    assert invoice.status_changes.filter(status=S.SERVICE_FAIT).count() == 1
    error(api(COMMUNE_TECH_LOGIN, path, {"idFacture": invoice.pk, "nouveauStatut": "MANDATEE",
                                         "statutCourant": "MISE_A_DISPOSITION"}), 409, 20002)
    invoice.refresh_from_db()
    assert invoice.status == S.SERVICE_FAIT


def test_only_the_recipient_in_modification_mode_processes(api: Call) -> None:
    invoice = deposit("TR-0003")
    path = F + "traiter/recue"
    # The supplier does not see it as a received invoice; an unknown id neither.
    body = error(api(TECH_LOGIN, path, {"idFacture": invoice.pk, "nouveauStatut": "SERVICE_FAIT"}), 404, 20000)
    assert body["libelle"] == "GDP_MSG_11.008"
    error(api(COMMUNE_TECH_LOGIN, path, {"idFacture": invoice.pk + 1000, "nouveauStatut": "SERVICE_FAIT"}), 404, 20000)
    # An account that follows the commune's invoices in consultation mode sees but cannot act.
    technical_account(SYNDICAT, READER_LOGIN, attached_to=COMMUNE, space=Space.FACTURES_RECUES,
                      mode=SpaceMode.CONSULTATION)
    found = ok(api(READER_LOGIN, F + "rechercher/recipiendaire", {}))
    assert [row["idFacture"] for row in found["listeFactures"]] == [invoice.pk]
    body = error(api(READER_LOGIN, path, {"idFacture": invoice.pk, "nouveauStatut": "SERVICE_FAIT"}), 403, 20001)
    assert body["libelle"] == "GDP_MSG_11.005"
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION


def test_a_state_service_rejects_with_a_coded_motive(api: Call) -> None:
    technical_account(STATE, STATE_LOGIN, space=Space.FACTURES_RECUES)
    invoice = deposit("TR-0004")
    state = structure(STATE)
    Invoice.objects.filter(pk=invoice.pk).update(recipient=state, recipient_identifier=STATE,
                                                 recipient_name=state.name, service=None, service_code="")
    path = F + "traiter/recue"
    error(api(STATE_LOGIN, path, {"idFacture": invoice.pk, "nouveauStatut": "A_RECYCLER", "motif": "SE"}), 409, 20002)
    ok(api(STATE_LOGIN, path, {"idFacture": invoice.pk, "nouveauStatut": "REJETEE",
                               "motif": "EJ incorrect ou inexistant"}))
    change = invoice.status_changes.last()
    assert change.status == S.REJETEE and change.motives == ["EJ_INCORRECT"]
    # The supplier may re-submit the number; both consultations show the link.
    again = deposit("TR-0004", purchase_order_reference="EJ-2025-0100")
    facture = ok(api(TECH_LOGIN, F + "consulter/fournisseur", {"identifiantFactureCPP": again.pk}))["facture"]
    assert (facture["piecePrecedente"]["idPiecePrecedente"], facture["piecePrecedente"]["numeroPiecePrecedente"]) \
        == (invoice.pk, "TR-0004")
    facture = ok(api(TECH_LOGIN, F + "consulter/fournisseur", {"identifiantFactureCPP": invoice.pk}))["facture"]
    assert facture["pieceSuivante"]["idPieceSuivante"] == again.pk
    history = ok(api(STATE_LOGIN, F + "consulter/historique", {"idFacture": invoice.pk}))
    assert history["historiquesDesStatuts"]["histoStatut"][0]["histoStatutMotifs"] == ["EJ_INCORRECT"]


# --- F14 traiter/factureAValider, F17 corriger/valideur/facture, F6, F10, F19 ---------------------


def test_the_main_contractor_validates_and_the_invoice_is_routed(api: Call, validator: User) -> None:
    invoice = to_validate(deposit("VA-0001"), structure(BATIMENTS))
    found = ok(api(VALIDATOR_LOGIN, F + "rechercher/valideur", {"statutCourant": ["A_VALIDER_1"],
                                                                "cadreFacturation": {"codeCadreFacturation": "A9"},
                                                                "pagination": {"nbResultatsParPage": 5}}))
    (row,) = found["listeFactures"]
    assert row["idFacture"] == invoice.pk and row["identifiantValideur"] == BATIMENTS
    assert row["identifiantFournisseur"] == DIAPASON and found["parametresRetour"]["nbResultatsParPage"] == 5
    consulted = ok(api(VALIDATOR_LOGIN, F + "consulter/valideur", {"identifiantFactureCPP": invoice.pk}))
    assert consulted["facture"]["cadreDeFacturation"]["codeValideur1"] == BATIMENTS
    # The recipient does not see it yet.
    error(api(COMMUNE_TECH_LOGIN, F + "consulter/recipiendaire", {"identifiantFactureCPP": invoice.pk}), 404, 20000)
    body = ok(api(VALIDATOR_LOGIN, F + "traiter/factureAValider",
                  {"idFacture": str(invoice.pk), "action": "VALIDATION", "motifRefus": "", "idValideur": 0}))
    assert body["idFacture"] == invoice.pk and isinstance(body["idFacture"], int)
    assert body["statutFacture"] == S.MISE_A_DISPOSITION and body["numeroFacture"] == "VA-0001"
    invoice.refresh_from_db()
    assert invoice.validated1_on == timezone.localdate()
    assert S.VALIDEE_1 in set(invoice.status_changes.values_list("status", flat=True))
    ok(api(COMMUNE_TECH_LOGIN, F + "consulter/recipiendaire", {"identifiantFactureCPP": invoice.pk}))


def test_validator_refusal_needs_a_motive_and_other_actions_are_refused(api: Call, validator: User) -> None:
    invoice = to_validate(deposit("VA-0002"), structure(BATIMENTS))
    path = F + "traiter/factureAValider"
    for action in ("MISE_EN_RECYCLAGE", "SUSPENSION", "REJET", "MISE_EN_PAIEMENT"):
        body = error(api(VALIDATOR_LOGIN, path, {"idFacture": invoice.pk, "action": action}), 409, 20002)
        assert body["libelle"] == "GDP_MSG_ACTION_VALIDEUR_INTERDITE" and action in body["message"]
    error(api(VALIDATOR_LOGIN, path, {"idFacture": invoice.pk, "action": "REFUS"}), 400, 20000)
    error(api(TECH_LOGIN, path, {"idFacture": invoice.pk, "action": "VALIDATION"}), 404, 20000)
    body = ok(api(VALIDATOR_LOGIN, path, {"idFacture": invoice.pk, "action": "REFUS",
                                          "motifRefus": "PRESTATION_NON_CONFORME"}))
    assert body["statutFacture"] == S.REFUSEE_1
    change = invoice.status_changes.last()
    assert change.motives == ["PRESTATION_NON_CONFORME"] and change.comment == "Prestation non conforme ou non réalisée"
    error(api(VALIDATOR_LOGIN, path, {"idFacture": invoice.pk, "action": "VALIDATION"}), 409, 20002)


def test_wrong_validator_then_the_supplier_corrects_it(api: Call, validator: User) -> None:
    invoice = to_validate(deposit("VA-0003"), structure(BATIMENTS))
    body = ok(api(VALIDATOR_LOGIN, F + "traiter/factureAValider",
                  {"idFacture": invoice.pk, "action": "ERREUR_VALIDEUR", "complementInfo": "Pas notre marché"}))
    assert body["statutFacture"] == S.ERREUR_FOURNISSEUR_SUR_VALIDEUR
    path = F + "corriger/valideur/facture"
    error(api(TECH_LOGIN, path, {"idFacture": invoice.pk, "identifiantStructure": "00000000000000"}), 404, 20000)
    error(api(TECH_LOGIN, path, {"idFacture": invoice.pk}), 400, 20000)
    error(api(VALIDATOR_LOGIN, path, {"idFacture": invoice.pk, "idStructure": structure(SYNDICAT).pk}), 404, 20000)
    sous_traitance = structure("53456789600012")
    body = ok(api(TECH_LOGIN, path, {"idFacture": invoice.pk, "identifiantStructure": sous_traitance.identifier,
                                     "typeIdentifiantStructure": "SIRET"}))
    assert body == {"codeRetour": 0, "libelle": "TRA_MSG_00.000", "idFacture": invoice.pk,
                    "statutFacture": S.A_VALIDER_1}
    invoice.refresh_from_db()
    assert (invoice.validator1_id, invoice.validator1_name) == (sous_traitance.pk, sous_traitance.name)
    assert invoice.events.filter(code=InvoiceEvent.Code.VALIDATOR_CORRECTED).exists()
    error(api(TECH_LOGIN, path, {"idFacture": invoice.pk, "idStructure": sous_traitance.pk}), 409, 20002)


def test_statuses_visible_to_a_validator(api: Call, validator: User) -> None:
    body = ok(api(VALIDATOR_LOGIN, F + "recuperer/statutsFactureVisibles/valideur", {"idUtilisateurCourant": 0}))
    codes = [row["codeStatutFacture"] for row in body["listeStatutFacture"]]
    assert codes[0] == "A_VALIDER_1" and codes[5] == "A_VALIDER_2" and len(codes) == len(set(codes)) == 10
    assert {"VALIDEE_1", "REFUSEE_2", "ERREUR_FOURNISSEUR_SUR_VALIDEUR", "ABSENCE_VALIDATION_2_HORS_DELAI"} <= set(codes)


# --- F15 recycler ---------------------------------------------------------------------------------


def test_recycling_changes_the_routing_and_routes_again(api: Call) -> None:
    invoice = deposit("RC-0001")
    error(api(TECH_LOGIN, F + "recycler", {"identifiantFactureCPP": invoice.pk}), 409, 20002)
    ok(api(COMMUNE_TECH_LOGIN, F + "traiter/recue",
           {"idFacture": invoice.pk, "nouveauStatut": "A_RECYCLER", "motif": "Mauvais service"}))
    body = error(api(TECH_LOGIN, F + "recycler", {
        "identifiantFactureCPP": invoice.pk,
        "destinataire": {"codeDestinataire": COMMUNE, "codeServiceExecutant": "INCONNU"}}), 400, 20005)
    assert body["erreurs"]["service"][0]["rule"] == "FR-PLT-05"
    error(api(COMMUNE_TECH_LOGIN, F + "recycler", {"identifiantFactureCPP": invoice.pk}), 404, 20000)
    body = ok(api(TECH_LOGIN, F + "recycler", {
        "idUtilisateurCourant": 0, "identifiantFactureCPP": invoice.pk,
        "destinataire": {"codeDestinataire": COMMUNE, "codeServiceExecutant": "TECHNIQUE"},
        "reference": {"numeroBonCommande": "EJ-2025-0099"}, "commentaire": "Service modifié"}))
    assert body["identifiantFactureCPP"] == invoice.pk and body["statutFacture"] == S.MISE_A_DISPOSITION
    assert body["numeroFacture"] == "RC-0001" and body["dateDepot"] == timezone.localdate(invoice.deposited_at).isoformat()
    invoice.refresh_from_db()
    assert (invoice.service_code, invoice.commitment_number) == ("TECHNIQUE", "EJ-2025-0099")
    assert invoice.events.get(code=InvoiceEvent.Code.RECYCLED).comment == "Service modifié"



def test_recycling_to_another_recipient(api: Call) -> None:
    invoice = deposit("RC-0002")
    ok(api(COMMUNE_TECH_LOGIN, F + "traiter/recue",
           {"idFacture": invoice.pk, "nouveauStatut": "A_RECYCLER", "motif": "Mauvais destinataire"}))
    body = error(api(TECH_LOGIN, F + "recycler", {"identifiantFactureCPP": invoice.pk,
                                                  "destinataire": {"codeServiceExecutant": ""}}), 400, 20005)
    assert body["erreurs"]["service"][0]["rule"] == "FR-PLT-04"  # the commune requires a service code
    ok(api(TECH_LOGIN, F + "recycler", {"identifiantFactureCPP": invoice.pk,
                                        "destinataire": {"codeDestinataire": SYNDICAT}}))
    invoice.refresh_from_db()
    assert (invoice.recipient.identifier, invoice.service_id, invoice.status) == (SYNDICAT, None, S.MISE_A_DISPOSITION)
    status, body = api(COMMUNE_TECH_LOGIN, F + "rechercher/recipiendaire", {"numeroFacture": "RC-0002"})
    assert (status, body["codeRetour"]) == (200, 20000)  # no longer the commune's


# --- F16 completer --------------------------------------------------------------------------------


def test_completing_a_suspended_invoice_with_an_uploaded_attachment(api: Call) -> None:
    invoice = deposit("CP-0001")
    error(api(TECH_LOGIN, F + "completer", {"identifiantFactureCPP": invoice.pk, "commentaire": "x"}), 409, 20002)
    ok(api(COMMUNE_TECH_LOGIN, F + "traiter/recue",
           {"idFacture": invoice.pk, "nouveauStatut": "SUSPENDUE", "motif": "Bon de livraison manquant"}))
    uploaded = ok(api(TECH_LOGIN, T + "ajouter/fichier", {
        "pieceJointeFichier": base64.b64encode(b"livraison du 1er mars").decode(), "pieceJointeNom": "bl",
        "pieceJointeTypeMime": "text/plain", "pieceJointeExtension": "TXT"}))
    body = error(api(TECH_LOGIN, F + "completer", {
        "identifiantFactureCPP": invoice.pk,
        "pieceJointeComplementaire": [{"pieceJointeComplementaireId": uploaded["pieceJointeId"] + 99}]}), 400, 20000)
    assert "pieceJointeComplementaire[0].pieceJointeComplementaireId" in body["erreurs"]
    body = ok(api(TECH_LOGIN, F + "completer", {
        "identifiantFactureCPP": invoice.pk, "commentaire": "Bon de livraison joint",
        "pieceJointeComplementaire": [{"pieceJointeComplementaireDesignation": "BL",
                                       "pieceJointeComplementaireId": uploaded["pieceJointeId"]}]}))
    assert body["identifiantFactureCPP"] == invoice.pk and body["statutFacture"] == S.COMPLETEE
    assert body["dateTraitement"] == timezone.localdate().isoformat()
    attachment = InvoiceAttachment.objects.get(pk=uploaded["pieceJointeId"])
    assert attachment.invoice_id == invoice.pk and attachment.kind == InvoiceAttachment.Kind.ADDITIONAL
    facture = ok(api(TECH_LOGIN, F + "consulter/fournisseur", {"identifiantFactureCPP": invoice.pk}))["facture"]
    (piece,) = facture["listeDesPiecesJointes"]["pieceJointe"]
    assert (piece["pieceJointeId"], piece["pieceJointeTypeCode"], piece["pieceJointeExtension"]) \
        == (uploaded["pieceJointeId"], "PJ_COMPLEMENTAIRE", "TXT")
    assert facture["listeDesPiecesJointes"]["totalListePiecesJointe"] == 1
    assert facture["references"]["tailleTotalePiecesJointes"] == len(b"livraison du 1er mars")
    # The recipient may process it again.
    ok(api(COMMUNE_TECH_LOGIN, F + "traiter/recue", {"idFacture": invoice.pk, "nouveauStatut": "MISE_EN_PAIEMENT"}))


# --- F18 traiterRejet -----------------------------------------------------------------------------


def test_handling_rejections_is_all_or_nothing(api: Call) -> None:
    rejected, open_ = deposit("TJ-0001"), deposit("TJ-0002")
    ok(api(COMMUNE_TECH_LOGIN, F + "traiter/recue", {"idFacture": rejected.pk, "nouveauStatut": "REJETEE",
                                                     "motif": "Doublon"}))
    path = F + "traiterRejet"
    both = {"listeDemandePaiement": [{"idDemandePaiement": rejected.pk}, {"idDemandePaiement": open_.pk}]}
    error(api(TECH_LOGIN, path, both), 409, 20002)
    error(api(COMMUNE_TECH_LOGIN, path, {"listeDemandePaiement": [{"idDemandePaiement": rejected.pk}]}), 404, 20000)
    error(api(TECH_LOGIN, path, {"listeDemandePaiement": []}), 400, 20000)
    rejected.refresh_from_db()
    assert rejected.rejection_handled is False
    body = ok(api(TECH_LOGIN, path, {"listeDemandePaiement": [{"idDemandePaiement": rejected.pk}],
                                     "motifRejet": "Avoir émis", "cpltInfos": ""}))
    assert set(body) == {"codeRetour", "libelle"}
    rejected.refresh_from_db()
    assert rejected.rejection_handled is True
    assert rejected.events.get(code=InvoiceEvent.Code.REJECTION_HANDLED).comment == "Avoir émis"


# --- F8 / F9 consulter ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["cii", "ubl", "facturx"])
def test_consulting_an_invoice_rereads_lines_and_vat_from_the_original(api: Call, fmt: str) -> None:
    invoice = deposit(f"CO-{fmt}", fmt)
    body = ok(api(TECH_LOGIN, F + "consulter/fournisseur", {"identifiantFactureCPP": invoice.pk}))
    facture = body["facture"]
    assert facture["identifiantFactureCPP"] == invoice.pk and facture["numeroFacture"] == f"CO-{fmt}"
    assert facture["statutFacture"] == S.MISE_A_DISPOSITION
    lines = facture["lignesDePoste"]
    assert [line["lignePosteDenomination"] for line in lines["lignePoste"]] == ["Accord de piano", "Partitions"]
    piano, scores = lines["lignePoste"]
    assert (piano["lignePosteQuantite"], piano["lignePosteMontantUnitaireHT"]) == (2.0, 80.0)
    assert (piano["lignePosteTauxTva"], piano["lignePosteMontantHtApresRemise"], piano["lignePosteMontantTva"]) \
        == ("TVA20", 160.0, 32.0)
    assert (scores["lignePosteTauxTva"], scores["lignePosteTauxTvaManuel"]) == ("TVA5", 5.5)
    assert piano["lignePosteUniteCode"] == "C62" and piano["lignePosteUniteLibelle"] == "Unité"
    assert (lines["totalLignesPoste"], lines["pagesLignesPoste"]) == (2, 1)
    vat = facture["recapitulatifDeTva"]
    assert sorted((row["ligneTvaTauxManuel"], row["ligneTvaMontantBaseHtParTaux"], row["ligneTvaMontantTvaParTaux"])
                  for row in vat["ligneTva"]) == [(5.5, 45.0, 2.48), (20.0, 160.0, 32.0)]
    assert vat["totalLignesRecapitulativesTVA"] == 2
    assert facture["montantTotal"]["montantTtcTotal"] == pytest.approx(239.48)
    assert facture["destinataire"]["codeDestinataire"] == COMMUNE
    assert facture["destinataire"]["codeServiceExecutant"] == "FINANCES"
    assert facture["destinataire"]["destinataireEtat"] == "NON"
    supplier = facture["fournisseur"]
    assert supplier["codeFournisseur"] == DIAPASON and supplier["coordBancairesFournisseurCompteBancaire"] \
        == "FR7630006000011234567890189"
    assert isinstance(supplier["coordBancairesFournisseurId"], int)  # the demo's registered account
    references = facture["references"]
    assert (references["dateFacture"], references["dateEcheancePaiement"]) == ("2025-03-01", "2025-03-31")
    assert references["numeroBonCommande"] == "EJ-2025-0042" and references["typeTva"] == "TVA_SUR_DEBIT"
    assert references["modePaiement"] == "VIREMENT" and references["codeDeviseFacture"] == "EUR"
    assert supplier["affactureur"]["affactureurCode"] is None  # an object, never null (PY-CA reads .get)


def test_consultation_sub_lists_page_on_request_and_labels_follow_the_language(api: Call) -> None:
    invoice = deposit("CO-PAGE")
    body = ok(api(COMMUNE_TECH_LOGIN, F + "consulter/recipiendaire", {
        "identifiantFactureCPP": invoice.pk, "codeLangue": "EN",
        "rechercheLignePoste": {"pageResultatDemandee": 2, "nbResultatsParPage": 1}}))
    lines = body["facture"]["lignesDePoste"]
    assert [line["lignePosteDenomination"] for line in lines["lignePoste"]] == ["Partitions"]
    assert (lines["pageCouranteLignesPoste"], lines["pagesLignesPoste"], lines["nbResultatsParPageLignesPoste"]) \
        == (2, 2, 1)
    assert lines["lignePoste"][0]["lignePosteUniteLibelle"] == "Unit"
    error(api(COMMUNE_TECH_LOGIN, F + "consulter/recipiendaire", {"identifiantFactureCPP": 0}), 400, 20000)
    error(api(TECH_LOGIN, F + "consulter/recipiendaire", {"identifiantFactureCPP": invoice.pk}), 404, 20000)
    error(api(COMMUNE_TECH_LOGIN, F + "consulter/fournisseur", {"identifiantFactureCPP": invoice.pk}), 404, 20000)


# --- F11 consulter/historique ---------------------------------------------------------------------


def test_history_has_three_paginated_parts_and_is_read_by_each_party(api: Call) -> None:
    invoice = deposit("HI-0001")
    for target, motif in (("SUSPENDUE", "Pièce manquante"), ("REJETEE", "Abandon")):
        ok(api(COMMUNE_TECH_LOGIN, F + "traiter/recue", {"idFacture": invoice.pk, "nouveauStatut": target,
                                                         "motif": motif}))
    ok(api(TECH_LOGIN, F + "traiterRejet", {"listeDemandePaiement": [{"idDemandePaiement": invoice.pk}]}))
    body = ok(api(TECH_LOGIN, F + "consulter/historique", {"idFacture": invoice.pk}))  # PY-OCA's call
    assert body["idFacture"] == invoice.pk and isinstance(body["idFacture"], int)
    assert body["statutCourantCode"] == S.REJETEE and body["numeroFacture"] == "HI-0001"
    statuses = body["historiquesDesStatuts"]
    codes = [row["histoStatutCode"] for row in statuses["histoStatut"]]
    assert codes[:2] == ["REJETEE", "SUSPENDUE"] and codes[-1] == "DEPOSEE"  # newest first
    assert statuses["totalHistoStatut"] == len(codes) == invoice.status_changes.count()
    rejected = statuses["histoStatut"][0]
    assert rejected["histoStatutCommentaire"] == "Abandon" and rejected["histoStatutUtilisateurEmail"] \
        == COMMUNE_TECH_LOGIN
    assert len(rejected["histoStatutDatePassage"]) == 16 and isinstance(rejected["histoStatutId"], int)
    actions = body["historiquesDesActionsUtilisateurs"]
    assert [row["histoActionCode"] for row in actions["histoAction"]] == ["TRAITEMENT_REJET"]
    assert body["derniereAction"]["derniereActionCode"] == "TRAITEMENT_REJET"
    assert actions["totalHistoAction"] == 1 and actions["pagesHistoAction"] == 1
    assert body["historiquesDesEvenementsComplementaires"]["evenement"] == []
    # Paging one part, oldest first, with the suffixed keys.
    body = ok(api(COMMUNE_TECH_LOGIN, F + "consulter/historique", {
        "idFacture": invoice.pk, "nbResultatsMaximum": 50,
        "paramRechercheHistoStatuts": {"pageResultatDemandeeListeHistoStatut": 1,
                                       "nbResultatsParPageListeHistoStatut": 2,
                                       "triSensListeHistoStatut": "Ascendant"}}))
    statuses = body["historiquesDesStatuts"]
    assert [row["histoStatutCode"] for row in statuses["histoStatut"]] == ["DEPOSEE", "MISE_A_DISPOSITION"]
    assert (statuses["nbResultatsParPageHistoStatut"], statuses["pagesHistoStatut"]) == (2, 2)
    assert body["historiquesDesActionsUtilisateurs"]["nbResultatsParPageHistoAction"] == 50
    technical_account(SYNDICAT, READER_LOGIN, space=Space.FACTURES_RECUES)
    error(api(READER_LOGIN, F + "consulter/historique", {"idFacture": invoice.pk}), 404, 20000)
    error(api(TECH_LOGIN, F + "consulter/historique", {}), 400, 20000)


def test_history_shows_additional_events(api: Call) -> None:
    invoice = deposit("HI-0002")
    ok(api(COMMUNE_TECH_LOGIN, F + "traiter/recue", {"idFacture": invoice.pk, "nouveauStatut": "A_RECYCLER",
                                                     "motif": "Service"}))
    ok(api(TECH_LOGIN, F + "recycler", {"identifiantFactureCPP": invoice.pk,
                                        "destinataire": {"codeDestinataire": COMMUNE,
                                                         "codeServiceExecutant": "SCOLAIRE"},
                                        "commentaire": "Bon service"}))
    body = ok(api(TECH_LOGIN, F + "consulter/historique", {"idFacture": invoice.pk, "codeLangue": "FR"}))
    (event,) = body["historiquesDesEvenementsComplementaires"]["evenement"]
    assert event["evenementCode"] == "RECYCLAGE" and event["evenementLibelle"].endswith(": Bon service")
    assert "Au Diapason" in event["evenementQui"] and len(event["evenementDateHeure"]) == 16


# --- F12 telecharger/groupe -----------------------------------------------------------------------


def test_download_a_group_as_zip_and_one_pdf(api: Call) -> None:
    first, second = deposit("DL-0001"), deposit("DL-0002", "facturx")
    body = ok(api(COMMUNE_TECH_LOGIN, F + "telecharger/groupe", {
        "format": "PDF", "avecPiecesJointesComplementaires": "NON",
        "listeFacture": [{"idFacture": first.pk}, {"idFacture": second.pk}]}))
    archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(body["fichierResultat"])))
    assert body["typeMime"] == "application/zip" and body["nomFichier"].endswith(".zip")
    assert any("DL-0001" in name for name in archive.namelist())
    assert any("DL-0002" in name for name in archive.namelist())
    first.refresh_from_db()
    assert first.downloaded_by_recipient is True
    assert first.events.filter(code=InvoiceEvent.Code.DOWNLOAD).count() == 1
    third = deposit("DL-0004", "facturx")
    body = ok(api(TECH_LOGIN, F + "telecharger/groupe", {"format": "PDF", "listeFacture": [{"idFacture": third.pk}]}))
    assert base64.b64decode(body["fichierResultat"]).startswith(b"%PDF-") and body["typeMime"] == "application/pdf"
    third.refresh_from_db()
    assert third.downloaded_by_recipient is False  # a supplier's download is not the recipient's
    assert third.events.get(code=InvoiceEvent.Code.DOWNLOAD).actor.email == TECH_LOGIN
    body = ok(api(TECH_LOGIN, F + "telecharger/groupe", {"format": "PIVOT", "listeFacture": [{"idFacture": first.pk}]}))
    assert base64.b64decode(body["fichierResultat"]).lstrip().startswith(b"<?xml")


def test_download_refusals(api: Call, settings: Any) -> None:
    invoice = deposit("DL-0003")
    path = F + "telecharger/groupe"
    body = error(api(COMMUNE_TECH_LOGIN, path, {"format": "PDF", "listeFacture": [{"idFacture": invoice.pk + 500}]}),
                 404, 20000)
    assert body["erreurs"]["listeFacture"] == [invoice.pk + 500]
    error(api(COMMUNE_TECH_LOGIN, path, {"format": "DOC", "listeFacture": [{"idFacture": invoice.pk}]}), 400, 20000)
    error(api(COMMUNE_TECH_LOGIN, path, {"format": "PDF", "listeFacture": []}), 400, 20000)
    settings.FACTURIER_DOWNLOAD_MAX_BYTES = 100
    status, body = api(COMMUNE_TECH_LOGIN, path, {"format": "PIVOT", "listeFacture": [{"idFacture": invoice.pk}]})
    assert status == 413 and body["codeRetour"] != 0


# --- F7 rechercher/demandePaiement ----------------------------------------------------------------


def test_payment_request_search_by_role(api: Call) -> None:
    invoice = deposit("DP-0001")
    body = ok(api(TECH_LOGIN, F + "rechercher/demandePaiement", {"roleUtilisateur": "FOURNISSEUR"}))
    (row,) = body["listeDemandePaiement"]
    assert row["idDemandePaiement"] == invoice.pk and row["numeroDemandePaiement"] == "DP-0001"
    assert row["etatCourant"] == S.MISE_A_DISPOSITION and row["nombreResultatTotal"] == 1
    assert row["identifiantStructureDestinataire"] == COMMUNE and body["parametresRetour"]["total"] == 1
    assert ok(api(TECH_LOGIN, F + "rechercher/demandePaiement", {"roleUtilisateur": "DESTINATAIRE"}))[
        "listeDemandePaiement"] == []
    body = ok(api(COMMUNE_TECH_LOGIN, F + "rechercher/demandePaiement", {
        "structureFournisseur": {"identifiantStructureFournisseur": DIAPASON},
        "montantAPayerMin": 200, "montantAPayerMax": 240, "pagination": {"nbResultatsParPage": 0}}))
    assert [row["idDemandePaiement"] for row in body["listeDemandePaiement"]] == [invoice.pk]
    body = ok(api(COMMUNE_TECH_LOGIN, F + "rechercher/demandePaiement", {"montantAPayerMin": 300}))
    assert body["listeDemandePaiement"] == [] and body["total"] == 0


# --- Transverses: T10, T13, T14, T15, T19 ---------------------------------------------------------


def test_frames_types_and_statuses_of_a_payment_request(api: Call) -> None:
    body = ok(api(TECH_LOGIN, T + "recuperer/cadrefacturation", {"typeDemandePaiement": "FACTURE"}))
    assert [row["codeCadreFacturation"] for row in body["listeCadreFacturation"]] == [
        "A1_FACTURE_FOURNISSEUR", "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE", "A9_FACTURE_SOUSTRAITANT",
        "A12_FACTURE_COTRAITANT"]
    assert ok(api(TECH_LOGIN, T + "recuperer/cadrefacturation", {"typeDemandePaiement": "FACTURE_TRAVAUX"}))[
        "listeCadreFacturation"] == []
    body = ok(api(TECH_LOGIN, T + "recuperer/typedp", {}))
    assert body["listeTypeDemandePaiement"] == [{"typeDemandePaiement": "FACTURE"}]
    body = ok(api(TECH_LOGIN, T + "recuperer/etat/typedp", {"typeDemandePaiement": "FACTURE"}))
    states = [row["etatDemandePaiement"] for row in body["listeEtatDemandePaiement"]]
    assert {"DEPOSEE", "MISE_A_DISPOSITION", "A_VALIDER_2", "COMPLETEE", "MISE_EN_PAIEMENT"} <= set(states)
    assert "A_VALIDER_MOE" not in states and states.index("DEPOSEE") < states.index("MISE_A_DISPOSITION")


def test_possible_statuses_follow_the_table_and_the_callers_structure(api: Call) -> None:
    path = T + "recuperer/etats/traitement"
    body = ok(api(COMMUNE_TECH_LOGIN, path, {"statutCourant": "MISE_A_DISPOSITION"}))
    targets = [row["statutPossiblePourTraitement"] for row in body["listeStatutsPossiblesPourTraitement"]]
    assert set(targets) == {"SUSPENDUE", "REJETEE", "A_RECYCLER", "SERVICE_FAIT", "MANDATEE",
                            "MISE_A_DISPOSITION_COMPTABLE", "COMPTABILISEE", "MISE_EN_PAIEMENT"}
    body = ok(api(COMMUNE_TECH_LOGIN, path, {"statutCourant": "COMPTABILISEE"}))
    assert body["listeStatutsPossiblesPourTraitement"] == [{"statutPossiblePourTraitement": "MISE_EN_PAIEMENT"}]
    assert ok(api(COMMUNE_TECH_LOGIN, path, {"statutCourant": "REJETEE"}))["listeStatutsPossiblesPourTraitement"] == []
    error(api(COMMUNE_TECH_LOGIN, path, {}), 400, 20000)
    error(api(COMMUNE_TECH_LOGIN, path, {"statutCourant": "INCONNU"}), 400, 20000)
    # A State service has no A_RECYCLER; a structure that does not report payment no MISE_EN_PAIEMENT.
    technical_account(STATE, STATE_LOGIN, space=Space.FACTURES_RECUES)
    Structure.objects.filter(identifier=STATE).update(payment_status_not_reported=True)
    body = ok(api(STATE_LOGIN, path, {"statutCourant": "MISE_A_DISPOSITION"}))
    targets = {row["statutPossiblePourTraitement"] for row in body["listeStatutsPossiblesPourTraitement"]}
    assert "A_RECYCLER" not in targets and "MISE_EN_PAIEMENT" not in targets and "REJETEE" in targets
    # facturier extension: the answer for one received invoice.
    invoice = deposit("ET-0001")
    ok(api(COMMUNE_TECH_LOGIN, F + "traiter/recue", {"idFacture": invoice.pk, "nouveauStatut": "MANDATEE"}))
    body = ok(api(COMMUNE_TECH_LOGIN, path, {"idFacture": invoice.pk}))
    assert {row["statutPossiblePourTraitement"] for row in body["listeStatutsPossiblesPourTraitement"]} == {
        "MISE_A_DISPOSITION_COMPTABLE", "COMPTABILISEE", "MISE_EN_PAIEMENT", "REJETEE"}


def test_refusal_motives_of_an_invoice_to_validate(api: Call) -> None:
    path = T + "recuperer/motifs/refus/Facture/AValider"
    body = ok(api(TECH_LOGIN, path, {"codeCadreFacturationAValider": "A9_FACTURE_SOUSTRAITANT"}))
    rows = body["listeMotifRefusFactureAValider"]
    assert [row["idMotif"] for row in rows] == list(range(1, len(rows) + 1))
    assert {"AUTRE", "MAUVAIS_VALIDEUR"} <= {row["codeMotif"] for row in rows}
    assert next(row for row in rows if row["codeMotif"] == "AUTRE")["libelleMotif"] == "Autre"
    assert ok(api(TECH_LOGIN, path, {"codeCadreFacturationAValider": "A1"}))["listeMotifRefusFactureAValider"] == []
    assert len(ok(api(TECH_LOGIN, path, {}))["listeMotifRefusFactureAValider"]) == len(rows)
