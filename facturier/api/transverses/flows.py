"""« Transverses » operations on deposited flows: consulterCR (T1) and consulterCRDetaille (T2)."""

from __future__ import annotations

import base64
from typing import Any

from django.utils import timezone
from rest_framework import serializers
from rest_framework.request import Request

from facturier.api.serializers import ChorusResponseSerializer, ChorusSerializer
from facturier.api.views import ChorusAPIView
from facturier.flows.models import INTERFACE_CODES, Flow, FlowItem, FlowSyntax
from facturier.flows.report import render_pdf, report_data
from facturier.flows.selectors import flow_get_visible

PARTNER_APPLICATION = "CPP001"


def _instant(value: Any) -> str:
    """RFC 3339 with milliseconds and offset, as the official samples (api.md §3.4)."""
    return timezone.localtime(value).isoformat(timespec="milliseconds")


def _interface(flow: Flow) -> str:
    return INTERFACE_CODES[FlowSyntax(flow.syntax)]


def _lang(request: Request) -> str:
    return "en" if (getattr(request, "LANGUAGE_CODE", "") or "").startswith("en") else "fr"


class ConsulterCRInput(ChorusSerializer):
    absent_as_missing = ("syntaxeFlux", "dateDepot")

    numeroFluxDepot = serializers.CharField(max_length=25)
    syntaxeFlux = serializers.CharField(required=False, allow_null=True, allow_blank=True, help_text="Ignored.")
    dateDepot = serializers.CharField(required=False, allow_null=True, allow_blank=True, help_text="Ignored.")


class ConsulterCROutput(ChorusResponseSerializer):
    numeroFluxDepot = serializers.CharField()
    codeAppliPartenaire = serializers.CharField()
    codeInterfaceFlux = serializers.CharField()
    designationPartenaire = serializers.CharField()
    nomFichierFlux = serializers.CharField()
    dateDepotFlux = serializers.CharField(help_text="RFC 3339.")
    etatCourantFlux = serializers.CharField()
    dateHeureEtatCourantFlux = serializers.CharField(help_text="RFC 3339.")
    fichierCR = serializers.CharField(help_text="The integration report, a PDF in base64.")


class ConsulterCR(ChorusAPIView):
    """A flow's state and its integration report (PDF, base64). Before the end of processing the
    report shows the current state and the invoices handled so far."""

    operation_id = "consulterCR"
    input_serializer = ConsulterCRInput
    output_serializer = ConsulterCROutput

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        flow = flow_get_visible(actor=request.user, number=data["numeroFluxDepot"])
        lang = _lang(request)
        if flow.is_final and flow.report and lang == "fr" and flow.report_pdf:
            with flow.report_pdf.open("rb") as handle:
                pdf = handle.read()
        else:
            items = list(FlowItem.objects.filter(flow=flow).select_related("invoice").order_by("index"))
            pdf = render_pdf(flow.report or report_data(flow, items), lang=lang)
        return {
            "numeroFluxDepot": flow.number,
            "codeAppliPartenaire": PARTNER_APPLICATION,
            "codeInterfaceFlux": _interface(flow),
            "designationPartenaire": flow.supplier.name if flow.supplier_id else flow.depositor.email,
            "nomFichierFlux": flow.file_name,
            "dateDepotFlux": _instant(flow.received_at),
            "etatCourantFlux": flow.state,
            "dateHeureEtatCourantFlux": _instant(flow.state_changed_at),
            "fichierCR": base64.b64encode(pdf).decode("ascii"),
        }


class ErreurDP(serializers.Serializer):
    identifiantDestinataire = serializers.CharField()
    identifiantFournisseur = serializers.CharField()
    libelleErreurDP = serializers.CharField(help_text="The rule id, then the message (and the file).")
    numeroDP = serializers.CharField(help_text="The invoice number in the file ('' when unreadable).")


class ErreurTechnique(serializers.Serializer):
    codeErreur = serializers.CharField()
    libelleErreur = serializers.CharField()
    natureErreur = serializers.CharField()


class ConsulterCRDetailleOutput(ChorusResponseSerializer):
    codeInterfaceDepotFlux = serializers.CharField()
    dateDepotFlux = serializers.CharField()
    dateHeureEtatCourantFlux = serializers.CharField()
    etatCourantDepotFlux = serializers.CharField()
    nomFichier = serializers.CharField()
    listeErreurDP = ErreurDP(many=True)
    listeErreurTechnique = ErreurTechnique(many=True)


def erreurs_dp(items: list[FlowItem], lang: str) -> list[dict[str, str]]:
    """One entry per error of each rejected invoice, naming its rule (and where it is)."""
    rows = []
    for item in items:
        if item.outcome != FlowItem.Outcome.REJETE:
            continue
        for error in item.errors:
            terms = ", ".join(error.get("terms") or [])
            label = f"{error['rule']}{f' ({terms})' if terms else ''} : {error['message'][lang]}"
            if error.get("location"):
                label += f" [{error['location']}]"
            rows.append(
                {
                    "identifiantDestinataire": item.recipient_identifier,
                    "identifiantFournisseur": item.supplier_identifier,
                    "libelleErreurDP": f"{label} — {item.entry_name}",
                    "numeroDP": item.number,
                }
            )
    return rows


class ConsulterCRDetaille(ChorusAPIView):
    """A flow's state with the errors that rejected it (listeErreurTechnique) or some of its
    invoices (listeErreurDP)."""

    operation_id = "consulterCRDetaille"
    input_serializer = ConsulterCRInput
    output_serializer = ConsulterCRDetailleOutput

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        flow = flow_get_visible(actor=request.user, number=data["numeroFluxDepot"])
        lang = _lang(request)
        items = list(FlowItem.objects.filter(flow=flow).order_by("index"))
        return {
            "codeInterfaceDepotFlux": _interface(flow),
            "dateDepotFlux": _instant(flow.received_at),
            "dateHeureEtatCourantFlux": _instant(flow.state_changed_at),
            "etatCourantDepotFlux": flow.state,
            "nomFichier": f"{_interface(flow)}_{PARTNER_APPLICATION}_{flow.number}",
            "listeErreurDP": erreurs_dp(items, lang),
            "listeErreurTechnique": [
                {"codeErreur": e["code"], "libelleErreur": e["message"][lang], "natureErreur": e.get("nature", "FLUX")}
                for e in flow.technical_errors
            ],
        }
