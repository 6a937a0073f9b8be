"""Read-side queries of the notifications: who reads a structure's space, and what a user awaits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Exists, OuterRef, Q, QuerySet

from facturier.accounts.models import User
from facturier.invoices.lifecycle import validation_delay
from facturier.invoices.models import Invoice
from facturier.invoices.selectors import (
    SupplierAction,
    invoice_list_pending_validation,
    invoice_list_to_process,
    invoices_issued_to_act,
)
from facturier.structures.models import Attachment, SpaceSubscription, StructureSpace
from facturier.structures.selectors import actor_structure_ids
from facturier.structures.spaces import Space

from .audience import Role, Target

# The supplier's actions, in the order the digest lists them.
SUPPLIER_ACTIONS = (SupplierAction.RECYCLE, SupplierAction.COMPLETE, SupplierAction.ACKNOWLEDGE,
                    SupplierAction.RESUBMIT, SupplierAction.CORRECT_VALIDATOR)


def notifiable_users() -> QuerySet[User]:
    """People who opted in to activity e-mails (technical accounts read no mail)."""
    return User.objects.filter(is_active=True, notifications_enabled=True, kind=User.Kind.PERSON)


@dataclass
class Reader:
    user: User
    roles: list[Role] = field(default_factory=list)


def readers_of(targets: Iterable[Target], *, exclude_user_id: int | None = None) -> list[Reader]:
    """The opted-in users who follow each target structure's space: validly attached to the
    structure, with an active subscription to the space (either mode), the structure not having
    closed it (the rule of ``actor_structure_ids``). One reader per user, with all their roles."""
    targets = list(dict.fromkeys(targets))
    return readers_among(followers_of(targets), targets, exclude_user_id=exclude_user_id)


def followers_of(targets: Iterable[Target]) -> dict[tuple[int, str], list[User]]:
    """For each ``(structure id, space)`` of the targets, the users who follow it (the rule of
    :func:`readers_of`), by user id; one query for any number of targets (a batch of entries)."""
    keys = list(dict.fromkeys((t.structure_id, t.space) for t in targets))
    out: dict[tuple[int, str], list[User]] = {key: [] for key in keys}
    if not keys:
        return out
    wanted = reduce(or_, (Q(structure_id=structure_id, space=space) for structure_id, space in keys))
    attached = Attachment.objects.filter(
        user=OuterRef("user"), structure=OuterRef("structure"), status=Attachment.Status.VALIDATED
    )
    closed = StructureSpace.objects.filter(
        structure=OuterRef("structure"), space=OuterRef("space"), is_open=False
    )
    rows = (
        SpaceSubscription.objects.filter(wanted, status=SpaceSubscription.Status.ACTIVE,
                                         user__in=notifiable_users())
        .filter(Exists(attached)).exclude(Exists(closed))
        .select_related("user").order_by("user_id")
    )
    users: dict[int, User] = {}
    for row in rows:
        # One instance per user across the targets (a user following two of them is one reader).
        out[(row.structure_id, row.space)].append(users.setdefault(row.user_id, row.user))
    return out


def readers_among(followers: dict[tuple[int, str], list[User]], targets: Iterable[Target], *,
                  exclude_user_id: int | None = None) -> list[Reader]:
    """The readers of ``targets`` from :func:`followers_of` (which covered them), by user id, each
    with the roles of the targets they follow in the targets' order."""
    readers: dict[int, Reader] = {}
    for target in dict.fromkeys(targets):
        for user in followers[(target.structure_id, target.space)]:
            if user.pk == exclude_user_id:
                continue
            reader = readers.setdefault(user.pk, Reader(user))
            if target.role not in reader.roles:
                reader.roles.append(target.role)
    return [readers[pk] for pk in sorted(readers)]


@dataclass(frozen=True)
class StructureIds:
    """The structures a user follows, per space (``actor_structure_ids``)."""

    issued: frozenset[int]
    received: frozenset[int]
    to_validate: frozenset[int]

    @classmethod
    def of(cls, user: User) -> StructureIds:
        return cls(
            issued=frozenset(actor_structure_ids(actor=user, space=Space.FACTURES_EMISES)),
            received=frozenset(actor_structure_ids(actor=user, space=Space.FACTURES_RECUES)),
            to_validate=frozenset(actor_structure_ids(actor=user, space=Space.FACTURES_A_VALIDER)),
        )


@dataclass(frozen=True)
class Pending:
    """One kind of action waiting for a user: how many invoices, and the first ``listed``."""

    key: str
    space: Space
    count: int
    invoices: list[Invoice]


def pending_actions(*, user: User, now: dt.datetime, listed: int) -> list[Pending]:
    """What waits for ``user``, with the queries of the spaces' syntheses: received invoices to
    process, the supplier's actions (recycle, complete, acknowledge, re-submit, correct the
    validator), invoices to validate (nearest deadline first). Empty kinds are left out."""
    out = []
    to_process = invoice_list_to_process(actor=user).order_by("status_changed_at", "pk")
    out.append(Pending("to_process", Space.FACTURES_RECUES, to_process.count(), list(to_process[:listed])))
    by_action: dict[str, list[Invoice]] = {action: [] for action in SUPPLIER_ACTIONS}
    for item in invoices_issued_to_act(actor=user, now=now):
        for action in item.actions:
            by_action.setdefault(action, []).append(item.invoice)
    for action, invoices in by_action.items():
        out.append(Pending(action, Space.FACTURES_EMISES, len(invoices), invoices[:listed]))
    to_validate = invoice_list_pending_validation(actor=user)
    out.append(Pending("to_validate", Space.FACTURES_A_VALIDER, to_validate.count(),
                       list(to_validate[:listed])))
    return [pending for pending in out if pending.count]


def validation_deadline(invoice: Invoice) -> dt.datetime:
    """The moment the invoice moves on without the validator (tacit validation)."""
    return invoice.status_changed_at + validation_delay()
