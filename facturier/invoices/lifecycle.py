"""The lifecycle services: what the recipient, the supplier and the validator do to an invoice
after its deposit (issue 6; domain.md §1.3-§1.5, §2.2). Portal pages and API operations call these
functions and nothing else; every status change goes through
:func:`facturier.invoices.transitions.invoice_transition`, every other change is written here with
an :class:`~facturier.invoices.models.InvoiceEvent` and an audit entry in the same transaction.

Errors are :mod:`facturier.invoices.errors` domain errors (stable code, French/English message,
Chorus ``codeRetour``); a stale or illegal move is :class:`IllegalTransition` (20002).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from facturier.audit.services import audit_log
from facturier.core.errors import DomainError

from .enums import InvoiceStatus as S
from .enums import StateRejectionMotive, ValidatorAction
from .errors import (
    IllegalTransition,
    InvoiceNotFound,
    RoutingRefused,
    TransitionForbidden,
)
from .models import Invoice, InvoiceAttachment, InvoiceEvent
from .transitions import WRONG_VALIDATOR_LEVEL, FrameGroup, Mover, check_reason, frame_group, invoice_transition

if TYPE_CHECKING:
    from facturier.accounts.models import User
    from facturier.structures.models import Service, Structure


def validation_delay() -> dt.timedelta:
    """The validator's deadline: silence for this long is tacit validation (15 days, domain.md §2.2)."""
    return dt.timedelta(days=getattr(settings, "FACTURIER_VALIDATION_DELAY_DAYS", 15))


def acknowledgement_delay() -> dt.timedelta:
    """After this long an unacknowledged rejection/suspension must be acknowledged (7 days, §1.4)."""
    return dt.timedelta(days=getattr(settings, "FACTURIER_ACKNOWLEDGEMENT_DAYS", 7))


SYSTEM_WHO = "facturier"


def _who(actor: User | None, structure: Structure | None) -> str:
    if actor is None:
        return SYSTEM_WHO
    name = actor.get_full_name() or actor.email
    return f"{name} ({structure.name})" if structure is not None else name


def event_record(
    *, invoice: Invoice, code: str, actor: User | None, structure: Structure | None = None,
    comment: str = "", data: dict[str, Any] | None = None,
) -> InvoiceEvent:
    """One history row (user action or additional event) and its audit entry ``invoice.event.<code>``."""
    kind = InvoiceEvent.Kind.ACTION if code in InvoiceEvent.ACTION_CODES else InvoiceEvent.Kind.EVENT
    event = InvoiceEvent.objects.create(
        invoice=invoice, kind=kind, code=code, actor=actor, who=_who(actor, structure)[:200],
        comment=comment, data=data or {},
    )
    audit_log(
        actor=actor, action=f"invoice.event.{code.lower()}", obj=invoice,
        data={"code": code, "comment": comment, **(data or {}), "supplier": invoice.supplier_id,
              "recipient": invoice.recipient_id},
    )
    return event


def _attached(actor: User, structure_id: int | None) -> bool:
    from facturier.structures.models import Attachment

    return structure_id is not None and Attachment.objects.filter(
        user=actor, structure_id=structure_id, status=Attachment.Status.VALIDATED
    ).exists()


def _is_state_service(structure_id: int) -> bool:
    from facturier.structures.models import Structure

    return Structure.objects.filter(pk=structure_id, is_state_service=True).exists()


# --- routing (system) ----------------------------------------------------------------------------


def route_target(invoice: Invoice) -> S | None:
    """Where the system routes ``invoice`` from its current status, or ``None`` when it stays
    (domain.md §1.3, §2.2): A1/A12 to the recipient's service (MISE_A_DISPOSITION), A2 (already
    paid) to MISE_EN_PAIEMENT, A9/A10 to the validator (A_VALIDER_1), then, once validated
    (explicitly or tacitly), to level 2 when the invoice has one, else to the recipient. A pure
    decision: :func:`invoice_route` moves the invoice there, and
    :func:`~facturier.invoices.services.invoices_deposit_many` routes a batch with it."""
    group = frame_group(invoice.billing_frame)
    status = invoice.status
    if group == FrameGroup.ALREADY_PAID and status == S.DEPOSEE:
        return S.MISE_EN_PAIEMENT
    if group == FrameGroup.SUBCONTRACTING:
        if status == S.DEPOSEE:
            return S.A_VALIDER_1
        if status in (S.VALIDEE_1, S.ABSENCE_VALIDATION_1_HORS_DELAI) and invoice.validator2_id is not None:
            return S.A_VALIDER_2
        if status in (S.VALIDEE_1, S.ABSENCE_VALIDATION_1_HORS_DELAI, S.VALIDEE_2,
                      S.ABSENCE_VALIDATION_2_HORS_DELAI, S.EN_COURS_ACHEMINEMENT):
            return S.MISE_A_DISPOSITION
        return None
    if group == FrameGroup.PLAIN and status in (S.DEPOSEE, S.EN_COURS_ACHEMINEMENT):
        return S.MISE_A_DISPOSITION
    return None


def route_informs_representative(invoice: Invoice) -> bool:
    """True when routing ``invoice`` also records REPRESENTATIVE_INFORMED: an A12 deposit that
    names a representative (``validator1``) is made available to the recipient."""
    return (
        invoice.status == S.DEPOSEE
        and frame_group(invoice.billing_frame) == FrameGroup.PLAIN
        and invoice.billing_frame.startswith("A12")
        and invoice.validator1_id is not None
    )


def invoice_route(*, invoice: Invoice) -> Invoice:
    """Routing by the system after the deposit and after each validation level: the move
    :func:`route_target` decides, through :func:`invoice_transition`; A12's representative is
    informed (:func:`route_informs_representative`)."""
    target = route_target(invoice)
    if target is None:
        return invoice
    informs = route_informs_representative(invoice)
    moved = invoice_transition(invoice=invoice, to=target, actor=None)
    if informs:
        event_record(invoice=moved, code=InvoiceEvent.Code.REPRESENTATIVE_INFORMED, actor=None,
                     data={"representative": invoice.validator1_identifier})
    return moved


# --- recipient -----------------------------------------------------------------------------------


def invoice_process(
    *,
    actor: User,
    invoice: Invoice,
    to: str,
    comment: str = "",
    expected: str | None = None,
    mandate_number: str = "",
    motives: Sequence[str] = (),
) -> Invoice:
    """The recipient sets a new status (``traiterFactureRecue``, the portal's "Traiter" dialog).

    ``expected`` is the status the user saw (stale → 20002). A State service rejects with at least
    one coded motive (:class:`StateRejectionMotive`), which lets the supplier re-submit; other
    recipients may give none. ``mandate_number`` (``numeroDPMandat``) is kept with MANDATEE."""
    motives = [str(m) for m in motives]
    unknown = [m for m in motives if m not in StateRejectionMotive.values]
    if unknown:
        raise RoutingRefused(field="motifs", reason=", ".join(unknown))
    if motives and (to != S.REJETEE or not _is_state_service(invoice.recipient_id)):
        raise RoutingRefused(field="motifs", reason=", ".join(motives))
    comment = (comment or "").strip()
    if motives and not comment:
        comment = " ; ".join(str(StateRejectionMotive(m).label) for m in motives)
    changes: dict[str, Any] = {}
    if to == S.MANDATEE and mandate_number:
        changes["mandate_number"] = mandate_number.strip()[:50]
    return invoice_transition(
        invoice=invoice, to=to, actor=actor, mover=Mover.RECIPIENT, comment=comment, expected=expected,
        motives=motives, changes=changes,
    )


@dataclass(frozen=True)
class BulkOutcome:
    """One invoice of a bulk processing: moved, or the error that stopped it (nothing changed)."""

    invoice_id: int
    number: str
    ok: bool
    status: str
    error: DomainError | None = None


def invoices_process(
    *,
    actor: User,
    invoice_ids: Iterable[int],
    to: str,
    comment: str = "",
    expected: dict[int, str] | None = None,
    mandate_number: str = "",
    motives: Sequence[str] = (),
) -> list[BulkOutcome]:
    """Process several received invoices at once: each in its own transaction, so one refusal
    (illegal move, stale status) leaves the others processed and is reported next to them."""
    check_reason(to=to, reason=comment or " ".join(motives))  # fail fast before touching any
    outcomes = []
    for pk in dict.fromkeys(invoice_ids):
        invoice = Invoice.objects.select_related("recipient", "service").filter(pk=pk).first()
        if invoice is None:
            outcomes.append(BulkOutcome(pk, "", False, "", InvoiceNotFound()))
            continue
        try:
            moved = invoice_process(
                actor=actor, invoice=invoice, to=to, comment=comment,
                expected=(expected or {}).get(pk), mandate_number=mandate_number, motives=motives,
            )
        except DomainError as exc:
            outcomes.append(BulkOutcome(pk, invoice.number, False, invoice.status, exc))
        else:
            outcomes.append(BulkOutcome(pk, moved.number, True, moved.status))
    return outcomes


# Statuses in which the invoice is still with the recipient's services (a transfer makes sense).
TRANSFERABLE = frozenset({S.MISE_A_DISPOSITION, S.COMPLETEE, S.SERVICE_FAIT, S.SUSPENDUE})


def invoice_transfer(*, actor: User, invoice: Invoice, service: Service, comment: str = "") -> Invoice:
    """The recipient moves an invoice to another of its services (wrong service code). The status
    does not change and the supplier has nothing to do; the move is an additional event of the
    history and an audit entry."""
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().select_related("recipient").get(pk=invoice.pk)
        if not _attached(actor, locked.recipient_id):
            raise TransitionForbidden(target=locked.status, mover=Mover.RECIPIENT.value)
        if service.structure_id != locked.recipient_id:
            raise RoutingRefused(field="service", reason=service.code)
        if not service.is_valid_on(timezone.localdate()):
            raise RoutingRefused(field="service", reason=service.code)
        if locked.status not in TRANSFERABLE:
            raise IllegalTransition(current=locked.status, target=locked.status)
        if locked.service_id == service.pk:
            return locked
        before = {"code": locked.service_code, "name": locked.service_name}
        locked.service, locked.service_code, locked.service_name = service, service.code, service.name
        locked.save(update_fields=["service", "service_code", "service_name"])
        event_record(
            invoice=locked, code=InvoiceEvent.Code.TRANSFER, actor=actor, structure=locked.recipient,
            comment=(comment or "").strip()[:2000],
            data={"from_service": before, "to_service": {"code": service.code, "name": service.name}},
        )
    return locked


# --- supplier ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Routing:
    """The routing data a recycling changes (domain.md §1.5): ``None`` keeps the current value."""

    recipient_identifier: str | None = None
    service_code: str | None = None
    commitment_number: str | None = None


def routing_check(*, recipient_identifier: str, service_code: str, commitment_number: str) -> tuple[Structure, Service | None]:
    """The recipient structure and service for new routing data, checked with the platform rules
    FR-PLT-02…08 (recipient known and active, service required/known/active, commitment required).
    Raises :class:`RoutingRefused` naming the rule and the field."""
    from facturier.einvoice.platform import PLATFORM_RULES
    from facturier.structures.models import IdentifierType, Structure

    def refuse(rule: str, field: str, **params: Any) -> RoutingRefused:
        spec = PLATFORM_RULES[rule]
        return RoutingRefused(
            field=field, reason=rule,
            details={field: [{"rule": rule, "fr": spec.fr % params, "en": spec.en % params}]},
        )

    siret = (recipient_identifier or "").strip()
    recipient = Structure.objects.filter(identifier_type=IdentifierType.SIRET, identifier=siret).first()
    if recipient is None:
        raise refuse("FR-PLT-02", "destinataire", siret=siret)
    if not recipient.is_active:
        raise refuse("FR-PLT-03", "destinataire", siret=siret)
    code = (service_code or "").strip()
    commitment = (commitment_number or "").strip()
    service = None
    if code:
        service = recipient.services.filter(code=code).first()
        if service is None:
            raise refuse("FR-PLT-05", "service", code=code, siret=siret)
        if not service.is_valid_on(timezone.localdate()):
            raise refuse("FR-PLT-06", "service", code=code, siret=siret)
    elif recipient.service_code_required:
        raise refuse("FR-PLT-04", "service", siret=siret)
    if not commitment:
        if recipient.commitment_required:
            raise refuse("FR-PLT-07", "engagement", by_fr="le destinataire", by_en="the recipient", code=siret)
        if service is not None and service.commitment_required:
            raise refuse("FR-PLT-07", "engagement", by_fr="le service", by_en="the service", code=code)
        if recipient.commitment_or_service_required and service is None:
            raise refuse("FR-PLT-08", "engagement", siret=siret)
    return recipient, service


def invoice_recycle(*, actor: User, invoice: Invoice, routing: Routing, comment: str = "") -> Invoice:
    """Recycle an A_RECYCLER invoice (``recyclerFacture``): only the recipient, the service code and
    the commitment number change; the number, the file and the deposit date do not. The invoice is
    then re-routed (EN_COURS_ACHEMINEMENT → MISE_A_DISPOSITION) to the (new) recipient."""
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if not _attached(actor, locked.supplier_id):
            raise TransitionForbidden(target=S.EN_COURS_ACHEMINEMENT, mover=Mover.SUPPLIER.value)
        if locked.status != S.A_RECYCLER:
            raise IllegalTransition(current=locked.status, target=S.EN_COURS_ACHEMINEMENT.value)
        recipient, service = routing_check(
            recipient_identifier=routing.recipient_identifier if routing.recipient_identifier is not None
            else locked.recipient_identifier,
            service_code=routing.service_code if routing.service_code is not None else locked.service_code,
            commitment_number=routing.commitment_number if routing.commitment_number is not None
            else locked.commitment_number,
        )
        before = {"recipient": locked.recipient_identifier, "service": locked.service_code,
                  "commitment": locked.commitment_number}
        locked.recipient, locked.recipient_identifier, locked.recipient_name = (
            recipient, recipient.identifier, recipient.name)
        locked.service = service
        locked.service_code = service.code if service else ""
        locked.service_name = service.name if service else ""
        if routing.commitment_number is not None:
            locked.commitment_number = routing.commitment_number.strip()[:50]
        locked.save(update_fields=["recipient", "recipient_identifier", "recipient_name", "service",
                                   "service_code", "service_name", "commitment_number"])
        after = {"recipient": locked.recipient_identifier, "service": locked.service_code,
                 "commitment": locked.commitment_number}
        event_record(invoice=locked, code=InvoiceEvent.Code.RECYCLED, actor=actor, structure=locked.supplier,
               comment=(comment or "").strip()[:2000], data={"before": before, "after": after})
        moved = invoice_transition(
            invoice=locked, to=S.EN_COURS_ACHEMINEMENT, actor=actor, mover=Mover.SUPPLIER,
            comment=(comment or "").strip()[:255], expected=S.A_RECYCLER,
        )
        moved = invoice_route(invoice=moved)
    invoice.status = moved.status
    return moved


def invoice_complete(
    *, actor: User, invoice: Invoice, comment: str = "", attachments: Sequence[InvoiceAttachment] = ()
) -> Invoice:
    """Complete a SUSPENDUE invoice (``completerFacture``) with attachments and/or a comment
    (≤ 2,000 characters); it becomes COMPLETEE. ``attachments`` are the actor's pending uploads
    (``attachment_pending_add``); they are attached to the invoice in the same transaction."""
    text = (comment or "").strip()
    if len(text) > 2000:
        raise RoutingRefused(field="commentaire", reason=str(len(text)))
    if not text and not attachments:
        raise RoutingRefused(field="commentaire", reason="vide")
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if not _attached(actor, locked.supplier_id):
            raise TransitionForbidden(target=S.COMPLETEE, mover=Mover.SUPPLIER.value)
        if locked.status != S.SUSPENDUE:
            raise IllegalTransition(current=locked.status, target=S.COMPLETEE.value)
        names = []
        for attachment in attachments:
            claimed = InvoiceAttachment.objects.filter(
                pk=attachment.pk, uploaded_by=actor, invoice__isnull=True
            ).update(invoice=locked, kind=InvoiceAttachment.Kind.ADDITIONAL)
            if not claimed:
                raise RoutingRefused(field="pieceJointeComplementaire", reason=str(attachment.pk))
            names.append(attachment.name)
        event_record(invoice=locked, code=InvoiceEvent.Code.COMPLETED, actor=actor, structure=locked.supplier,
               comment=text, data={"attachments": names})
        moved = invoice_transition(
            invoice=locked, to=S.COMPLETEE, actor=actor, mover=Mover.SUPPLIER, comment=text[:255],
            expected=S.SUSPENDUE,
        )
    invoice.status = moved.status
    return moved


ACKNOWLEDGEABLE = {S.REJETEE: InvoiceEvent.Code.ACK_REJECTION, S.SUSPENDUE: InvoiceEvent.Code.ACK_SUSPENSION}


def invoice_acknowledge(*, actor: User, invoice: Invoice) -> Invoice:
    """The supplier acknowledges the current rejection or suspension (a user action). Acknowledging
    twice the same status changes nothing."""
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if not _attached(actor, locked.supplier_id):
            raise TransitionForbidden(target=locked.status, mover=Mover.SUPPLIER.value)
        code = ACKNOWLEDGEABLE.get(locked.status)
        if code is None:
            raise IllegalTransition(current=locked.status, target=locked.status)
        if not acknowledgement_pending(locked):
            return locked
        locked.acknowledged_at = timezone.now()
        locked.save(update_fields=["acknowledged_at"])
        event_record(invoice=locked, code=code, actor=actor, structure=locked.supplier)
    invoice.acknowledged_at = locked.acknowledged_at
    return locked


def acknowledgement_pending(invoice: Invoice) -> bool:
    """Rejected or suspended, and that status not acknowledged yet (an acknowledgement counts for
    the status current when it was made). ``selectors.unacknowledged_q`` is the same test in SQL."""
    return invoice.status in ACKNOWLEDGEABLE and not (
        invoice.acknowledged_at is not None and invoice.acknowledged_at >= invoice.status_changed_at
    )


def acknowledgement_overdue(*, invoice: Invoice, now: dt.datetime | None = None) -> bool:
    """True when the supplier must acknowledge now: rejected or suspended for more than 7 days
    without acknowledgement of that status."""
    return acknowledgement_pending(invoice) and (
        (now or timezone.now()) - invoice.status_changed_at >= acknowledgement_delay())


def invoices_handle_rejection(
    *, actor: User, invoice_ids: Iterable[int], motive: str = "", info: str = ""
) -> list[Invoice]:
    """The supplier marks rejections handled (``traiterFacturesRejetees``): ``rejetTraite`` becomes
    true and a TRAITEMENT_REJET user action is recorded. Every invoice must be a rejected invoice of
    the actor's structures; otherwise nothing is changed."""
    ids = list(dict.fromkeys(int(pk) for pk in invoice_ids))
    with transaction.atomic():
        invoices = list(Invoice.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        found = {inv.pk for inv in invoices}
        missing = [pk for pk in ids if pk not in found]
        if missing:
            raise InvoiceNotFound(details={"idDemandePaiement": missing})
        for inv in invoices:
            if not _attached(actor, inv.supplier_id):
                raise InvoiceNotFound(details={"idDemandePaiement": [inv.pk]})
            if inv.status != S.REJETEE:
                raise IllegalTransition(current=inv.status, target=S.REJETEE.value)
        for inv in invoices:
            if inv.rejection_handled:
                continue
            inv.rejection_handled = True
            inv.save(update_fields=["rejection_handled"])
            event_record(invoice=inv, code=InvoiceEvent.Code.REJECTION_HANDLED, actor=actor, structure=inv.supplier,
                   comment=" — ".join(t for t in ((motive or "").strip(), (info or "").strip()) if t)[:2000])
    return invoices


def resubmittable(invoice: Invoice) -> bool:
    """True for an invoice rejected by a State service with an SE/EJ motive and not re-submitted
    yet: its number may be deposited once more, linked to it (domain.md §1.5)."""
    if invoice.status != S.REJETEE or invoice.next_invoices.exists():
        return False
    last = invoice.status_changes.filter(status=S.REJETEE).order_by("-at", "-pk").first()
    return last is not None and bool(set(last.motives) & set(StateRejectionMotive.values))


def resubmission_source(*, supplier_identifier: str, number: str) -> Invoice | None:
    """The rejected invoice a new deposit with this number re-submits, if any."""
    candidates = Invoice.objects.filter(
        supplier_identifier=supplier_identifier, number=number, status=S.REJETEE,
        recipient__is_state_service=True, next_invoices__isnull=True,
    ).order_by("-pk")
    return next((candidate for candidate in candidates if resubmittable(candidate)), None)


# --- validator -----------------------------------------------------------------------------------


_VALIDATOR_TARGETS = {
    (ValidatorAction.VALIDATION, 1): S.VALIDEE_1, (ValidatorAction.VALIDATION, 2): S.VALIDEE_2,
    (ValidatorAction.REFUS, 1): S.REFUSEE_1, (ValidatorAction.REFUS, 2): S.REFUSEE_2,
    (ValidatorAction.ERREUR_VALIDEUR, 1): S.ERREUR_FOURNISSEUR_SUR_VALIDEUR,
    (ValidatorAction.ERREUR_VALIDEUR, 2): S.ERREUR_COTRAITANT_SUR_VALIDEUR,
}


def invoice_validate(
    *, actor: User, invoice: Invoice, action: str, comment: str = "", motive: str = "",
    expected: str | None = None,
) -> Invoice:
    """The validator's decision on an A_VALIDER_1/2 invoice (``traiterFactureAValider``, the
    "Factures à valider" space): VALIDATION (then routed on), REFUS (a motive is required) or
    ERREUR_VALIDEUR (addressed to the wrong validator; the supplier corrects it)."""
    try:
        action = ValidatorAction(action)
    except ValueError:
        raise IllegalTransition(current=invoice.status, target=str(action)) from None
    level = 2 if invoice.status in (S.A_VALIDER_2,) else 1
    target = _VALIDATOR_TARGETS[(action, level)]
    text = (comment or "").strip()
    motives = [motive] if motive else []
    if action == ValidatorAction.REFUS and not text and motive:
        from .enums import ValidatorRefusalMotive

        text = str(ValidatorRefusalMotive(motive).label) if motive in ValidatorRefusalMotive.values else motive
    changes = {f"validated{level}_on": timezone.localdate()} if action == ValidatorAction.VALIDATION else {}
    with transaction.atomic():
        moved = invoice_transition(
            invoice=invoice, to=target, actor=actor, mover=Mover.VALIDATOR, comment=text,
            expected=expected or (S.A_VALIDER_2 if level == 2 else S.A_VALIDER_1), motives=motives,
            changes=changes,
        )
        if action == ValidatorAction.VALIDATION:
            moved = invoice_route(invoice=moved)
    invoice.status = moved.status
    return moved


def invoice_correct_validator(
    *, actor: User, invoice: Invoice, validator: Structure, validator_service: Service | None = None
) -> Invoice:
    """The supplier names the right validator after ERREUR_FOURNISSEUR_SUR_VALIDEUR (level 1) or
    ERREUR_COTRAITANT_SUR_VALIDEUR (level 2) (``corrigerValideurFacture``); the invoice goes back to
    A_VALIDER_1/2 with a fresh 15-day deadline."""
    if validator_service is not None and validator_service.structure_id != validator.pk:
        raise RoutingRefused(field="service", reason=validator_service.code)
    if not validator.is_active:
        raise RoutingRefused(field="valideur", reason=validator.identifier)
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if not _attached(actor, locked.supplier_id):
            raise TransitionForbidden(target=S.A_VALIDER_1, mover=Mover.SUPPLIER.value)
        level = WRONG_VALIDATOR_LEVEL.get(locked.status)
        if level is None:
            raise IllegalTransition(current=locked.status, target=S.A_VALIDER_1.value)
        # Neither a party of the invoice nor the validator who just declined it.
        if validator.pk in (locked.supplier_id, locked.recipient_id, getattr(locked, f"validator{level}_id")):
            raise RoutingRefused(field="valideur", reason=validator.identifier)
        before = {"identifier": getattr(locked, f"validator{level}_identifier"),
                  "name": getattr(locked, f"validator{level}_name")}
        changes = {
            f"validator{level}": validator, f"validator{level}_service": validator_service,
            f"validator{level}_identifier": validator.identifier, f"validator{level}_name": validator.name,
        }
        event_record(invoice=locked, code=InvoiceEvent.Code.VALIDATOR_CORRECTED, actor=actor, structure=locked.supplier,
               data={"level": level, "before": before,
                     "after": {"identifier": validator.identifier, "name": validator.name}})
        moved = invoice_transition(
            invoice=locked, to=S.A_VALIDER_2 if level == 2 else S.A_VALIDER_1, actor=actor,
            mover=Mover.SUPPLIER, expected=locked.status, changes=changes,
        )
    invoice.status = moved.status
    return moved


def validation_deadlines_run(*, now: dt.datetime | None = None) -> list[int]:
    """Move on every invoice left at A_VALIDER_1/2 for longer than the validation delay (tacit
    validation, ABSENCE_VALIDATION_x_HORS_DELAI), then route it on (level 2 or the recipient); the
    sub-contractor is told by the notifications of these status changes. Each invoice is handled in
    its own transaction; one that moved meanwhile is skipped. Returns the ids moved."""
    limit = (now or timezone.now()) - validation_delay()
    moved_ids = []
    due = Invoice.objects.filter(
        status__in=(S.A_VALIDER_1, S.A_VALIDER_2), status_changed_at__lte=limit
    ).order_by("status_changed_at").values_list("pk", "status")
    for pk, status in list(due):
        target = S.ABSENCE_VALIDATION_2_HORS_DELAI if status == S.A_VALIDER_2 else S.ABSENCE_VALIDATION_1_HORS_DELAI
        invoice = Invoice.objects.get(pk=pk)
        try:
            with transaction.atomic():
                moved = invoice_transition(invoice=invoice, to=target, actor=None, expected=status)
                event_record(invoice=moved, code=InvoiceEvent.Code.DEADLINE, actor=None,
                       data={"level": 2 if status == S.A_VALIDER_2 else 1,
                             "days": validation_delay().days})
                invoice_route(invoice=moved)
        except IllegalTransition:
            continue  # a validator acted meanwhile
        moved_ids.append(pk)
    return moved_ids


# --- everyone --------------------------------------------------------------------------------------


def invoices_record_download(*, actor: User, invoices: Iterable[Invoice]) -> None:
    """Record a download (TELECHARGEMENT_FACTURE user action) by ``actor``; a download by a user of
    the recipient structure sets ``factureTelechargeeParDestinataire``."""
    from facturier.structures.selectors import actor_structure_ids

    mine = actor_structure_ids(actor=actor)
    with transaction.atomic():
        for invoice in invoices:
            structure = None
            for sid, obj in ((invoice.recipient_id, "recipient"), (invoice.supplier_id, "supplier"),
                             (invoice.validator1_id, "validator1"), (invoice.validator2_id, "validator2")):
                if sid in mine:
                    structure = getattr(invoice, obj)
                    break
            event_record(invoice=invoice, code=InvoiceEvent.Code.DOWNLOAD, actor=actor, structure=structure)
            if invoice.recipient_id in mine and not invoice.downloaded_by_recipient:
                Invoice.objects.filter(pk=invoice.pk).update(downloaded_by_recipient=True)
                invoice.downloaded_by_recipient = True
