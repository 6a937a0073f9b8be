"""Serializers of the processing operations F13–F19 (wire names as in api.md §5)."""

from __future__ import annotations

from rest_framework import serializers

from facturier.api.serializers import ChorusResponseSerializer, ChorusSerializer
from facturier.invoices.enums import (
    InvoiceStatus,
    StateRejectionMotive,
    ValidatorAction,
    ValidatorRefusalMotive,
)

from .serializers import PieceJointeComplementaire, _text


def _id(help_text: str = "Required.") -> serializers.IntegerField:
    return serializers.IntegerField(required=False, allow_null=True, help_text=help_text)


IGNORED = "Accepted, ignored: the caller is the cpro-account's user."


class _Lenient(ChorusSerializer):
    absent_as_missing = "__all__"


# --- F13 traiter/recue ----------------------------------------------------------------------------


class TraiterFactureRecueInput(_Lenient):
    idUtilisateurCourant = serializers.IntegerField(required=False, allow_null=True, help_text=IGNORED)
    idFacture = _id()
    nouveauStatut = serializers.ChoiceField(
        choices=InvoiceStatus.choices, required=False, allow_null=True, allow_blank=True,
        help_text="Required: one of recupererEtatsPossiblesPourTraitement's statuses for the current one.",
    )
    motif = _text(help_text="Required for REJETEE, SUSPENDUE and A_RECYCLER (≤ 255 characters).")
    numeroDPMandat = _text(max_length=50, help_text="Mandate number, kept with MANDATEE.")
    NumeroDPMandat = _text(max_length=50, help_text="The COM example's spelling of numeroDPMandat.")
    codesMotifRejet = serializers.ListField(
        child=serializers.ChoiceField(choices=StateRejectionMotive.values), required=False, allow_null=True,
        help_text="facturier extension, State services rejecting: " + ", ".join(StateRejectionMotive.values)
        + " (lets the supplier re-submit the same number). A motif equal to one code or label counts too.",
    )
    statutCourant = serializers.ChoiceField(
        choices=InvoiceStatus.choices, required=False, allow_null=True, allow_blank=True,
        help_text="facturier extension: the status the caller saw; if the invoice moved since, 20002.",
    )


class TraiterFactureRecueOutput(ChorusResponseSerializer):
    idFacture = serializers.IntegerField()
    numeroFacture = serializers.CharField()
    nouveauStatut = serializers.CharField(help_text="The invoice's status after the call.")
    dateTraitement = serializers.CharField(help_text="YYYY-MM-DD.")


# --- F14 traiter/factureAValider ------------------------------------------------------------------


class TraiterFactureAValiderInput(_Lenient):
    idUtilisateurCourant = serializers.IntegerField(required=False, allow_null=True, help_text=IGNORED)
    idFacture = _id()
    action = _text(help_text="Required: " + ", ".join(ValidatorAction.values)
                   + ". MISE_EN_PAIEMENT, MISE_EN_RECYCLAGE, SUSPENSION, REJET: 20002 (the recipient's).")
    motifRefus = _text(help_text="REFUS: a code (" + ", ".join(ValidatorRefusalMotive.values)
                       + ") or a text; required with REFUS unless complementInfo is given.")
    complementInfo = _text(help_text="The validator's comment (≤ 255 characters).")
    idPieceJointe = serializers.IntegerField(required=False, allow_null=True, help_text="Accepted, ignored.")
    idValideur = serializers.IntegerField(required=False, allow_null=True, help_text=IGNORED)
    typeValideur = _text(help_text=IGNORED)


class TraiterFactureAValiderOutput(ChorusResponseSerializer):
    idFacture = serializers.IntegerField(help_text="An integer (the COM example's string would break GO).")
    numeroFacture = serializers.CharField()
    statutFacture = serializers.CharField(help_text="After VALIDATION: where the invoice was routed.")
    dateTraitement = serializers.CharField(help_text="YYYY-MM-DD.")


# --- F15 recycler ---------------------------------------------------------------------------------


class DestinataireRecycle(ChorusSerializer):
    # An empty service code is a value here: the invoice then names no service.
    absent_as_missing = ("codeDestinataire",)

    codeDestinataire = _text(max_length=80, help_text="New recipient SIRET (default: unchanged).")
    codeServiceExecutant = _text(max_length=100, help_text="New service code; \"\": no service; absent: unchanged "
                                 "(none when the recipient changes).")


class ReferencesRecyclees(_Lenient):
    numeroBonCommande = _text(max_length=50, help_text="New commitment number.")


class RecyclerFactureInput(_Lenient):
    idUtilisateurCourant = serializers.IntegerField(required=False, allow_null=True, help_text=IGNORED)
    identifiantFactureCPP = _id()
    destinataire = DestinataireRecycle(required=False, allow_null=True)
    references = ReferencesRecyclees(required=False, allow_null=True)
    reference = ReferencesRecyclees(required=False, allow_null=True, help_text="GO's spelling of references.")
    commentaire = _text(max_length=2000)


class RecyclerFactureOutput(ChorusResponseSerializer):
    identifiantFactureCPP = serializers.IntegerField()
    numeroFacture = serializers.CharField()
    statutFacture = serializers.CharField(help_text="After the re-routing (MISE_A_DISPOSITION).")
    dateDepot = serializers.CharField(help_text="YYYY-MM-DD: the original deposit date, unchanged.")


# --- F16 completer --------------------------------------------------------------------------------


class CompleterFactureInput(_Lenient):
    idUtilisateurCourant = serializers.IntegerField(required=False, allow_null=True, help_text=IGNORED)
    identifiantFactureCPP = _id()
    commentaire = _text(max_length=2000)
    pieceJointeComplementaire = PieceJointeComplementaire(
        many=True, required=False, allow_null=True,
        help_text="Files uploaded with ajouterFichierDansSysteme, by their pieceJointeComplementaireId.",
    )


class CompleterFactureOutput(ChorusResponseSerializer):
    identifiantFactureCPP = serializers.IntegerField()
    numeroFacture = serializers.CharField()
    statutFacture = serializers.CharField(help_text="COMPLETEE (facturier extension).")
    dateTraitement = serializers.CharField(help_text="YYYY-MM-DD.")


# --- F17 corriger/valideur/facture ----------------------------------------------------------------


class CorrigerValideurInput(_Lenient):
    idFacture = _id()
    idStructure = _id("The right validator's idStructureCPP (or identifiantStructure).")
    identifiantStructure = _text(max_length=80)
    typeIdentifiantStructure = _text(max_length=20, help_text="Default SIRET.")
    codeServiceValideur = _text(max_length=100, help_text="facturier extension: the validator's service.")


class CorrigerValideurOutput(ChorusResponseSerializer):
    idFacture = serializers.IntegerField()
    statutFacture = serializers.CharField(help_text="A_VALIDER_1 or A_VALIDER_2 (facturier extension).")


# --- F18 traiterRejet -----------------------------------------------------------------------------


class DemandePaiementRef(serializers.Serializer):
    idDemandePaiement = serializers.IntegerField()


class TraiterRejetInput(_Lenient):
    listeDemandePaiement = DemandePaiementRef(many=True, required=False, allow_null=True, help_text="Required.")
    motifRejet = _text(max_length=1000)
    cpltInfos = _text(max_length=1000)


class TraiterRejetOutput(ChorusResponseSerializer):
    pass


# --- F19 recuperer/statutsFactureVisibles/valideur ------------------------------------------------


class StatutsVisiblesInput(_Lenient):
    idUtilisateurCourant = serializers.IntegerField(required=False, allow_null=True, help_text=IGNORED)


class StatutFacture(serializers.Serializer):
    codeStatutFacture = serializers.CharField()


class StatutsVisiblesOutput(ChorusResponseSerializer):
    listeStatutFacture = StatutFacture(many=True)
