"""Serializers of the consultations F8–F12 (wire names as in api.md §5)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from facturier.api.pagination import pagination_serializer
from facturier.api.serializers import ChorusResponseSerializer, ChorusSerializer, FilterSerializer

from .search_serializers import output_row


def _i(help_text: str = "") -> serializers.IntegerField:
    return serializers.IntegerField(allow_null=True, help_text=help_text)


def _f(help_text: str = "") -> serializers.FloatField:
    return serializers.FloatField(allow_null=True, help_text=help_text)


def _c(help_text: str = "") -> serializers.CharField:
    return serializers.CharField(allow_null=True, help_text=help_text)


def _counters(suffix: str) -> dict[str, serializers.Field]:
    return {f"{name}{suffix}": serializers.IntegerField()
            for name in ("nbResultatsParPage", "pageCourante", "pages", "total")}


def _sublist_params() -> Any:
    return pagination_serializer("PaginationSousListe")(
        required=False, allow_null=True,
        help_text="Optional: without it the whole sub-list is answered (facturier's choice).",
    )


CODE_LANGUE_HELP = "FR (default) or EN: the language of the labels."


# --- F8 / F9 / F10 consulter/fournisseur|recipiendaire|valideur ----------------------------------


class ConsulterFactureInput(FilterSerializer):
    idUtilisateurCourant = serializers.IntegerField(required=False, allow_null=True, help_text="Ignored.")
    identifiantFactureCPP = serializers.IntegerField(required=False, allow_null=True, help_text="Required.")
    codeLangue = serializers.CharField(required=False, allow_null=True, allow_blank=True, help_text=CODE_LANGUE_HELP)
    nbResultatsMaximum = serializers.IntegerField(required=False, allow_null=True, help_text="Ignored.")
    rechercheLignePoste = _sublist_params()
    recherchePj = _sublist_params()
    rechercheligneTvaRecap = _sublist_params()
    pLignesPoste = _sublist_params()
    pListePiecesJointes = _sublist_params()
    pLigneRecapTva = _sublist_params()


_MOA_MOE = {f"{field}{role}": _c() for role in ("Moa", "Moe")
            for field in ("codeService", "designation", "identifiant", "nomService", "raisonSociale",
                          "typeIdentifiant")}
_MOA_MOE_IDS = {f"{field}{role}": _i() for role in ("Moa", "Moe") for field in ("id", "idService")}
_VALIDATORS = {
    name: (_i() if name.startswith("idValideur") else _c("YYYY-MM-DD." if name.startswith("date") else ""))
    for level in (1, 2)
    for name in (f"idValideur{level}", f"codeValideur{level}", f"typeIdentifiantValideur{level}",
                 f"raisonSocialeValideur{level}", f"nomValideur{level}", f"prenomValideur{level}",
                 f"dateValidation{level}")
}

CadreDeFacturation = output_row("CadreDeFacturation", {
    "codeCadreFacturation": serializers.CharField(),
    **_VALIDATORS,
    "designationValideur2": _c(),
    **_MOA_MOE, **_MOA_MOE_IDS,
    "nomMoe": _c(), "prenomMoe": _c(),
})


def _address(prefix: str) -> dict[str, serializers.Field]:
    return {f"adresse{prefix}{name}": _c() for name in
            ("CodePays", "CodePostal", "Complement1", "Complement2", "Detail", "Id", "LibellePays", "Ville")}


DestinataireConsulte = output_row("DestinataireConsulte", {
    "idDestinataire": serializers.IntegerField(),
    "codeDestinataire": serializers.CharField(),
    "libelleDestinataire": serializers.CharField(),
    "idServiceExecutant": _i(), "codeServiceExecutant": _c(), "libelleServiceExecutant": _c(),
    "destinataireEtat": serializers.CharField(help_text='"OUI" for a State service, else "NON".'),
    "miseEnPaiementDestinataire": serializers.BooleanField(help_text="false: statutMiseEnPaiementNestPasRemonte."),
    **_address("Destinataire"),
})

Affactureur = output_row("Affactureur", {
    name: _c() for name in ("affactureurCode", "affactureurCodePays", "affactureurId", "affactureurRaisonSociale",
                            "affactureurTypeIdentifiant")
})

FournisseurConsulte = output_row("FournisseurConsulte", {
    "idFournisseur": serializers.IntegerField(),
    "codeFournisseur": serializers.CharField(),
    "typeIdentifiantFournisseur": serializers.CharField(),
    "designationFournisseur": serializers.CharField(),
    "raisonSocialeFournisseur": serializers.CharField(),
    "idServiceFournisseur": _i(), "codeServiceFournisseur": _c(), "libelleServiceFournisseur": _c(),
    "numeroRcsFournisseur": _c(),
    "affactureur": Affactureur(),
    **_address("Fournisseur"),
    "coordBancairesFournisseurId": _i("idCoordonneeBancaire of the supplier's registered account, if it matches."),
    **{name: _c() for name in (
        "coordBancairesFournisseurLibelle", "coordBancairesFournisseurType", "coordBancairesFournisseurCompteBancaire",
        "coordBancairesFournisseurCodePays", "coordBancairesFournisseurCleIban", "coordBancairesFournisseurCodeBanque",
        "coordBancairesCodeGuichet", "coordBancairesFournisseurCleRib", "coordBancairesBicSwift")},
})

LignePosteConsultee = output_row("LignePosteConsultee", {
    "lignePosteNumero": serializers.IntegerField(),
    "lignePosteReference": _c(), "lignePosteDenomination": _c(),
    "lignePosteQuantite": _f(), "lignePosteUniteCode": _c("UN/ECE Rec 20 (BT-130)."), "lignePosteUniteLibelle": _c(),
    "lignePosteMontantUnitaireHT": _f(), "lignePosteMontantRemiseHT": _f(), "lignePosteMontantHtApresRemise": _f(),
    "lignePosteTauxTva": _c("Rate code of recupererTauxTva (TVA20…), null for another rate."),
    "lignePosteTauxTvaManuel": _f(), "lignePosteMontantTva": _f(), "lignePosteMontantTtcApresRemise": _f(),
})

LignesDePoste = output_row("LignesDePoste", {"lignePoste": LignePosteConsultee(many=True), **_counters("LignesPoste")})

PieceJointeConsultee = output_row("PieceJointeConsultee", {
    "pieceJointeId": serializers.IntegerField(), "pieceJointeIdLiaison": serializers.IntegerField(),
    "pieceJointeDesignation": serializers.CharField(), "pieceJointeExtension": serializers.CharField(),
    "pieceJointeNumeroLigneFacture": _i(),
    "pieceJointeTypeCode": serializers.CharField(help_text="FACTURE (main) or PJ_COMPLEMENTAIRE."),
    "pieceJointeTypeLibelle": serializers.CharField(),
})

ListeDesPiecesJointes = output_row("ListeDesPiecesJointes", {
    "pieceJointe": PieceJointeConsultee(many=True), **_counters("ListePiecesJointe"),
})

LigneTvaConsultee = output_row("LigneTvaConsultee", {
    "ligneTvaMontantBaseHtParTaux": _f(), "ligneTvaMontantTvaParTaux": _f(), "ligneTvaTauxManuel": _f(),
    "ligneTvaTauxRefCode": _c(), "ligneTvaTauxRefId": _i(), "ligneTvaTauxRefLibelle": _c(),
    "ligneTvaTauxRefValeur": _f(), "ligneTvaCategorie": _c("VAT category (BT-118), facturier extension."),
})

RecapitulatifDeTva = output_row("RecapitulatifDeTva", {
    "ligneTva": LigneTvaConsultee(many=True), **_counters("LignesRecapitulativesTVA"),
})

MontantTotalConsulte = output_row("MontantTotalConsulte", {
    "montantHtTotal": _f(), "montantTVA": _f(), "montantTtcTotal": _f(), "montantAPayer": _f(),
    "montantRemiseGlobaleTTC": _f("Document-level allowances (BT-92)."), "motifRemiseGlobaleTTC": _c(),
    "montantTtcAvantRemiseGlobalTTC": _f(),
})

PieceJointePrincipale = output_row("PieceJointePrincipaleConsultee", {
    "idPieceJointePrincipale": _i(), "idLiaisonPieceJointePrincipale": _i(),
})

PiecePrecedente = output_row("PiecePrecedente", {
    "idPiecePrecedente": _i("The rejected invoice this one re-submits."),
    "numeroPiecePrecedente": _c(), "cadreFacturationPiecePrecedente": _c(),
    "idDestinatairePiecePrecedente": _i(), "identifiantDestinatairePiecePrecedente": _c(),
    "raisonSocialeDestinatairePiecePrecedente": _c(), "idServiceExecutantPiecePrecedente": _i(),
    "codeServiceExecutantPiecePrecedente": _c(), "nomServiceExecutantPiecePrecedente": _c(),
})

PieceSuivante = output_row("PieceSuivante", {
    "idPieceSuivante": _i("The invoice that re-submits this one."), "numeroPieceSuivante": _c(),
    "cadreFacturationPieceSuivante": _c(),
})

ReferencesConsultees = output_row("ReferencesConsultees", {
    "codeDeviseFacture": serializers.CharField(), "libelleDeviseFacture": _c(),
    "dateCreationFacture": _c("YYYY-MM-DD HH:MM."), "dateDepot": _c("YYYY-MM-DD."), "dateFacture": _c("YYYY-MM-DD."),
    "dateEcheancePaiement": _c("YYYY-MM-DD."), "typeFacture": serializers.CharField(), "typeFactureTravaux": _c(),
    "typeTva": _c("TVA_SUR_DEBIT, TVA_SUR_ENCAISSEMENT, EXONERATION or SANS_TVA."),
    "motifExonerationTva": _c(), "libelleMotifExonerationTva": _c(), "modePaiement": _c(),
    "numeroBonCommande": _c(), "numeroMarche": _c(), "numeroDpMandat": _c(), "numeroFactureOrigine": _c(),
    "tailleTotalePiecesJointes": serializers.IntegerField(),
})

FactureConsultee = output_row("FactureConsultee", {
    "identifiantFactureCPP": serializers.IntegerField(),
    "numeroFacture": serializers.CharField(help_text="The number inside the deposited file."),
    "statutFacture": serializers.CharField(),
    "modeDepot": serializers.CharField(),
    "commentaire": _c("The document's notes (BT-22)."),
    "cadreDeFacturation": CadreDeFacturation(),
    "destinataire": DestinataireConsulte(),
    "fournisseur": FournisseurConsulte(),
    "lignesDePoste": LignesDePoste(),
    "listeDesPiecesJointes": ListeDesPiecesJointes(),
    "recapitulatifDeTva": RecapitulatifDeTva(),
    "montantTotal": MontantTotalConsulte(),
    "pieceJointePrincipale": PieceJointePrincipale(),
    "piecePrecedente": PiecePrecedente(),
    "pieceSuivante": PieceSuivante(),
    "references": ReferencesConsultees(),
})


class ConsulterFactureOutput(ChorusResponseSerializer):
    facture = FactureConsultee()


# --- F11 consulter/historique ---------------------------------------------------------------------


def _history_params(suffix: str) -> Any:
    return pagination_serializer("PaginationHistorique", suffix=suffix)(required=False, allow_null=True)


class ConsulterHistoriqueInput(FilterSerializer):
    idUtilisateurCourant = serializers.IntegerField(required=False, allow_null=True, help_text="Ignored.")
    idFacture = serializers.IntegerField(required=False, allow_null=True,
                                         help_text="Required: identifiantFactureCPP.")
    idEspace = serializers.IntegerField(required=False, allow_null=True,
                                        help_text="Ignored: the invoice is found in every role of the caller.")
    nbResultatsMaximum = serializers.IntegerField(required=False, allow_null=True,
                                                  help_text="Default page size of the three parts.")
    codeLangue = serializers.CharField(required=False, allow_null=True, allow_blank=True, help_text=CODE_LANGUE_HELP)
    paramRechercheHistoStatuts = _history_params("ListeHistoStatut")
    paramRechercheHistoActionsUtilisateurs = _history_params("ListeHistoAction")
    paramRechercheHistoEvenementsComplementaires = _history_params("ListeHistoEvenement")


def _user(prefix: str) -> dict[str, serializers.Field]:
    return {f"{prefix}{name}": serializers.CharField(help_text="Empty for the platform itself.")
            for name in ("Prenom", "Nom", "Email", "Telephone")}


HistoStatut = output_row("HistoStatut", {
    "histoStatutId": serializers.IntegerField(),
    "histoStatutCode": serializers.CharField(),
    "histoStatutDatePassage": serializers.CharField(help_text="YYYY-MM-DD HH:MM."),
    "histoStatutCommentaire": serializers.CharField(),
    "histoStatutMotifs": serializers.ListField(child=serializers.CharField(),
                                               help_text="Coded motives (SE_INCORRECT…), facturier extension."),
    **_user("histoStatutUtilisateur"),
})
HistoAction = output_row("HistoAction", {
    "histoActionId": serializers.IntegerField(),
    "histoActionCode": serializers.CharField(help_text="TELECHARGEMENT_FACTURE, ACQUITTEMENT_REJET, "
                                                       "ACQUITTEMENT_SUSPENSION or TRAITEMENT_REJET."),
    "histoActionDateHeure": serializers.CharField(help_text="YYYY-MM-DD HH:MM."),
    **_user("histoActionUtilisateur"),
})
Evenement = output_row("Evenement", {
    "evenementId": serializers.IntegerField(),
    "evenementCode": serializers.CharField(help_text="TRANSFERT_SERVICE, RECYCLAGE… (facturier extension)."),
    "evenementLibelle": serializers.CharField(),
    "evenementQui": serializers.CharField(),
    "evenementDateHeure": serializers.CharField(help_text="YYYY-MM-DD HH:MM."),
})
DerniereAction = output_row("DerniereAction", {"derniereActionCode": _c(), "derniereActionId": _i()})
HistoriquesDesStatuts = output_row("HistoriquesDesStatuts", {
    "histoStatut": HistoStatut(many=True), **_counters("HistoStatut"),
})
HistoriquesDesActions = output_row("HistoriquesDesActionsUtilisateurs", {
    "histoAction": HistoAction(many=True), **_counters("HistoAction"),
})
HistoriquesDesEvenements = output_row("HistoriquesDesEvenementsComplementaires", {
    "evenement": Evenement(many=True), **_counters("Evenement"),
})


class ConsulterHistoriqueOutput(ChorusResponseSerializer):
    idFacture = serializers.IntegerField(help_text="The requested id, as an integer.")
    numeroFacture = serializers.CharField()
    modeDepot = serializers.CharField()
    statutCourantCode = serializers.CharField()
    derniereAction = DerniereAction()
    historiquesDesStatuts = HistoriquesDesStatuts()
    historiquesDesActionsUtilisateurs = HistoriquesDesActions()
    historiquesDesEvenementsComplementaires = HistoriquesDesEvenements()


# --- F12 telecharger/groupe -----------------------------------------------------------------------

DOWNLOAD_FORMATS = ("PDF", "PIVOT", "ZIP")


def yes(value: Any) -> bool:
    """``avecPiecesJointesComplementaires``: OUI/NON (GO), Oui/Non (2017 spec), or a boolean."""
    if isinstance(value, bool):
        return value
    return str(value or "").strip().upper() in ("OUI", "O", "TRUE", "1", "YES")


class FactureATelecharger(serializers.Serializer):
    idFacture = serializers.IntegerField()


class TelechargerGroupeInput(ChorusSerializer):
    absent_as_missing = ("idUtilisateurCourant", "idEspace", "avecPiecesJointesComplementaires")

    idUtilisateurCourant = serializers.IntegerField(required=False, allow_null=True, help_text="Ignored.")
    idEspace = serializers.IntegerField(required=False, allow_null=True, help_text="Ignored.")
    format = serializers.ChoiceField(
        choices=DOWNLOAD_FORMATS,
        help_text="PDF (a PDF for one invoice with one file, else a zip), PIVOT (one XML), ZIP (facturier).",
    )
    avecPiecesJointesComplementaires = serializers.JSONField(
        required=False, allow_null=True, help_text="OUI / NON (default NON): add the attachments to the zip."
    )
    listeFacture = FactureATelecharger(many=True, allow_empty=False)


class TelechargerGroupeOutput(ChorusResponseSerializer):
    fichierResultat = serializers.CharField(help_text="The file, in base64.")
    nomFichier = serializers.CharField(help_text="facturier extension: the file name (.pdf, .zip or .xml).")
    typeMime = serializers.CharField(help_text="facturier extension: the file's media type.")
