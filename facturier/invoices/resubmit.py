"""Re-submission after a State service's SE/EJ rejection (issue 6 §2-§3; domain.md §1.5).

A State service never asks for a recycling: it rejects with the coded motives "SE incorrect"
and/or "EJ incorrect ou inexistant" (:class:`~facturier.invoices.enums.StateRejectionMotive`).
The supplier then corrects the service code (BT-10) and/or the commitment number (BT-13) and
deposits the *same* invoice number once more::

    new = invoice_resubmit(actor=user, invoice=rejected, service_code="", commitment_number="EJ-2")
    new.previous == rejected and new.number == rejected.number

The original document is re-read with the e-invoice core, only BT-10 and BT-13 change, and it is
written back in its own syntax (UBL, CII, or a Factur-X PDF whose rendering shows the new values).
That document is then validated exactly as a deposited file is (EN 16931, then the platform rules
with the same directory as flows and entries) and deposited with
:func:`facturier.invoices.services.invoice_deposit`, which links it to the rejected invoice
(``previous``) and records the RESOUMISSION event on it. The number is free for this one deposit:
the duplicate rule skips a re-submittable rejection (:func:`facturier.flows.directory.duplicate_of`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from facturier.core.errors import Conflict, ValidationFailed
from facturier.einvoice import EInvoiceError, Format, read
from facturier.einvoice.platform import Subject
from facturier.einvoice.validate import ReportError, validate
from facturier.einvoice.values import Value
from facturier.einvoice.writers import write_cii, write_ubl
from facturier.flows.services import MAX_ERRORS_PER_INVOICE, finding, reader_error
from facturier.structures.models import IdentifierType, Service, Structure
from facturier.structures.selectors import actor_structure_ids
from facturier.structures.spaces import Space

from .entry import deposit_context, deposit_recheck, refusals_of
from .enums import DepositMode
from .errors import InvoiceNotFound, InvoiceRejected
from .lifecycle import resubmittable
from .models import Invoice
from .selectors import invoice_document
from .services import invoice_deposit

if TYPE_CHECKING:
    from facturier.accounts.models import User
    from facturier.einvoice import ParsedDocument
    from facturier.einvoice.model import Invoice as DocumentInvoice

__all__ = ["NotResubmittable", "OriginalUnreadable", "ResubmissionUnchanged", "invoice_resubmit"]


class NotResubmittable(Conflict):
    """Only an invoice a State service rejected with an SE/EJ motive, not re-submitted yet, may be
    deposited again with the same number."""

    code = "invoice.not_resubmittable"
    libelle = "GDP_MSG_RESOUMISSION_IMPOSSIBLE"
    default_message = _(
        "La facture %(number)s ne peut pas être soumise de nouveau : seule une facture rejetée par un "
        "service de l'État pour « SE incorrect » ou « EJ incorrect ou inexistant », et pas encore "
        "soumise de nouveau, peut l'être."
    )


class ResubmissionUnchanged(ValidationFailed):
    code = "invoice.resubmission_unchanged"
    libelle = "GDP_MSG_RESOUMISSION_INCHANGEE"
    default_message = _(
        "Le code service et le numéro d'engagement sont ceux de la facture rejetée : corrigez au moins l'un des deux."
    )


class OriginalUnreadable(ValidationFailed):
    """A PDF deposited without structured data cannot be rewritten: the supplier deposits the
    corrected invoice again (same number, the duplicate rule lets it through once)."""

    code = "invoice.original_unreadable"
    libelle = "GDP_MSG_ORIGINAL_ILLISIBLE"
    default_message = _(
        "Le fichier d'origine de la facture %(number)s n'est pas une facture structurée (UBL, CII ou "
        "Factur-X) : déposez de nouveau la facture corrigée, avec le même numéro."
    )


def invoice_resubmit(
    *,
    actor: User,
    invoice: Invoice,
    service_code: str,
    commitment_number: str,
    deposit_mode: str = DepositMode.UPLOAD_PORTAIL,
) -> Invoice:
    """Deposit ``invoice``'s document again with the new service code (BT-10, empty: none) and
    commitment number (BT-13), after a State service's SE/EJ rejection. Returns the new invoice,
    linked to ``invoice`` through ``previous`` and routed like any deposit.

    Raises :class:`InvoiceNotFound` when the actor may not deposit for the invoice's supplier
    (« Factures émises » in modification mode), :class:`NotResubmittable`,
    :class:`ResubmissionUnchanged`, :class:`OriginalUnreadable`, and :class:`InvoiceRejected`
    with every finding (rule, terms, location, message) when the corrected document is refused;
    nothing is stored then."""
    supplier = invoice.supplier
    if supplier.pk not in actor_structure_ids(actor=actor, space=Space.FACTURES_EMISES, modification=True):
        raise InvoiceNotFound()
    if not resubmittable(invoice):
        raise NotResubmittable(number=invoice.number)
    code, commitment = (service_code or "").strip(), (commitment_number or "").strip()
    if code == invoice.service_code and commitment == invoice.commitment_number:
        raise ResubmissionUnchanged()
    parsed = invoice_document(invoice=invoice)
    if parsed is None or parsed.format not in _WRITERS:
        raise OriginalUnreadable(number=invoice.number)
    _set_routing(parsed.invoice, service_code=code, commitment_number=commitment)
    try:
        data = _WRITERS[parsed.format](parsed)
    except (EInvoiceError, ValueError) as exc:
        raise InvoiceRejected([_write_error(exc)]) from None
    file_name = invoice.original_name or "facture"

    context = deposit_context(supplier)
    errors = refusals_of(validate(data, file=file_name, platform=context))
    if errors:
        raise InvoiceRejected(errors[:MAX_ERRORS_PER_INVOICE])

    document = read(data)
    subject = Subject(document, context)
    recipient = Structure.objects.get(identifier_type=IdentifierType.SIRET, identifier=subject.recipient_siret)
    service = Service.objects.filter(structure=recipient, code=code).first() if code else None
    with transaction.atomic():
        # The supplier's deposits one at a time (as flows and entries), and this rejection
        # re-submitted at most once: the second of two concurrent re-submissions sees the first.
        Structure.objects.select_for_update().filter(pk=supplier.pk).exists()
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if not resubmittable(locked):
            raise NotResubmittable(number=invoice.number)
        deposit_recheck(subject=subject, number=locked.number, supplier=supplier, service=service)
        return invoice_deposit(
            actor=actor,
            document=document.invoice,
            data=data,
            file_name=file_name,
            supplier=supplier,
            recipient=recipient,
            service=service,
            deposit_mode=DepositMode(deposit_mode).value,
            syntax=document.format.value,
            billing_frame=locked.billing_frame,
            validator=locked.validator1,
            validator_service=locked.validator1_service,
            validator2=locked.validator2,
            validator2_service=locked.validator2_service,
        )


def _set_routing(document: DocumentInvoice, *, service_code: str, commitment_number: str) -> None:
    """BT-10 and BT-13 get the new values (absent when empty). A UBL invoice made for Chorus Pro
    may carry the service code in the buyer's ``Contact/ID`` instead of BT-10 (domain.md §4.6):
    that copy gets the new code too, so the document never says two different things."""
    old_code = document.service_code.normalized if document.service_code is not None else None
    document.buyer_reference = Value(service_code, None) if service_code else None
    document.purchase_order_reference = Value(commitment_number, None) if commitment_number else None
    contact = document.buyer.contact if document.buyer is not None else None
    if contact is not None and contact.id is not None and contact.id.normalized == old_code:
        contact.id = Value(service_code, None) if service_code else None


def _write_facturx(parsed: ParsedDocument) -> bytes:
    # A fresh rendering, so that the readable part shows the corrected references too; in French,
    # the language of the public recipients.
    from facturier.einvoice.writers import write_facturx

    return write_facturx(parsed.invoice, lang="fr")


_WRITERS: dict[Format, Any] = {
    Format.UBL: lambda parsed: write_ubl(parsed.invoice),
    Format.CII: lambda parsed: write_cii(parsed.invoice),
    Format.FACTURX: _write_facturx,
}


def _write_error(exc: Exception) -> dict[str, Any]:
    if isinstance(exc, EInvoiceError):
        return reader_error(ReportError.from_exception(exc))
    return finding("FR-SAI-08", (), "Le document corrigé ne peut pas être écrit : %s" % exc,
                   "The corrected document cannot be written: %s" % exc)
