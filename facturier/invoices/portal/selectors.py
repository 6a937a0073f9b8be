"""Read-side queries of the entry pages: the recipients of the directory, their services, the
user's drafts and invoices, each scoped to what the user may see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from facturier.invoices.models import Invoice
from facturier.structures.models import Service, Structure
from facturier.structures.selectors import directory_search

from .models import InvoiceDraft

if TYPE_CHECKING:
    from facturier.accounts.models import User

SEARCH_LIMIT = 10


def structure_search(*, structures: QuerySet[Structure], query: str, limit: int = SEARCH_LIMIT) -> list[Structure]:
    """Those of ``structures`` whose identifier starts with the query's digits, or whose name
    contains it (at least two characters)."""
    query = (query or "").strip()
    if len(query) < 2:
        return []
    digits = "".join(query.split())
    if digits.isdigit():
        structures = structures.filter(identifier__startswith=digits)
    else:
        structures = structures.filter(Q(name__icontains=query) | Q(label__icontains=query))
    return list(structures[:limit])


def recipient_search(*, query: str, limit: int = SEARCH_LIMIT) -> list[Structure]:
    """Active public structures (the public directory) matching the query."""
    return structure_search(structures=directory_search(), query=query, limit=limit)


def validator_search(*, query: str, limit: int = SEARCH_LIMIT) -> list[Structure]:
    """Active structures, public or private (a main contractor is usually a company), matching
    the query: the validator autocomplete. Only directory data (name, identifier, city) are shown
    from it, as ``rechercherStructure`` shows them for every structure."""
    active = Structure.objects.filter(status=Structure.Status.ACTIVE).order_by("name", "pk")
    return structure_search(structures=active, query=query, limit=limit)


def recipient_by_identifier(*, identifier: str) -> Structure | None:
    """The active public structure with this identifier (spaces ignored), or ``None``."""
    value = "".join((identifier or "").split())
    if not value:
        return None
    return directory_search().filter(identifier=value).first()


def recipient_services(*, structure: Structure) -> list[Service]:
    """The services an invoice may be addressed to today (active and within their dates)."""
    today = timezone.localdate()
    services = Service.objects.filter(structure=structure, is_active=True).order_by("code")
    return [service for service in services if service.is_valid_on(today)]


def draft_list(*, owner: User, structure_ids: set[int]) -> QuerySet[InvoiceDraft]:
    return InvoiceDraft.objects.filter(owner=owner, supplier_id__in=structure_ids).select_related("supplier")


def draft_get(*, owner: User, structure_ids: set[int], draft_id: int) -> InvoiceDraft | None:
    return draft_list(owner=owner, structure_ids=structure_ids).filter(pk=draft_id).first()


def issued_invoice_get(*, structure_ids: set[int], invoice_id: int) -> Invoice | None:
    """An invoice issued by one of these structures."""
    return Invoice.objects.filter(supplier_id__in=structure_ids, pk=invoice_id).first()
