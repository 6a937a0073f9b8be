"""One status enum, one transition table, one transition function (STYLE.md §3).

``TRANSITIONS`` maps ``(who, from) -> allowed targets``. This issue only needs the system's
integration moves; the lifecycle issue extends the table with the recipient's and the validators'
moves (domain.md §1.3) without touching ``invoice_transition``.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from facturier.audit.services import audit_log

from .enums import InvoiceStatus as S
from .errors import IllegalTransition
from .models import Invoice, InvoiceStatusChange

if TYPE_CHECKING:
    from facturier.accounts.models import User


class Mover(StrEnum):
    """Who makes a move. The transition function checks the move against this role's row."""

    SYSTEM = "system"  # integration, routing, timers


TRANSITIONS: Mapping[tuple[Mover, str], frozenset[str]] = {
    # Integration: deposited invoices are routed to the recipient's service (domain.md §1.3, §6);
    # an A2 invoice is already paid, so it goes straight to MISE_EN_PAIEMENT (domain.md §2.1).
    (Mover.SYSTEM, S.DEPOSEE): frozenset({S.MISE_A_DISPOSITION, S.MISE_EN_PAIEMENT}),
}


def allowed_targets(*, mover: Mover, current: str) -> frozenset[str]:
    return TRANSITIONS.get((mover, current), frozenset())


def invoice_transition(
    *,
    invoice: Invoice,
    to: str,
    actor: User | None,
    mover: Mover = Mover.SYSTEM,
    comment: str = "",
    expected: str | None = None,
) -> Invoice:
    """Move ``invoice`` to status ``to``, in one transaction.

    Locks the row, re-reads the current status, refuses a move the table does not allow
    (:class:`IllegalTransition`, HTTP 409), writes with ``update_fields``, appends a history row and
    an audit entry ``invoice.status.<to>``. Replaying a move that already happened (the invoice is
    already at ``to`` and ``expected`` is not contradicted) returns the invoice unchanged.
    """
    target = S(to)
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        current = locked.status
        if current == target and (expected is None or expected == current):
            return locked
        if (expected is not None and current != expected) or target not in allowed_targets(
            mover=mover, current=current
        ):
            raise IllegalTransition(current=current, target=target.value)
        now = timezone.now()
        locked.status = target.value
        locked.status_changed_at = now
        locked.save(update_fields=["status", "status_changed_at"])
        InvoiceStatusChange.objects.create(
            invoice=locked, status=target.value, previous_status=current, at=now, actor=actor, comment=comment
        )
        audit_log(
            actor=actor,
            action=f"invoice.status.{target.value.lower()}",
            obj=locked,
            data={"from": current, "to": target.value, "comment": comment, "mover": mover.value},
        )
    invoice.status, invoice.status_changed_at = locked.status, locked.status_changed_at
    return locked
