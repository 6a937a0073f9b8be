"""Read-side queries on flows, scoped to the actor (STYLE.md §6)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from facturier.structures.selectors import actor_structure_ids
from facturier.structures.spaces import Space

from .errors import FlowNotFound
from .models import Flow

if TYPE_CHECKING:
    from facturier.accounts.models import User


def flow_list_visible(*, actor: User) -> QuerySet[Flow]:
    """Flows the actor deposited, or deposited for its structures (« Suivi des flux »)."""
    ids = actor_structure_ids(actor=actor, space=Space.SUIVI_FLUX) | actor_structure_ids(
        actor=actor, space=Space.FACTURES_EMISES
    )
    return Flow.objects.filter(Q(depositor=actor) | Q(supplier_id__in=ids))


def flow_get_visible(*, actor: User, number: str) -> Flow:
    flow = flow_list_visible(actor=actor).filter(number=(number or "").strip()).first()
    if flow is None:
        raise FlowNotFound(number=number)
    return flow
