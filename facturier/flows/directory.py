"""The platform directory (``facturier.einvoice.platform.Directory``) on the Django models."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Q

from facturier.einvoice.platform import DuplicateKey, RecipientInfo, ServiceInfo
from facturier.invoices.models import Invoice
from facturier.structures.models import IdentifierType, Structure

# KEY_PARTS name → Invoice field it is compared with.
KEY_FIELDS = {
    "supplier": "supplier_identifier",
    "number": "number",
    "document_type": "document_type_code",
    "year": "issue_date__year",
    "issue_date": "issue_date",
    "recipient": "recipient_identifier",
}


class ModelDirectory:
    """Recipients are structures identified by SIRET; their services come with them. Previous
    invoices are the deposited ones: an entry the *platform* rejected never became an invoice, so
    its number may be deposited again (domain.md §4.5).

    Recipients are loaded once per directory (one flow run). :meth:`prefetch_duplicates` answers
    the duplicate rule for a whole batch of entries with one query; keys not prefetched are looked
    up one by one."""

    def __init__(self, *, on: date) -> None:
        self.on = on
        self._structures: dict[str, Structure | None] = {}
        self._recipients: dict[str, RecipientInfo | None] = {}
        self._duplicates: dict[DuplicateKey, Invoice | None] = {}

    def structure(self, siret: str) -> Structure | None:
        """The recipient structure with this SIRET, its services prefetched (``services.all()``)."""
        if siret not in self._structures:
            self._structures[siret] = (
                Structure.objects.filter(identifier_type=IdentifierType.SIRET, identifier=siret)
                .prefetch_related("services")
                .first()
            )
        return self._structures[siret]

    def recipient(self, siret: str) -> RecipientInfo | None:
        if siret not in self._recipients:
            self._recipients[siret] = self._load(siret)
        return self._recipients[siret]

    def _load(self, siret: str) -> RecipientInfo | None:
        structure = self.structure(siret)
        if structure is None:
            return None
        return RecipientInfo(
            siret=siret,
            name=structure.name,
            active=structure.is_active,
            service_code_required=structure.service_code_required,
            commitment_required=structure.commitment_required,
            commitment_or_service_required=structure.commitment_or_service_required,
            services={
                s.code: ServiceInfo(
                    code=s.code, name=s.name, active=s.is_valid_on(self.on), commitment_required=s.commitment_required
                )
                for s in structure.services.all()
            },
        )

    def prefetch_duplicates(self, keys: Iterable[DuplicateKey]) -> None:
        """Look the duplicates of these keys up at once (replacing what an earlier batch fetched)."""
        keys = set(keys)
        self._duplicates = {key: None for key in keys} | duplicates_of(keys)

    def is_duplicate(self, key: DuplicateKey) -> str | None:
        first = self._duplicates[key] if key in self._duplicates else duplicate_of(key)
        if first is None:
            return None
        flow = f", flux {first.flow.number}" if first.flow_id else ""
        return f"identifiantFactureCPP {first.pk}{flow}"


def duplicate_of(key: DuplicateKey) -> Invoice | None:
    """The first deposited invoice with this uniqueness key, if any."""
    return duplicates_of([key]).get(key)


def duplicates_of(keys: Iterable[DuplicateKey]) -> dict[DuplicateKey, Invoice]:
    """The first deposited invoice of each key that has one, in one query.

    The query narrows on the number (and the supplier when the key has it); the whole key is then
    compared here, part by part, as the ``KEY_FIELDS`` lookups compare it in the database."""
    keys = [key for key in set(keys) if key]
    if not keys:
        return {}
    parts = {name for key in keys for name, _ in key}
    condition = Q()
    for name in ("number", "supplier"):
        if name in parts:
            values = {value for key in keys for part, value in key if part == name}
            condition &= Q(**{f"{KEY_FIELDS[name]}__in": values})
    if not condition:  # neither number nor supplier in the key: one query per key
        return {key: first for key in keys if (first := _first_of(key)) is not None}
    wanted = set(keys)
    found: dict[DuplicateKey, Invoice] = {}
    from facturier.invoices.lifecycle import resubmittable

    for invoice in Invoice.objects.filter(condition).select_related("flow").order_by("pk"):
        for key in wanted - found.keys():
            # A State service's SE/EJ rejection frees the number for one re-submission (domain.md §1.5).
            if all(_key_value(invoice, name) == value for name, value in key) and not resubmittable(invoice):
                found[key] = invoice
    return found


def _key_value(invoice: Invoice, name: str) -> str | None:
    """What ``KEY_PARTS[name]`` gives for a document, read from a deposited invoice."""
    if name in ("year", "issue_date"):
        if invoice.issue_date is None:
            return None
        return str(invoice.issue_date.year) if name == "year" else invoice.issue_date.isoformat()
    return str(getattr(invoice, KEY_FIELDS[name]))


def _first_of(key: DuplicateKey) -> Invoice | None:
    condition = Q()
    for name, value in key:
        condition &= Q(**{KEY_FIELDS[name]: int(value) if name == "year" else value})
    from facturier.invoices.lifecycle import resubmittable

    for invoice in Invoice.objects.filter(condition).select_related("flow").order_by("pk"):
        if not resubmittable(invoice):
            return invoice
    return None
