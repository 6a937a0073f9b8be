"""The platform directory (``facturier.einvoice.platform.Directory``) on the Django models."""

from __future__ import annotations

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
    its number may be deposited again (domain.md §4.5)."""

    def __init__(self, *, on: date) -> None:
        self.on = on
        self._recipients: dict[str, RecipientInfo | None] = {}

    def recipient(self, siret: str) -> RecipientInfo | None:
        if siret not in self._recipients:
            self._recipients[siret] = self._load(siret)
        return self._recipients[siret]

    def _load(self, siret: str) -> RecipientInfo | None:
        structure = (
            Structure.objects.filter(identifier_type=IdentifierType.SIRET, identifier=siret)
            .prefetch_related("services")
            .first()
        )
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

    def is_duplicate(self, key: DuplicateKey) -> str | None:
        first = duplicate_of(key)
        if first is None:
            return None
        flow = f", flux {first.flow.number}" if first.flow_id else ""
        return f"identifiantFactureCPP {first.pk}{flow}"


def duplicate_of(key: DuplicateKey) -> Invoice | None:
    """The first deposited invoice with this uniqueness key, if any."""
    condition = Q()
    for name, value in key:
        field = KEY_FIELDS[name]
        condition &= Q(**{field: int(value) if name == "year" else value})
    from facturier.invoices.lifecycle import resubmittable

    # A State service's SE/EJ rejection frees the number for one re-submission (domain.md §1.5).
    for invoice in Invoice.objects.filter(condition).select_related("flow").order_by("pk"):
        if not resubmittable(invoice):
            return invoice
    return None
