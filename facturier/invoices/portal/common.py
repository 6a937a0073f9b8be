"""What the pages of the three invoice spaces (``received.py``, ``issued.py``, ``validation.py``)
say and show alike: a status's label, a refused move's message, a page of a list."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils.translation import gettext

from facturier.core.errors import DomainError
from facturier.invoices.enums import InvoiceStatus
from facturier.invoices.errors import IllegalTransition

PAGE_SIZE = 25


def status_label(status: str) -> str:
    """The status's label in the current language; an unknown code as it is."""
    return str(InvoiceStatus(status).label) if status in InvoiceStatus.values else status


def process_error_message(error: DomainError, *, expected: str | None) -> str:
    """The portal's message for a refused move: a status changed since the page was shown
    (``expected``, the status the user saw) is said as such, not as an illegal move, with the
    status the invoice has now. :class:`IllegalTransition` carries both the status the locked
    row had (``current``) and the move asked (``target``)."""
    if isinstance(error, IllegalTransition):
        current, target = str(error.params.get("current", "")), str(error.params.get("target", ""))
        if expected and current != expected:
            return gettext(
                "Le statut de la facture a changé entre-temps : elle est maintenant « %(current)s ». "
                "Rien n'a été modifié ; vérifiez-la puis recommencez."
            ) % {"current": status_label(current)}
        return gettext(
            "Une facture au statut « %(current)s » ne peut pas passer au statut « %(target)s »."
        ) % {"current": status_label(current), "target": status_label(target)}
    return str(error)


def page_context(request: HttpRequest, queryset: Any, per_page: int = PAGE_SIZE) -> dict[str, Any]:
    """One page of ``queryset`` (``?page=``) and the query string without ``page``, for
    ``portal/includes/pagination.html``."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {"page_obj": page, "invoices": list(page.object_list), "query": query.urlencode()}
