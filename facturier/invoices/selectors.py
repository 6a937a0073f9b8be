"""Read-side queries on invoices, scoped to what the actor may see (STYLE.md §6)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from facturier.structures.selectors import actor_structure_ids
from facturier.structures.spaces import Space

from .models import Invoice

if TYPE_CHECKING:
    from facturier.accounts.models import User


def invoice_list_issued(*, actor: User) -> QuerySet[Invoice]:
    """Invoices issued by the actor's structures (« Factures émises »), or deposited by the actor."""
    ids = actor_structure_ids(actor=actor, space=Space.FACTURES_EMISES)
    return Invoice.objects.filter(Q(supplier_id__in=ids) | Q(depositor=actor))
