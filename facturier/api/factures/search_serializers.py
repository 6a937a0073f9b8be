"""Serializers of the invoice searches F5, F6 and F7 (wire names as in api.md §5)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from facturier.api.pagination import pagination_serializer
from facturier.api.serializers import FilterSerializer
from facturier.api.transverses.serializers import TopLevelPaginationOutput

from .serializers import _amount_filter, _text


def _int() -> serializers.IntegerField:
    return serializers.IntegerField(required=False, allow_null=True)


def _date() -> serializers.DateField:
    return serializers.DateField(required=False, allow_null=True, help_text="YYYY-MM-DD.")


def _moment() -> serializers.CharField:
    return _text(help_text="YYYY-MM-DD (the whole day), YYYY-MM-DDTHH:MM:SS or RFC 3339.")


def _bool() -> serializers.BooleanField:
    return serializers.BooleanField(required=False, allow_null=True)


def _json(help_text: str) -> serializers.JSONField:
    return serializers.JSONField(required=False, allow_null=True, help_text=help_text)


STATUT_COURANT_HELP = "A status or a list of statuses (api.md §8.8)."
CADRE_HELP = "A frame code, short (A9) or long (A9_FACTURE_SOUSTRAITANT), or an object {codeCadreFacturation}."


def output_row(name: str, fields: dict[str, serializers.Field]) -> type[serializers.Serializer]:
    """An answer item, declared field by field with its wire name."""
    return type(name, (serializers.Serializer,), dict(fields))


def _i() -> serializers.IntegerField:
    return serializers.IntegerField(allow_null=True)


def _f() -> serializers.FloatField:
    return serializers.FloatField(allow_null=True)


def _c(help_text: str = "") -> serializers.CharField:
    return serializers.CharField(allow_null=True, help_text=help_text)


def _b() -> serializers.BooleanField:
    return serializers.BooleanField()


def _types() -> serializers.ListField:
    return serializers.ListField(child=serializers.CharField(), required=False, allow_null=True)


class InvoiceCriteria(FilterSerializer):
    """The criteria every invoice search reads (``search.filter_invoices``)."""

    idUtilisateurCourant = serializers.IntegerField(required=False, allow_null=True, help_text="Ignored.")
    typeDemandePaiement = _text(help_text="FACTURE (FACTURE_TRAVAUX and other types find nothing).")
    numeroFacture = _text()
    numeroMarche = _text()
    statutCourant = _json(STATUT_COURANT_HELP)
    cadreFacturation = _json(CADRE_HELP)
    montantHTMin = _amount_filter()
    montantHTMax = _amount_filter()
    montantTTCMin = _amount_filter()
    montantTTCMax = _amount_filter()
    periodeDateDepotDu = _date()
    periodeDateDepotAu = _date()
    rechercheSirenDestinataire = _bool()
    rechercheSirenFournisseur = _bool()


class ReceivedOrToValidateCriteria(InvoiceCriteria):
    """What the recipient's (F5) and the validator's (F6) searches add."""

    idDestinataire = _int()
    idServiceExecutant = _int()
    idStructureValideur = _int()
    periodeDateFactureDu = _date()
    periodeDateFactureAu = _date()
    listeTypeFacture = _types()
    listeTypeFactureTravaux = _types()


def _head_fields() -> dict[str, serializers.Field]:
    """The first fields of a recipient's or validator's search row (``search.row_head``)."""
    return {
        "idFacture": serializers.IntegerField(),
        "numeroFacture": serializers.CharField(help_text="The number inside the deposited file."),
        "statut": serializers.CharField(),
        "typeDemandePaiement": serializers.CharField(),
        "typeFacture": serializers.CharField(),
        "typeFactureTravaux": _c(),
        "cadreFacturation": serializers.CharField(help_text="facturier extension."),
        "dateDepot": serializers.CharField(help_text="YYYY-MM-DD."),
        "dateFacture": _c("YYYY-MM-DD."),
    }


# triColonne of F5 and F6, read case-insensitively (the COM example writes FactureTelechargeeParDestinataire).
INVOICE_SORTS = {
    "idFacture": "pk",
    "numeroFacture": "number",
    "dateDepot": "deposited_at",
    "dateFacture": "issue_date",
    "dateHeureEtatCourant": "status_changed_at",
    "montantHT": "amount_ht",
    "montantTTC": "amount_ttc",
    "montantAPayer": "amount_due",
    "statut": "status",
    "typeFacture": "type",
    "codeFournisseur": "supplier_identifier",
    "designationFournisseur": "supplier_name",
    "designationDestinataire": "recipient_name",
    "codeServiceExecutant": "service_code",
    "factureTelechargeeParDestinataire": "downloaded_by_recipient",
}


def _pagination(name: str, columns: dict[str, str]) -> Any:
    return pagination_serializer(name, columns=tuple(columns))(required=False, allow_null=True)


# --- F5 rechercher/recipiendaire ------------------------------------------------------------------


class FournisseurFiltre(serializers.Serializer):
    idFournisseur = _int()
    listeIdService = serializers.ListField(
        child=serializers.IntegerField(), required=False, allow_null=True,
        help_text="Accepted, not used: invoices carry no supplier service here.",
    )


class RechercherRecipiendaireInput(ReceivedOrToValidateCriteria):
    periodeDateHeureEtatCourantDu = _moment()
    periodeDateHeureEtatCourantAu = _moment()
    listeFournisseurs = FournisseurFiltre(many=True, required=False, allow_null=True)
    montantApayerMin = _amount_filter()
    montantApayerMax = _amount_filter()
    numeroBonCommande = _text()
    factureTelechargeeParDestinataire = _bool()
    recupererTaille = _bool()
    paramRecherche = _pagination("PaginationRechercherFactureParRecipiendaire", INVOICE_SORTS)


FactureParRecipiendaire = output_row("FactureParRecipiendaire", {
    **_head_fields(),
    "dateHeureEtatCourant": serializers.CharField(help_text="RFC 3339."),
    "montantHT": _f(), "montantTTC": _f(), "montantAPayer": _f(),
    "devise": serializers.CharField(),
    "idFournisseur": serializers.IntegerField(help_text="facturier extension."),
    "codeFournisseur": serializers.CharField(),
    "typeIdentifiantFournisseur": serializers.CharField(),
    "designationFournisseur": serializers.CharField(),
    "codeServiceFournisseur": _c(), "nomServiceFournisseur": _c(),
    "idDestinataire": serializers.IntegerField(),
    "codeDestinataire": serializers.CharField(),
    "designationDestinataire": serializers.CharField(),
    "idServiceExecutant": _i(), "codeServiceExecutant": _c(), "nomServiceExecutant": _c(),
    "numeroBonCommande": _c(), "numeroMarche": _c(),
    "factureTelechargeeParDestinataire": _b(),
    "commentaireEtatCourant": _c(),
    "taille": serializers.IntegerField(),
    "codeMOA": _c(), "codeMOE": _c(), "designationMOA": _c(), "designationMOE": _c(),
    "typeIdentifiantMOA": _c(), "typeIdentifiantMOE": _c(),
})


class RechercherRecipiendaireOutput(TopLevelPaginationOutput):
    codeRetour = serializers.IntegerField(help_text="0; 20000 (HTTP 200, libelle TRA_MSG_00.015) when nothing matches.")
    listeFactures = FactureParRecipiendaire(many=True)


# --- F6 rechercher/valideur -----------------------------------------------------------------------

class RechercherValideurInput(ReceivedOrToValidateCriteria):
    idFournisseur = _int()
    idServiceFournisseur = _int()
    idStructureMoa = _int()
    idStructureMoe = _int()
    montantAPayerMin = _amount_filter()
    montantAPayerMax = _amount_filter()
    numeroEngagement = _text()
    pagination = _pagination("PaginationRechercherFactureParValideur", INVOICE_SORTS)


_MOA_MOE = {
    f"{prefix}{role}": (_i() if prefix.startswith("id") else _c())
    for role in ("Moa", "Moe")
    for prefix in ("id", "idService", "identifiant", "typeIdentifiant", "designation", "codeService", "nomService")
}

FactureParValideur = output_row("FactureParValideur", {
    **_head_fields(),
    "montantHT": _f(), "montantTTC": _f(), "montantAPayer": _f(),
    "devise": serializers.CharField(),
    "idFournisseur": serializers.IntegerField(),
    "identifiantFournisseur": serializers.CharField(),
    "typeIdentifiantFournisseur": serializers.CharField(),
    "designationFournisseur": serializers.CharField(),
    "idServiceFournisseur": _i(), "codeServiceFournisseur": _c(), "nomServiceFournisseur": _c(),
    "idDestinataire": serializers.IntegerField(),
    "identifiantDestinataire": serializers.CharField(),
    "typeIdentifiantDestinataire": serializers.CharField(),
    "designationDestinataire": serializers.CharField(),
    "idServiceExecutant": _i(), "codeServiceExecutant": _c(), "nomServiceExecutant": _c(),
    "idValideur": _i(),
    "identifiantValideur": _c("SIRET of the validator of the current level."),
    "typeIdentifiantValideur": _c(),
    "designationValideur": _c(),
    "numeroEngagement": _c(), "numeroMarche": _c(),
    **_MOA_MOE,
})


class RechercherValideurOutput(TopLevelPaginationOutput):
    listeFactures = FactureParValideur(many=True)


# --- F7 rechercher/demandePaiement ----------------------------------------------------------------

PAYMENT_REQUEST_SORTS = {
    "idDemandePaiement": "pk",
    "numeroDemandePaiement": "number",
    "dateDepot": "deposited_at",
    "dateFournisseur": "issue_date",
    "dateHeureEtatCourant": "status_changed_at",
    "montantHT": "amount_ht",
    "montantTTC": "amount_ttc",
    "montantAPayer": "amount_due",
    "etatCourant": "status",
}


def _structure_block(name: str, key: str) -> serializers.Serializer:
    fields = {
        f"idStructure{key}": _int(),
        f"identifiantStructure{key}": _text(),
        f"typeIdentifiantStructure{key}": _text(),
    }
    return type(name, (FilterSerializer,), fields)(required=False, allow_null=True)


class RechercherDemandePaiementInput(InvoiceCriteria):
    dpOuDpArchive = _text(help_text="DEMANDE_PAIEMENT (default) or DP_ARCHIVE (nothing is archived here).")
    idServiceDestinataire = _int()
    idServiceFournisseur = _int()
    idServiceMoa = _int()
    idServiceMoe = _int()
    montantAPayerMin = _amount_filter()
    montantAPayerMax = _amount_filter()
    numeroBonCommande = _text()
    numeroDossierFacturation = _text(help_text="Accepted, not used (no works invoices).")
    numeroDpMandat = _text()
    numeroFactureMemoire = _text(help_text="Accepted, not used.")
    numeroFactureOrigine = _text(help_text="Accepted, not used.")
    periodeDateFournisseurDu = _date()
    periodeDateFournisseurAu = _date()
    periodeDateHeureEtatCourantDu = _moment()
    periodeDateHeureEtatCourantAu = _moment()
    roleUtilisateur = _text(help_text="FOURNISSEUR, DESTINATAIRE or VALIDATEUR (MOA/MOE find nothing); "
                                      "absent: every invoice the caller sees.")
    typeFacture = _text()
    typeFactureTravaux = _text(help_text="Accepted, not used (no works invoices).")
    structureDestinataire = _structure_block("StructureDestinataireFiltre", "Destinataire")
    structureFournisseur = _structure_block("StructureFournisseurFiltre", "Fournisseur")
    structureMoa = _structure_block("StructureMoaFiltre", "Moa")
    structureMoe = _structure_block("StructureMoeFiltre", "Moe")
    structureValideur = _structure_block("StructureValideurFiltre", "Valideur")
    pagination = _pagination("PaginationRechercherDemandePaiement", PAYMENT_REQUEST_SORTS)


DemandePaiement = output_row("DemandePaiement", {
    "idDemandePaiement": serializers.IntegerField(),
    "numeroDemandePaiement": serializers.CharField(help_text="The invoice number inside the deposited file."),
    "typeDemandePaiement": serializers.CharField(),
    "typeFacture": serializers.CharField(),
    "typeFactureTravaux": _c(),
    "dpOuDpArchive": serializers.CharField(),
    "cadreFacturation": serializers.CharField(),
    "etatCourant": serializers.CharField(),
    "commentaireEtatCourant": _c(),
    "dateDepot": serializers.CharField(help_text="YYYY-MM-DD."),
    "dateFournisseur": _c("YYYY-MM-DD (invoice date)."),
    "dateHeureEtatCourant": serializers.CharField(help_text="RFC 3339."),
    "montantHT": _f(), "montantTTC": _f(), "montantAPayer": _f(),
    "idStructureFournisseur": serializers.IntegerField(),
    "identifiantStructureFournisseur": serializers.CharField(),
    "idServiceFournisseur": _i(),
    "idStructureDestinataire": serializers.IntegerField(),
    "identifiantStructureDestinataire": serializers.CharField(),
    "idServiceDestinataire": _i(), "codeServiceDestinataire": _c(), "nomServiceDestinataire": _c(),
    "idStructureValideur1": _i(), "idStructureValideur2": _i(),
    "numeroBonCommande": _c(), "numeroMarche": _c(), "numeroDpMandat": _c(), "numeroFactureOrigine": _c(),
    "nomCreateur": serializers.CharField(help_text="facturier extension."),
    "nombreResultatTotal": serializers.IntegerField(),
})


class RechercherDemandePaiementOutput(TopLevelPaginationOutput):
    listeDemandePaiement = DemandePaiement(many=True)
