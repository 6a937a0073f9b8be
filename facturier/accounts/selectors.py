"""Reads for accounts and membership. Every manager query starts from the structures the actor manages."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from facturier.audit.models import AuditEntry
from facturier.structures import validators
from facturier.structures.models import Attachment, SpaceSubscription, Structure
from facturier.structures.selectors import managed_structure_ids

from .models import Merger, User

MIN_SEARCH = 3
# Actions shown in a manager's history (membership.py writes them with structure_id(s) in data).
HISTORY_ACTIONS = (
    "attachment.requested",
    "attachment.validated",
    "attachment.refused",
    "subscription.requested",
    "subscription.approved",
    "subscription.refused",
    "structure.space.opened",
    "structure.space.closed",
    "structure.principal_manager.transferred",
    "structure.created",
    "structure.inactivated",
    "structure.activated",
    "user.rights.duplicated",
    "merger.started",
    "merger.manager.designated",
    "merger.users.moved",
    "merger.completed",
)


def structure_search(*, query: str, limit: int = 20) -> QuerySet[Structure]:
    """Active structures by SIRET (or SIREN, or any identifier) or by at least 3 characters of the name."""
    query = (query or "").strip()
    if len(query) < MIN_SEARCH:
        return Structure.objects.none()
    compact = validators.compact(query)
    return (
        Structure.objects.filter(status=Structure.Status.ACTIVE)
        .filter(Q(identifier__startswith=compact) | Q(name__icontains=query) | Q(label__icontains=query))
        .prefetch_related("services")
        .order_by("name", "pk")[:limit]
    )


def managed_structures(*, user: User, principal_only: bool = False) -> QuerySet[Structure]:
    return Structure.objects.filter(pk__in=managed_structure_ids(actor=user, principal_only=principal_only)).order_by(
        "name", "pk"
    )


def pending_attachments(*, manager: User) -> QuerySet[Attachment]:
    return (
        Attachment.objects.filter(
            structure_id__in=managed_structure_ids(actor=manager), status=Attachment.Status.PENDING
        )
        .select_related("user", "structure")
        .prefetch_related("services")
        .order_by("requested_at", "pk")
    )


def pending_subscriptions(*, manager: User) -> QuerySet[SpaceSubscription]:
    return (
        SpaceSubscription.objects.filter(
            structure_id__in=managed_structure_ids(actor=manager), status=SpaceSubscription.Status.PENDING
        )
        .select_related("user", "structure")
        .order_by("requested_at", "pk")
    )


def structure_members(*, manager: User) -> QuerySet[Attachment]:
    """Every attachment (any status) to the structures the manager manages."""
    return (
        Attachment.objects.filter(structure_id__in=managed_structure_ids(actor=manager))
        .select_related("user", "structure")
        .prefetch_related("services")
        .order_by("structure__name", "user__email")
    )


def member_users(*, manager: User) -> QuerySet[User]:
    return User.objects.filter(
        attachments__structure_id__in=managed_structure_ids(actor=manager), kind=User.Kind.PERSON
    ).distinct().order_by("email")


def manager_history(*, manager: User, limit: int = 200) -> list[AuditEntry]:
    """The journal entries about the structures the manager manages, newest first.

    Filtered in Python: the structure ids sit in the entries' JSON data, and SQLite has no JSON
    ``contains`` lookup. The action filter keeps the scan to membership entries.
    """
    ids = managed_structure_ids(actor=manager)
    if not ids:
        return []
    found: list[AuditEntry] = []
    structure_type = ContentType.objects.get_for_model(Structure)
    entries = AuditEntry.objects.filter(action__in=HISTORY_ACTIONS).order_by("-sequence")
    for entry in entries.iterator(chunk_size=500):
        data = entry.data or {}
        involved = set(data.get("structure_ids") or ()) | {data.get("structure_id")}
        if entry.object_type_id == structure_type.pk and entry.object_id.isdigit():
            involved.add(int(entry.object_id))  # entries written by the structures app
        if involved & ids:
            found.append(entry)
            if len(found) >= limit:
                break
    return found


def mergers_for(*, manager: User) -> QuerySet[Merger]:
    ids = managed_structure_ids(actor=manager)
    return (
        Merger.objects.filter(Q(absorbing_id__in=ids) | Q(absorbed_id__in=ids))
        .select_related("absorbing", "absorbed", "final_manager")
        .order_by("-started_at")
    )
