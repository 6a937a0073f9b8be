"""« Transverses » lists of the invoice lifecycle (api.md T10, T13–T15, T19), answered from the
enums and the transition table (``facturier.invoices.transitions``), never from a copy of them."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from rest_framework import serializers
from rest_framework.request import Request

from facturier.api.factures.access import Role, invoice_visible
from facturier.api.serializers import FilterSerializer
from facturier.api.views import ChorusAPIView, language, require
from facturier.invoices.enums import BillingFrame, InvoiceStatus, ValidatorRefusalMotive
from facturier.invoices.transitions import RULES, Conditions, FrameGroup, Mover, allowed_targets, frame_group
from facturier.structures.models import Structure
from facturier.structures.selectors import actor_structure_ids
from facturier.structures.spaces import Space

from .references import _list_output

# facturier handles the payment-request type FACTURE (no works invoices, no justice memoirs).
PAYMENT_REQUEST_TYPES = {"FACTURE": tuple(BillingFrame.values)}


def _type(data: dict[str, Any]) -> str:
    return str(data.get("typeDemandePaiement") or "FACTURE").strip().upper()


class TypeDemandePaiementInput(FilterSerializer):
    typeDemandePaiement = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, help_text="FACTURE (default); other types: empty list."
    )


class RecupererCadreFacturation(ChorusAPIView):
    """The billing frames of a payment-request type: A1, A2, A9, A12 for FACTURE (domain.md §2.1)."""

    operation_id = "recupererCadreFacturation"
    input_serializer = TypeDemandePaiementInput
    output_serializer = _list_output(
        "CadreFacturation", "listeCadreFacturation", {"codeCadreFacturation": serializers.CharField()}
    )

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        frames = PAYMENT_REQUEST_TYPES.get(_type(data), ())
        return {"listeCadreFacturation": [{"codeCadreFacturation": frame} for frame in frames]}


def statuses_of_type(request_type: str) -> list[str]:
    """Every status an invoice of that type can take: those the transition table's rows reach for
    its frames, in the enum's order."""
    frames = PAYMENT_REQUEST_TYPES.get(request_type, ())
    groups = {frame_group(frame) for frame in frames}
    reached = {str(status) for rule in RULES if rule.groups & groups for status in (*rule.sources, *rule.targets)}
    return [status for status in InvoiceStatus.values if status in reached]


class RecupererEtatParTypeDemandePaiement(ChorusAPIView):
    """The statuses of a payment-request type (FACTURE: every status of the lifecycle table)."""

    operation_id = "recupererEtatParTypeDemandePaiement"
    input_serializer = TypeDemandePaiementInput
    output_serializer = _list_output(
        "EtatDemandePaiement", "listeEtatDemandePaiement", {"etatDemandePaiement": serializers.CharField()}
    )

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "listeEtatDemandePaiement": [{"etatDemandePaiement": status} for status in statuses_of_type(_type(data))]
        }


class EtatsTraitementInput(FilterSerializer):
    statutCourant = serializers.ChoiceField(
        choices=InvoiceStatus.choices, required=False, allow_null=True, allow_blank=True,
        help_text="Required: the invoice's current status.",
    )
    cadreFacturation = serializers.ChoiceField(
        choices=BillingFrame.values, required=False, allow_null=True, allow_blank=True,
        help_text="facturier extension: the invoice's frame (default A1_FACTURE_FOURNISSEUR).",
    )
    idFacture = serializers.IntegerField(
        required=False, allow_null=True,
        help_text="facturier extension: answer for this received invoice (its status, frame, structure).",
    )


def recipient_conditions(actor: Any) -> Conditions:
    """The table's conditions of the caller's recipient structure when there is exactly one (a
    technical account's): a State service has no A_RECYCLER, a structure that does not report
    payment no MISE_EN_PAIEMENT. Otherwise the defaults."""
    ids = actor_structure_ids(actor=actor, space=Space.FACTURES_RECUES)
    if len(ids) != 1:
        return Conditions()
    structure = Structure.objects.only("is_state_service", "payment_status_not_reported").get(pk=next(iter(ids)))
    return Conditions(
        is_state_service=structure.is_state_service,
        payment_status_reported=not structure.payment_status_not_reported,
    )


class RecupererEtatsPossiblesPourTraitement(ChorusAPIView):
    """The statuses a recipient may set with ``traiterFactureRecue`` from ``statutCourant``: the
    transition table's answer for the frame (default A1) and the caller's structure (State
    service: no A_RECYCLER; payment not reported: no MISE_EN_PAIEMENT). The current status itself
    is not listed (setting it again changes nothing)."""

    operation_id = "recupererEtatsPossiblesPourTraitement"
    input_serializer = EtatsTraitementInput
    output_serializer = _list_output(
        "StatutsPossiblesPourTraitement",
        "listeStatutsPossiblesPourTraitement",
        {"statutPossiblePourTraitement": serializers.CharField()},
    )

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        if data.get("idFacture"):
            invoice = invoice_visible(actor=request.user, invoice_id=data["idFacture"], role=Role.RECIPIENT)
            targets = allowed_targets(mover=Mover.RECIPIENT, invoice=invoice)
        else:
            require(data, "statutCourant")
            targets = allowed_targets(
                mover=Mover.RECIPIENT,
                current=data["statutCourant"],
                frame=data.get("cadreFacturation") or BillingFrame.A1,
                conditions=recipient_conditions(request.user),
            )
        return {
            "listeStatutsPossiblesPourTraitement": [
                {"statutPossiblePourTraitement": status} for status in InvoiceStatus.values if status in targets
            ]
        }


class RecupererTypeDemandePaiement(ChorusAPIView):
    """The payment-request types facturier handles: FACTURE."""

    operation_id = "recupererTypeDemandePaiement"
    output_serializer = _list_output(
        "TypeDemandePaiement", "listeTypeDemandePaiement", {"typeDemandePaiement": serializers.CharField()}
    )

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        return {"listeTypeDemandePaiement": [{"typeDemandePaiement": value} for value in PAYMENT_REQUEST_TYPES]}


class MotifsRefusInput(FilterSerializer):
    codeCadreFacturationAValider = serializers.CharField(
        required=False, allow_null=True, allow_blank=True,
        help_text="A frame with a validation circuit (A9, A10): the motives; a frame without one: empty list; "
        "absent: the motives.",
    )
    codeLangue = serializers.CharField(required=False, allow_null=True, allow_blank=True, help_text="FR or EN.")


class RecupererMotifsRefusFactureAValider(ChorusAPIView):
    """The validator's refusal motives (``motifRefus`` of ``traiterFactureAValider``); ``idMotif``
    is stable (the motive's rank)."""

    operation_id = "recupererMotifsRefusFactureAValider"
    input_serializer = MotifsRefusInput
    output_serializer = _list_output(
        "MotifRefusFactureAValider",
        "listeMotifRefusFactureAValider",
        {"idMotif": serializers.IntegerField(), "codeMotif": serializers.CharField(),
         "libelleMotif": serializers.CharField()},
    )

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        frame = data.get("codeCadreFacturationAValider")
        if frame and frame_group(str(frame).strip().upper()) != FrameGroup.SUBCONTRACTING:
            return {"listeMotifRefusFactureAValider": []}
        with translation.override(language(data)):
            return {
                "listeMotifRefusFactureAValider": [
                    {"idMotif": rank, "codeMotif": motive.value, "libelleMotif": str(motive.label)}
                    for rank, motive in enumerate(ValidatorRefusalMotive, start=1)
                ]
            }
