"""Read-side queries of the flow pages, scoped to the structures a user reaches a space through.

Kept here (not in ``facturier.flows.selectors``) because they follow the portal's rule: a page
shows the flows *of the structures the user sees in that space*, so another structure's flow
answers 404 even when the user could reach it through another space.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.utils import translation

from facturier.flows import unpack
from facturier.flows.errors import FlowContentRejected
from facturier.flows.models import SYNTAX_FORMAT, Flow, FlowItem, FlowSyntax

if TYPE_CHECKING:
    from facturier.accounts.models import User

# How long the entry count of a pending flow is remembered (it never changes; the flow is final
# long before in any normal run).
_TOTAL_CACHE_SECONDS = 3600


def _scope(*, actor: User, structure_ids: set[int]) -> Q:
    """The flows of these structures, and those the actor deposited without a supplier (an
    ambiguous depositor: the structure comes from each invoice)."""
    return Q(supplier_id__in=structure_ids) | Q(depositor=actor, supplier__isnull=True)


@dataclass(frozen=True)
class FlowFilters:
    state: str = ""
    number: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def portal_flow_list(*, actor: User, structure_ids: set[int], filters: FlowFilters | None = None) -> QuerySet[Flow]:
    """Flows of a space page, newest first, with their current counts of processed items."""
    filters = filters or FlowFilters()
    flows = Flow.objects.filter(_scope(actor=actor, structure_ids=structure_ids))
    if filters.state:
        flows = flows.filter(state=filters.state)
    if filters.number:
        flows = flows.filter(number__icontains=filters.number.strip())
    if filters.date_from:
        flows = flows.filter(received_at__date__gte=filters.date_from)
    if filters.date_to:
        flows = flows.filter(received_at__date__lte=filters.date_to)
    return flows.annotate(
        n_integrated=Count("items", filter=Q(items__outcome=FlowItem.Outcome.INTEGRE)),
        n_rejected=Count("items", filter=Q(items__outcome=FlowItem.Outcome.REJETE)),
    ).order_by("-received_at", "-pk")


def portal_flow_get(*, actor: User, structure_ids: set[int], number: str) -> Flow | None:
    return (
        Flow.objects.filter(_scope(actor=actor, structure_ids=structure_ids), number=(number or "").strip())
        .select_related("supplier")
        .first()
    )


def flow_items(*, flow: Flow) -> list[FlowItem]:
    return list(FlowItem.objects.filter(flow=flow).select_related("invoice").order_by("index"))


@dataclass(frozen=True)
class FlowProgress:
    processed: int
    integrated: int
    rejected: int
    total: int | None  # None: not known (yet)

    def as_dict(self) -> dict[str, Any]:
        return {"traitees": self.processed, "integrees": self.integrated, "rejetees": self.rejected, "total": self.total}


def flow_progress(*, flow: Flow) -> FlowProgress:
    """Items processed so far, and the number of entries of the flow.

    The flow records its invoice count when it ends, and its entry count while it runs only when it
    is split into chunk tasks; otherwise the entries are counted here from the stored file (headers
    only, with the same caps as processing) and remembered."""
    counts = dict(
        FlowItem.objects.filter(flow=flow).values_list("outcome").annotate(n=Count("pk")).values_list("outcome", "n")
    )
    integrated = counts.get(FlowItem.Outcome.INTEGRE, 0)
    rejected = counts.get(FlowItem.Outcome.REJETE, 0)
    processed = integrated + rejected
    if flow.is_final:
        return FlowProgress(processed, integrated, rejected, max(flow.invoice_count, processed))
    total = flow.invoice_count or flow.entry_count or _entry_count(flow)
    return FlowProgress(processed, integrated, rejected, max(total, processed) if total else None)


def _entry_count(flow: Flow) -> int | None:
    key = f"flows:portal:entries:{flow.number}"
    total = cache.get(key)
    if total is None:
        try:
            with flow.file.open("rb") as handle:
                total = len(
                    unpack.preflight(
                        handle,
                        file_name=flow.file_name,
                        size=flow.size,
                        expected_format=SYNTAX_FORMAT[FlowSyntax(flow.syntax)],
                        limits=unpack.UnpackLimits.from_settings(),
                    )
                )
        except (FlowContentRejected, OSError, ValueError):
            total = 0  # the flow will end rejected as a whole: no entry to count
        cache.set(key, total, _TOTAL_CACHE_SECONDS)
    return total or None


def localized(message: dict[str, str] | str | None) -> str:
    """A ``{"fr", "en"}`` message of a report in the active language (French by default)."""
    if not message:
        return ""
    if isinstance(message, str):
        return message
    lang = (translation.get_language() or "fr")[:2]
    return message.get(lang) or message.get("fr") or next(iter(message.values()), "")
