"""Absolute links for e-mails: a job has no request, so the site's address is a setting
(``FACTURIER_BASE_URL``)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from facturier.structures.spaces import Space

# The invoice page of each invoice space (``<int:pk>``).
INVOICE_PAGES: dict[Space, str] = {
    Space.FACTURES_EMISES: "invoices_portal:issued_detail",
    Space.FACTURES_RECUES: "invoices_portal:received_detail",
    Space.FACTURES_A_VALIDER: "invoices_portal:validation_invoice",
}

# Where each invoice space lists what waits for its user (the synthesis tab).
SYNTHESIS_PAGES: dict[Space, str] = {
    Space.FACTURES_EMISES: "invoices_portal:issued_synthesis",
    Space.FACTURES_RECUES: "invoices_portal:received_synthesis",
    Space.FACTURES_A_VALIDER: "invoices_portal:validation_pending",
}


def absolute(path: str) -> str:
    return settings.FACTURIER_BASE_URL.rstrip("/") + path


def synthesis_url(space: Space) -> str:
    return absolute(reverse(SYNTHESIS_PAGES[space]))


def invoice_url(*, invoice_id: int, space: Space) -> str:
    """The invoice's page in ``space``, where the reader sees it."""
    return absolute(reverse(INVOICE_PAGES[space], kwargs={"pk": invoice_id}))
