"""Invoice deposit: turning a validated document into the immutable record, then routing it.

``invoice_deposit`` is called by the flow processing (``facturier.flows.services``) inside the
transaction that also writes the flow item, so an invoice and the trace of its integration are
committed together or not at all.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from facturier.audit.services import audit_log
from facturier.einvoice.codelists import credit_note_type_codes
from facturier.einvoice.values import Value

from .enums import FRAMES_BY_SHORT_CODE, BillingFrame, InvoiceStatus, InvoiceType
from .models import Invoice, InvoiceStatusChange, certificate_fingerprint
from .lifecycle import event_record, invoice_route, resubmission_source
from .models import InvoiceEvent

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
    digest = hashlib.sha256(data).hexdigest()
    number = _text(document.number)
    totals = document.totals
    issue = document.issue_date.value if document.issue_date is not None else None
    due = document.due_date.value if document.due_date is not None else None
    with transaction.atomic():
        invoice = Invoice(
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
            billing_frame=billing_frame,
            issue_date=issue,
            due_date=due,
            currency=_text(document.currency) or "EUR",
            amount_ht=_amount(totals.tax_exclusive) if totals else None,
            amount_vat=_amount(totals.tax_total) if totals else None,
            amount_ttc=_amount(totals.tax_inclusive) if totals else None,
            amount_due=_amount(totals.payable) if totals else None,
            commitment_number=_text(document.purchase_order_reference)[:50],
            contract_number=_text(document.contract_reference)[:50],
            deposit_mode=deposit_mode,
            syntax=syntax,
            structured_data=structured_data_of(document),
            flow=flow,
            depositor=actor,
            original_name=file_name.rsplit("/", 1)[-1][:255],
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
            **validator_fields(1, validator, validator_service),
            **validator_fields(2, validator2, validator2_service),
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
        audit_log(
            actor=actor,
            action="invoice.deposited",
            obj=invoice,
            data={
                "number": number,
                "supplier": supplier.identifier,
                "recipient": recipient.identifier,
                "service": invoice.service_code,
                "flow": flow.number if flow is not None else None,
                "sha256": digest,
                "fingerprint": invoice.certificate_fingerprint,
            },
        )
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
