"""Invoice searches: by supplier (F4, in ``views``), by recipient (F5), by validator (F6) and the
general payment-request search (F7). One filter machinery for the four; each operation starts from
the actor's own invoices (``facturier.invoices.selectors``) and has its own answer shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework.request import Request

from facturier.api.pagination import Page, PageRequest, paginate
from facturier.api.structures.rows import iso
from facturier.api.views import ChorusAPIView
from facturier.core.errors import ValidationFailed
from facturier.invoices.enums import FRAMES_BY_SHORT_CODE
from facturier.invoices.models import Invoice
from facturier.invoices.selectors import (
    invoice_list_issued,
    invoice_list_received,
    invoice_list_to_validate,
    invoices_visible_to,
)
from facturier.invoices.transitions import LEVEL_2

from . import search_serializers as s
from .rows import amount, creator_name, current_comment, day, with_current_comment

# The only payment-request type facturier handles (works invoices are not supported).
PAYMENT_REQUEST_TYPES = ("FACTURE",)

# Criteria that compare one field (wire name → ORM lookup), shared by every search.
COMMON_LOOKUPS = {
    "numeroFacture": "number",
    "numeroBonCommande": "commitment_number",
    "numeroMarche": "contract_number",
    "numeroEngagement": "commitment_number",
    "idFournisseur": "supplier_id",
    "idDestinataire": "recipient_id",
    "idServiceExecutant": "service_id",
    "idServiceDestinataire": "service_id",
    "modeDepot": "deposit_mode",
    "numeroFluxDepot": "flow__number",
    "typeFacture": "type",
    "numeroDpMandat": "mandate_number",
    "periodeDateDepotDu": "deposited_at__date__gte",
    "periodeDateDepotAu": "deposited_at__date__lte",
    "periodeDateFactureDu": "issue_date__gte",
    "periodeDateFactureAu": "issue_date__lte",
    "periodeDateFournisseurDu": "issue_date__gte",
    "periodeDateFournisseurAu": "issue_date__lte",
}
# F4/F5 spell "Apayer", F6/F7 "APayer": both are read.
AMOUNT_RANGES = (
    ("montantHTMin", "montantHTMax", "amount_ht"),
    ("montantTTCMin", "montantTTCMax", "amount_ttc"),
    ("montantApayerMin", "montantApayerMax", "amount_due"),
    ("montantAPayerMin", "montantAPayerMax", "amount_due"),
)

NO_RESULT_CODE = 20000
NO_RESULT_LIBELLE = "TRA_MSG_00.015"


def status_list(value: Any) -> list[str]:
    """``statutCourant`` as a string (COM example) or a list (GO)."""
    if value in (None, "", []):
        return []
    values = [value] if isinstance(value, str) else list(value)
    return [str(item).strip() for item in values if str(item).strip()]


def frame_code(value: Any) -> str | None:
    """``cadreFacturation`` as a string, short (``A9``) or long, or as GO's object."""
    if isinstance(value, Mapping):
        value = value.get("codeCadreFacturation") or value.get("code")
    if not value:
        return None
    text = str(value).strip().upper()
    frame = FRAMES_BY_SHORT_CODE.get(text.split("_", 1)[0])
    return frame.value if frame is not None else text


def _moment(field: str, raw: str, *, end: bool) -> Q:
    """``periodeDateHeureEtatCourantDu/Au``: a date (the whole day) or a date-time (PASTELL sends
    ``YYYY-MM-DDT23:59:59``, GO RFC 3339); naive values are in the server's time zone."""
    text = str(raw).strip()
    moment = parse_datetime(text.replace(" ", "T", 1)) if "T" in text or " " in text else None
    if moment is not None:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return Q(**{f"status_changed_at__{'lte' if end else 'gte'}": moment})
    date = parse_date(text)
    if date is None:
        raise ValidationFailed(details={field: [str(_("Date ou date-heure invalide : %(value)s.") % {"value": text})]})
    return Q(**{f"status_changed_at__date__{'lte' if end else 'gte'}": date})


def filter_invoices(
    queryset: QuerySet[Invoice], data: Mapping[str, Any], *, lookups: Mapping[str, str] | None = None
) -> QuerySet[Invoice]:
    """Apply the criteria present in ``data`` (absent ones were removed by the serializer)."""
    for key, lookup in {**COMMON_LOOKUPS, **(lookups or {})}.items():
        if data.get(key) is not None:
            value = data[key]
            queryset = queryset.filter(**{lookup: value.strip() if isinstance(value, str) else value})
    statuses = status_list(data.get("statutCourant"))
    if statuses:
        queryset = queryset.filter(status__in=statuses)
    frame = frame_code(data.get("cadreFacturation"))
    if frame:
        queryset = queryset.filter(billing_frame=frame)
    types = data.get("listeTypeFacture")
    if types:
        queryset = queryset.filter(type__in=types)
    for low, high, field in AMOUNT_RANGES:
        if data.get(low) is not None:
            queryset = queryset.filter(**{f"{field}__gte": data[low]})
        if data.get(high) is not None:
            queryset = queryset.filter(**{f"{field}__lte": data[high]})
    if data.get("periodeDateHeureEtatCourantDu"):
        queryset = queryset.filter(_moment("periodeDateHeureEtatCourantDu", data["periodeDateHeureEtatCourantDu"],
                                           end=False))
    if data.get("periodeDateHeureEtatCourantAu"):
        queryset = queryset.filter(_moment("periodeDateHeureEtatCourantAu", data["periodeDateHeureEtatCourantAu"],
                                           end=True))
    if data.get("idStructureValideur"):
        queryset = queryset.filter(Q(validator1_id=data["idStructureValideur"])
                                   | Q(validator2_id=data["idStructureValideur"]))
    request_type = data.get("typeDemandePaiement")
    if request_type and str(request_type).strip().upper() not in PAYMENT_REQUEST_TYPES:
        queryset = queryset.none()
    return queryset


def page_of(
    queryset: QuerySet[Invoice], params: Mapping[str, Any] | None, sorts: Mapping[str, str], default: str
) -> Page:
    """One page, sorted by ``triColonne`` read case-insensitively (the COM example writes
    ``FactureTelechargeeParDestinataire``, GO lower camel case)."""
    params = dict(params or {})
    column = params.get("triColonne")
    if isinstance(column, str):
        by_lower = {name.lower(): name for name in sorts}
        params["triColonne"] = by_lower.get(column.strip().lower(), column)
    request = PageRequest.from_params(params, columns=sorts, default_column=default)
    return paginate(queryset, request, sort_fields=sorts)


def party_fields(invoice: Invoice) -> dict[str, Any]:
    """Supplier, recipient and service, as snapshotted at deposit (or corrected by a recycling)."""
    return {
        "idFournisseur": invoice.supplier_id,
        "codeFournisseur": invoice.supplier_identifier,
        "typeIdentifiantFournisseur": invoice.supplier_identifier_type,
        "designationFournisseur": invoice.supplier_name,
        # Suppliers' services are not carried by invoices here.
        "codeServiceFournisseur": None,
        "nomServiceFournisseur": None,
        "idDestinataire": invoice.recipient_id,
        "codeDestinataire": invoice.recipient_identifier,
        "designationDestinataire": invoice.recipient_name,
        "idServiceExecutant": invoice.service_id,
        "codeServiceExecutant": invoice.service_code or None,
        "nomServiceExecutant": invoice.service_name or None,
    }


def amounts(invoice: Invoice) -> dict[str, Any]:
    return {
        "montantHT": amount(invoice.amount_ht),
        "montantTTC": amount(invoice.amount_ttc),
        "montantAPayer": amount(invoice.amount_due),
        "devise": invoice.currency,
    }


def searched(queryset: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """What every search row reads, in the page's query (flow, creator, validators, comment)."""
    return with_current_comment(queryset.select_related("flow", "depositor", "validator1", "validator2"))


def row_head(invoice: Invoice) -> dict[str, Any]:
    """What the recipient's and the validator's search rows start with."""
    return {
        "idFacture": invoice.pk,
        "numeroFacture": invoice.number,
        "statut": invoice.status,
        "typeDemandePaiement": "FACTURE",
        "typeFacture": invoice.type,
        "typeFactureTravaux": None,
        "cadreFacturation": invoice.billing_frame,
        "dateDepot": day(invoice.deposited_at),
        "dateFacture": day(invoice.issue_date),
    }


# --- F5 rechercher/recipiendaire ------------------------------------------------------------------


def recipient_row(invoice: Invoice) -> dict[str, Any]:
    return {
        **row_head(invoice),
        "dateHeureEtatCourant": iso(invoice.status_changed_at),
        **amounts(invoice),
        **party_fields(invoice),
        "numeroBonCommande": invoice.commitment_number or None,
        "numeroMarche": invoice.contract_number or None,
        "factureTelechargeeParDestinataire": invoice.downloaded_by_recipient,
        "commentaireEtatCourant": current_comment(invoice),
        "taille": invoice.original_size,
        "codeMOA": None, "codeMOE": None, "designationMOA": None, "designationMOE": None,
        "typeIdentifiantMOA": None, "typeIdentifiantMOE": None,
    }


class RechercherFactureParRecipiendaire(ChorusAPIView):
    """Search the invoices received by the caller's structures (« Factures reçues »), downloaded
    or not. No result is ``codeRetour`` 20000 with HTTP 200 and the (zero) counters, as PASTELL
    expects; pagination is also at the top level."""

    operation_id = "rechercherFactureParRecipiendaire"
    input_serializer = s.RechercherRecipiendaireInput
    output_serializer = s.RechercherRecipiendaireOutput

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        queryset = filter_invoices(invoice_list_received(actor=request.user), data)
        if data.get("factureTelechargeeParDestinataire") is not None:
            queryset = queryset.filter(downloaded_by_recipient=data["factureTelechargeeParDestinataire"])
        suppliers = Q()
        for item in data.get("listeFournisseurs") or []:
            if item.get("idFournisseur"):
                suppliers |= Q(supplier_id=item["idFournisseur"])
        if suppliers:
            queryset = queryset.filter(suppliers)
        page = page_of(searched(queryset), data.get("paramRecherche"), s.INVOICE_SORTS, "dateDepot")
        answer = {"listeFactures": [recipient_row(invoice) for invoice in page.items], **page.response_fields()}
        if page.total == 0:
            answer.update(codeRetour=NO_RESULT_CODE, libelle=NO_RESULT_LIBELLE)
        return answer


# --- F6 rechercher/valideur -----------------------------------------------------------------------


def validator_row(invoice: Invoice) -> dict[str, Any]:
    # The validator of the invoice's current level (level 2 from A_VALIDER_2 on).
    level2 = invoice.validator2_id is not None and invoice.status in LEVEL_2
    validator_id = invoice.validator2_id if level2 else invoice.validator1_id
    validator = invoice.validator2 if level2 else invoice.validator1
    return {
        **row_head(invoice),
        **amounts(invoice),
        "idFournisseur": invoice.supplier_id,
        "identifiantFournisseur": invoice.supplier_identifier,
        "typeIdentifiantFournisseur": invoice.supplier_identifier_type,
        "designationFournisseur": invoice.supplier_name,
        "idServiceFournisseur": None, "codeServiceFournisseur": None, "nomServiceFournisseur": None,
        "idDestinataire": invoice.recipient_id,
        "identifiantDestinataire": invoice.recipient_identifier,
        "typeIdentifiantDestinataire": "SIRET",
        "designationDestinataire": invoice.recipient_name,
        "idServiceExecutant": invoice.service_id,
        "codeServiceExecutant": invoice.service_code or None,
        "nomServiceExecutant": invoice.service_name or None,
        "idValideur": validator_id,
        "identifiantValideur": validator.identifier if validator is not None else None,
        "typeIdentifiantValideur": validator.identifier_type if validator is not None else None,
        "designationValideur": validator.name if validator is not None else None,
        "numeroEngagement": invoice.commitment_number or None,
        "numeroMarche": invoice.contract_number or None,
        **{f"{prefix}{role}": None for role in ("Moa", "Moe")
           for prefix in ("id", "idService", "identifiant", "typeIdentifiant", "designation", "codeService",
                          "nomService")},
    }


class RechercherFactureParValideur(ChorusAPIView):
    """Search the invoices the caller's structures validate (« Factures à valider »: main
    contractor of a sub-contractor, co-contractor at the second level, group representative)."""

    operation_id = "rechercherFactureParValideur"
    input_serializer = s.RechercherValideurInput
    output_serializer = s.RechercherValideurOutput

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        queryset = filter_invoices(invoice_list_to_validate(actor=request.user), data)
        page = page_of(searched(queryset), data.get("pagination"), s.INVOICE_SORTS, "dateDepot")
        return {"listeFactures": [validator_row(invoice) for invoice in page.items], **page.response_fields()}


# --- F7 rechercher/demandePaiement ----------------------------------------------------------------


def structure_filter(data: Mapping[str, Any], key: str, field: str) -> Q:
    """``structureFournisseur{idStructureFournisseur, identifiantStructureFournisseur,
    typeIdentifiantStructureFournisseur}`` and the same for Destinataire / Valideur."""
    block = data.get(f"structure{key}") or {}
    condition = Q()
    if block.get(f"idStructure{key}"):
        condition &= Q(**{f"{field}_id": block[f"idStructure{key}"]})
    if block.get(f"identifiantStructure{key}"):
        condition &= Q(**{f"{field}_identifier": str(block[f"identifiantStructure{key}"]).strip()})
    return condition


# roleUtilisateur → the caller's invoices in that role.
ROLES = {
    "FOURNISSEUR": invoice_list_issued,
    "DESTINATAIRE": invoice_list_received,
    "VALIDATEUR": invoice_list_to_validate,
}


def payment_request_row(invoice: Invoice) -> dict[str, Any]:
    return {
        "idDemandePaiement": invoice.pk,
        "numeroDemandePaiement": invoice.number,
        "typeDemandePaiement": "FACTURE",
        "typeFacture": invoice.type,
        "typeFactureTravaux": None,
        "dpOuDpArchive": "DEMANDE_PAIEMENT",
        "cadreFacturation": invoice.billing_frame,
        "etatCourant": invoice.status,
        "commentaireEtatCourant": current_comment(invoice),
        "dateDepot": day(invoice.deposited_at),
        "dateFournisseur": day(invoice.issue_date),
        "dateHeureEtatCourant": iso(invoice.status_changed_at),
        "montantHT": amount(invoice.amount_ht),
        "montantTTC": amount(invoice.amount_ttc),
        "montantAPayer": amount(invoice.amount_due),
        "idStructureFournisseur": invoice.supplier_id,
        "identifiantStructureFournisseur": invoice.supplier_identifier,
        "idServiceFournisseur": None,
        "idStructureDestinataire": invoice.recipient_id,
        "identifiantStructureDestinataire": invoice.recipient_identifier,
        "idServiceDestinataire": invoice.service_id,
        "codeServiceDestinataire": invoice.service_code or None,
        "nomServiceDestinataire": invoice.service_name or None,
        "idStructureValideur1": invoice.validator1_id,
        "idStructureValideur2": invoice.validator2_id,
        "numeroBonCommande": invoice.commitment_number or None,
        "numeroMarche": invoice.contract_number or None,
        "numeroDpMandat": invoice.mandate_number or None,
        "numeroFactureOrigine": None,
        "nomCreateur": creator_name(invoice),
    }


class RechercherDemandePaiement(ChorusAPIView):
    """Search every payment request the caller sees, as supplier, recipient or validator
    (``roleUtilisateur`` narrows it to one role)."""

    operation_id = "rechercherDemandePaiement"
    input_serializer = s.RechercherDemandePaiementInput
    output_serializer = s.RechercherDemandePaiementOutput

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        role = str(data.get("roleUtilisateur") or "").strip().upper()
        if role and role not in ROLES:
            queryset = Invoice.objects.none()  # MOA / MOE: works invoices, not handled here
        elif role:
            queryset = ROLES[role](actor=request.user)
        else:
            queryset = invoices_visible_to(actor=request.user)
        if str(data.get("dpOuDpArchive") or "").strip().upper() == "DP_ARCHIVE":
            queryset = queryset.none()  # no archive: every invoice stays a live payment request
        queryset = filter_invoices(queryset, data)
        for key, field in (("Fournisseur", "supplier"), ("Destinataire", "recipient")):
            queryset = queryset.filter(structure_filter(data, key, field))
        validator = data.get("structureValideur") or {}
        if validator.get("idStructureValideur"):
            queryset = queryset.filter(Q(validator1_id=validator["idStructureValideur"])
                                       | Q(validator2_id=validator["idStructureValideur"]))
        page = page_of(searched(queryset), data.get("pagination"), s.PAYMENT_REQUEST_SORTS, "dateDepot")
        rows = [payment_request_row(invoice) for invoice in page.items]
        for row in rows:
            row["nombreResultatTotal"] = page.total
        return {"listeDemandePaiement": rows, **page.response_fields()}
