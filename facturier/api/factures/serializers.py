"""Serializers of the « Factures » operations (wire names as in api.md §5)."""

from __future__ import annotations

from rest_framework import serializers

from facturier.api.pagination import pagination_serializer
from facturier.api.serializers import (
    ChorusResponseSerializer,
    ChorusSerializer,
    FilterSerializer,
    PaginationResultSerializer,
)
from facturier.flows.models import FlowSyntax
from facturier.invoices.enums import InvoiceType


def _text(**kwargs: object) -> serializers.CharField:
    return serializers.CharField(required=False, allow_null=True, allow_blank=True, **kwargs)


# --- F1 deposer/flux ------------------------------------------------------------------------------


class DeposerFluxInput(ChorusSerializer):
    absent_as_missing = ("idUtilisateurCourant", "avecSignature")

    idUtilisateurCourant = serializers.IntegerField(required=False, allow_null=True, help_text="Ignored.")
    fichierFlux = serializers.CharField(
        trim_whitespace=False, help_text="The flow file in base64: one XML, one Factur-X PDF, or a zip/tar.gz of them."
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
    rejetTraite = serializers.BooleanField()
    empreinteCertificatDepot = serializers.CharField()


class RechercherFactureParFournisseurOutput(ChorusResponseSerializer):
    listeFactures = FactureParFournisseur(many=True)
    parametresRetour = PaginationResultSerializer()
    nbResultatsParPage = serializers.IntegerField()
    pageCourante = serializers.IntegerField()
    pages = serializers.IntegerField()
    total = serializers.IntegerField()
