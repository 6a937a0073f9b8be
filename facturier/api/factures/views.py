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
from facturier.api.structures.rows import iso
from facturier.api.views import ChorusAPIView
from facturier.flows.errors import FlowBadBase64, FlowEmpty, FlowTooLarge
from facturier.flows.models import Channel
from facturier.flows.services import flow_receive
from facturier.invoices.models import Invoice
from facturier.invoices.selectors import invoice_list_issued

from . import serializers as s
from .rows import creator_name, current_comment, day, validator_fields
from .search import amounts, filter_invoices, party_fields, searched

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


def facture_row(invoice: Invoice) -> dict[str, Any]:
    return {
        "identifiantFactureCPP": invoice.pk,
        "numeroFacture": invoice.number,
        "typeFacture": invoice.type,
        "typeDemandePaiement": "FACTURE",
        "cadreFacturation": invoice.billing_frame,
        "statut": invoice.status,
        "commentaireEtatCourant": current_comment(invoice),
        "dateFacture": day(invoice.issue_date),
        "dateDepot": day(invoice.deposited_at),
        "dateHeureEtatCourant": iso(invoice.status_changed_at),
        "numeroFluxDepot": invoice.flow.number if invoice.flow_id else None,
        "modeDepot": invoice.deposit_mode,
        **amounts(invoice),
        **party_fields(invoice),
        "numeroBonCommande": invoice.commitment_number or None,
        "numeroMarche": invoice.contract_number or None,
        "nomPrenomUtilisateurCreateur": creator_name(invoice),
        "taille": invoice.original_size,
        "rejetTraite": invoice.rejection_handled,
        "empreinteCertificatDepot": invoice.certificate_fingerprint,
        **validator_fields(invoice),
    }


class RechercherFactureParFournisseur(ChorusAPIView):
    """Search the invoices issued by the caller's structures (by flow number, type, number...)."""

    operation_id = "rechercherFactureParFournisseur"
    input_serializer = s.RechercherFactureParFournisseurInput
    output_serializer = s.RechercherFactureParFournisseurOutput

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        queryset = filter_invoices(invoice_list_issued(actor=request.user), data)
        recipients = Q()
        for item in data.get("listeDestinataire") or []:
            if item.get("idDestinataire"):
                condition = Q(recipient_id=item["idDestinataire"])
                if item.get("listeIdServiceExecutant"):
                    condition &= Q(service_id__in=item["listeIdServiceExecutant"])
                recipients |= condition
        if recipients:
            queryset = queryset.filter(recipients)
        if data.get("rejetTraite"):
            queryset = queryset.filter(rejection_handled=True)
        page_request = PageRequest.from_params(
            data.get("rechercheFactureParFournisseur"), columns=s.FACTURE_SORTS, default_column="dateDepot"
        )
        page = paginate(
            searched(queryset),
            page_request, sort_fields=s.FACTURE_SORTS,
        )
        return {"listeFactures": [facture_row(invoice) for invoice in page.items], **page.response_fields()}
