"""Processing operations (F13–F19): the recipient's, the validator's and the supplier's moves.

Each view parses the body, finds the invoice the caller may act on (``access``), and calls one
lifecycle service (``facturier.invoices.lifecycle``), which checks the move against the transition
table. A stale or illegal move answers codeRetour 20002 (HTTP 409), an invoice the caller does not
see 20000 (HTTP 404), a consultation-only access 20001 (HTTP 403).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.request import Request

from facturier.api.views import REQUIRED, ChorusAPIView, require
from facturier.core.errors import Conflict, ValidationFailed
from facturier.invoices.entry import attachment_pending_get
from facturier.invoices.enums import InvoiceStatus, StateRejectionMotive, ValidatorAction
from facturier.invoices.errors import InvoiceNotFound
from facturier.invoices.lifecycle import (
    Routing,
    invoice_complete,
    invoice_correct_validator,
    invoice_process,
    invoice_recycle,
    invoice_validate,
    invoices_handle_rejection,
)
from facturier.invoices.selectors import VALIDATION_OUTCOMES
from facturier.structures.errors import StructureNotFound
from facturier.structures.models import IdentifierType, Service
from facturier.structures.selectors import structure_list_visible

from . import processing_serializers as s
from .access import ReadOnlyAccess, Role, invoice_to_act_on, invoices_for
from .rows import day

class ValidatorActionRefused(Conflict):
    """``traiterFactureAValider.action`` outside the validator's three actions (api.md F14 lists
    MISE_EN_PAIEMENT, MISE_EN_RECYCLAGE, SUSPENSION, REJET too: they are the recipient's)."""

    code = "invoice.validator_action_refused"
    libelle = "GDP_MSG_ACTION_VALIDEUR_INTERDITE"
    default_message = _(
        "L'action %(action)s n'appartient pas au valideur : actions possibles VALIDATION, REFUS, ERREUR_VALIDEUR."
    )


# --- F13 traiter/recue ----------------------------------------------------------------------------


def state_motives(data: dict[str, Any], *, is_state_service: bool, target: str) -> list[str]:
    """A State service's coded rejection motives: ``codesMotifRejet`` (facturier extension), or a
    ``motif`` that is exactly one code or label of them (what a client without the extension can
    send), so that the supplier may re-submit."""
    codes = [str(code).strip().upper() for code in data.get("codesMotifRejet") or []]
    if codes or not is_state_service or target != InvoiceStatus.REJETEE:
        return codes
    motive = str(data.get("motif") or "").strip().lower()
    return [m.value for m in StateRejectionMotive if motive in (m.value.lower(), str(m.label).lower())]


class TraiterFactureRecue(ChorusAPIView):
    """The recipient sets a new status on a received invoice: the allowed targets are
    ``recupererEtatsPossiblesPourTraitement``'s; ``motif`` is required for REJETEE, SUSPENDUE and
    A_RECYCLER; ``numeroDPMandat`` is kept with MANDATEE. ``statutCourant`` (facturier extension),
    when sent, is the status the caller saw: if the invoice moved since, nothing changes (20002)."""

    operation_id = "traiterFactureRecue"
    input_serializer = s.TraiterFactureRecueInput
    output_serializer = s.TraiterFactureRecueOutput

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        require(data, "idFacture", "nouveauStatut")
        invoice = invoice_to_act_on(actor=request.user, invoice_id=data["idFacture"], role=Role.RECIPIENT)
        target = data["nouveauStatut"]
        moved = invoice_process(
            actor=request.user,
            invoice=invoice,
            to=target,
            comment=data.get("motif") or "",
            expected=data.get("statutCourant") or None,
            mandate_number=data.get("numeroDPMandat") or data.get("NumeroDPMandat") or "",
            motives=state_motives(data, is_state_service=invoice.recipient.is_state_service, target=target),
        )
        return {
            "idFacture": moved.pk,
            "numeroFacture": moved.number,
            "nouveauStatut": moved.status,
            "dateTraitement": day(moved.status_changed_at),
        }


# --- F14 traiter/factureAValider ------------------------------------------------------------------


class TraiterFactureAValider(ChorusAPIView):
    """The validator (main contractor, or co-contractor at the second level) decides on an
    A_VALIDER_1/2 invoice: VALIDATION (then routed on), REFUS (``motifRefus``: a code of
    ``recupererMotifsRefusFactureAValider`` or a text; required) or ERREUR_VALIDEUR (addressed to the
    wrong validator). Any other action is 20002."""

    operation_id = "traiterFactureAValider"
    input_serializer = s.TraiterFactureAValiderInput
    output_serializer = s.TraiterFactureAValiderOutput

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        require(data, "idFacture", "action")
        action = data["action"].strip().upper()
        invoice = invoice_to_act_on(actor=request.user, invoice_id=data["idFacture"], role=Role.VALIDATOR)
        if action not in ValidatorAction.values:
            raise ValidatorActionRefused(action=action)
        moved = invoice_validate(
            actor=request.user,
            invoice=invoice,
            action=action,
            comment=data.get("complementInfo") or "",
            motive=(data.get("motifRefus") or "").strip(),
        )
        return {
            "idFacture": moved.pk,
            "numeroFacture": moved.number,
            "statutFacture": moved.status,
            "dateTraitement": day(moved.status_changed_at),
        }


# --- F15 recycler ---------------------------------------------------------------------------------


def routing_of(data: dict[str, Any], current_recipient: str) -> Routing:
    """The new routing data: only what the body gives changes. A new recipient without a service
    code means "no service" (the old recipient's code means nothing there)."""
    recipient = data.get("destinataire") or {}
    references = data.get("references") or data.get("reference") or {}
    identifier = (recipient.get("codeDestinataire") or "").strip() or None
    service = recipient.get("codeServiceExecutant")
    if service is None and identifier is not None and identifier != current_recipient:
        service = ""
    commitment = references.get("numeroBonCommande")
    return Routing(
        recipient_identifier=identifier,
        service_code=service.strip() if isinstance(service, str) else None,
        commitment_number=commitment.strip() if isinstance(commitment, str) else None,
    )


class RecyclerFacture(ChorusAPIView):
    """The supplier recycles an A_RECYCLER invoice: only the recipient, the service code and the
    commitment number change (``destinataire``, ``references.numeroBonCommande``; GO's
    ``reference`` too), then the invoice is routed again. Refused routing data name the platform
    rule (FR-PLT-…) in ``erreurs``."""

    operation_id = "recyclerFacture"
    input_serializer = s.RecyclerFactureInput
    output_serializer = s.RecyclerFactureOutput

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        require(data, "identifiantFactureCPP")
        invoice = invoice_to_act_on(actor=request.user, invoice_id=data["identifiantFactureCPP"], role=Role.SUPPLIER)
        moved = invoice_recycle(
            actor=request.user,
            invoice=invoice,
            routing=routing_of(data, invoice.recipient_identifier),
            comment=data.get("commentaire") or "",
        )
        return {
            "identifiantFactureCPP": moved.pk,
            "numeroFacture": moved.number,
            "statutFacture": moved.status,
            "dateDepot": day(moved.deposited_at),
        }


# --- F16 completer --------------------------------------------------------------------------------


class CompleterFacture(ChorusAPIView):
    """The supplier completes a SUSPENDUE invoice with a comment (≤ 2,000 characters) and/or
    attachments uploaded first with ``ajouterFichierDansSysteme`` (their ``pieceJointeId``); it
    becomes COMPLETEE. Not SUSPENDUE: 20002."""

    operation_id = "completerFacture"
    input_serializer = s.CompleterFactureInput
    output_serializer = s.CompleterFactureOutput

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        require(data, "identifiantFactureCPP")
        invoice = invoice_to_act_on(actor=request.user, invoice_id=data["identifiantFactureCPP"], role=Role.SUPPLIER)
        attachments, unknown = [], {}
        for index, item in enumerate(data.get("pieceJointeComplementaire") or []):
            found = attachment_pending_get(actor=request.user, attachment_id=item["pieceJointeComplementaireId"])
            if found is None:
                unknown[f"pieceJointeComplementaire[{index}].pieceJointeComplementaireId"] = [
                    str(_("Pièce jointe %(id)s inconnue ou déjà utilisée.") % {"id": item["pieceJointeComplementaireId"]})
                ]
            else:
                attachments.append(found)
        if unknown:
            raise ValidationFailed(details=unknown)
        moved = invoice_complete(
            actor=request.user, invoice=invoice, comment=data.get("commentaire") or "", attachments=attachments
        )
        return {
            "identifiantFactureCPP": moved.pk,
            "numeroFacture": moved.number,
            "statutFacture": moved.status,
            "dateTraitement": day(moved.status_changed_at),
        }


# --- F17 corriger/valideur/facture ----------------------------------------------------------------


class CorrigerValideurFacture(ChorusAPIView):
    """The supplier names the right validator of an invoice declared addressed to the wrong one
    (ERREUR_FOURNISSEUR_SUR_VALIDEUR, or ERREUR_COTRAITANT_SUR_VALIDEUR at level 2): by
    ``idStructure``, or by ``identifiantStructure`` (+ ``typeIdentifiantStructure``, default
    SIRET); ``codeServiceValideur`` (facturier extension) names its service. The invoice goes back to
    A_VALIDER_1/2 with a fresh 15-day deadline."""

    operation_id = "corrigerValideurFacture"
    input_serializer = s.CorrigerValideurInput
    output_serializer = s.CorrigerValideurOutput

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        require(data, "idFacture")
        if not data.get("idStructure") and not data.get("identifiantStructure"):
            raise ValidationFailed(details={"idStructure": [str(REQUIRED)], "identifiantStructure": [str(REQUIRED)]})
        invoice = invoice_to_act_on(actor=request.user, invoice_id=data["idFacture"], role=Role.SUPPLIER)
        structures = structure_list_visible(actor=request.user, restrict_private=False)
        if data.get("idStructure"):
            validator = structures.filter(pk=data["idStructure"]).first()
        else:
            validator = structures.filter(
                identifier_type=(data.get("typeIdentifiantStructure") or IdentifierType.SIRET).strip().upper(),
                identifier=data["identifiantStructure"].strip(),
            ).first()
        if validator is None:
            raise StructureNotFound()
        service = None
        if data.get("codeServiceValideur"):
            service = Service.objects.filter(structure=validator, code=data["codeServiceValideur"].strip()).first()
            if service is None:
                raise ValidationFailed(details={"codeServiceValideur": [
                    str(_("Service %(code)s inconnu pour cette structure.") % {"code": data["codeServiceValideur"]})
                ]})
        moved = invoice_correct_validator(
            actor=request.user, invoice=invoice, validator=validator, validator_service=service
        )
        return {"idFacture": moved.pk, "statutFacture": moved.status}


# --- F18 traiterRejet -----------------------------------------------------------------------------


class TraiterFacturesRejetees(ChorusAPIView):
    """The supplier marks rejections handled (``rejetTraite`` becomes true, a TRAITEMENT_REJET user
    action is recorded). All or nothing: one invoice that is not a rejected invoice of the caller
    changes none (20000 unknown, 20002 not rejected)."""

    operation_id = "traiterFacturesRejetees"
    input_serializer = s.TraiterRejetInput
    output_serializer = s.TraiterRejetOutput

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        ids = list(dict.fromkeys(item["idDemandePaiement"] for item in data.get("listeDemandePaiement") or []))
        if not ids:
            raise ValidationFailed(details={"listeDemandePaiement": [str(REQUIRED)]})
        visible = set(invoices_for(actor=request.user, role=Role.SUPPLIER).filter(pk__in=ids).values_list("pk", flat=True))
        if set(ids) - visible:
            raise InvoiceNotFound(details={"idDemandePaiement": [pk for pk in ids if pk not in visible]})
        acting = set(invoices_for(actor=request.user, role=Role.SUPPLIER, modification=True)
                     .filter(pk__in=ids).values_list("pk", flat=True))
        if set(ids) - acting:
            raise ReadOnlyAccess(details={"idDemandePaiement": [pk for pk in ids if pk not in acting]})
        invoices_handle_rejection(
            actor=request.user, invoice_ids=ids, motive=data.get("motifRejet") or "", info=data.get("cpltInfos") or ""
        )
        return {}


# --- F19 recuperer/statutsFactureVisibles/valideur ------------------------------------------------


class RecupererStatutsFactureVisiblesParValideur(ChorusAPIView):
    """The statuses of the validation circuit a validator follows (level 1 then level 2)."""

    operation_id = "recupererStatutsFactureVisiblesParValideur"
    input_serializer = s.StatutsVisiblesInput
    output_serializer = s.StatutsVisiblesOutput

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        circuit = [
            status
            for level, waiting in ((1, InvoiceStatus.A_VALIDER_1), (2, InvoiceStatus.A_VALIDER_2))
            for status in (waiting, *VALIDATION_OUTCOMES[level])
        ]
        return {"listeStatutFacture": [{"codeStatutFacture": str(status)} for status in circuit]}

