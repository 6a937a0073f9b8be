"""Wire formats shared by the « Factures » answers: dates, amounts, and the invoice fields every
search repeats (api.md §3.4, §10.6).

Dates, chosen for the strictest client (GO) and the official samples: business dates
(``dateDepot``, ``dateFacture``, ``dateValidation1``, ``dateTraitement``) ``YYYY-MM-DD``;
``dateHeureEtatCourant`` RFC 3339 with milliseconds and offset; history instants
(``histoStatutDatePassage``…) ``YYYY-MM-DD HH:MM``. Every date is in the server's time zone.
The last two are the structures' formats too: ``facturier.api.structures.rows.iso`` and ``minute``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from facturier.invoices.models import Invoice, InvoiceStatusChange


def amount(value: Decimal | float | None) -> float | None:
    """A JSON number (api.md §3.4), or null."""
    return float(value) if value is not None else None


def day(value: dt.date | dt.datetime | None) -> str | None:
    """``YYYY-MM-DD``; a datetime is read in the server's time zone."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = timezone.localdate(value)
    return value.isoformat()


def with_current_comment(queryset: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """Annotate ``current_comment``: the comment of the latest status change
    (``commentaireEtatCourant``), in the same query."""
    latest = InvoiceStatusChange.objects.filter(invoice=OuterRef("pk")).order_by("-at", "-pk").values("comment")[:1]
    return queryset.annotate(current_comment=Subquery(latest))


def current_comment(invoice: Invoice) -> str | None:
    return getattr(invoice, "current_comment", None) or None


def validator_fields(invoice: Invoice) -> dict[str, Any]:
    """The validators as the searches and ``cadreDeFacturation`` name them (codeValideur1,
    raisonSocialeValideur1…): A9/A10 main contractor (1) and co-contractor (2); A12 the group's
    representative (1). Structures have no first/last name: ``nomValideurN``/``prenomValideurN``
    are null."""
    fields: dict[str, Any] = {}
    for level in (1, 2):
        structure_id = getattr(invoice, f"validator{level}_id")
        structure = getattr(invoice, f"validator{level}") if structure_id else None
        fields.update({
            f"idValideur{level}": structure_id,
            f"codeValideur{level}": getattr(invoice, f"validator{level}_identifier") or None,
            f"typeIdentifiantValideur{level}": structure.identifier_type if structure is not None else None,
            f"raisonSocialeValideur{level}": getattr(invoice, f"validator{level}_name") or None,
            f"nomValideur{level}": None,
            f"prenomValideur{level}": None,
            f"dateValidation{level}": day(getattr(invoice, f"validated{level}_on")),
        })
    return fields


def creator_name(invoice: Invoice) -> str:
    user = invoice.depositor
    return f"{user.last_name} {user.first_name}".strip() or user.email
