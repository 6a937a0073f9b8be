"""Which invoice an operation may read or act on, for the calling account (STYLE.md §6).

Reading starts from the actor's invoices in the role the operation serves (supplier: « Factures
émises », recipient: « Factures reçues », validator: « Factures à valider »); an invoice outside
them does not exist for the caller (codeRetour 20000, ``GDP_MSG_11.008``). Acting also needs the
modification mode of that space: a consultation-mode subscriber gets codeRetour 20001
(``GDP_MSG_11.005``, api.md §3.2). The lifecycle service then checks the move itself.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from facturier.core.errors import PermissionDenied
from facturier.invoices.errors import InvoiceNotFound
from facturier.invoices.models import Invoice
from facturier.invoices.selectors import (
    invoice_list_issued,
    invoice_list_received,
    invoice_list_to_validate,
    invoices_visible_to,
)
from facturier.structures.selectors import actor_structure_ids
from facturier.structures.spaces import Space

if TYPE_CHECKING:
    from facturier.accounts.models import User


class Role(StrEnum):
    SUPPLIER = "supplier"
    RECIPIENT = "recipient"
    VALIDATOR = "validator"


class ReadOnlyAccess(PermissionDenied):
    """The caller sees the invoice through a consultation-mode subscription only."""

    code = "invoice.read_only"
    libelle = "GDP_MSG_11.005"
    default_message = _(
        "Vous consultez cette facture sans pouvoir la traiter : l'abonnement à l'espace est en mode consultation."
    )


def invoices_for(*, actor: User, role: Role | None, modification: bool = False) -> QuerySet[Invoice]:
    if role == Role.SUPPLIER:
        if modification:
            ids = actor_structure_ids(actor=actor, space=Space.FACTURES_EMISES, modification=True)
            return Invoice.objects.filter(supplier_id__in=ids)
        return invoice_list_issued(actor=actor)
    if role == Role.RECIPIENT:
        return invoice_list_received(actor=actor, modification=modification)
    if role == Role.VALIDATOR:
        return invoice_list_to_validate(actor=actor, modification=modification)
    return invoices_visible_to(actor=actor)


def invoice_visible(*, actor: User, invoice_id: int, role: Role | None = None) -> Invoice:
    """The invoice if the caller sees it in ``role`` (any role when None), else InvoiceNotFound."""
    invoice = (
        invoices_for(actor=actor, role=role)
        .select_related("supplier", "recipient", "service", "validator1", "validator2", "flow", "depositor")
        .filter(pk=invoice_id)
        .first()
    )
    if invoice is None:
        raise InvoiceNotFound()
    return invoice


def invoice_to_act_on(*, actor: User, invoice_id: int, role: Role) -> Invoice:
    """The invoice if the caller may act on it in ``role`` (ReadOnlyAccess when it only sees it)."""
    invoice = invoice_visible(actor=actor, invoice_id=invoice_id, role=role)
    if not invoices_for(actor=actor, role=role, modification=True).filter(pk=invoice.pk).exists():
        raise ReadOnlyAccess()
    return invoice
