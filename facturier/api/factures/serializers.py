"""Serializers of the « Factures » operations (wire names as in api.md §5)."""

from __future__ import annotations

from rest_framework import serializers

from facturier.api.pagination import pagination_serializer
from facturier.api.serializers import (
    Base64Field,
    ChorusResponseSerializer,
    ChorusSerializer,
    FilterSerializer,
    PaginationResultSerializer,
)
from facturier.flows.models import FlowSyntax
from facturier.invoices.enums import InvoiceType


def _text(**kwargs: object) -> serializers.CharField:
    return serializers.CharField(required=False, allow_null=True, allow_blank=True, **kwargs)


def _amount_filter() -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=25, decimal_places=6, required=False, allow_null=True,
                                    coerce_to_string=False)


# --- F1 deposer/flux ------------------------------------------------------------------------------


class DeposerFluxInput(ChorusSerializer):
    absent_as_missing = ("idUtilisateurCourant", "avecSignature")

    idUtilisateurCourant = serializers.IntegerField(required=False, allow_null=True, help_text="Ignored.")
    fichierFlux = Base64Field(
        help_text="The flow file in base64: one XML, one Factur-X PDF, or a zip/tar.gz of them."
    )
    nomFichier = serializers.CharField(max_length=200, help_text="File name with its extension.")
    syntaxeFlux = serializers.CharField(
        max_length=60, help_text="One of: " + ", ".join(FlowSyntax.values) + " (must match the content)."
    )
    avecSignature = serializers.BooleanField(required=False, allow_null=True, default=False)


class DeposerFluxOutput(ChorusResponseSerializer):
    numeroFluxDepot = serializers.CharField(help_text="CPP + 22 digits.")
    dateDepot = serializers.CharField(help_text="YYYY-MM-DD.")
    syntaxeFlux = serializers.CharField()


# --- F4 rechercher/fournisseur ---------------------------------------------------------------------

FACTURE_SORTS = {
    "numeroFacture": "number",
    "dateFacture": "issue_date",
    "dateDepot": "deposited_at",
    "montantHT": "amount_ht",
    "montantTTC": "amount_ttc",
    "montantAPayer": "amount_due",
    "codeDestinataire": "recipient_identifier",
    "designationDestinataire": "recipient_name",
    "Statut": "status",
    "typeFacture": "type",
}


class DestinataireFiltre(serializers.Serializer):
    idDestinataire = serializers.IntegerField(required=False, allow_null=True)
    listeIdServiceExecutant = serializers.ListField(child=serializers.IntegerField(), required=False, allow_null=True)


class RechercherFactureParFournisseurInput(FilterSerializer):
    false_is_absent = True
    numeroFluxDepot = _text()
    numeroFacture = _text()
    typeFacture = serializers.ChoiceField(choices=InvoiceType.values, required=False, allow_null=True, allow_blank=True)
    statutCourant = serializers.JSONField(required=False, allow_null=True, help_text="A status or a list of statuses.")
    idFournisseur = serializers.IntegerField(required=False, allow_null=True)
    idServiceFournisseur = serializers.IntegerField(required=False, allow_null=True)
    listeDestinataire = DestinataireFiltre(many=True, required=False, allow_null=True)
    cadreFacturation = serializers.JSONField(required=False, allow_null=True)
    modeDepot = _text()
    numeroBonCommande = _text()
    numeroMarche = _text()
    periodeDateDepotDu = serializers.DateField(required=False, allow_null=True)
    periodeDateDepotAu = serializers.DateField(required=False, allow_null=True)
    periodeDateFactureDu = serializers.DateField(required=False, allow_null=True)
    periodeDateFactureAu = serializers.DateField(required=False, allow_null=True)
    periodeDateHeureEtatCourantDu = _text(help_text="YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS or RFC 3339.")
    periodeDateHeureEtatCourantAu = _text(help_text="YYYY-MM-DD (the whole day), YYYY-MM-DDTHH:MM:SS or RFC 3339.")
    idStructureValideur = serializers.IntegerField(required=False, allow_null=True)
    montantHTMin = _amount_filter()
    montantHTMax = _amount_filter()
    montantTTCMin = _amount_filter()
    montantTTCMax = _amount_filter()
    montantApayerMin = _amount_filter()
    montantApayerMax = _amount_filter()
    rejetTraite = serializers.BooleanField(
        required=False, allow_null=True, help_text="true: only the rejections marked handled (false: no criterion)."
    )
    rechercheFactureParFournisseur = pagination_serializer(
        "PaginationRechercherFactureParFournisseur", columns=tuple(FACTURE_SORTS)
    )(required=False, allow_null=True)


class FactureParFournisseur(serializers.Serializer):
    identifiantFactureCPP = serializers.IntegerField()
    numeroFacture = serializers.CharField()
    typeFacture = serializers.CharField()
    typeDemandePaiement = serializers.CharField()
    cadreFacturation = serializers.CharField()
    statut = serializers.CharField()
    dateFacture = serializers.CharField(allow_null=True)
    dateDepot = serializers.CharField()
    dateHeureEtatCourant = serializers.CharField()
    numeroFluxDepot = serializers.CharField(allow_null=True)
    modeDepot = serializers.CharField()
    montantHT = serializers.FloatField(allow_null=True)
    montantTTC = serializers.FloatField(allow_null=True)
    montantAPayer = serializers.FloatField(allow_null=True)
    devise = serializers.CharField()
    idFournisseur = serializers.IntegerField()
    codeFournisseur = serializers.CharField()
    typeIdentifiantFournisseur = serializers.CharField()
    designationFournisseur = serializers.CharField()
    idDestinataire = serializers.IntegerField()
    codeDestinataire = serializers.CharField()
    designationDestinataire = serializers.CharField()
    idServiceExecutant = serializers.IntegerField(allow_null=True)
    codeServiceExecutant = serializers.CharField(allow_null=True)
    nomServiceExecutant = serializers.CharField(allow_null=True)
    numeroBonCommande = serializers.CharField(allow_null=True)
    numeroMarche = serializers.CharField(allow_null=True)
    nomPrenomUtilisateurCreateur = serializers.CharField()
    taille = serializers.IntegerField()
    rejetTraite = serializers.BooleanField(help_text="The supplier marked the rejection handled (traiterRejet).")
    empreinteCertificatDepot = serializers.CharField()
    commentaireEtatCourant = serializers.CharField(allow_null=True, help_text="Motive of the current status.")
    codeServiceFournisseur = serializers.CharField(allow_null=True)
    nomServiceFournisseur = serializers.CharField(allow_null=True)
    idValideur1 = serializers.IntegerField(allow_null=True, help_text="facturier extension.")
    codeValideur1 = serializers.CharField(allow_null=True, help_text="A9/A10: main contractor; A12: representative.")
    typeIdentifiantValideur1 = serializers.CharField(allow_null=True)
    raisonSocialeValideur1 = serializers.CharField(allow_null=True)
    nomValideur1 = serializers.CharField(allow_null=True)
    prenomValideur1 = serializers.CharField(allow_null=True)
    dateValidation1 = serializers.CharField(allow_null=True, help_text="YYYY-MM-DD.")
    idValideur2 = serializers.IntegerField(allow_null=True, help_text="facturier extension.")
    codeValideur2 = serializers.CharField(allow_null=True, help_text="Second level (co-contractor).")
    typeIdentifiantValideur2 = serializers.CharField(allow_null=True)
    raisonSocialeValideur2 = serializers.CharField(allow_null=True)
    nomValideur2 = serializers.CharField(allow_null=True)
    prenomValideur2 = serializers.CharField(allow_null=True)
    dateValidation2 = serializers.CharField(allow_null=True, help_text="YYYY-MM-DD.")


class RechercherFactureParFournisseurOutput(ChorusResponseSerializer):
    listeFactures = FactureParFournisseur(many=True)
    parametresRetour = PaginationResultSerializer()
    nbResultatsParPage = serializers.IntegerField()
    pageCourante = serializers.IntegerField()
    pages = serializers.IntegerField()
    total = serializers.IntegerField()


# --- F2 deposer/pdf -------------------------------------------------------------------------------

PDF_FORMATS = ("PDF_NON_SIGNE", "PDF_SIGNE_PADES", "PDF_SIGNE_XADES")


class DeposerPdfInput(ChorusSerializer):
    absent_as_missing = ("idUtilisateurCourant", "formatDepot")

    idUtilisateurCourant = serializers.IntegerField(required=False, allow_null=True, help_text="Ignored.")
    fichierFacture = Base64Field(help_text="The invoice PDF in base64 (≤ 10 MB).")
    nomFichier = serializers.CharField(max_length=200, help_text="File name, with the .pdf extension.")
    formatDepot = serializers.ChoiceField(choices=PDF_FORMATS, required=False, default="PDF_NON_SIGNE")


class DeposerPdfOutput(ChorusResponseSerializer):
    pieceJointeId = serializers.IntegerField(help_text="Use it as pieceJointePrincipaleId in soumettreFacture.")
    numeroFacture = serializers.CharField(allow_null=True)
    dateFacture = serializers.CharField(allow_null=True, help_text="YYYY-MM-DD.")
    codeDestinataire = serializers.CharField(allow_null=True)
    codeServiceExecutant = serializers.CharField(allow_null=True)
    codeFournisseur = serializers.CharField(allow_null=True)
    codeDeviseFacture = serializers.CharField(allow_null=True)
    typeFacture = serializers.CharField(allow_null=True)
    typeTva = serializers.CharField(allow_null=True)
    numeroBonCommande = serializers.CharField(allow_null=True)
    montantTtcAvantRemiseGlobalTTC = serializers.FloatField(allow_null=True)
    montantAPayer = serializers.FloatField(allow_null=True)
    montantHtTotal = serializers.FloatField(allow_null=True)
    montantTVA = serializers.FloatField(allow_null=True)
    sourcePreRemplissage = serializers.CharField(help_text="facturx, text, ocr or none (facturier extension).")
    modePaiement = serializers.CharField(allow_null=True, help_text="VIREMENT, CHEQUE... (facturier extension).")


# --- F3 soumettre ---------------------------------------------------------------------------------

SUBMIT_MODES = ("SAISIE_API", "DEPOT_PDF_API", "DEPOT_PDF_SIGNE_API")


class _Lenient(ChorusSerializer):
    absent_as_missing = "__all__"


def _num(**kwargs: object) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=25, decimal_places=6, required=False, allow_null=True,
                                    coerce_to_string=False, **kwargs)


class DestinataireSaisi(_Lenient):
    codeDestinataire = serializers.CharField(max_length=80, help_text="Recipient SIRET.")
    codeServiceExecutant = _text(max_length=100)


class FournisseurSaisi(_Lenient):
    idFournisseur = serializers.IntegerField(required=False, allow_null=True,
                                             help_text="Supplier idStructureCPP (default: the technical account's).")
    idServiceFournisseur = serializers.IntegerField(required=False, allow_null=True)
    codeCoordonneesBancairesFournisseur = serializers.IntegerField(required=False, allow_null=True,
                                                                   help_text="idCoordonneeBancaire (T11).")


class CadreSaisi(_Lenient):
    codeCadreFacturation = serializers.CharField(max_length=60, help_text="A1, A2, A9, A12 (short or long code).")
    codeStructureValideur = _text()
    codeServiceValideur = _text()


class ReferencesSaisies(_Lenient):
    deviseFacture = _text(max_length=3)
    typeFacture = serializers.ChoiceField(choices=InvoiceType.values, required=False, allow_null=True, allow_blank=True)
    typeTva = _text()
    motifExonerationTva = _text(max_length=1024)
    numeroMarche = _text(max_length=50)
    numeroBonCommande = _text(max_length=50)
    numeroFactureOrigine = _text(max_length=20)
    modePaiement = _text()


class LignePoste(_Lenient):
    lignePosteNumero = serializers.IntegerField(required=False, allow_null=True)
    lignePosteReference = _text(max_length=100)
    lignePosteDenomination = serializers.CharField(max_length=512)
    lignePosteQuantite = _num()
    lignePosteUnite = _text(max_length=30)
    lignePosteMontantUnitaireHT = _num()
    lignePosteMontantRemiseHT = _num()
    lignePosteTauxTva = _text()
    lignePosteTauxTvaManuel = _num()


class LigneTva(_Lenient):
    ligneTvaTaux = _text()
    ligneTvaTauxManuel = _num()
    ligneTvaMontantBaseHtParTaux = _num()
    ligneTvaMontantTvaParTaux = _num()


class MontantTotal(_Lenient):
    montantHtTotal = _num()
    montantTVA = _num()
    montantTtcTotal = _num()
    montantRemiseGlobaleTTC = _num()
    motifRemiseGlobaleTTC = _text(max_length=1024)
    montantAPayer = _num()


class PieceJointeComplementaire(_Lenient):
    pieceJointeComplementaireDesignation = _text(max_length=100)
    pieceJointeComplementaireType = _text(max_length=30)
    pieceJointeComplementaireNumeroLigneFacture = serializers.IntegerField(required=False, allow_null=True)
    pieceJointeComplementaireId = serializers.IntegerField()
    pieceJointeComplementaireIdLiaison = serializers.IntegerField(required=False, allow_null=True)


class SoumettreFactureInput(ChorusSerializer):
    absent_as_missing = (
        "idUtilisateurCourant", "numeroFactureSaisi", "dateFacture", "dateEcheancePaiement", "fournisseur",
        "references", "lignePoste", "ligneTva", "montantTotal", "pieceJointePrincipale",
        "pieceJointeComplementaire", "commentaire", "cadreDeFacturation",
    )

    idUtilisateurCourant = serializers.IntegerField(required=False, allow_null=True, help_text="Ignored.")
    modeDepot = serializers.ChoiceField(choices=SUBMIT_MODES)
    numeroFactureSaisi = _text(max_length=20)
    dateFacture = serializers.DateField(required=False, allow_null=True, help_text="YYYY-MM-DD (default: today).")
    dateEcheancePaiement = serializers.DateField(required=False, allow_null=True)
    destinataire = DestinataireSaisi()
    fournisseur = FournisseurSaisi(required=False, allow_null=True)
    cadreDeFacturation = CadreSaisi(required=False, allow_null=True)
    references = ReferencesSaisies(required=False, allow_null=True)
    lignePoste = LignePoste(many=True, required=False, allow_null=True)
    ligneTva = LigneTva(many=True, required=False, allow_null=True)
    montantTotal = MontantTotal(required=False, allow_null=True)
    pieceJointePrincipale = serializers.JSONField(
        required=False, allow_null=True,
        help_text="An array of {pieceJointePrincipaleDesignation, pieceJointePrincipaleId}, or one such object.",
    )
    pieceJointeComplementaire = PieceJointeComplementaire(many=True, required=False, allow_null=True)
    commentaire = _text(max_length=1024)


class SoumettreFactureOutput(ChorusResponseSerializer):
    identifiantFactureCPP = serializers.IntegerField()
    numeroFacture = serializers.CharField()
    identifiantStructure = serializers.CharField()
    dateDepot = serializers.CharField(help_text="YYYY-MM-DD.")
    statutFacture = serializers.CharField()
    empreinteCertificatDepot = serializers.CharField()
