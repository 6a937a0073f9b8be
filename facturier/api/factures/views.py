"""Operations of the « Factures » API: deposit a flow (F1), search issued invoices (F4)."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response

from facturier.api.pagination import PageRequest, paginate
from facturier.api.views import ChorusAPIView
from facturier.flows.errors import FlowBadBase64, FlowEmpty, FlowTooLarge
from facturier.flows.models import Channel
from facturier.flows.services import flow_receive
from facturier.invoices.models import Invoice
from facturier.invoices.selectors import invoice_list_issued

from . import serializers as s

_SPACE = re.compile(rb"\s+")


def decode_base64(value: str, *, field: str, limit: int) -> bytes:
    """Strict base64 (line breaks tolerated), refusing before decoding what would exceed ``limit``."""
    raw = _SPACE.sub(b"", value.encode("ascii", errors="replace"))
    if len(raw) // 4 * 3 > limit + 2:
        raise FlowTooLarge(max=limit)
    try:
        data = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise FlowBadBase64(field=field) from None
    if not data:
        raise FlowEmpty()
    if len(data) > limit:
        raise FlowTooLarge(max=limit)
    return data


class DeposerFluxFacture(ChorusAPIView):
    """Deposit a flow file (XML, Factur-X PDF, zip or tar.gz): numbered at once, processed
    asynchronously; follow it with ``consulterCR`` / ``consulterCRDetaille``."""

    operation_id = "deposerFluxFacture"
    input_serializer = s.DeposerFluxInput
    output_serializer = s.DeposerFluxOutput

    def post(self, request: Request) -> Response:
        limit = settings.FACTURIER_API_FLOW_MAX_BYTES
        # Refuse an oversized body before parsing it (base64 is 4/3 of the file, plus the JSON).
        if int(request.META.get("CONTENT_LENGTH") or 0) > limit * 4 // 3 + 64 * 1024:
            raise FlowTooLarge(max=limit)
        return super().post(request)

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        limit = settings.FACTURIER_API_FLOW_MAX_BYTES
        content = decode_base64(data["fichierFlux"], field="fichierFlux", limit=limit)
        flow = flow_receive(
            actor=request.user,
            data=content,
            file_name=data["nomFichier"],
            syntax=data["syntaxeFlux"],
            channel=Channel.API,
            with_signature=bool(data.get("avecSignature")),
            max_bytes=limit,
        )
        return {
            "numeroFluxDepot": flow.number,
            "dateDepot": timezone.localdate(flow.received_at).isoformat(),
            "syntaxeFlux": flow.syntax,
        }


def _number(value: Any) -> float | None:
    return float(value) if value is not None else None


def facture_row(invoice: Invoice) -> dict[str, Any]:
    user = invoice.depositor
    return {
        "identifiantFactureCPP": invoice.pk,
        "numeroFacture": invoice.number,
        "typeFacture": invoice.type,
        "typeDemandePaiement": "FACTURE",
        "cadreFacturation": invoice.billing_frame,
        "statut": invoice.status,
        "dateFacture": invoice.issue_date.isoformat() if invoice.issue_date else None,
        "dateDepot": timezone.localdate(invoice.deposited_at).isoformat(),
        "dateHeureEtatCourant": timezone.localtime(invoice.status_changed_at).isoformat(timespec="milliseconds"),
        "numeroFluxDepot": invoice.flow.number if invoice.flow_id else None,
        "modeDepot": invoice.deposit_mode,
        "montantHT": _number(invoice.amount_ht),
        "montantTTC": _number(invoice.amount_ttc),
        "montantAPayer": _number(invoice.amount_due),
        "devise": invoice.currency,
        "idFournisseur": invoice.supplier_id,
        "codeFournisseur": invoice.supplier_identifier,
        "typeIdentifiantFournisseur": invoice.supplier_identifier_type,
        "designationFournisseur": invoice.supplier_name,
        "idDestinataire": invoice.recipient_id,
        "codeDestinataire": invoice.recipient_identifier,
        "designationDestinataire": invoice.recipient_name,
        "idServiceExecutant": invoice.service_id,
        "codeServiceExecutant": invoice.service_code or None,
        "nomServiceExecutant": invoice.service_name or None,
        "numeroBonCommande": invoice.commitment_number or None,
        "numeroMarche": invoice.contract_number or None,
        "nomPrenomUtilisateurCreateur": f"{user.last_name} {user.first_name}".strip() or user.email,
        "taille": invoice.original_size,
        "rejetTraite": False,
        "empreinteCertificatDepot": invoice.certificate_fingerprint,
    }


class RechercherFactureParFournisseur(ChorusAPIView):
    """Search the invoices issued by the caller's structures (by flow number, type, number...)."""

    operation_id = "rechercherFactureParFournisseur"
    input_serializer = s.RechercherFactureParFournisseurInput
    output_serializer = s.RechercherFactureParFournisseurOutput

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        queryset = invoice_list_issued(actor=request.user).select_related("flow", "depositor")
        exact = {
            "numeroFluxDepot": "flow__number",
            "numeroFacture": "number",
            "typeFacture": "type",
            "idFournisseur": "supplier_id",
            "modeDepot": "deposit_mode",
            "numeroBonCommande": "commitment_number",
            "numeroMarche": "contract_number",
            "periodeDateFactureDu": "issue_date__gte",
            "periodeDateFactureAu": "issue_date__lte",
            "periodeDateDepotDu": "deposited_at__date__gte",
            "periodeDateDepotAu": "deposited_at__date__lte",
        }
        for key, lookup in exact.items():
            if data.get(key) is not None:
                value = data[key]
                queryset = queryset.filter(**{lookup: value.strip() if isinstance(value, str) else value})
        statuses = data.get("statutCourant")
        if statuses:
            queryset = queryset.filter(status__in=[statuses] if isinstance(statuses, str) else list(statuses))
        frame = data.get("cadreFacturation")
        if isinstance(frame, dict):  # GO sends an object (api.md §9.3)
            frame = frame.get("codeCadreFacturation") or frame.get("code")
        if frame:
            queryset = queryset.filter(billing_frame=frame)
        recipients = Q()
        for item in data.get("listeDestinataire") or []:
            if item.get("idDestinataire"):
                condition = Q(recipient_id=item["idDestinataire"])
                if item.get("listeIdServiceExecutant"):
                    condition &= Q(service_id__in=item["listeIdServiceExecutant"])
                recipients |= condition
        if recipients:
            queryset = queryset.filter(recipients)
        page_request = PageRequest.from_params(
            data.get("rechercheFactureParFournisseur"), columns=s.FACTURE_SORTS, default_column="dateDepot"
        )
        page = paginate(queryset, page_request, sort_fields=s.FACTURE_SORTS)
        return {"listeFactures": [facture_row(invoice) for invoice in page.items], **page.response_fields()}
