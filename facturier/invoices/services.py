"""Invoice deposit: turning a validated document into the immutable record, then routing it.

``invoice_deposit`` is called by the entry services (``facturier.invoices.entry``) inside their
transaction; the flow processing (``facturier.flows.integrate``) deposits a batch at once with
``invoice_prepare`` then ``invoices_deposit_many`` (the same records, fewer statements), in the
transaction that also writes the flow items, so an invoice and the trace of its integration are
committed together or not at all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from facturier.audit.services import AuditRecord, audit_log, audit_log_many
from facturier.einvoice.codelists import credit_note_type_codes
from facturier.einvoice.values import Value

from .enums import FRAMES_BY_SHORT_CODE, BillingFrame, InvoiceStatus, InvoiceType
from .errors import IllegalTransition
from .lifecycle import (
    event_record,
    invoice_route,
    resubmission_source,
    route_informs_representative,
    route_target,
)
from .models import Invoice, InvoiceEvent, InvoiceStatusChange, certificate_fingerprint
from .transitions import Mover, acting_structure_id, allowed_targets

if TYPE_CHECKING:
    from facturier.accounts.models import User
    from facturier.einvoice.model import Invoice as DocumentInvoice
    from facturier.flows.models import Flow
    from facturier.structures.models import Service, Structure


def _text(value: Value | None) -> str:
    return "" if value is None or value.is_blank else value.normalized


def _amount(value: Any) -> Decimal | None:
    return getattr(value, "value", None) if value is not None else None


def billing_frame_of(document: DocumentInvoice) -> str | None:
    """The billing frame named by BT-23 (``A1``… or ``A1_FACTURE_FOURNISSEUR``), A1 when absent;
    ``None`` when BT-23 names a frame facturier does not take for invoices."""
    code = _text(document.business_process).upper()
    if not code or not code.startswith("A") or not code[1:2].isdigit():
        return BillingFrame.A1.value  # BT-23 is also used for other process ids (Peppol...): default
    short = code.split("_", 1)[0]
    frame = FRAMES_BY_SHORT_CODE.get(short)
    return frame.value if frame is not None else None


def invoice_type_of(document: DocumentInvoice) -> str:
    code = _text(document.type_code)
    if document.is_credit_note or code in credit_note_type_codes():
        return InvoiceType.AVOIR.value
    return InvoiceType.FACTURE.value


def structured_data_of(document: DocumentInvoice) -> dict[str, Any]:
    """The main business terms, as text (JSON-safe), for display and search."""
    totals = document.totals
    seller, buyer = document.seller, document.buyer

    def text(v: Any) -> str | None:
        return None if v is None or v.is_blank else v.normalized

    data: dict[str, Any] = {
        "BT-1": text(document.number),
        "BT-2": text(document.issue_date),
        "BT-3": text(document.type_code),
        "BT-5": text(document.currency),
        "BT-9": text(document.due_date),
        "BT-10": text(document.buyer_reference),
        "BT-12": text(document.contract_reference),
        "BT-13": text(document.purchase_order_reference),
        "BT-20": text(document.payment_terms),
        "BT-23": text(document.business_process),
        "BT-24": text(document.specification_id),
        "BT-27": text(seller.name) if seller else None,
        "BT-31": text(seller.vat_id) if seller else None,
        "BT-44": text(buyer.name) if buyer else None,
        "service_code": text(document.service_code),
        "lines": len(document.lines),
    }
    if totals is not None:
        for term, name in (
            ("BT-106", "line_total"),
            ("BT-109", "tax_exclusive"),
            ("BT-110", "tax_total"),
            ("BT-112", "tax_inclusive"),
            ("BT-113", "prepaid"),
            ("BT-115", "payable"),
        ):
            data[term] = text(getattr(totals, name))
    return {key: value for key, value in data.items() if value is not None}


def _new_invoice(*, actor: User, previous: Invoice | None = None, **arguments: Any) -> Invoice:
    """The unsaved invoice DEPOSEE with its snapshots and deposit certificate (no file stored yet);
    ``arguments`` are :func:`invoice_deposit`'s, ``deposited_at`` given."""
    document: DocumentInvoice = arguments["document"]
    data: bytes = arguments["data"]
    supplier: Structure = arguments["supplier"]
    recipient: Structure = arguments["recipient"]
    service: Service | None = arguments["service"]
    deposited_at: datetime = arguments["deposited_at"]
    digest = hashlib.sha256(data).hexdigest()
    number = _text(document.number)
    totals = document.totals
    issue = document.issue_date.value if document.issue_date is not None else None
    due = document.due_date.value if document.due_date is not None else None
    return Invoice(
        supplier=supplier,
        supplier_identifier=supplier.identifier,
        supplier_identifier_type=supplier.identifier_type,
        supplier_name=supplier.name,
        recipient=recipient,
        recipient_identifier=recipient.identifier,
        recipient_name=recipient.name,
        service=service,
        service_code=service.code if service is not None else "",
        service_name=service.name if service is not None else "",
        number=number,
        type=invoice_type_of(document),
        document_type_code=_text(document.type_code),
        billing_frame=arguments["billing_frame"],
        issue_date=issue,
        due_date=due,
        currency=_text(document.currency) or "EUR",
        amount_ht=_amount(totals.tax_exclusive) if totals else None,
        amount_vat=_amount(totals.tax_total) if totals else None,
        amount_ttc=_amount(totals.tax_inclusive) if totals else None,
        amount_due=_amount(totals.payable) if totals else None,
        commitment_number=_text(document.purchase_order_reference)[:50],
        contract_number=_text(document.contract_reference)[:50],
        deposit_mode=arguments["deposit_mode"],
        syntax=arguments["syntax"],
        structured_data=structured_data_of(document),
        flow=arguments.get("flow"),
        depositor=actor,
        original_name=arguments["file_name"].rsplit("/", 1)[-1][:255],
        original_sha256=digest,
        original_size=len(data),
        deposited_at=deposited_at,
        certificate_fingerprint=certificate_fingerprint(
            number=number,
            supplier_identifier=supplier.identifier,
            recipient_identifier=recipient.identifier,
            deposited_at=deposited_at,
            file_sha256=digest,
        ),
        status=InvoiceStatus.DEPOSEE,
        status_changed_at=deposited_at,
        **validator_fields(1, arguments.get("validator"), arguments.get("validator_service")),
        **validator_fields(2, arguments.get("validator2"), arguments.get("validator2_service")),
        previous=previous,
    )


def _deposited_data(invoice: Invoice, flow: Flow | None) -> dict[str, Any]:
    """The data of the ``invoice.deposited`` audit entry."""
    return {
        "number": invoice.number,
        "supplier": invoice.supplier_identifier,
        "recipient": invoice.recipient_identifier,
        "service": invoice.service_code,
        "flow": flow.number if flow is not None else None,
        "sha256": invoice.original_sha256,
        "fingerprint": invoice.certificate_fingerprint,
    }


def invoice_deposit(
    *,
    actor: User,
    document: DocumentInvoice,
    data: bytes,
    file_name: str,
    supplier: Structure,
    recipient: Structure,
    service: Service | None,
    deposit_mode: str,
    syntax: str,
    billing_frame: str,
    flow: Flow | None = None,
    deposited_at: datetime | None = None,
    validator: Structure | None = None,
    validator_service: Service | None = None,
    validator2: Structure | None = None,
    validator2_service: Service | None = None,
) -> Invoice:
    """Create the invoice DEPOSEE with its certificate, history row and audit entry, then route it.

    The caller has validated the document (EN 16931 and platform rules) and holds the
    transaction; the original ``data`` is stored once under a fresh path and never rewritten.
    """
    deposited_at = deposited_at or timezone.now()
    number = _text(document.number)
    with transaction.atomic():
        invoice = _new_invoice(
            actor=actor, document=document, data=data, file_name=file_name, supplier=supplier,
            recipient=recipient, service=service, deposit_mode=deposit_mode, syntax=syntax,
            billing_frame=billing_frame, flow=flow, deposited_at=deposited_at, validator=validator,
            validator_service=validator_service, validator2=validator2, validator2_service=validator2_service,
            previous=resubmission_source(supplier_identifier=supplier.identifier, number=number),
        )
        invoice.original_file.save(invoice.original_name or "facture", ContentFile(data), save=False)
        try:
            invoice.save()
        except Exception:
            invoice.original_file.delete(save=False)  # the stored copy of a row that never existed
            raise
        InvoiceStatusChange.objects.create(
            invoice=invoice, status=InvoiceStatus.DEPOSEE, at=deposited_at, actor=actor
        )
        audit_log(actor=actor, action="invoice.deposited", obj=invoice, data=_deposited_data(invoice, flow))
        if invoice.previous_id is not None:
            event_record(invoice=invoice.previous, code=InvoiceEvent.Code.RESUBMITTED, actor=actor,
                         structure=supplier, data={"next": invoice.pk, "number": number})
        invoice_route(invoice=invoice)
    return invoice


def validator_fields(level: int, structure: Structure | None, service: Service | None) -> dict[str, Any]:
    """The validator columns of level 1 or 2, identity snapshotted (empty when none)."""
    return {
        f"validator{level}": structure,
        f"validator{level}_service": service,
        f"validator{level}_identifier": structure.identifier if structure is not None else "",
        f"validator{level}_name": structure.name if structure is not None else "",
    }


# --- batches (flow processing) ----------------------------------------------------------------------


@dataclass
class PreparedDeposit:
    """An invoice built and its original stored, ahead of :func:`invoices_deposit_many`.

    Preparing holds no transaction and no lock: a flow prepares its batch while another worker
    writes. A prepared deposit that is not deposited in the end must be :meth:`discard`-ed."""

    arguments: dict[str, Any]  # invoice_deposit's keyword arguments but ``actor``
    invoice: Invoice

    def discard(self) -> None:
        """Remove the stored original (the invoice row was never written, or was rolled back)."""
        self.invoice.original_file.delete(save=False)


def invoice_prepare(*, actor: User, **arguments: Any) -> PreparedDeposit:
    """Build the invoice of :func:`invoice_deposit`'s ``arguments`` and store its original."""
    arguments["deposited_at"] = arguments.get("deposited_at") or timezone.now()
    invoice = _new_invoice(actor=actor, **arguments)
    invoice.original_file.save(invoice.original_name or "facture", ContentFile(arguments["data"]), save=False)
    return PreparedDeposit(arguments=arguments, invoice=invoice)


def invoices_deposit_many(*, actor: User, deposits: Sequence[PreparedDeposit]) -> list[Invoice]:
    """Deposit prepared invoices at once, in the caller's transaction, all or nothing.

    The records are the ones :func:`invoice_deposit` writes for each in turn (the invoice DEPOSEE
    with its certificate and stored original, the DEPOSEE history row and ``invoice.deposited``
    entry, then the routing move, checked against the transition table, with its history row and
    ``invoice.status.<to>`` entry written as :func:`~.transitions.invoice_transition` writes them),
    with a few statements for the whole batch instead of a dozen per invoice, and the audit journal
    locked once (:func:`~facturier.audit.services.audit_log_many`). A deposit that may re-submit a
    rejected invoice, or whose routing records an event as well
    (:func:`~.lifecycle.route_informs_representative`), goes through ``invoice_deposit`` itself;
    the others move where :func:`~.lifecycle.route_target` sends them (tests/flows/test_batch.py
    checks the batch against ``invoice_deposit`` for every frame). Returns the invoices in the
    order of ``deposits``; the caller discards the prepared originals if its transaction fails.
    """
    if not deposits:
        return []
    # savepoint=False: in the caller's transaction, a failure fails the caller's whole batch anyway.
    with transaction.atomic(savepoint=False):
        # A REJETEE invoice with the same supplier and number may be the one this deposit re-submits
        # (lifecycle.resubmission_source decides): those take the one-by-one path.
        rejected = set(
            Invoice.objects.filter(
                status=InvoiceStatus.REJETEE,
                supplier_identifier__in={d.invoice.supplier_identifier for d in deposits},
                number__in={d.invoice.number for d in deposits},
            ).values_list("supplier_identifier", "number")
        )
        result: list[Invoice] = []
        batch: list[tuple[PreparedDeposit, str | None]] = []
        for deposit in deposits:
            invoice = deposit.invoice
            if (invoice.supplier_identifier, invoice.number) in rejected or route_informs_representative(invoice):
                deposit.discard()
                deposit.invoice = invoice_deposit(actor=actor, **deposit.arguments)
            else:
                target = route_target(invoice)
                batch.append((deposit, target.value if target is not None else None))
            result.append(deposit.invoice)
        Invoice.objects.bulk_create([deposit.invoice for deposit, _ in batch])
        history = []
        records = []
        moved_at = timezone.now()
        moves: dict[str, list[int]] = {}
        for deposit, target in batch:
            invoice = deposit.invoice
            history.append(InvoiceStatusChange(invoice=invoice, status=InvoiceStatus.DEPOSEE, at=invoice.deposited_at,
                                               actor=actor))
            records.append(AuditRecord(actor=actor, action="invoice.deposited", obj=invoice,
                                       data=_deposited_data(invoice, deposit.arguments.get("flow"))))
            if target is None:
                continue
            if target not in allowed_targets(mover=Mover.SYSTEM, invoice=invoice):
                raise IllegalTransition(current=invoice.status, target=target)
            moves.setdefault(target, []).append(invoice.pk)
            invoice.status, invoice.status_changed_at = target, moved_at
            history.append(InvoiceStatusChange(invoice=invoice, status=target, previous_status=InvoiceStatus.DEPOSEE,
                                               at=moved_at, actor=None))
            records.append(AuditRecord(actor=None, action=f"invoice.status.{target.lower()}", obj=invoice,
                                       data=_routed_data(invoice)))
        for status, pks in moves.items():
            Invoice.objects.filter(pk__in=pks, status=InvoiceStatus.DEPOSEE).update(
                status=status, status_changed_at=moved_at
            )
        InvoiceStatusChange.objects.bulk_create(history)
        audit_log_many(records)
    return result


def _routed_data(invoice: Invoice) -> dict[str, Any]:
    """The data ``invoice_transition`` records for the system's routing move out of DEPOSEE."""
    return {
        "from": InvoiceStatus.DEPOSEE.value,
        "to": invoice.status,
        "comment": "",
        "mover": Mover.SYSTEM.value,
        "frame": invoice.billing_frame,
        "supplier": invoice.supplier_id,
        "recipient": invoice.recipient_id,
        "validator": acting_structure_id(invoice=invoice, mover=Mover.VALIDATOR),
    }
